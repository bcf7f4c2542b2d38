from apps.core.routers import Router
from apps.kpis import api

router = Router()
router.register("indicators", api.IndicatorViewSet, basename="kpi-indicator")
router.register("templates", api.TemplateViewSet, basename="kpi-template")
router.register("grade-bands", api.GradeBandViewSet, basename="kpi-grade-band")
router.register("policies", api.PolicyViewSet, basename="kpi-policy")
router.register("cycles", api.CycleViewSet, basename="kpi-cycle")
router.register("forms", api.FormViewSet, basename="kpi-form")
router.register("peer-reviews", api.PeerReviewViewSet, basename="kpi-peer-review")
router.register("exports", api.ExportViewSet, basename="kpi-export")

urlpatterns = router.urls
