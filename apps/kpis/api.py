"""Appraisal endpoints (/api/v1/kpis/). Thin: the same selectors, services and policy
(apps.kpis.permissions) as the pages. Input serializers only parse; a bad field comes
back as 400 {"detail", "field"} through the core exception handler; every list is
paginated with a fixed number of queries."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core import files
from apps.core.errors import ApplicationError, NotFound
from apps.org.models import Department

from . import attendance, jobs, raters, selectors, services
from . import permissions as policy
from . import serializers as s
from .models import (
    Appeal,
    AppraisalCycle,
    AppraisalForm,
    AppraisalPolicy,
    AppraisalTemplate,
    ExportJob,
    FormItem,
    GradeBand,
    Indicator,
    PeerReview,
    TemplateItem,
    TemplateSection,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _first_error(errors, prefix=""):
    """(field path, message) of the first serializer error, e.g. ("sections.0.weight", …)."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = prefix if key in ("non_field_errors", "detail") else f"{prefix}{key}"
            found = _first_error(value, f"{name}." if name else "")
            if found:
                return found
        return None
    if isinstance(errors, list):
        for index, value in enumerate(errors):
            if isinstance(value, (dict, list)):
                found = _first_error(value, f"{prefix}{index}.")
                if found:
                    return found
            elif value:
                return prefix.rstrip(".") or None, str(value)
        return None
    return prefix.rstrip(".") or None, str(errors)


def _validated(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        field, message = _first_error(serializer.errors) or (None, _("Check the input."))
        raise ApplicationError(message, field=field)
    return dict(serializer.validated_data)


def _int_param(request, name):
    value = request.query_params.get(name, "")
    return int(value) if value.isdigit() else None


def _department_param(request):
    pk = _int_param(request, "department")
    return Department.objects.filter(pk=pk).first() if pk else None


# --- Configuration ----------------------------------------------------------------------


class IndicatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The indicator library (考核指标). Everyone signed in reads it; HR maintains it."""

    serializer_class = s.IndicatorSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        indicators = Indicator.objects.order_by("code")
        if self.request.query_params.get("active") in ("1", "true"):
            indicators = indicators.filter(is_active=True)
        kind = self.request.query_params.get("kind", "")
        if kind in Indicator.Kind.values:
            indicators = indicators.filter(kind=kind)
        return indicators

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", enum=Indicator.Kind.values),
            OpenApiParameter("active", bool),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.IndicatorInput, responses={201: s.IndicatorSerializer})
    def create(self, request):
        data = _validated(s.IndicatorInput, request.data)
        indicator = services.indicator_save(actor=request.user, data=data)
        return Response(s.IndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.IndicatorInput, responses={200: s.IndicatorSerializer})
    def partial_update(self, request, pk=None):
        indicator = self.get_object()
        data = _validated(s.IndicatorInput, request.data, instance=indicator, partial=True)
        indicator = services.indicator_save(actor=request.user, data=data, indicator=indicator)
        return Response(s.IndicatorSerializer(indicator).data)


class TemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Appraisal templates (考核模板) with their sections and weights. Saving one makes a
    new active version for the department and position (weights must total 100)."""

    serializer_class = s.TemplateSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        items = TemplateItem.objects.select_related("indicator")
        templates = (
            AppraisalTemplate.objects.select_related("department", "position")
            .prefetch_related(
                Prefetch(
                    "sections",
                    queryset=TemplateSection.objects.prefetch_related(
                        Prefetch("items", queryset=items)
                    ),
                )
            )
            .order_by("department__path", "position__sort_order", "-id")
        )
        if self.action == "list" and self.request.query_params.get("all") not in ("1", "true"):
            templates = templates.filter(is_active=True)
        department = _int_param(self.request, "department")
        if department:
            templates = templates.filter(department_id=department)
        position = _int_param(self.request, "position")
        if position:
            templates = templates.filter(position_id=position)
        return templates

    @extend_schema(
        parameters=[
            OpenApiParameter("department", int),
            OpenApiParameter("position", int),
            OpenApiParameter("all", bool, description="Include earlier (inactive) versions"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.TemplateInput, responses={201: s.TemplateSerializer})
    def create(self, request):
        data = _validated(s.TemplateInput, request.data)
        policy.require(
            policy.is_hr(request.user, data.get("department")),
            _("Only HR maintains appraisal templates."),
        )
        sections = [
            {**section, "items": [dict(item) for item in section["items"]]}
            for section in data["sections"]
        ]
        template = services.template_save(
            actor=request.user,
            department=data.get("department"),
            position=data["position"],
            name=data["name"],
            name_en=data.get("name_en", ""),
            rulebook=data.get("rulebook", ""),
            sections=sections,
            self_scored=data.get("self_scored", True),
        )
        return Response(
            s.TemplateSerializer(self.get_queryset().get(pk=template.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class GradeBandViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Grade bands (考核等级 → minimum score → 绩效奖金系数) of each department's policy.
    They are written with the policy (POST /policies/)."""

    serializer_class = s.GradeBandSerializer

    def get_queryset(self):
        bands = GradeBand.objects.select_related("policy").order_by(
            "policy__department__path", "-min_score"
        )
        department = _int_param(self.request, "department")
        if department:
            bands = bands.filter(policy__department_id=department)
        return bands

    @extend_schema(parameters=[OpenApiParameter("department", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class PolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Department appraisal policies: which cycles apply and their timings (when each
    opens, when each stage closes, checked against the real calendar and the rulebook),
    the appeal window and who rules on appeals, anonymity of peer reviews, the annual
    rule, a guide distribution, and the grade bands."""

    serializer_class = s.PolicySerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            AppraisalPolicy.objects.select_related("department")
            .prefetch_related("bands", "timings")
            .order_by("department__path")
        )

    @extend_schema(request=s.PolicyInput, responses={200: s.PolicySerializer})
    def create(self, request):
        """Create or replace the policy of a department (and its bands, when given)."""
        data = _validated(s.PolicyInput, request.data)
        department = data.pop("department")
        bands = data.pop("bands", None)
        timings = data.pop("timings", None)
        row = services.policy_save(
            actor=request.user,
            department=department,
            data=data,
            bands=None
            if bands is None
            else [(b["grade"], b["min_score"], b["bonus_coefficient"]) for b in bands],
            timings=None if timings is None else [dict(t) for t in timings],
        )
        return Response(s.PolicySerializer(self.get_queryset().get(pk=row.pk)).data)


# --- Cycles -----------------------------------------------------------------------------


class CycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Appraisal cycles (考核周期). HR sees and runs all of them; others see the cycles
    that have forms they may open."""

    serializer_class = s.CycleSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        cycles = AppraisalCycle.objects.order_by("-period_start", "kind")
        user = self.request.user
        if not policy.is_hr(user):
            cycles = cycles.filter(pk__in=policy.visible_forms(user).values("cycle_id"))
        return cycles

    @extend_schema(request=s.CycleOpenInput, responses={201: s.CycleSerializer})
    def create(self, request):
        """Open a cycle by hand (HR); its forms are created by a job on the worker."""
        data = _validated(s.CycleOpenInput, request.data)
        cycle = services.cycle_open(
            actor=request.user, kind=data["kind"], period_start=data["period_start"]
        )
        return Response(s.CycleSerializer(cycle).data, status=status.HTTP_201_CREATED)

    def _hr_cycle(self, pk):
        policy.require(policy.is_hr(self.request.user), _("Only HR runs appraisal cycles."))
        return get_object_or_404(AppraisalCycle, pk=pk)

    @extend_schema(request=None, responses={200: s.CycleSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        cycle = services.cycle_close(actor=request.user, cycle=self._hr_cycle(pk))
        return Response(s.CycleSerializer(cycle).data)

    @extend_schema(request=s.DepartmentScopeInput, responses={200: s.CountSerializer})
    @action(detail=True, methods=["post"])
    def aggregate(self, request, pk=None):
        """HR aggregation: weighted totals, grades and coefficients of handed-in forms."""
        data = _validated(s.DepartmentScopeInput, request.data)
        count = services.cycle_aggregate(
            actor=request.user, cycle=self._hr_cycle(pk), department=data.get("department")
        )
        return Response({"count": count, "detail": _("%(n)s forms aggregated.") % {"n": count}})

    @extend_schema(request=s.DepartmentScopeInput, responses={200: s.CountSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        data = _validated(s.DepartmentScopeInput, request.data)
        count = services.forms_release(
            actor=request.user, cycle=self._hr_cycle(pk), department=data.get("department")
        )
        return Response({"count": count, "detail": _("%(n)s results released.") % {"n": count}})

    @extend_schema(request=s.DepartmentScopeInput, responses={200: s.CountSerializer})
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        """Remind everyone late at the cycle's current stages."""
        data = _validated(s.DepartmentScopeInput, request.data)
        cycle = self._hr_cycle(pk)
        count = jobs.send_reminders(cycle_id=cycle.pk, department=data.get("department"))
        return Response({"count": count, "detail": _("%(n)s reminders sent.") % {"n": count}})

    @extend_schema(
        parameters=[OpenApiParameter("department", int)],
        responses={200: s.CycleProgressSerializer},
    )
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """Progress by stage and department and how many forms are late (HR)."""
        cycle = self._hr_cycle(pk)
        data = selectors.cycle_progress(cycle, department=_department_param(request))
        data["departments"] = [
            {k: v for k, v in row.items() if k != "cells"} for row in data["departments"]
        ]
        data["stages"] = [{**row, "label": str(row["label"])} for row in data["stages"]]
        return Response(s.CycleProgressSerializer(data).data)


# --- Forms ------------------------------------------------------------------------------


class FormViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Appraisal forms (考核表) you may open: your own, your reports', your departments'
    as an appraiser, all as HR. Results stay hidden from the employee until released."""

    serializer_class = s.FormSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AppraisalForm.objects.none()
        p = self.request.query_params
        cycle = AppraisalCycle.objects.filter(pk=_int_param(self.request, "cycle")).first()
        return selectors.form_list_for(
            self.request.user,
            cycle=cycle if p.get("cycle") else None,
            department=_department_param(self.request),
            state=p.get("state", "") if p.get("state") in AppraisalForm.State.values else "",
            text=p.get("q", "")[:100],
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}

    @extend_schema(
        parameters=[
            OpenApiParameter("cycle", int),
            OpenApiParameter("department", int, description="Includes its groups"),
            OpenApiParameter("state", enum=AppraisalForm.State.values),
            OpenApiParameter("q", str, description="Employee name or number"),
        ]
    )
    def list(self, request, *args, **kwargs):
        if request.query_params.get("cycle") and not _int_param(request, "cycle"):
            raise ApplicationError(_("Give a cycle id."), field="cycle")
        return super().list(request, *args, **kwargs)

    def _form(self, pk) -> AppraisalForm:
        try:
            form = selectors.form_for_page(pk)
        except (AppraisalForm.DoesNotExist, ValueError):
            raise NotFound(_("There is no appraisal here you may open.")) from None
        if not policy.can_view_form(self.request.user, form):
            raise NotFound(_("There is no appraisal here you may open."))
        return form

    def _detail(self, pk, code=status.HTTP_200_OK):
        form = self._form(pk)
        body = s.FormDetailSerializer(form, context={"user": self.request.user}).data
        return Response(body, status=code)

    @extend_schema(responses={200: s.FormDetailSerializer})
    def retrieve(self, request, pk=None):
        return self._detail(pk)

    @extend_schema(request=s.SelfAssessmentInput, responses={200: s.FormDetailSerializer})
    @action(detail=True, methods=["post"], url_path="self-assessment")
    def self_assessment(self, request, pk=None):
        """The employee's work summary (工作总结) and self-assessment (自评); `submit`
        hands it to peer review."""
        data = _validated(s.SelfAssessmentInput, request.data)
        services.form_save_self(
            actor=request.user,
            form=self._form(pk),
            tasks=data.get("tasks", ""),
            results=data.get("results", ""),
            problems=data.get("problems", ""),
            comment=data.get("comment", ""),
            scores=data.get("scores") or {},
            submit=data["submit"],
        )
        return self._detail(pk)

    @extend_schema(request=s.PeersInput, responses={200: s.FormDetailSerializer})
    @action(detail=True, methods=["post"])
    def peers(self, request, pk=None):
        """The supervisor or HR chooses colleagues for peer review (同事互评)."""
        data = _validated(s.PeersInput, request.data)
        services.peer_reviewers_assign(
            actor=request.user,
            form=self._form(pk),
            reviewers=list(data["reviewers"]),
            anonymous=data.get("anonymous"),
        )
        return self._detail(pk)

    @extend_schema(request=s.SupervisorScoreInput, responses={200: s.FormDetailSerializer})
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        """The supervisor's scores (上级评价) per indicator with comments; `submit` hands
        the form to HR."""
        data = _validated(s.SupervisorScoreInput, request.data)
        services.form_supervisor_score(
            actor=request.user,
            form=self._form(pk),
            scores=data["scores"],
            comments=data.get("comments") or {},
            comment=data.get("comment", ""),
            submit=data["submit"],
        )
        return self._detail(pk)

    @extend_schema(request=s.ActualInput, responses={200: s.FormDetailSerializer})
    @action(detail=True, methods=["post"])
    def actual(self, request, pk=None):
        """Type in the actual of a quantitative indicator (supervisor or HR); for a
        composite one, `parts`: the figure of each sub-measure."""
        data = _validated(s.ActualInput, request.data)
        form = self._form(pk)
        item = FormItem.objects.filter(form=form, pk=data["item"]).first()
        if item is None:
            raise ApplicationError(_("That indicator is not on this form."), field="item")
        services.item_set_actual(
            actor=request.user, item=item, actual=data.get("actual"), parts=data.get("parts")
        )
        return self._detail(pk)

    @extend_schema(request=s.AttendanceInput, responses={200: s.FormDetailSerializer})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """HR enters the period's attendance (考勤): days absent without leave, late
        arrivals, early departures; indicators scored from attendance are rescored."""
        data = _validated(s.AttendanceInput, request.data)
        attendance.attendance_record_set(actor=request.user, form=self._form(pk), **data)
        return self._detail(pk)

    @extend_schema(request=s.CalibrateInput, responses={200: s.FormDetailSerializer})
    @action(detail=True, methods=["post"])
    def calibrate(self, request, pk=None):
        """The manager confirms the result, or adjusts it with a required reason."""
        data = _validated(s.CalibrateInput, request.data)
        services.form_calibrate(
            actor=request.user,
            form=self._form(pk),
            total_score=data.get("total_score") or None,
            reason=data.get("reason", ""),
        )
        return self._detail(pk)

    @extend_schema(request=s.InterviewInput, responses={200: s.FormDetailSerializer})
    @action(detail=True, methods=["post"])
    def interview(self, request, pk=None):
        """The feedback interview (绩效面谈) and improvement plan (改进计划)."""
        data = _validated(s.InterviewInput, request.data)
        services.form_record_interview(
            actor=request.user,
            form=self._form(pk),
            notes=data["notes"],
            improvement_plan=data["improvement_plan"],
        )
        return self._detail(pk)

    @extend_schema(request=s.AppealInput, responses={201: s.FormDetailSerializer})
    @action(detail=True, methods=["post"])
    def appeal(self, request, pk=None):
        """The employee appeals (申诉) within the window, to whoever the department's
        appeal route names: its manager, or over them to the director (越级申诉: always
        where the route is the director's, refused where the manager's ruling is final)."""
        data = _validated(s.AppealInput, request.data)
        services.appeal_file(
            actor=request.user,
            form=self._form(pk),
            reason=data["reason"],
            skip_level=data["skip_level"],
        )
        return self._detail(pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.RulingInput, responses={200: s.FormDetailSerializer})
    @action(detail=True, methods=["post"])
    def ruling(self, request, pk=None):
        """The appraiser of the appeal's ruling department rules (裁决): the department's
        manager, or the director for a skip-level appeal; anyone else gets 403."""
        data = _validated(s.RulingInput, request.data)
        form = self._form(pk)
        appeal = Appeal.objects.filter(form=form).first()
        if appeal is None:
            raise NotFound(_("This result has not been appealed."))
        services.appeal_rule(
            actor=request.user,
            appeal=appeal,
            decision=data["decision"],
            reason=data["reason"],
            total_score=data.get("total_score") or None,
            investigation=data.get("investigation", ""),
        )
        return self._detail(pk)


# --- Peer reviews -----------------------------------------------------------------------


class PeerReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Peer reviews (同事互评). Without `form`: the reviews you were asked to write.
    With `form`: that form's reviews, if you may see its results. An anonymous review
    never shows its reviewer to the appraisee."""

    serializer_class = s.PeerReviewSerializer
    lookup_value_regex = r"\d+"

    def _base(self):
        return PeerReview.objects.select_related(
            "form__cycle", "form__employee", "form__department", "reviewer"
        ).prefetch_related("ratings")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PeerReview.objects.none()
        user = self.request.user
        form_id = _int_param(self.request, "form")
        if self.action == "list" and form_id:
            form = AppraisalForm.objects.select_related("employee").filter(pk=form_id).first()
            if form is None or not policy.can_view_form(user, form):
                raise NotFound(_("There is no appraisal here you may open."))
            if not policy.can_see_results(user, form):
                return PeerReview.objects.none()
            return self._base().filter(form=form).order_by("id")
        reviews = self._base().filter(reviewer__user=user)
        if self.request.query_params.get("pending") in ("1", "true"):
            reviews = reviews.filter(state=PeerReview.State.PENDING)
        return reviews.order_by("state", "-created_at", "-id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}

    def get_object(self):
        review = self._base().filter(pk=self.kwargs["pk"]).first()
        if review is None or not policy.can_view_peer_review(self.request.user, review):
            raise NotFound(_("There is no peer review here you may open."))
        return review

    @extend_schema(
        parameters=[
            OpenApiParameter("form", int, description="A form's reviews instead of yours"),
            OpenApiParameter("pending", bool),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _own(self, pk) -> PeerReview:
        """A review the caller was asked to write; anyone else gets 404."""
        review = self._base().filter(pk=pk, reviewer__user=self.request.user).first()
        if review is None:
            raise NotFound(_("There is no peer review here you may open."))
        return review

    @extend_schema(responses={200: s.PeerReviewItemsSerializer})
    @action(detail=True, methods=["get"])
    def items(self, request, pk=None):
        """The indicators you are asked to rate in this review (names, descriptions,
        scale and levels) with your scores so far: POST `scores` {id: 0–100} to
        submit/."""
        review = self._own(pk)
        given = {r.item_id: r.score for r in review.ratings.all()}
        items = raters.review_items(review)
        for item in items:
            item.rated_as = raters.colleague_role(item)
            item.score = given.get(item.pk)
        body = {
            "review": review.pk,
            "state": review.state,
            "appraisee": review.form.employee,
            "cycle_label": review.form.cycle.label,
            "items": items,
        }
        return Response(s.PeerReviewItemsSerializer(body).data)

    @extend_schema(request=s.PeerReviewInput, responses={200: s.PeerReviewSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit your scores (0–100) for every indicator of items/ and a comment.
        Scores for indicators you are not asked to rate are refused."""
        data = _validated(s.PeerReviewInput, request.data)
        review = self._base().filter(pk=pk, reviewer__user=request.user).first()
        if review is None:
            raise NotFound(_("There is no peer review here you may open."))
        services.peer_review_submit(
            actor=request.user,
            review=review,
            scores=data["scores"],
            comment=data.get("comment", ""),
        )
        return Response(
            s.PeerReviewSerializer(self.get_object(), context={"user": request.user}).data
        )


# --- Exports ----------------------------------------------------------------------------


class ExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """XLSX exports of the appraisal sheet, built by a worker: start one, poll its
    progress, download it when done. You see only the exports you asked for."""

    serializer_class = s.ExportSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExportJob.objects.none()
        return ExportJob.objects.filter(requested_by=self.request.user).order_by(
            "-created_at", "-id"
        )

    def get_object(self):
        job = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if job is None:
            raise NotFound(_("There is no export here you may open."))
        return job

    @extend_schema(request=s.ExportInput, responses={202: s.ExportSerializer})
    def create(self, request):
        data = _validated(s.ExportInput, request.data)
        job = services.request_export(
            actor=request.user, cycle=data["cycle"], department=data.get("department")
        )
        return Response(s.ExportSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The XLSX file"),
            404: OpenApiResponse(description="Not yours, or not ready yet"),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        if job.state != ExportJob.State.DONE or not job.file:
            raise NotFound(_("The file is not ready yet."))
        # The one checked way out for stored files (random name in, readable name out).
        return files.serve_kind(request, "kpi-export", job.pk)
