"""Training and development (SPEC §6): annual plans per department with their courses,
sessions with enrolment, waiting list, attendance, feedback and assessment results,
online learning records, required training from appraisals, and career development
plans with stage goals and career conversations."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.org.models import BilingualNameMixin, Department, Employee, Position

MONEY = {"max_digits": 12, "decimal_places": 2}
HOURS = {"max_digits": 6, "decimal_places": 1}
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


class Category(BilingualNameMixin):
    """Operations knowledge, industry trends, technical skills … (preset, editable)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("training category")
        verbose_name_plural = _("training categories")
        ordering = ["sort_order", "code"]


class Method(models.TextChoices):
    INTERNAL = "internal", _("Internal training")
    EXTERNAL = "external", _("External training")
    ONLINE = "online", _("Online learning")
    HANDS_ON = "hands_on", _("Hands-on practice")


class Technique(models.TextChoices):
    LECTURE = "lecture", _("Lecture")
    CASE_STUDY = "case_study", _("Case study")
    GROUP_DISCUSSION = "group_discussion", _("Group discussion")
    SIMULATION = "simulation", _("Simulation")


class TrainingPlan(models.Model):
    """A department's annual training plan: drafted by someone with manage_training,
    approved by someone with approve_training_plan who did not write it."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        APPROVED = "approved", _("Approved")

    EDITABLE_STATES = (State.DRAFT, State.RETURNED)

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="training_plans",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    goals = models.TextField(_("goals"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-year", "department__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"], name="training_one_plan_per_department_year"
            ),
        ]
        indexes = [models.Index(fields=["year", "state"])]

    def __str__(self):
        return f"{self.year} · {self.title}"

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES


class Trainer(models.Model):
    """Abstract: a trainer is an employee or an external expert, never both."""

    trainer_employee = models.ForeignKey(
        Employee,
        verbose_name=_("trainer (employee)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    trainer_external = models.CharField(_("external expert"), max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def trainer_label(self) -> str:
        if self.trainer_employee_id:
            return self.trainer_employee.name
        return self.trainer_external


class Course(Trainer):
    """A course in a plan: what, how, by whom, for whom, when and for how much."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="courses"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="courses"
    )
    method = models.CharField(_("method"), max_length=12, choices=Method)
    technique = models.CharField(
        _("format"), max_length=20, choices=Technique, default=Technique.LECTURE
    )
    audience_positions = models.ManyToManyField(
        Position, verbose_name=_("audience (positions)"), blank=True, related_name="+"
    )
    audience_people = models.ManyToManyField(
        Employee, verbose_name=_("audience (people)"), blank=True, related_name="+"
    )
    budget = models.DecimalField(_("budget (yuan)"), validators=NOT_NEGATIVE, **MONEY)
    planned_start = models.DateField(_("planned from"))
    planned_end = models.DateField(_("planned until"))
    planned_sessions = models.PositiveSmallIntegerField(_("planned sessions"), default=1)
    planned_hours = models.DecimalField(_("planned hours"), validators=NOT_NEGATIVE, **HOURS)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["planned_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start")),
                name="training_course_dates_in_order",
            ),
            models.CheckConstraint(
                condition=(Q(trainer_employee__isnull=False) & Q(trainer_external=""))
                | (Q(trainer_employee__isnull=True) & ~Q(trainer_external="")),
                name="training_course_one_trainer",
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0), name="training_course_budget_not_negative"
            ),
        ]

    def __str__(self):
        return self.title


class Session(Trainer):
    """One sitting of a course, or an internal sharing session (分享会) with no course."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course session")
        SHARING = "sharing", _("Internal sharing session")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COURSE)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1)], default=20
    )
    hours = models.DecimalField(_("hours"), validators=NOT_NEGATIVE, **HOURS)
    cost = models.DecimalField(
        _("actual spend (yuan)"), validators=NOT_NEGATIVE, default=Decimal("0"), **MONEY
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SCHEDULED, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="training_session_ends_after"
            ),
            models.CheckConstraint(
                condition=Q(kind="sharing") | Q(course__isnull=False),
                name="training_session_course_needs_course",
            ),
        ]
        indexes = [models.Index(fields=["department", "starts_at"])]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%Y-%m-%d %H:%M})"

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()


class Enrolment(models.Model):
    """A person on a session: enrolled (a seat), on the waiting list, or cancelled.
    Attendance is recorded after the session; feedback and the result hang off it."""

    class State(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", pgettext_lazy("enrolment", "Cancelled")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="enrolments"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="enrolments"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, db_index=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    queued_at = models.DateTimeField(default=timezone.now)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    feedback_requested_at = models.DateTimeField(null=True, blank=True)
    assignment = models.ForeignKey(
        "TrainingAssignment",
        verbose_name=_("required training"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "employee"], name="training_one_enrolment_per_person"
            ),
            models.CheckConstraint(
                condition=Q(attended__isnull=True) | Q(state="enrolled"),
                name="training_attendance_only_when_enrolled",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "state", "queued_at"]),
            models.Index(fields=["employee", "state"]),
        ]

    def __str__(self):
        return f"{self.employee.name} · {self.session.title}"


class Feedback(models.Model):
    """培训反馈: only from someone who attended, once, after the session."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comments = models.TextField(_("comments"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="training_rating_1_to_5"
            )
        ]

    def __str__(self):
        return f"{self.enrolment} · {self.rating}"


class AssessmentResult(models.Model):
    """考核结果 of an attendee: pass/fail or a score, the hours credited, a certificate."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="result")
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    hours = models.DecimalField(_("hours credited"), validators=NOT_NEGATIVE, **HOURS)
    certificate_no = models.CharField(_("certificate number"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")

    def __str__(self):
        return f"{self.enrolment} · {self.get_outcome_display()}"


class LearningRecord(models.Model):
    """Learning outside a session: an online course, an external class, a book … It
    counts as training (hours, spend) for the person and their department."""

    class Kind(models.TextChoices):
        ONLINE = "online", _("Online course")
        EXTERNAL = "external", _("External training")
        SELF_STUDY = "self_study", _("Self-study")

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="learning_records",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="learning_records",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ONLINE)
    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=100, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_on = models.DateField(_("completed on"), db_index=True)
    hours = models.DecimalField(_("hours"), validators=NOT_NEGATIVE, **HOURS)
    cost = models.DecimalField(
        _("spend (yuan)"), validators=NOT_NEGATIVE, default=Decimal("0"), **MONEY
    )
    certificate_no = models.CharField(_("certificate number"), max_length=60, blank=True)
    assignment = models.ForeignKey(
        "TrainingAssignment",
        verbose_name=_("required training"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learning_records",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("learning record")
        verbose_name_plural = _("learning records")
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["department", "completed_on"])]

    def __str__(self):
        return f"{self.employee.name} · {self.title}"


class TrainingAssignment(models.Model):
    """Required training for a person with a due date: from a below-standard appraisal
    result (one per source result, whatever re-runs the job) or set by their manager."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Completed")
        WAIVED = "waived", _("Waived")

    class Reason(models.TextChoices):
        BELOW_STANDARD = "below_standard", _("Below-standard appraisal result")
        MANAGER = "manager", _("Set by the manager")

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="training_assignments",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    title = models.CharField(_("what to learn"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due on"), db_index=True)
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.OPEN, db_index=True
    )
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    source_label = models.CharField(_("source"), max_length=200, blank=True)
    supervisor = models.ForeignKey(
        Employee,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("required training")
        verbose_name_plural = _("required trainings")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=~Q(source_id=""),
                name="training_one_assignment_per_source",
            )
        ]
        indexes = [models.Index(fields=["employee", "state"])]

    def __str__(self):
        return f"{self.employee.name} · {self.title}"


class DevelopmentFlag(models.Model):
    """An excellent appraisal result flags the person for development opportunities
    (one flag per source result)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACTED = "acted", _("Acted on")

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="development_flags",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    source_type = models.CharField(max_length=60)
    source_id = models.CharField(max_length=40)
    source_label = models.CharField(_("source"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.OPEN, db_index=True
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("development flag")
        verbose_name_plural = _("development flags")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"], name="training_one_flag_per_source"
            )
        ]

    def __str__(self):
        return f"{self.employee.name} · {self.source_label}"


class SupervisorTask(models.Model):
    """What an appraisal result asks of the supervisor: arrange the required training,
    or talk about development opportunities."""

    class Kind(models.TextChoices):
        ARRANGE_TRAINING = "arrange_training", _("Arrange the required training")
        DISCUSS_DEVELOPMENT = "discuss_development", _("Discuss development opportunities")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    supervisor = models.ForeignKey(
        Employee, verbose_name=_("supervisor"), on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    assignment = models.OneToOneField(
        TrainingAssignment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="supervisor_task",
    )
    flag = models.OneToOneField(
        DevelopmentFlag,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="supervisor_task",
    )
    due_on = models.DateField(_("due on"))
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.OPEN, db_index=True
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervisor task")
        verbose_name_plural = _("supervisor tasks")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["supervisor", "state"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.employee.name}"


class DevelopmentPlan(models.Model):
    """职业发展规划: one per employee, kept by their supervisor (or HR / the manager)."""

    employee = models.OneToOneField(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="development_plan",
    )
    current_role = models.CharField(_("current role"), max_length=100)
    path = models.CharField(
        _("career path"),
        max_length=300,
        help_text=_("For example: specialist → senior specialist → manager"),
    )
    target_role = models.CharField(_("target role"), max_length=100)
    competencies = models.TextField(
        _("competencies to build"), help_text=_("One per line."), blank=True
    )
    courses = models.ManyToManyField(
        Course, verbose_name=_("linked trainings"), blank=True, related_name="development_plans"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("career development plan")
        verbose_name_plural = _("career development plans")

    def __str__(self):
        return f"{self.employee.name} · {self.target_role}"

    @property
    def competency_list(self) -> list[str]:
        return [line.strip() for line in self.competencies.splitlines() if line.strip()]

    @property
    def path_steps(self) -> list[str]:
        return [step.strip() for step in self.path.replace("->", "→").split("→") if step.strip()]


class DevelopmentGoal(models.Model):
    """A stage goal of a development plan, with its dates."""

    class State(models.TextChoices):
        OPEN = "open", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    starts_on = models.DateField(_("from"))
    due_on = models.DateField(_("by"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage goal")
        verbose_name_plural = _("stage goals")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("starts_on")), name="training_goal_dates_in_order"
            )
        ]

    def __str__(self):
        return self.title


class CareerConversation(models.Model):
    """职业发展面谈, recorded by the supervisor."""

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="conversations"
    )
    held_on = models.DateField(_("held on"))
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("what was discussed"))
    agreed_actions = models.TextField(_("agreed actions"), blank=True)
    next_on = models.DateField(_("next conversation"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("career conversation")
        verbose_name_plural = _("career conversations")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.plan.employee.name} · {self.held_on}"
