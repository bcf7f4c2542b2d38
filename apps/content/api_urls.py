from apps.content import api
from apps.core.routers import Router

router = Router()
router.register("items", api.ItemViewSet, basename="content-item")
router.register("review-queue", api.ReviewQueueViewSet, basename="content-review-queue")

urlpatterns = router.urls
