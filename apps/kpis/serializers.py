"""API shapes of appraisals. Input serializers (…Input) only parse and type-check; every
rule lives in apps.kpis.services. Output serializers never decide visibility on their
own: the API passes what the policy (apps.kpis.permissions) allows through `context`
(`user`), and an anonymous peer review never carries its reviewer to the appraisee."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.org.models import Department, Employee, Position

from . import permissions as policy
from . import scoring
from .models import (
    COLLEAGUE_ROLES,
    Appeal,
    AppealRoute,
    AppraisalCycle,
    AppraisalForm,
    AppraisalPolicy,
    AppraisalTemplate,
    CycleKind,
    CycleTiming,
    ExportJob,
    FormItem,
    GradeBand,
    Indicator,
    PeerReview,
    RaterRole,
    Raters,
    TemplateItem,
    TemplateSection,
)

SCORE = {"max_digits": 6, "decimal_places": 2}
VALUE = {"max_digits": 16, "decimal_places": 4}


def choice(choices, **kwargs):
    """A read-only choice in output: its values are listed in the field's description
    rather than as a shared enum component, since several apps have a `state` or `kind`
    of their own and shared enum names would collide in the schema."""
    values = ", ".join(str(c[0]) for c in choices)
    field_class = extend_schema_field({"type": "string", "description": f"One of: {values}"})(
        type("ChoiceOutField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices, read_only=True, **kwargs)


# --- Small references -------------------------------------------------------------------


class EmployeeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employee
        fields = ["id", "employee_no", "name"]


class DepartmentRefSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Department
        fields = ["id", "code", "label"]


class PositionRefSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Position
        fields = ["id", "code", "label"]


# --- Configuration: output --------------------------------------------------------------


class IndicatorSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    kind = choice(Indicator.Kind.choices)
    source = choice(Indicator.Source.choices)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "label",
            "description",
            "kind",
            "unit",
            "formula",
            "rule",
            "floor",
            "cap",
            "bands",
            "scale_max",
            "levels",
            "source",
            "auto_source",
            "components",
            "is_active",
        ]


class TemplateItemSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    raters = choice(Raters.choices)

    class Meta:
        model = TemplateItem
        fields = ["id", "indicator", "weight", "target", "part_targets", "raters", "order"]


class TemplateSectionSerializer(serializers.ModelSerializer):
    items = TemplateItemSerializer(many=True, read_only=True)
    label = serializers.CharField(read_only=True)

    class Meta:
        model = TemplateSection
        fields = [
            "id",
            "name",
            "name_en",
            "label",
            "order",
            "weight",
            "supervisor_share",
            "peer_share",
            "self_share",
            "items",
        ]


class TemplateSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True, allow_null=True)
    position = PositionRefSerializer(read_only=True)
    sections = TemplateSectionSerializer(many=True, read_only=True)
    label = serializers.CharField(read_only=True)

    class Meta:
        model = AppraisalTemplate
        fields = [
            "id",
            "name",
            "name_en",
            "label",
            "department",
            "position",
            "rulebook",
            "self_scored",
            "is_active",
            "created_at",
            "sections",
        ]


class GradeBandSerializer(serializers.ModelSerializer):
    department = serializers.IntegerField(source="policy.department_id", read_only=True)

    class Meta:
        model = GradeBand
        fields = ["id", "department", "grade", "min_score", "bonus_coefficient"]


class TimingSerializer(serializers.Serializer):
    """When a kind of cycle opens and each stage closes, in working days (the policy's
    own, or the default it follows)."""

    kind = serializers.ChoiceField(choices=CycleKind.choices)
    opens = serializers.ChoiceField(choices=CycleTiming.Opens.choices)
    open_days = serializers.IntegerField(min_value=0, max_value=60)
    self_days = serializers.IntegerField(min_value=0, max_value=60)
    peer_days = serializers.IntegerField(min_value=0, max_value=60)
    supervisor_days = serializers.IntegerField(min_value=0, max_value=60)
    calibration_days = serializers.IntegerField(min_value=0, max_value=60)
    close_by_day = serializers.IntegerField(
        min_value=0, max_value=31, allow_null=True, required=False, default=None
    )


class PolicySerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    bands = GradeBandSerializer(many=True, read_only=True)
    appeal_route = choice(AppealRoute.choices)
    timings = serializers.SerializerMethodField()

    @extend_schema_field(TimingSerializer(many=True))
    def get_timings(self, policy):
        from .schedule import DEFAULT_TIMINGS, Timing

        own = {t.kind: t for t in policy.timings.all()}
        return [
            {
                "kind": kind,
                **(Timing.of(own[kind]) if kind in own else DEFAULT_TIMINGS[kind]).__dict__,
            }
            for kind in CycleKind.values
        ]

    class Meta:
        model = AppraisalPolicy
        fields = [
            "id",
            "department",
            "monthly",
            "quarterly",
            "annual",
            "annual_rule",
            "appeal_working_days",
            "appeal_route",
            "anonymous_peers",
            "guide_distribution",
            "excellent_grades",
            "excellence_streak",
            "below_standard_grades",
            "bands",
            "timings",
        ]


# --- Configuration: input ---------------------------------------------------------------


class IndicatorInput(serializers.Serializer):
    code = serializers.SlugField(max_length=50)
    name = serializers.CharField(max_length=100)
    name_en = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Indicator.Kind.choices)
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True)
    formula = serializers.ChoiceField(choices=Indicator.Formula.choices, required=False)
    rule = serializers.ChoiceField(choices=Indicator.Rule.choices, required=False, allow_blank=True)
    floor = serializers.DecimalField(required=False, allow_null=True, **VALUE)
    cap = serializers.DecimalField(required=False, allow_null=True, **VALUE)
    bands = serializers.ListField(
        child=serializers.ListField(
            child=serializers.DecimalField(**VALUE), min_length=2, max_length=2
        ),
        required=False,
    )
    scale_max = serializers.IntegerField(min_value=2, max_value=10, required=False)
    levels = serializers.ListField(child=serializers.DictField(), required=False)
    source = serializers.ChoiceField(choices=Indicator.Source.choices, required=False)
    auto_source = serializers.CharField(max_length=50, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)

    def validate_code(self, value):
        existing = Indicator.objects.filter(code=value)
        if self.instance is not None:
            existing = existing.exclude(pk=self.instance.pk)
        if existing.exists():
            raise serializers.ValidationError(_("An indicator with this code exists."))
        return value

    def validate_bands(self, value):
        return [[str(threshold), str(score)] for threshold, score in value]


class TemplateItemInput(serializers.Serializer):
    indicator = serializers.SlugRelatedField(
        slug_field="code", queryset=Indicator.objects.filter(is_active=True)
    )
    weight = serializers.DecimalField(min_value=0, max_value=100, **SCORE)
    target = serializers.DecimalField(required=False, allow_null=True, **VALUE)
    part_targets = serializers.DictField(
        child=serializers.DecimalField(**VALUE),
        required=False,
        help_text=_("A composite indicator's target per sub-measure: {key: target}"),
    )
    raters = serializers.ChoiceField(
        choices=Raters.choices, required=False, allow_blank=True, default=Raters.SECTION
    )


class TemplateSectionInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    name_en = serializers.CharField(max_length=100, required=False, allow_blank=True)
    weight = serializers.DecimalField(min_value=0, max_value=100, **SCORE)
    supervisor_share = serializers.DecimalField(min_value=0, max_value=100, required=False, **SCORE)
    peer_share = serializers.DecimalField(min_value=0, max_value=100, required=False, **SCORE)
    self_share = serializers.DecimalField(min_value=0, max_value=100, required=False, **SCORE)
    items = TemplateItemInput(many=True)


class TemplateInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False
    )
    position = serializers.PrimaryKeyRelatedField(queryset=Position.objects.all())
    name = serializers.CharField(max_length=100)
    name_en = serializers.CharField(max_length=100, required=False, allow_blank=True)
    rulebook = serializers.CharField(max_length=10, required=False, allow_blank=True)
    self_scored = serializers.BooleanField(
        required=False,
        default=True,
        help_text=_("False: the self-assessment is a work summary only (not scored)."),
    )
    sections = TemplateSectionInput(many=True)


class GradeBandInput(serializers.Serializer):
    grade = serializers.ChoiceField(choices=GradeBand._meta.get_field("grade").choices)
    min_score = serializers.DecimalField(min_value=0, max_value=100, **SCORE)
    bonus_coefficient = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=0)


class PolicyInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    monthly = serializers.BooleanField(required=False)
    quarterly = serializers.BooleanField(required=False)
    annual = serializers.BooleanField(required=False)
    annual_rule = serializers.ChoiceField(
        choices=AppraisalPolicy._meta.get_field("annual_rule").choices, required=False
    )
    appeal_working_days = serializers.IntegerField(min_value=1, max_value=60, required=False)
    appeal_route = serializers.ChoiceField(choices=AppealRoute.choices, required=False)
    timings = TimingSerializer(many=True, required=False)
    anonymous_peers = serializers.BooleanField(required=False)
    guide_distribution = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0),
        required=False,
    )
    excellent_grades = serializers.CharField(max_length=10, required=False, allow_blank=True)
    excellence_streak = serializers.IntegerField(min_value=1, max_value=24, required=False)
    below_standard_grades = serializers.CharField(max_length=10, required=False, allow_blank=True)
    bands = GradeBandInput(many=True, required=False)

    def validate_guide_distribution(self, value):
        grades = set("SABCD")
        unknown = set(value) - grades
        if unknown:
            raise serializers.ValidationError(_("Use the grades S, A, B, C and D."))
        return {grade: float(share) for grade, share in value.items()}


# --- Cycles -----------------------------------------------------------------------------


class CycleSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    kind = choice(CycleKind.choices)
    state = choice(AppraisalCycle.State.choices)

    class Meta:
        model = AppraisalCycle
        fields = [
            "id",
            "kind",
            "label",
            "period_start",
            "period_end",
            "state",
            "self_due",
            "peer_due",
            "supervisor_due",
            "calibration_due",
            "opened_at",
            "closed_at",
            "forms_count",
        ]


class CycleOpenInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CycleKind.choices)
    period_start = serializers.DateField(help_text=_("Any day of the period to appraise."))


class DepartmentScopeInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False
    )


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    detail = serializers.CharField()


class StageCountSerializer(serializers.Serializer):
    state = serializers.CharField()
    label = serializers.CharField()
    n = serializers.IntegerField()


class DepartmentProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class CycleProgressSerializer(serializers.Serializer):
    stages = StageCountSerializer(many=True)
    departments = DepartmentProgressSerializer(many=True)
    total = serializers.IntegerField()
    released_pct = serializers.IntegerField()
    late_count = serializers.IntegerField()


# --- Forms ------------------------------------------------------------------------------


class AppealSerializer(serializers.ModelSerializer):
    state = choice(Appeal.State.choices)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "state",
            "reason",
            "skip_level",
            "investigation",
            "ruling_reason",
            "score_before",
            "score_after",
            "created_at",
            "ruled_at",
        ]


RESULT_FIELDS = (
    "computed_score",
    "total_score",
    "grade",
    "bonus_coefficient",
    "supervisor_comment",
    "calibration_reason",
)


class FormSerializer(serializers.ModelSerializer):
    """A form in a list. Results (scores, grade, coefficient, the supervisor's comments)
    are null for the employee until released."""

    cycle = serializers.PrimaryKeyRelatedField(read_only=True)
    cycle_label = serializers.CharField(source="cycle.label", read_only=True)
    employee = EmployeeRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    position = PositionRefSerializer(read_only=True)
    supervisor = EmployeeRefSerializer(read_only=True, allow_null=True)
    state = choice(AppraisalForm.State.choices)

    class Meta:
        model = AppraisalForm
        fields = [
            "id",
            "cycle",
            "cycle_label",
            "employee",
            "department",
            "position",
            "supervisor",
            "state",
            *RESULT_FIELDS,
            "released_at",
            "appeal_deadline",
            "updated_at",
        ]
        # Hidden from the employee until released: null then.
        extra_kwargs = {name: {"allow_null": True} for name in RESULT_FIELDS}

    def to_representation(self, form):
        data = super().to_representation(form)
        if not _results_visible(self.context.get("user"), form):
            for field in RESULT_FIELDS:
                data[field] = None
        return data


def _results_visible(user, form) -> bool:
    # Lists are already filtered by the visibility policy: only the employee's own
    # unreleased form hides its results.
    return user is not None and policy.can_see_results(user, form)


class RatingSerializer(serializers.Serializer):
    score = serializers.DecimalField(**SCORE)
    comment = serializers.CharField()


class FormItemSerializer(serializers.ModelSerializer):
    """`completion_rate` is actual ÷ target in % (a composite's weighted rate), shown
    next to the score; `no_target` marks a completion-rate indicator whose target is
    missing or 0, which has no rate (never a silent 0)."""

    indicator = IndicatorSerializer(read_only=True)
    section = serializers.CharField(source="section.label", read_only=True)
    self_rating = serializers.SerializerMethodField()
    supervisor_rating = serializers.SerializerMethodField()
    peer_scores = serializers.SerializerMethodField()
    actual_source = choice(FormItem.ActualSource.choices)
    raters = choice(Raters.choices)
    no_target = serializers.SerializerMethodField()

    class Meta:
        model = FormItem
        fields = [
            "id",
            "indicator",
            "section",
            "order",
            "weight",
            "target",
            "part_targets",
            "actual",
            "part_actuals",
            "actual_source",
            "completion_rate",
            "no_target",
            "formula_score",
            "score",
            "raters",
            "self_rating",
            "supervisor_rating",
            "peer_scores",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_no_target(self, item) -> bool:
        return scoring.no_target(item.indicator, item.target, item.part_targets)

    def _rating(self, item, role):
        rating = next((r for r in item.ratings.all() if r.role == role), None)
        return RatingSerializer(rating).data if rating else None

    @extend_schema_field(RatingSerializer(allow_null=True))
    def get_self_rating(self, item):
        return self._rating(item, RaterRole.SELF)

    @extend_schema_field(RatingSerializer(allow_null=True))
    def get_supervisor_rating(self, item):
        if not self.context.get("show_results"):
            return None
        return self._rating(item, RaterRole.SUPERVISOR)

    @extend_schema_field(serializers.ListField(child=serializers.DecimalField(**SCORE)))
    def get_peer_scores(self, item):
        if not self.context.get("show_results"):
            return []
        return [str(r.score) for r in item.ratings.all() if r.role in COLLEAGUE_ROLES]

    def to_representation(self, item):
        data = super().to_representation(item)
        if not self.context.get("show_results"):
            data["score"] = None
        return data


class PeerReviewSerializer(serializers.ModelSerializer):
    """`reviewer` is null whenever the policy hides it (an anonymous review seen by the
    appraisee)."""

    form = serializers.PrimaryKeyRelatedField(read_only=True)
    appraisee = EmployeeRefSerializer(source="form.employee", read_only=True)
    cycle_label = serializers.CharField(source="form.cycle.label", read_only=True)
    reviewer = serializers.SerializerMethodField()
    scores = serializers.SerializerMethodField()
    state = choice(PeerReview.State.choices)

    class Meta:
        model = PeerReview
        fields = [
            "id",
            "form",
            "appraisee",
            "cycle_label",
            "reviewer",
            "is_anonymous",
            "state",
            "comment",
            "scores",
            "submitted_at",
        ]

    @extend_schema_field(EmployeeRefSerializer(allow_null=True))
    def get_reviewer(self, review):
        user = self.context.get("user")
        if user is None or not policy.can_see_reviewer(user, review):
            return None
        return EmployeeRefSerializer(review.reviewer).data

    @extend_schema_field(serializers.DictField(child=serializers.DecimalField(**SCORE)))
    def get_scores(self, review):
        return {str(r.item_id): str(r.score) for r in review.ratings.all()}


class FormDetailSerializer(FormSerializer):
    items = serializers.SerializerMethodField()
    peer_reviews = serializers.SerializerMethodField()
    appeal = serializers.SerializerMethodField()

    class Meta(FormSerializer.Meta):
        fields = [
            *FormSerializer.Meta.fields,
            "work_tasks",
            "work_results",
            "work_problems",
            "self_comment",
            "self_submitted_at",
            "supervisor_submitted_at",
            "interview_at",
            "interview_notes",
            "improvement_plan",
            "locked_at",
            "items",
            "peer_reviews",
            "appeal",
        ]

    @extend_schema_field(FormItemSerializer(many=True))
    def get_items(self, form):
        context = {**self.context, "show_results": _results_visible(self.context["user"], form)}
        return FormItemSerializer(form.items.all(), many=True, context=context).data

    @extend_schema_field(PeerReviewSerializer(many=True))
    def get_peer_reviews(self, form):
        if not _results_visible(self.context["user"], form):
            return []
        return PeerReviewSerializer(form.peer_reviews.all(), many=True, context=self.context).data

    @extend_schema_field(AppealSerializer(allow_null=True))
    def get_appeal(self, form):
        appeal = getattr(form, "appeal", None)
        return AppealSerializer(appeal).data if appeal else None

    def to_representation(self, form):
        data = super().to_representation(form)
        if not _results_visible(self.context.get("user"), form):
            data["interview_notes"] = data["improvement_plan"] = None
        return data


class ScoresField(serializers.DictField):
    """{form item id: score 0–100}; ranges are checked by the service, per item."""

    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.CharField(allow_blank=True, allow_null=True),
            help_text=_("Indicator (form item id) → score from 0 to 100"),
            **kwargs,
        )


class SelfAssessmentInput(serializers.Serializer):
    tasks = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    results = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    problems = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    scores = ScoresField(required=False)
    submit = serializers.BooleanField(required=False, default=False)


class PeersInput(serializers.Serializer):
    reviewers = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.all(), many=True, allow_empty=True
    )
    anonymous = serializers.BooleanField(required=False, allow_null=True, default=None)


class SupervisorScoreInput(serializers.Serializer):
    scores = ScoresField()
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=5000), required=False
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    submit = serializers.BooleanField(required=False, default=False)


class CalibrateInput(serializers.Serializer):
    total_score = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("An adjusted total (0–100); leave empty to confirm the computed one."),
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class InterviewInput(serializers.Serializer):
    notes = serializers.CharField(allow_blank=True, max_length=10000)
    improvement_plan = serializers.CharField(allow_blank=True, max_length=10000)


class AppealInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=5000)
    skip_level = serializers.BooleanField(required=False, default=False)


class RulingInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[Appeal.State.UPHELD, Appeal.State.ADJUSTED])
    reason = serializers.CharField(allow_blank=True, max_length=5000)
    total_score = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    investigation = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class ActualInput(serializers.Serializer):
    item = serializers.IntegerField(help_text=_("Form item id"))
    actual = serializers.CharField(required=False, allow_blank=True)
    parts = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text=_("A composite indicator's figure per sub-measure: {key: figure}"),
    )


class AttendanceInput(serializers.Serializer):
    absences = serializers.CharField(
        required=False, default="0", help_text=_("Days, halves allowed")
    )
    late_arrivals = serializers.CharField(required=False, default="0")
    early_departures = serializers.CharField(required=False, default="0")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PeerReviewInput(serializers.Serializer):
    scores = ScoresField()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class LevelSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    descriptor = serializers.CharField()
    descriptor_en = serializers.CharField(required=False)


class PeerItemSerializer(serializers.Serializer):
    """An indicator a colleague is asked to rate: what it means and its scale. Scores
    are 0–100; a level L of `scale_max` is worth L ÷ scale_max × 100."""

    id = serializers.IntegerField(help_text=_("Form item id: the key of `scores`"))
    code = serializers.CharField(source="indicator.code")
    name = serializers.CharField(source="indicator.name")
    name_en = serializers.CharField(source="indicator.name_en")
    label = serializers.CharField(source="indicator.label")
    description = serializers.CharField(source="indicator.description")
    section = serializers.CharField(source="section.label")
    scale_max = serializers.IntegerField(source="indicator.scale_max")
    levels = LevelSerializer(source="indicator.level_list", many=True)
    rated_as = choice(RaterRole.choices)
    score = serializers.DecimalField(allow_null=True, **SCORE)


class PeerReviewItemsSerializer(serializers.Serializer):
    review = serializers.IntegerField()
    state = choice(PeerReview.State.choices)
    appraisee = EmployeeRefSerializer()
    cycle_label = serializers.CharField()
    items = PeerItemSerializer(many=True)


# --- Exports ----------------------------------------------------------------------------


class ExportSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    download_url = serializers.SerializerMethodField()
    state = choice(ExportJob.State.choices)

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "cycle",
            "department",
            "state",
            "total",
            "done",
            "percent",
            "error",
            "created_at",
            "finished_at",
            "download_url",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, job):
        if job.state != ExportJob.State.DONE:
            return None
        return f"/api/v1/kpis/exports/{job.pk}/download/"


class ExportInput(serializers.Serializer):
    cycle = serializers.PrimaryKeyRelatedField(queryset=AppraisalCycle.objects.all())
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False
    )
