from rest_framework.routers import DefaultRouter

from apps.campaigns import api

router = DefaultRouter()
router.register("types", api.CampaignTypeViewSet, basename="campaign-type")
router.register("budget-increases", api.BudgetIncreaseViewSet, basename="budget-increase")
router.register("", api.CampaignViewSet, basename="campaign")

urlpatterns = router.urls
