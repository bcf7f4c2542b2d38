"""Org endpoints (/api/v1/org/). Thin: the same selectors, services and policy as the pages."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from guardian.models import UserObjectPermission
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.org import escalation, selectors, services
from apps.org import permissions as policy
from apps.org.authorities import Authority
from apps.org.models import Assignment, Department, Position, Post, PowerRequest
from apps.org.serializers import (
    AssignmentCreateSerializer,
    AssignmentEndSerializer,
    AssignmentSerializer,
    DelegationCreateSerializer,
    DelegationSerializer,
    DepartmentCreateSerializer,
    DepartmentSerializer,
    DepartmentUpdateSerializer,
    EmployeeCreateSerializer,
    EmployeeSerializer,
    PositionSerializer,
    PostAuthoritySetSerializer,
    PostSerializer,
    PowerRequestDecisionSerializer,
    PowerRequestSerializer,
)


def _accepted(power_request: PowerRequest) -> Response:
    """202: the change was not made; it waits for a second person's approval."""
    return Response(PowerRequestSerializer(power_request).data, status=status.HTTP_202_ACCEPTED)


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

    @extend_schema(
        request=AssignmentCreateSerializer,
        responses={201: AssignmentSerializer, 202: PowerRequestSerializer},
    )
    def create(self, request):
        data = _validated(AssignmentCreateSerializer, request.data)
        result = services.assignment_create(actor=request.user, **data)
        if isinstance(result, PowerRequest):
            return _accepted(result)
        return Response(AssignmentSerializer(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignmentEndSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        assignment = get_object_or_404(self.get_queryset(), pk=pk)
        data = _validated(AssignmentEndSerializer, request.data)
        assignment = services.assignment_end(actor=request.user, assignment=assignment, **data)
        return Response(AssignmentSerializer(assignment).data)


class PostViewSet(viewsets.ReadOnlyModelViewSet):
    """Posts (a position offered in a department) with their authorities, in the
    departments you may see."""

    serializer_class = PostSerializer

    def get_queryset(self):
        return (
            Post.objects.filter(policy.department_q(self.request.user, Authority.VIEW_DEPARTMENT))
            .prefetch_related("authorities")
            .order_by("department__path", "position__sort_order")
        )

    @extend_schema(
        request=PostAuthoritySetSerializer,
        responses={200: PostSerializer, 202: PowerRequestSerializer},
    )
    @action(detail=True, methods=["post"])
    def authorities(self, request, pk=None):
        """Grant (scope) or revoke (scope null) one authority of the post. A grant
        beyond your own powers is not made: 202 with the request awaiting approval."""
        post = self.get_object()
        data = _validated(PostAuthoritySetSerializer, request.data)
        result = services.post_authority_set(actor=request.user, post=post, **data)
        if isinstance(result, PowerRequest):
            return _accepted(result)
        return Response(PostSerializer(self.get_queryset().get(pk=post.pk)).data)


class DelegationViewSet(viewsets.GenericViewSet):
    """Delegations (object grants on a department, reaching its groups), for those
    who manage the organisation there."""

    serializer_class = DelegationSerializer

    # Delegations are read per department (list); this only names the model, without a
    # query (the schema is also generated where no table exists yet).
    queryset = UserObjectPermission.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("department", int, required=True)],
        responses={200: DelegationSerializer(many=True)},
    )
    def list(self, request):
        department = get_object_or_404(
            Department, pk=_id_param(request.query_params.get("department"))
        )
        policy.require_authority(request.user, Authority.MANAGE_ORG, department)
        page = self.paginate_queryset(policy.delegations_in(department))
        return self.get_paginated_response(DelegationSerializer(page, many=True).data)

    @extend_schema(
        request=DelegationCreateSerializer,
        responses={201: DelegationSerializer, 202: PowerRequestSerializer},
    )
    def create(self, request):
        data = _validated(DelegationCreateSerializer, request.data)
        result = services.delegation_grant(actor=request.user, **data)
        if isinstance(result, PowerRequest):
            return _accepted(result)
        row = policy.delegations_in(data["department"]).get(
            user=data["user"], permission__codename=data["authority"]
        )
        return Response(DelegationSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DelegationCreateSerializer, responses={204: None})
    @action(detail=False, methods=["post"])
    def revoke(self, request):
        data = _validated(DelegationCreateSerializer, request.data)
        services.delegation_revoke(actor=request.user, **data)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _id_param(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


class PowerRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Requests to raise powers: your own, and those you may decide (?to_decide=1)."""

    serializer_class = PowerRequestSerializer

    @extend_schema(
        parameters=[OpenApiParameter("to_decide", bool, description="Only those waiting for you")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PowerRequest.objects.none()
        user = self.request.user
        decidable = [r.pk for r in escalation.power_requests_to_decide(user)]
        if self.request.query_params.get("to_decide") in ("1", "true"):
            queryset = PowerRequest.objects.filter(pk__in=decidable)
        else:
            queryset = PowerRequest.objects.filter(Q(requested_by=user) | Q(pk__in=decidable))
        return queryset.select_related("requested_by", "decided_by")

    def _decide(self, request, pk, service):
        power_request = get_object_or_404(PowerRequest, pk=pk)
        data = _validated(PowerRequestDecisionSerializer, request.data)
        power_request = service(actor=request.user, request=power_request, **data)
        return Response(PowerRequestSerializer(power_request).data)

    @extend_schema(request=PowerRequestDecisionSerializer, responses={200: PowerRequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve and apply (a second person who holds the requested powers)."""
        return self._decide(request, pk, services.power_request_approve)

    @extend_schema(request=PowerRequestDecisionSerializer, responses={200: PowerRequestSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._decide(request, pk, services.power_request_refuse)
