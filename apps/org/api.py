"""Org endpoints (/api/v1/org/). Thin: the same selectors, services and policy as the pages."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.org import permissions as policy
from apps.org import selectors, services
from apps.org.authorities import Authority
from apps.org.models import Assignment, Department, Position
from apps.org.serializers import (
    AssignmentCreateSerializer,
    AssignmentEndSerializer,
    AssignmentSerializer,
    DepartmentCreateSerializer,
    DepartmentSerializer,
    DepartmentUpdateSerializer,
    EmployeeCreateSerializer,
    EmployeeSerializer,
    PositionSerializer,
)


def _validated(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Departments where you hold the 知情权 (view_department)."""

    serializer_class = DepartmentSerializer

    def get_queryset(self):
        return policy.departments_where(self.request.user, Authority.VIEW_DEPARTMENT).order_by(
            "path"
        )

    @extend_schema(request=DepartmentCreateSerializer, responses={201: DepartmentSerializer})
    def create(self, request):
        data = _validated(DepartmentCreateSerializer, request.data)
        department = services.department_create(actor=request.user, **data)
        return Response(DepartmentSerializer(department).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DepartmentUpdateSerializer, responses={200: DepartmentSerializer})
    def partial_update(self, request, pk=None):
        department = self.get_object()
        data = _validated(DepartmentUpdateSerializer, request.data)
        department = services.department_update(actor=request.user, department=department, **data)
        return Response(DepartmentSerializer(department).data)

    @extend_schema(responses={200: None})
    def destroy(self, request, pk=None):
        department = self.get_object()
        outcome = services.department_delete(actor=request.user, department=department)
        return Response({"result": outcome})


class EmployeeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """People you may see: yourself, your reports, and your departments' people."""

    serializer_class = EmployeeSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search by name, number, login or e-mail"),
            OpenApiParameter("department", int, description="Department id (includes its groups)"),
            OpenApiParameter("position", int, description="Position id"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        department = position = None
        if params.get("department", "").isdigit():
            department = Department.objects.filter(pk=params["department"]).first()
        if params.get("position", "").isdigit():
            position = Position.objects.filter(pk=params["position"]).first()
        return selectors.employee_list_for(
            self.request.user,
            search=params.get("q", "")[:100],
            department=department,
            position=position,
        )

    @extend_schema(request=EmployeeCreateSerializer, responses={201: EmployeeSerializer})
    def create(self, request, *args, **kwargs):
        data = _validated(EmployeeCreateSerializer, request.data)
        employee = services.employee_create(actor=request.user, **data)
        employee.current_assignments = []
        return Response(EmployeeSerializer(employee).data, status=status.HTTP_201_CREATED)


class PositionViewSet(viewsets.ReadOnlyModelViewSet):
    """The position catalogue with each position's default authorities."""

    serializer_class = PositionSerializer

    def get_queryset(self):
        return selectors.position_list()


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Assignments (position history) of the people you may see."""

    serializer_class = AssignmentSerializer

    def get_queryset(self):
        queryset = Assignment.objects.filter(
            employee__in=policy.visible_employees(self.request.user)
        ).select_related("post__department", "post__position")
        employee = self.request.query_params.get("employee", "")
        if employee.isdigit():
            queryset = queryset.filter(employee_id=employee)
        return queryset.order_by("-start_date", "-id")

    @extend_schema(request=AssignmentCreateSerializer, responses={201: AssignmentSerializer})
    def create(self, request):
        data = _validated(AssignmentCreateSerializer, request.data)
        assignment = services.assignment_create(actor=request.user, **data)
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignmentEndSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        assignment = get_object_or_404(self.get_queryset(), pk=pk)
        data = _validated(AssignmentEndSerializer, request.data)
        assignment = services.assignment_end(actor=request.user, assignment=assignment, **data)
        return Response(AssignmentSerializer(assignment).data)
