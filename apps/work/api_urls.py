from rest_framework.routers import SimpleRouter

from apps.work import api

router = SimpleRouter()
router.register("suggestions", api.SuggestionViewSet, basename="work-suggestion")
router.register("coordination", api.CoordinationViewSet, basename="work-coordination")
router.register("channel-bookings", api.BookingViewSet, basename="work-booking")

urlpatterns = router.urls
