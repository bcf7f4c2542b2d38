"""Training endpoints (/api/v1/training/). Thin: the same selectors, services and policy
as the pages; domain errors become {"detail", "field"} with their status."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api import Pagination
from apps.core.errors import NotFound
from apps.org.models import Employee
from apps.training import permissions as policy
from apps.training import selectors, services
from apps.training import serializers as s
from apps.training.models import (
    Category,
    DevelopmentPlan,
    Enrolment,
    Session,
    TrainingPlan,
)


def _validated(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.TrainingCategorySerializer
    queryset = Category.objects.filter(is_active=True)
    pagination_class = Pagination


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Annual training plans of departments you may see."""

    pagination_class = Pagination

    def get_serializer_class(self):
        return s.TrainingPlanListSerializer if self.action == "list" else s.TrainingPlanSerializer

    def get_queryset(self):
        p = self.request.query_params
        return selectors.plan_list_for(
            self.request.user,
            year=int(p["year"]) if p.get("year", "").isdigit() else None,
            state=p.get("state") if p.get("state") in TrainingPlan.State.values else "",
        )

    @extend_schema(parameters=[OpenApiParameter("year", int), OpenApiParameter("state", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        try:
            plan = selectors.plan_for_page(self.kwargs["pk"])
        except (TrainingPlan.DoesNotExist, ValueError):
            raise Http404 from None
        policy.require(policy.can_view_plan(self.request.user, plan))
        return plan

    def _out(self, plan, code=status.HTTP_200_OK):
        return Response(
            s.TrainingPlanSerializer(selectors.plan_for_page(plan.pk)).data, status=code
        )

    @extend_schema(request=s.TrainingPlanInput, responses={201: s.TrainingPlanSerializer})
    def create(self, request):
        plan = services.plan_create(
            actor=request.user, **_validated(s.TrainingPlanInput, request.data)
        )
        return self._out(plan, status.HTTP_201_CREATED)

    @extend_schema(request=s.TrainingCourseInput, responses={201: s.TrainingCourseSerializer})
    @action(detail=True, methods=["post"])
    def courses(self, request, pk=None):
        data = _validated(s.TrainingCourseInput, request.data)
        data["audience_positions"] = list(data.get("audience_positions", []))
        data["audience_people"] = list(data.get("audience_people", []))
        course = services.course_add(
            actor=request.user, plan=self.get_object(), data=services.CourseData(**data)
        )
        return Response(s.TrainingCourseSerializer(course).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.TrainingPlanSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._out(services.plan_submit(actor=request.user, plan=self.get_object()))

    @extend_schema(request=s.TrainingDecisionInput, responses={200: s.TrainingPlanSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = _validated(s.TrainingDecisionInput, request.data)
        return self._out(services.plan_approve(actor=request.user, plan=self.get_object(), **data))

    @extend_schema(request=s.TrainingDecisionInput, responses={200: s.TrainingPlanSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        data = _validated(s.TrainingDecisionInput, request.data)
        return self._out(services.plan_return(actor=request.user, plan=self.get_object(), **data))


class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sessions open to you; enrolment, attendance, feedback and results."""

    serializer_class = s.TrainingSessionSerializer
    pagination_class = Pagination

    def get_queryset(self):
        p = self.request.query_params
        return selectors.session_list_for(
            self.request.user,
            date_from=p.get("from") or None,
            date_to=p.get("to") or None,
            state=p.get("state") if p.get("state") in Session.State.values else "",
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="Starting on or after (YYYY-MM-DD)"),
            OpenApiParameter("to", str, description="Starting on or before (YYYY-MM-DD)"),
            OpenApiParameter("state", str),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        session = get_object_or_404(
            Session.objects.select_related("department"), pk=self.kwargs["pk"]
        )
        policy.require(policy.can_view_session(self.request.user, session))
        return session

    @extend_schema(request=s.TrainingSessionInput, responses={201: s.TrainingSessionSerializer})
    def create(self, request):
        data = _validated(s.TrainingSessionInput, request.data)
        course, department = data.pop("course", None), data.pop("department", None)
        session = services.session_schedule(
            actor=request.user,
            course=course,
            department=department,
            data=services.SessionData(**data),
        )
        return Response(s.TrainingSessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.TrainingEnrolmentSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=Pagination)
    def enrolments(self, request, pk=None):
        session = self.get_object()
        policy.require(policy.can_run_session(request.user, session))
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.enrolments_of(session), request, view=self)
        return paginator.get_paginated_response(s.TrainingEnrolmentSerializer(page, many=True).data)

    @extend_schema(request=s.TrainingEnrolInput, responses={201: s.TrainingEnrolmentSerializer})
    @action(detail=True, methods=["post"])
    def enrol(self, request, pk=None):
        data = _validated(s.TrainingEnrolInput, request.data)
        employee = data.get("employee") or policy.employee_of(request.user)
        if employee is None:
            raise NotFound("Your login is not linked to an employee.")
        enrolment = services.enrolment_create(
            actor=request.user, session=self.get_object(), employee=employee
        )
        return Response(
            s.TrainingEnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.TrainingAttendanceInput, responses={200: s.TrainingSessionSerializer})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        data = _validated(s.TrainingAttendanceInput, request.data)
        session = services.attendance_record(
            actor=request.user, session=self.get_object(), attended_ids=data["attended"]
        )
        return Response(s.TrainingSessionSerializer(session).data)

    @extend_schema(request=s.TrainingFeedbackInput, responses={201: s.TrainingFeedbackSerializer})
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        data = _validated(s.TrainingFeedbackInput, request.data)
        session = self.get_object()
        enrolment = Enrolment.objects.filter(session=session, employee__user=request.user).first()
        if enrolment is None:
            raise policy.PermissionDenied("Only people who attended the session give feedback.")
        feedback = services.feedback_submit(actor=request.user, enrolment=enrolment, **data)
        return Response(s.TrainingFeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)


class EnrolmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your own enrolments (cancel one; record an attendee's result)."""

    serializer_class = s.TrainingEnrolmentSerializer
    pagination_class = Pagination

    def get_queryset(self):
        employee = policy.employee_of(self.request.user)
        if employee is None:
            return Enrolment.objects.none()
        return selectors.my_enrolments(employee)

    def _enrolment(self, pk):
        return get_object_or_404(
            Enrolment.objects.select_related("session__department", "employee__supervisor"), pk=pk
        )

    @extend_schema(request=None, responses={200: s.TrainingEnrolmentSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        enrolment = services.enrolment_cancel(actor=request.user, enrolment=self._enrolment(pk))
        return Response(s.TrainingEnrolmentSerializer(enrolment).data)

    @extend_schema(request=s.TrainingResultInput, responses={200: s.TrainingResultSerializer})
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        data = _validated(s.TrainingResultInput, request.data)
        result = services.result_record(actor=request.user, enrolment=self._enrolment(pk), **data)
        return Response(s.TrainingResultSerializer(result).data)


class AssignmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Required training: yours, your reports' and your departments'."""

    serializer_class = s.TrainingAssignmentSerializer
    pagination_class = Pagination

    def get_queryset(self):
        p = self.request.query_params
        return selectors.assignment_list_for(
            self.request.user, state=p.get("state", ""), overdue=p.get("overdue") == "1"
        )


class DevelopmentPlanViewSet(viewsets.GenericViewSet):
    """Career development plans, addressed by the employee's id."""

    serializer_class = s.TrainingDevelopmentPlanSerializer
    queryset = DevelopmentPlan.objects.none()
    lookup_url_kwarg = "employee_pk"

    def _employee(self):
        employee = get_object_or_404(
            Employee.objects.select_related("supervisor"), pk=self.kwargs["employee_pk"]
        )
        policy.require(policy.can_view_development(self.request.user, employee))
        return employee

    def _out(self, employee, code=status.HTTP_200_OK):
        plan = selectors.development_plan_of(employee)
        if plan is None:
            raise Http404
        return Response(s.TrainingDevelopmentPlanSerializer(plan).data, status=code)

    def retrieve(self, request, employee_pk=None):
        return self._out(self._employee())

    @extend_schema(
        request=s.TrainingDevelopmentPlanInput, responses={200: s.TrainingDevelopmentPlanSerializer}
    )
    def update(self, request, employee_pk=None):
        employee = self._employee()
        data = _validated(s.TrainingDevelopmentPlanInput, request.data)
        data["courses"] = list(data.get("courses", []))
        services.development_plan_save(
            actor=request.user, employee=employee, data=services.DevelopmentData(**data)
        )
        return self._out(employee)

    @extend_schema(request=s.TrainingGoalInput, responses={201: s.TrainingGoalSerializer})
    @action(detail=True, methods=["post"])
    def goals(self, request, employee_pk=None):
        plan = get_object_or_404(DevelopmentPlan, employee=self._employee())
        goal = services.goal_add(
            actor=request.user, plan=plan, **_validated(s.TrainingGoalInput, request.data)
        )
        return Response(s.TrainingGoalSerializer(goal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.TrainingConversationInput, responses={201: s.TrainingConversationSerializer}
    )
    @action(detail=True, methods=["post"])
    def conversations(self, request, employee_pk=None):
        plan = get_object_or_404(DevelopmentPlan, employee=self._employee())
        conversation = services.conversation_record(
            actor=request.user, plan=plan, **_validated(s.TrainingConversationInput, request.data)
        )
        return Response(
            s.TrainingConversationSerializer(conversation).data, status=status.HTTP_201_CREATED
        )
