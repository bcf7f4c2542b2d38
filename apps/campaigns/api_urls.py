from apps.campaigns import api
from apps.core.routers import Router

router = Router()
router.register("types", api.CampaignTypeViewSet, basename="campaign-type")
router.register("budget-increases", api.BudgetIncreaseViewSet, basename="budget-increase")
router.register("", api.CampaignViewSet, basename="campaign")

urlpatterns = router.urls
