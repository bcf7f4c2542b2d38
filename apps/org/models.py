import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.org.authorities import Authority, Scope


class BilingualNameMixin(models.Model):
    """Catalogue rows are data, not code: they carry a Chinese and an English name and
    show the one matching the active language."""

    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.name_en and (translation.get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class User(AbstractUser):
    """The login. People's organisational facts live on Employee."""

    preferred_language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        employee = getattr(self, "employee", None)
        return employee.name if employee else (self.get_full_name() or self.username)


class Department(BilingualNameMixin):
    """A node of the org tree: the company, a department, or a group inside one.

    `path` is a materialised path ("/1/4/9/") so "this department and everything
    under it" is one indexed prefix match.
    """

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        DEPARTMENT = "department", _("Department")
        GROUP = "group", pgettext_lazy("department kind", "Group")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_partner = models.BooleanField(
        _("partner department"),
        default=False,
        help_text=_("Technology, design, HR and the like: coordinate with operations."),
    )
    rulebook = models.CharField(
        _("rulebook"), max_length=10, blank=True, help_text=_("Preset rulebook, e.g. 003.")
    )
    description = models.TextField(_("description"), blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="/")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]
        # Object-level grants held by django-guardian (delegations), one per authority.
        default_permissions = ("add", "change", "delete")
        permissions = [(a.value, a.label) for a in Authority]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="company") | Q(parent__isnull=True),
                name="org_company_is_root",
            ),
        ]

    def is_within(self, other: "Department") -> bool:
        return self.path.startswith(other.path)


class Position(BilingualNameMixin):
    """A position in the catalogue (运营经理, 设计师 …), with its default authorities."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_managerial = models.BooleanField(_("managerial"), default=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["sort_order", "code"]


class PositionAuthority(models.Model):
    """A default authority of a position: copied onto each department's post of it."""

    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="default_authorities"
    )
    authority = models.CharField(_("authority"), max_length=40, choices=Authority.choices)
    scope = models.CharField(
        _("scope"), max_length=12, choices=Scope.choices, default=Scope.DEPARTMENT
    )

    class Meta:
        verbose_name = _("default authority")
        verbose_name_plural = _("default authorities")
        constraints = [
            models.UniqueConstraint(
                fields=["position", "authority"], name="org_position_authority_unique"
            )
        ]

    def __str__(self):
        return f"{self.position}: {self.get_authority_display()}"


class Post(models.Model):
    """A position as it exists in one department (the department offers it)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="posts")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="posts")
    headcount = models.PositiveSmallIntegerField(_("headcount"), null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["department", "position"], name="org_post_unique")
        ]

    def __str__(self):
        return f"{self.department.label} · {self.position.label}"


class PostAuthority(models.Model):
    """An authority held by whoever sits in a post, reaching as far as its scope."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="authorities")
    authority = models.CharField(_("authority"), max_length=40, choices=Authority.choices)
    scope = models.CharField(
        _("scope"), max_length=12, choices=Scope.choices, default=Scope.DEPARTMENT
    )

    class Meta:
        verbose_name = _("post authority")
        verbose_name_plural = _("post authorities")
        constraints = [
            models.UniqueConstraint(fields=["post", "authority"], name="org_post_authority_unique")
        ]
        indexes = [models.Index(fields=["authority"])]

    def __str__(self):
        return f"{self.post}: {self.get_authority_display()} ({self.get_scope_display()})"


class Employee(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employee"
    )
    name = models.CharField(_("name"), max_length=50, db_index=True)
    employee_no = models.CharField(_("employee number"), max_length=20, unique=True)
    hire_date = models.DateField(_("hire date"))
    is_active = models.BooleanField(_("active"), default=True)
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["employee_no"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(supervisor=models.F("pk")), name="org_employee_not_own_supervisor"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.employee_no})"


class AssignmentQuerySet(models.QuerySet):
    def active_on(self, day: dt.date | None = None):
        day = day or timezone.localdate()
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class Assignment(models.Model):
    """An employee holding a post from `start_date` to `end_date` (inclusive; open-ended
    when empty). Ended assignments are kept: they are the position history."""

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="assignments")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="assignments")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="org_assignment_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["employee"],
                condition=Q(is_primary=True, end_date__isnull=True),
                name="org_one_open_primary_assignment",
            ),
        ]
        indexes = [models.Index(fields=["employee", "start_date", "end_date"])]

    def __str__(self):
        return f"{self.employee.name} · {self.post}"

    def is_active_on(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class PowerRequest(models.Model):
    """A change that would hand out powers its author does not hold (issue 10): kept
    here, unapplied, until a second person who holds those powers approves or
    refuses it. The change's own fields are stored as its service takes them."""

    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", _("Assignment of oneself")
        POST_AUTHORITY = "post_authority", _("Authority of a post")
        POSITION_AUTHORITY = "position_authority", _("Default authority of a position")
        DELEGATION = "delegation", _("Delegation")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="power_requests",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # The change itself: which fields are set depends on the kind.
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    employee = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    authority = models.CharField(max_length=40, blank=True, choices=Authority.choices)
    scope = models.CharField(max_length=12, blank=True, choices=Scope.choices)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    is_primary = models.BooleanField(default=False)
    # The grants beyond the author's own, as found when asked: [{authority, scope,
    # department}]. The approver must hold all of them.
    excess = models.JSONField(default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("power request")
        verbose_name_plural = _("power requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="org_power_request_second_person",
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()}: {self.summary}"

    @property
    def summary(self) -> str:
        if self.kind == self.Kind.ASSIGNMENT:
            return f"{self.employee.name} → {self.department.label} · {self.position.label}"
        if self.kind == self.Kind.POST_AUTHORITY:
            return f"{self.post} + {self.get_authority_display()} ({self.get_scope_display()})"
        if self.kind == self.Kind.POSITION_AUTHORITY:
            return f"{self.position} + {self.get_authority_display()} ({self.get_scope_display()})"
        return f"{self.user} · {self.department.label} + {self.get_authority_display()}"
