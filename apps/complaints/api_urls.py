from django.urls import path

from apps.complaints import api
from apps.core.routers import PlainRouter

router = PlainRouter()
router.register("tasks", api.TaskViewSet, basename="complaint-task")
router.register("categories", api.CategoryViewSet, basename="complaint-category")
router.register("sla-policies", api.SlaPolicyViewSet, basename="complaint-sla")
router.register("", api.ComplaintViewSet, basename="complaint")

urlpatterns = [
    path("public/", api.public_submit, name="complaint-public-submit"),
    path("public/captcha/", api.public_captcha, name="complaint-public-captcha"),
    path("stats/", api.stats, name="complaint-stats"),
    path("track/<str:token>/", api.track, name="complaint-track"),
    path("track/<str:token>/information/", api.track_information, name="complaint-track-info"),
    path("track/<str:token>/confirm/", api.track_confirm, name="complaint-track-confirm"),
    path(
        "track/<str:token>/not-satisfied/",
        api.track_not_satisfied,
        name="complaint-track-not-satisfied",
    ),
    *router.urls,
]
