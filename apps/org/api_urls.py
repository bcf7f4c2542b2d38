from rest_framework.routers import DefaultRouter

from apps.org import api

router = DefaultRouter()
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("employees", api.EmployeeViewSet, basename="employee")
router.register("positions", api.PositionViewSet, basename="position")
router.register("assignments", api.AssignmentViewSet, basename="assignment")

urlpatterns = router.urls
