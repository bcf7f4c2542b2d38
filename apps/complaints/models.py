"""Complaints: a dedicated channel, SLA clocks in working hours, coordination with other
departments, and handling until the complainant is satisfied (SPEC §4, seed 000 §5.3).

State machine (services.py holds every transition):

    new ──accept──▶ accepted ──start──▶ in_progress ──resolve──▶ resolved ──confirm──▶ closed
                       │                  ▲     │                   │                    │
                       └──────resolve─────┼─────┘ (no open tasks)   └─not satisfied──▶ reopened
                                          │                            (within REOPEN_WINDOW
    in_progress ◀──resume── waiting_for_complainant ◀──wait──           after closing, too)
    reopened ──start──▶ in_progress
    any open state ──merge──▶ merged (duplicate of another complaint)
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core import uploads
from apps.org.models import BilingualNameMixin, Department


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat")
    COMMUNITY = "community", _("Community group")
    APP = "app", _("App")
    EMAIL = "email", _("E-mail")


STAFF_CHANNELS = [(c.value, c.label) for c in Channel if c not in (Channel.WEB, Channel.API)]


class ComplaintCategory(BilingualNameMixin):
    """A kind of complaint (preset, editable in the admin), routed to the department whose
    rulebook handles it and, there, to the handling position (apps.complaints.routing)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    rulebook = models.CharField(
        _("handling rulebook"),
        max_length=10,
        blank=True,
        help_text=_(
            "The rulebook whose department handles this category (000 mini-program ops, "
            "003 WeChat, 004 community ops). Empty: the default complaint department."
        ),
    )
    position = models.ForeignKey(
        "org.Position",
        verbose_name=_("handling position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Who handles it there; the department's other complaint handlers too."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("handling department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Set only to override the rulebook's department."),
    )
    default_severity = models.CharField(
        _("default severity"), max_length=10, choices=Severity, default=Severity.NORMAL
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["sort_order", "pk"]


class SlaPolicy(models.Model):
    """Hours to accept and to resolve, in working hours, per severity."""

    severity = models.CharField(_("severity"), max_length=10, choices=Severity, unique=True)
    hours_to_accept = models.DecimalField(_("hours to accept"), max_digits=6, decimal_places=2)
    hours_to_resolve = models.DecimalField(_("hours to resolve"), max_digits=6, decimal_places=2)
    notify_only = models.BooleanField(
        _("notify only"),
        default=False,
        help_text=_("On a breach, tell the manager but do not flag the complaint as escalated."),
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["hours_to_accept"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_to_accept__gt=0)
                & Q(hours_to_resolve__gte=models.F("hours_to_accept")),
                name="complaints_sla_hours_positive",
            )
        ]

    def __str__(self):
        return (
            f"{self.get_severity_display()}: {self.hours_to_accept} h / {self.hours_to_resolve} h"
        )


class ReplyTemplate(models.Model):
    category = models.ForeignKey(
        ComplaintCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reply_templates",
        help_text=_("Empty: offered for every category."),
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["category_id", "title"]

    def __str__(self):
        return self.title


class Complaint(models.Model):
    class State(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", pgettext_lazy("complaint", "Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING = "waiting_for_complainant", _("Waiting for complainant")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        MERGED = "merged", _("Merged")

    # States in which the resolve clock runs (waiting pauses it; new has the accept clock).
    RESOLVE_CLOCK_STATES = (State.ACCEPTED, State.IN_PROGRESS, State.REOPENED)
    OPEN_STATES = (
        State.NEW,
        State.ACCEPTED,
        State.IN_PROGRESS,
        State.WAITING,
        State.REOPENED,
    )

    code = models.CharField(_("tracking code"), max_length=20, unique=True)
    tracking_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel)
    category = models.ForeignKey(
        ComplaintCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("handling department"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity)
    description = models.TextField(_("description"))
    contact_name = models.CharField(_("contact name"), max_length=100)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    state = models.CharField(_("state"), max_length=24, choices=State.choices, default=State.NEW)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_complaints",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    accept_due_at = models.DateTimeField(_("accept by"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("resolve by"))
    first_resolved_at = models.DateTimeField(_("first resolved"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_hours = models.DecimalField(
        _("paused working hours"), max_digits=8, decimal_places=2, default=0
    )
    # A cycle is one run of the resolve clock; reopening starts the next one, so each
    # cycle can breach (and escalate) once.
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    resolved_in_time = models.BooleanField(_("resolved in time"), null=True, blank=True)
    is_escalated = models.BooleanField(_("escalated"), default=False)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("complainant's comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["state", "accept_due_at"], name="complaint_state_accept_due"),
            models.Index(fields=["state", "resolve_due_at"], name="complaint_state_resolve_due"),
            models.Index(fields=["department", "-received_at"], name="complaint_dept_received"),
            models.Index(fields=["owner", "state"], name="complaint_owner_state"),
            models.Index(fields=["category", "-received_at"], name="complaint_cat_received"),
            models.Index(fields=["severity"], name="complaint_severity"),
            models.Index(fields=["channel"], name="complaint_channel"),
            models.Index(fields=["-received_at", "-id"], name="complaint_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="complaints_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="complaints_not_merged_into_self"
            ),
            models.CheckConstraint(
                condition=~Q(state="merged") | Q(merged_into__isnull=False),
                name="complaints_merged_has_target",
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def current_due_at(self):
        """The deadline the clock runs against now (None when no clock runs)."""
        if self.state == self.State.NEW:
            return self.accept_due_at
        if self.state in self.RESOLVE_CLOCK_STATES:
            return self.resolve_due_at
        return None

    @property
    def is_overdue(self) -> bool:
        due = self.current_due_at
        return due is not None and due < timezone.now()


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=uploads.RandomName("complaints"))
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class ComplaintMessage(models.Model):
    """A reply to the complainant (public), an internal note, or information the
    complainant added through the tracking link (public)."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply to complainant")
        NOTE = "note", _("Internal note")
        COMPLAINANT = "complainant", _("From the complainant")

    PUBLIC_KINDS = (Kind.REPLY, Kind.COMPLAINANT)

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint message")
        verbose_name_plural = _("complaint messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["complaint", "kind", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.complaint_id}"


class CoordinationTask(models.Model):
    """Work the owner asks of another department (技术部, 产品部 …); open ones block resolving."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("complaint")
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="complaint_tasks",
    )
    title = models.CharField(_("what is needed"), max_length=200)
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("coordination task")
        verbose_name_plural = _("coordination tasks")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["department", "state", "due_date"]),
            models.Index(fields=["complaint", "state"]),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.state == self.State.OPEN and self.due_date < timezone.localdate()


class Escalation(models.Model):
    """One breach of one SLA clock in one cycle. The unique constraint makes the periodic
    scan idempotent: however often it runs, a breach escalates once."""

    class Kind(models.TextChoices):
        ACCEPT = "accept", _("Not accepted in time")
        RESOLVE = "resolve", _("Not resolved in time")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    notify_only = models.BooleanField(_("notify only"), default=False)
    run = models.UUIDField(editable=False, db_index=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "kind", "cycle"], name="complaints_one_escalation_per_breach"
            )
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.kind} #{self.cycle}"
