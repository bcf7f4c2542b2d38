from apps.core.routers import Router
from apps.org import api

router = Router()
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("employees", api.EmployeeViewSet, basename="employee")
router.register("positions", api.PositionViewSet, basename="position")
router.register("assignments", api.AssignmentViewSet, basename="assignment")
router.register("posts", api.PostViewSet, basename="post")
router.register("delegations", api.DelegationViewSet, basename="delegation")
router.register("power-requests", api.PowerRequestViewSet, basename="power-request")

urlpatterns = router.urls
