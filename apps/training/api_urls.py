from django.urls import path

from apps.core.routers import Router
from apps.training import api

router = Router()
router.register("categories", api.CategoryViewSet, basename="training-category")
router.register("plans", api.PlanViewSet, basename="training-plan")
router.register("sessions", api.SessionViewSet, basename="training-session")
router.register("enrolments", api.EnrolmentViewSet, basename="training-enrolment")
router.register("required", api.AssignmentViewSet, basename="training-assignment")

development = api.DevelopmentPlanViewSet
urlpatterns = [
    *router.urls,
    path(
        "development/<int:employee_pk>/",
        development.as_view({"get": "retrieve", "put": "update"}),
        name="training-development",
    ),
    path(
        "development/<int:employee_pk>/goals/",
        development.as_view({"post": "goals"}),
        name="training-development-goals",
    ),
    path(
        "development/<int:employee_pk>/conversations/",
        development.as_view({"post": "conversations"}),
        name="training-development-conversations",
    ),
]
