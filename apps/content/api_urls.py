from rest_framework.routers import DefaultRouter

from apps.content import api

router = DefaultRouter()
router.register("items", api.ItemViewSet, basename="content-item")
router.register("review-queue", api.ReviewQueueViewSet, basename="content-review-queue")

urlpatterns = router.urls
