"""KPIs and appraisals (SPEC §5).

Configuration: the indicator library (`Indicator`), appraisal templates per position and
department (`AppraisalTemplate` → `TemplateSection` → `TemplateItem`, weights total 100),
and each department's policy (`AppraisalPolicy`: which cycles apply, stage lengths, the
appeal window, the annual rule, a guide distribution) with its `GradeBand`s (grade →
minimum score → bonus coefficient).

Running: an `AppraisalCycle` (monthly, quarterly or annual period) holds one
`AppraisalForm` per employee, snapshotting the template as `FormItem`s. Ratings come
from the employee (self), colleagues (`PeerReview`) and the supervisor (`Rating`).
HR aggregation writes `total_score`, `grade` and `bonus_coefficient`; calibration,
release, the feedback interview and `Appeal` follow; annual cycles build `AnnualResult`
rows whose flags the training app acts on (see apps.kpis.selectors.flags_for).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core import uploads
from apps.org.models import BilingualNameMixin, Department, Employee, Position

SCORE = {"max_digits": 6, "decimal_places": 2}
VALUE = {"max_digits": 16, "decimal_places": 4}
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Grade(models.TextChoices):
    S = "S", _("S (outstanding)")
    A = "A", _("A (excellent)")
    B = "B", _("B (meets the standard)")
    C = "C", _("C (needs improvement)")
    D = "D", _("D (below standard)")


class CycleKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly appraisal")
    QUARTERLY = "quarterly", _("Quarterly appraisal")
    ANNUAL = "annual", _("Annual appraisal")


class RaterRole(models.TextChoices):
    SELF = "self", _("Self-assessment")
    PEER = "peer", _("Peer review")
    TEAM = "team", _("Team members' review")
    SUPERVISOR = "supervisor", _("Supervisor review")


# Ratings written through a peer review: colleagues (peer) and, on team-rated
# indicators, colleagues on the appraisee's team (team).
COLLEAGUE_ROLES = (RaterRole.PEER, RaterRole.TEAM)


class Raters(models.TextChoices):
    """Who scores an indicator of a template (seed 003 §5(二): teamwork by team
    members, ethics by peers and supervisor, rules from attendance; 000 §9(四): the
    superior scores each indicator). apps.kpis.raters turns it into a rater mix."""

    SECTION = "", _("As the section's rater mix")
    SUPERVISOR = "supervisor", _("Supervisor")
    SELF = "self", _("The employee (self-assessment)")
    PEERS = "peers", _("Peers (colleagues)")
    TEAM = "team", _("Team members")
    PEERS_SUPERVISOR = "peers_supervisor", _("Peers and supervisor (no self-assessment)")
    DATA = "data", _("From data (attendance, metrics)")


# --- The indicator library ------------------------------------------------------------


class Indicator(BilingualNameMixin):
    """A KPI (考核指标). Quantitative ones turn an actual (and a target) into a 0–100
    score by their rule (apps.kpis.scoring); qualitative ones are rated on a scale of
    levels, each with a descriptor."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("Quantitative")
        QUALITATIVE = "qualitative", _("Qualitative")

    class Formula(models.TextChoices):
        RATIO = "ratio", _("Completion rate (actual ÷ target)")
        VALUE = "value", _("The actual itself (a rate or a count)")

    class Rule(models.TextChoices):
        LINEAR = "linear", _("Linear from a floor to a cap")
        BANDS = "bands", _("Bands")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Typed in")
        CSV = "csv", _("CSV import")
        AUTO = "auto", _("Computed automatically")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    formula = models.CharField(
        _("formula"), max_length=8, choices=Formula.choices, default=Formula.RATIO
    )
    rule = models.CharField(_("scoring rule"), max_length=8, choices=Rule.choices, blank=True)
    floor = models.DecimalField(
        _("floor"),
        null=True,
        blank=True,
        help_text=_("At or below this value the score is 0."),
        **VALUE,
    )
    cap = models.DecimalField(
        _("cap"),
        null=True,
        blank=True,
        help_text=_("At or above this value the score is 100."),
        **VALUE,
    )
    bands = models.JSONField(
        _("bands"),
        default=list,
        blank=True,
        help_text=_("[[threshold, score], …]: a value at or above a threshold earns its score."),
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest level"), default=5, validators=[MinValueValidator(2), MaxValueValidator(10)]
    )
    levels = models.JSONField(
        _("levels"),
        default=list,
        blank=True,
        help_text=_('[{"value": 5, "descriptor": "…", "descriptor_en": "…"}, …]'),
    )
    source = models.CharField(
        _("actual comes from"), max_length=8, choices=Source.choices, default=Source.MANUAL
    )
    auto_source = models.CharField(
        _("automatic source"),
        max_length=50,
        blank=True,
        help_text=_("A source of apps.kpis.sources, when computed automatically."),
    )
    components = models.JSONField(
        _("sub-measures"),
        default=list,
        blank=True,
        help_text=_(
            '[{"key": "reads", "name": "…", "name_en": "…", "weight": 30, "source": "…"}, …]: '
            "a composite indicator's completion rate is the weighted mean of its "
            "sub-measures' completion rates."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="auto") | ~Q(auto_source=""),
                name="kpis_auto_has_source",
                violation_error_message=_("Choose an automatic source."),
            ),
        ]

    @property
    def is_quantitative(self) -> bool:
        return self.kind == self.Kind.QUANTITATIVE

    @property
    def is_composite(self) -> bool:
        return bool(self.components)

    @property
    def needs_target(self) -> bool:
        """A completion rate (actual ÷ target) needs a target above 0."""
        return self.is_quantitative and self.formula == self.Formula.RATIO

    def level_list(self) -> list[dict]:
        return sorted(self.levels or [], key=lambda level: -int(level.get("value", 0)))


# --- Templates and policies ----------------------------------------------------------


class AppraisalTemplate(BilingualNameMixin):
    """The indicators a position is appraised on in a department (its groups inherit
    it). `department` empty: the company-wide template of the position."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appraisal_templates",
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="+"
    )
    rulebook = models.CharField(_("rulebook"), max_length=10, blank=True)
    self_scored = models.BooleanField(
        _("self-assessment is scored"),
        default=True,
        help_text=_(
            "Off: the self-assessment is a written work summary only and no self score "
            "counts (seed 000)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appraisal template")
        verbose_name_plural = _("appraisal templates")
        ordering = ["department__path", "position__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "position"],
                condition=Q(is_active=True),
                name="kpis_one_active_template",
            )
        ]


class TemplateSection(BilingualNameMixin):
    """A section (工作业绩, 工作能力 …) with its weight and its rater mix: how much the
    supervisor, peers and the employee count for its qualitative indicators."""

    template = models.ForeignKey(
        AppraisalTemplate, on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    weight = models.DecimalField(_("weight"), validators=PERCENT, **SCORE)
    supervisor_share = models.DecimalField(
        _("supervisor share"), default=Decimal("70"), validators=PERCENT, **SCORE
    )
    peer_share = models.DecimalField(
        _("peer share"), default=Decimal("20"), validators=PERCENT, **SCORE
    )
    self_share = models.DecimalField(
        _("self share"), default=Decimal("10"), validators=PERCENT, **SCORE
    )

    class Meta:
        verbose_name = _("template section")
        verbose_name_plural = _("template sections")
        ordering = ["template", "order", "id"]


class TemplateItem(models.Model):
    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    weight = models.DecimalField(_("weight"), validators=PERCENT, **SCORE)
    target = models.DecimalField(_("target"), null=True, blank=True, **VALUE)
    part_targets = models.JSONField(
        _("sub-measure targets"), default=dict, blank=True, help_text='{"reads": 50000, …}'
    )
    raters = models.CharField(
        _("scored by"), max_length=20, choices=Raters, default=Raters.SECTION, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("template indicator")
        verbose_name_plural = _("template indicators")
        ordering = ["section", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["section", "indicator"], name="kpis_item_once"),
        ]

    def __str__(self):
        return f"{self.indicator_id} × {self.weight}"


class AnnualRule(models.TextChoices):
    MONTHLY_MEAN = "monthly_mean", _("Mean of the year's monthly results")
    QUARTERLY_MEAN = "quarterly_mean", _("Mean of the year's quarterly results")
    ALL_MEAN = "all_mean", _("Mean of all the year's results")


class AppealRoute(models.TextChoices):
    """Who investigates and rules on an appeal (申诉 → 裁决), per department."""

    MANAGER = (
        "manager",
        _("The department's manager rules; a skip-level appeal goes to the director"),
    )
    MANAGER_FINAL = (
        "manager_final",
        _("The department's manager investigates and rules; the ruling is final"),
    )
    DIRECTOR = "director", _("Skip-level: the director (the level above) rules")


class AppraisalPolicy(models.Model):
    """A department's appraisal rules (its groups follow it unless they have their own).
    Which cycles it runs are the `monthly`/`quarterly`/`annual` switches; when each opens
    and closes is its `CycleTiming` rows (apps.kpis.schedule does the date arithmetic)."""

    department = models.OneToOneField(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="appraisal_policy",
    )
    appeal_route = models.CharField(
        _("who rules on appeals"),
        max_length=16,
        choices=AppealRoute,
        default=AppealRoute.MANAGER,
    )
    monthly = models.BooleanField(_("monthly appraisal"), default=True)
    quarterly = models.BooleanField(_("quarterly appraisal"), default=False)
    annual = models.BooleanField(_("annual appraisal"), default=True)
    annual_rule = models.CharField(
        _("annual result"), max_length=16, choices=AnnualRule, default=AnnualRule.ALL_MEAN
    )
    appeal_working_days = models.PositiveSmallIntegerField(
        _("appeal window (working days)"), default=5, validators=[MinValueValidator(1)]
    )
    anonymous_peers = models.BooleanField(
        _("peer reviews anonymous to the appraisee"), default=True
    )
    guide_distribution = models.JSONField(
        _("guide distribution (%)"), default=dict, blank=True, help_text='{"S": 10, "A": 20, …}'
    )
    excellent_grades = models.CharField(
        _("excellent grades"), max_length=10, default="SA", help_text=_("e.g. SA")
    )
    excellence_streak = models.PositiveSmallIntegerField(
        _("results in a row for repeated excellence"), default=3
    )
    below_standard_grades = models.CharField(
        _("below-standard grades"), max_length=10, default="D", help_text=_("e.g. D")
    )

    class Meta:
        verbose_name = _("appraisal policy")
        verbose_name_plural = _("appraisal policies")

    def __str__(self):
        return str(self.department)

    def applies(self, kind: str) -> bool:
        return bool(getattr(self, kind, False))


class CycleTiming(models.Model):
    """When a department's cycle of one kind opens and when each stage closes, in working
    days on the real calendar (apps.core.calendar). Opening is counted from the period's
    last working day: `before_end` N days before it (0: on it), or `after_end` on the Nth
    working day after the period. Stage deadlines count working days from the opening
    day. `close_by_day`: every stage closes by this day of the month after the period
    (次月上旬 → 10); the editor refuses plans that would not, and opening caps a deadline
    there should a later-published holiday push it past; 0 means by the period's own
    last working day (每季度末)."""

    class Opens(models.TextChoices):
        BEFORE_END = "before_end", _("N working days before the period's last working day")
        AFTER_END = "after_end", _("on the Nth working day after the period")

    policy = models.ForeignKey(AppraisalPolicy, on_delete=models.CASCADE, related_name="timings")
    kind = models.CharField(_("kind"), max_length=10, choices=CycleKind)
    opens = models.CharField(_("opens"), max_length=10, choices=Opens.choices)
    open_days = models.PositiveSmallIntegerField(
        _("opening (working days)"), default=0, validators=[MaxValueValidator(60)]
    )
    self_days = models.PositiveSmallIntegerField(
        _("self-assessment closes after (working days)"), validators=[MaxValueValidator(60)]
    )
    peer_days = models.PositiveSmallIntegerField(
        _("peer reviews close after (working days)"), validators=[MaxValueValidator(60)]
    )
    supervisor_days = models.PositiveSmallIntegerField(
        _("supervisor review closes after (working days)"), validators=[MaxValueValidator(60)]
    )
    calibration_days = models.PositiveSmallIntegerField(
        _("manager review closes after (working days)"), validators=[MaxValueValidator(60)]
    )
    close_by_day = models.PositiveSmallIntegerField(
        _("every stage closes by day … of the next month"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(31)],
        help_text=_("0: by the period's own last day; empty: no limit."),
    )

    class Meta:
        verbose_name = _("cycle timing")
        verbose_name_plural = _("cycle timings")
        ordering = ["policy", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "kind"], name="kpis_timing_once"),
            models.CheckConstraint(
                condition=Q(self_days__lte=models.F("peer_days"))
                & Q(peer_days__lte=models.F("supervisor_days"))
                & Q(supervisor_days__lte=models.F("calibration_days")),
                name="kpis_timing_stages_in_order",
                violation_error_message=_("Each stage must close on or after the one before."),
            ),
            models.CheckConstraint(
                condition=~Q(opens="after_end") | Q(open_days__gte=1),
                name="kpis_timing_after_end_from_1",
            ),
        ]

    def __str__(self):
        return f"{self.policy} · {self.get_kind_display()}"


class GradeBand(models.Model):
    """Score at or above `min_score` earns `grade`, paid with `bonus_coefficient`."""

    policy = models.ForeignKey(AppraisalPolicy, on_delete=models.CASCADE, related_name="bands")
    grade = models.CharField(_("grade"), max_length=1, choices=Grade)
    min_score = models.DecimalField(_("minimum score"), validators=PERCENT, **SCORE)
    bonus_coefficient = models.DecimalField(
        _("bonus coefficient"), max_digits=4, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        ordering = ["policy", "-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "grade"], name="kpis_band_grade_once"),
        ]

    def __str__(self):
        return f"{self.grade} ≥ {self.min_score}"


# --- Cycles and forms ----------------------------------------------------------------


class AppraisalCycle(models.Model):
    """One company-wide cycle per kind and period ("2025-03 monthly appraisal"), holding
    one `CycleSchedule` per department whose policy runs it: each department opens on
    its own day and has its own stage deadlines, and a form follows its department's.

    Why a company cycle with per-department schedules rather than a cycle row per
    department: HR's dashboard and the payroll sheet stay one row per period, filterable
    by department, instead of five rows a month; and the batch jobs keep working on one
    cycle with set-based statements (forms → schedule is one indexed join) however many
    departments take part, so a 10,000-employee cycle costs what it did.
    The cycle's own `*_due` dates are the latest of its departments' (when everyone is
    done); the form's schedule holds its own."""

    class State(models.TextChoices):
        OPENING = "opening", pgettext_lazy("appraisal cycle state", "Opening")
        OPEN = "open", pgettext_lazy("appraisal cycle state", "Open")
        CLOSED = "closed", pgettext_lazy("appraisal cycle state", "Closed")

    kind = models.CharField(_("kind"), max_length=10, choices=CycleKind)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPENING)
    self_due = models.DateField(_("self-assessment due"), null=True, blank=True)
    peer_due = models.DateField(_("peer reviews due"), null=True, blank=True)
    supervisor_due = models.DateField(_("supervisor review due"), null=True, blank=True)
    calibration_due = models.DateField(_("manager review due"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    forms_count = models.PositiveIntegerField(_("forms"), default=0)
    reminded_on = models.JSONField(default=dict, blank=True)  # stage → last reminder date

    class Meta:
        verbose_name = _("appraisal cycle")
        verbose_name_plural = _("appraisal cycles")
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_start"], name="kpis_cycle_once"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="kpis_cycle_period"
            ),
        ]
        indexes = [models.Index(fields=["state", "kind"])]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.kind == CycleKind.MONTHLY:
            return f"{self.period_start:%Y-%m} {self.get_kind_display()}"
        if self.kind == CycleKind.QUARTERLY:
            quarter = (self.period_start.month - 1) // 3 + 1
            return f"{self.period_start.year} Q{quarter} {self.get_kind_display()}"
        return f"{self.period_start.year} {self.get_kind_display()}"


class CycleSchedule(models.Model):
    """A department's part of a cycle: when it opened and its stage deadlines, fixed at
    opening from its policy's timing. `department` is the department owning the policy
    (its groups follow it); empty for people whose departments have no policy (the
    defaults). Unique per cycle and department, so the opening job opens it once."""

    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE, related_name="schedules")
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"),
        max_length=8,
        choices=AppraisalCycle.State.choices,
        default=AppraisalCycle.State.OPENING,
    )
    opens_on = models.DateField(_("opens on"))
    self_due = models.DateField(_("self-assessment due"))
    peer_due = models.DateField(_("peer reviews due"))
    supervisor_due = models.DateField(_("supervisor review due"))
    calibration_due = models.DateField(_("manager review due"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    forms_count = models.PositiveIntegerField(_("forms"), default=0)

    class Meta:
        verbose_name = _("department schedule of a cycle")
        verbose_name_plural = _("department schedules of cycles")
        ordering = ["cycle", "department__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "department"],
                name="kpis_schedule_once",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(self_due__lte=models.F("peer_due"))
                & Q(peer_due__lte=models.F("supervisor_due"))
                & Q(supervisor_due__lte=models.F("calibration_due")),
                name="kpis_schedule_stages_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.cycle} · {self.department or '—'}"


class FormState(models.TextChoices):
    SELF = "self", _("Self-assessment")
    PEER = "peer", _("Peer review")
    SUPERVISOR = "supervisor", _("Supervisor review")
    AGGREGATION = "aggregation", _("HR aggregation")
    CALIBRATION = "calibration", _("Manager review")
    APPROVED = "approved", _("Ready to release")
    RELEASED = "released", _("Released")
    APPEALED = "appealed", pgettext_lazy("appraisal form state", "Under appeal")
    LOCKED = "locked", _("Locked")


RELEASED_STATES = (FormState.RELEASED, FormState.APPEALED, FormState.LOCKED)


class AppraisalForm(models.Model):
    """One employee's appraisal in one cycle (考核表)."""

    State = FormState

    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.PROTECT, related_name="forms")
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="appraisals"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="+"
    )
    template = models.ForeignKey(AppraisalTemplate, on_delete=models.PROTECT, related_name="+")
    # The department's schedule it follows (its stage deadlines); empty on forms made
    # before schedules existed, which follow the cycle's dates.
    schedule = models.ForeignKey(
        CycleSchedule, null=True, blank=True, on_delete=models.PROTECT, related_name="forms"
    )
    supervisor = models.ForeignKey(
        Employee,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appraisals_to_score",
    )
    state = models.CharField(_("state"), max_length=12, choices=FormState, default="self")

    work_tasks = models.TextField(_("tasks"), blank=True)
    work_results = models.TextField(_("results"), blank=True)
    work_problems = models.TextField(_("problems and solutions"), blank=True)
    self_comment = models.TextField(_("self-assessment comment"), blank=True)
    self_submitted_at = models.DateTimeField(null=True, blank=True)
    supervisor_comment = models.TextField(_("supervisor's comments"), blank=True)
    supervisor_submitted_at = models.DateTimeField(null=True, blank=True)

    computed_score = models.DecimalField(_("computed score"), null=True, blank=True, **SCORE)
    total_score = models.DecimalField(_("weighted total"), null=True, blank=True, **SCORE)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade, blank=True)
    bonus_coefficient = models.DecimalField(
        _("bonus coefficient"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    calibration_reason = models.TextField(_("reason for the adjustment"), blank=True)
    calibrated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    appeal_deadline = models.DateField(_("appeal by"), null=True, blank=True)
    interview_at = models.DateTimeField(_("feedback interview"), null=True, blank=True)
    interview_notes = models.TextField(_("interview notes"), blank=True)
    improvement_plan = models.TextField(_("improvement plan"), blank=True)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("appraisal form")
        verbose_name_plural = _("appraisal forms")
        ordering = ["cycle", "department__path", "employee__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="kpis_one_form_per_cycle"),
        ]
        indexes = [
            models.Index(fields=["cycle", "state"]),
            models.Index(fields=["cycle", "department"]),
            models.Index(fields=["supervisor", "state"]),
            models.Index(fields=["employee", "cycle"]),
            models.Index(fields=["state", "appeal_deadline"]),
            models.Index(fields=["schedule", "state"]),
        ]

    def __str__(self):
        return f"{self.cycle.label} · {self.employee.name}"

    @property
    def is_released(self) -> bool:
        return self.state in RELEASED_STATES


class FormItem(models.Model):
    """An indicator of a form: a snapshot of the template item, its actual and scores."""

    class ActualSource(models.TextChoices):
        MANUAL = "manual", _("Typed in")
        CSV = "csv", _("CSV import")
        AUTO = "auto", _("Computed automatically")

    form = models.ForeignKey(AppraisalForm, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    section = models.ForeignKey(TemplateSection, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    weight = models.DecimalField(_("weight"), **SCORE)
    target = models.DecimalField(_("target"), null=True, blank=True, **VALUE)
    part_targets = models.JSONField(default=dict, blank=True)
    raters = models.CharField(
        _("scored by"), max_length=20, choices=Raters, default=Raters.SECTION, blank=True
    )
    actual = models.DecimalField(_("actual"), null=True, blank=True, **VALUE)
    part_actuals = models.JSONField(default=dict, blank=True)
    actual_source = models.CharField(max_length=8, choices=ActualSource.choices, blank=True)
    # Shown next to the score (form page, API, sheet): actual ÷ target in %, or the
    # weighted mean of the sub-measures' rates; None when there is no target.
    completion_rate = models.DecimalField(
        _("completion rate (%)"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    formula_score = models.DecimalField(_("formula score"), null=True, blank=True, **SCORE)
    score = models.DecimalField(_("indicator score"), null=True, blank=True, **SCORE)

    class Meta:
        verbose_name = _("form indicator")
        verbose_name_plural = _("form indicators")
        ordering = ["form", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "indicator"], name="kpis_form_item_once"),
        ]

    def __str__(self):
        return f"{self.form_id}/{self.indicator_id}"


class PeerReview(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("peer review state", "Waiting")
        SUBMITTED = "submitted", pgettext_lazy("peer review state", "Submitted")
        EXPIRED = "expired", _("Not submitted in time")

    form = models.ForeignKey(AppraisalForm, on_delete=models.CASCADE, related_name="peer_reviews")
    reviewer = models.ForeignKey(
        Employee, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="peer_reviews"
    )

    class Relation(models.TextChoices):
        PEER = "peer", _("Peer")
        TEAM = "team", _("Team member")

    is_anonymous = models.BooleanField(_("anonymous to the appraisee"), default=True)
    # Set at assignment (apps.kpis.raters.relation_of): team members also rate the
    # indicators scored by the team.
    relation = models.CharField(
        _("relation"), max_length=4, choices=Relation.choices, default=Relation.PEER
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    comment = models.TextField(_("comment"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peer review")
        verbose_name_plural = _("peer reviews")
        ordering = ["form", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "reviewer"], name="kpis_peer_once"),
        ]
        indexes = [models.Index(fields=["reviewer", "state"])]

    def __str__(self):
        return f"{self.form} ← {self.pk}"


class Rating(models.Model):
    """One rater's score (0–100) of one indicator. Self and supervisor once per item;
    colleagues (peer, or team on team-scored indicators) once per item per review."""

    item = models.ForeignKey(FormItem, on_delete=models.CASCADE, related_name="ratings")
    role = models.CharField(max_length=10, choices=RaterRole)
    peer_review = models.ForeignKey(
        PeerReview, null=True, blank=True, on_delete=models.CASCADE, related_name="ratings"
    )
    score = models.DecimalField(_("score"), validators=PERCENT, **SCORE)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "role"],
                condition=~Q(role__in=["peer", "team"]),
                name="kpis_rating_once",
            ),
            models.UniqueConstraint(
                fields=["item", "peer_review"],
                condition=Q(role__in=["peer", "team"]),
                name="kpis_peer_rating_once",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["peer", "team"], peer_review__isnull=False)
                | (~Q(role__in=["peer", "team"]) & Q(peer_review__isnull=True)),
                name="kpis_rating_peer_review",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="kpis_rating_range"
            ),
        ]

    def __str__(self):
        return f"{self.item_id} {self.role}: {self.score}"


class AttendanceRecord(models.Model):
    """A form's attendance for its period, entered by HR (no attendance system feeds
    the portal): what apps.kpis.scoring.attendance_points turns into the score of the
    indicators scored from attendance (seed 003: 根据日常考勤和纪律表现进行评分)."""

    form = models.OneToOneField(AppraisalForm, on_delete=models.CASCADE, related_name="attendance")
    absences = models.DecimalField(
        _("days absent without leave"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    late_arrivals = models.PositiveSmallIntegerField(_("late arrivals"), default=0)
    early_departures = models.PositiveSmallIntegerField(_("early departures"), default=0)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        constraints = [
            models.CheckConstraint(condition=Q(absences__gte=0), name="kpis_absences_positive"),
        ]

    def __str__(self):
        return f"{self.form_id}: {self.absences}/{self.late_arrivals}/{self.early_departures}"


class Appeal(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Under investigation")
        UPHELD = "upheld", _("Upheld (result stands)")
        ADJUSTED = "adjusted", _("Result adjusted")

    form = models.OneToOneField(AppraisalForm, on_delete=models.CASCADE, related_name="appeal")
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    skip_level = models.BooleanField(_("skip-level appeal"), default=False)
    # The department's route when filed, and the department whose own appraiser rules
    # (apps.kpis.appeals): a policy edited later does not move an appeal.
    route = models.CharField(
        _("who rules"), max_length=16, choices=AppealRoute, default=AppealRoute.MANAGER
    )
    ruling_department = models.ForeignKey(
        Department,
        verbose_name=_("ruled in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="open")
    investigation = models.TextField(_("investigation notes"), blank=True)
    ruling_reason = models.TextField(_("reason for the ruling"), blank=True)
    score_before = models.DecimalField(null=True, blank=True, **SCORE)
    score_after = models.DecimalField(null=True, blank=True, **SCORE)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ruled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "skip_level"]),
            models.Index(fields=["state", "ruling_department"]),
        ]

    def __str__(self):
        return f"{self.form}: {self.get_state_display()}"


class AnnualResult(models.Model):
    """An employee's result for a year, built in January from the year's monthly and
    quarterly results by the department's annual rule. The flags are the product's
    answer to seed 000 §9(五): read them with apps.kpis.selectors.flags_for."""

    year = models.PositiveSmallIntegerField(_("year"))
    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="annual_results",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    cycle = models.ForeignKey(
        AppraisalCycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="results"
    )
    results_count = models.PositiveSmallIntegerField(_("results counted"), default=0)
    score = models.DecimalField(_("annual score"), null=True, blank=True, **SCORE)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade, blank=True)
    excellent_count = models.PositiveSmallIntegerField(_("excellent results"), default=0)
    promotion_eligible = models.BooleanField(_("eligible for promotion"), default=False)
    raise_eligible = models.BooleanField(_("eligible for a raise"), default=False)
    reward_eligible = models.BooleanField(_("eligible for a reward"), default=False)
    repeated_excellence = models.BooleanField(
        _("repeated excellence (extra reward)"), default=False
    )
    below_standard = models.BooleanField(
        _("below standard (training, transfer or dismissal review)"), default=False
    )
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("annual result")
        verbose_name_plural = _("annual results")
        ordering = ["-year", "employee__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["year", "employee"], name="kpis_annual_once"),
        ]
        indexes = [
            models.Index(fields=["year", "below_standard"]),
            models.Index(fields=["year", "repeated_excellence"]),
            models.Index(fields=["year", "department"]),
        ]

    def __str__(self):
        return f"{self.year} · {self.employee.name}: {self.grade}"


class ExportJob(models.Model):
    """An appraisal-sheet export running on a worker; the page polls it for progress."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("export state", "Waiting")
        RUNNING = "running", pgettext_lazy("export state", "Running")
        DONE = "done", pgettext_lazy("export state", "Ready")
        FAILED = "failed", pgettext_lazy("export state", "Failed")

    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE, related_name="exports")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # Stored under a random name, served only by the checked view (apps.core.files).
    file = models.FileField(upload_to=uploads.RandomName("kpis/exports"), blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal sheet export")
        verbose_name_plural = _("appraisal sheet exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self):
        return f"{self.cycle_id} · {self.get_state_display()}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
