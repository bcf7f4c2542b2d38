"""Everyday work between people and departments that the rulebooks give rights for
(seed 002's 岗位权限): suggestions and improvement proposals to one's supervisor
(合理化建议权, 改进权), coordination requests to another department or on a campaign's
execution (工作协同权, 活动执行协同权), and bookings of the company's channels
(渠道资源使用权)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.org.models import Department

DEFAULT_REPLY_WORKING_DAYS = 5


class SuggestionPolicy(models.Model):
    """How many working days a supervisor has to reply to a suggestion in a department
    (and its groups, unless a group has its own). Without one: DEFAULT_REPLY_WORKING_DAYS."""

    department = models.OneToOneField(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="suggestion_policy",
    )
    reply_working_days = models.PositiveSmallIntegerField(
        _("reply within (working days)"),
        default=DEFAULT_REPLY_WORKING_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    class Meta:
        verbose_name = _("suggestion policy")
        verbose_name_plural = _("suggestion policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(reply_working_days__gte=1, reply_working_days__lte=60),
                name="work_suggestion_policy_days_range",
            )
        ]

    def __str__(self):
        return f"{self.department.label}: {self.reply_working_days}"


class Suggestion(models.Model):
    """A suggestion (合理化建议) or a proposal to improve a superior's instruction
    (对上级指令的改进), addressed to the author's supervisor, who replies."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggestion")
        IMPROVEMENT = "improvement", _("Improvement to an instruction")

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a reply")
        ADOPTED = "adopted", _("Adopted")
        DECLINED = "declined", _("Declined")
        NOTED = "noted", _("Noted")

    REPLY_STATES = (State.ADOPTED, State.DECLINED, State.NOTED)

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="suggestions_made",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="suggestions_received",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("suggestion"))
    regarding = models.CharField(
        _("about (instruction or matter)"),
        max_length=200,
        blank=True,
        help_text=_("The instruction you propose to improve, or what the suggestion concerns."),
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    reply_due_on = models.DateField(_("reply due"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "state"]),
            models.Index(fields=["author", "created_at"]),
            models.Index(fields=["department", "created_at"]),
            models.Index(
                fields=["reply_due_on"],
                condition=Q(state="open", reminded_at__isnull=True),
                name="work_suggestion_remind_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(author=F("recipient")), name="work_suggestion_not_to_oneself"
            ),
            models.CheckConstraint(
                condition=Q(state="open", replied_at__isnull=True)
                | (~Q(state="open") & Q(replied_at__isnull=False)),
                name="work_suggestion_replied_when_closed",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.state == self.State.OPEN and self.reply_due_on < timezone.localdate()


class CoordinationRequest(models.Model):
    """One department asks another for help (工作协同), or a campaign's execution asks
    a department for its part (活动执行协同). The receiving department answers."""

    class Kind(models.TextChoices):
        WORK = "work", _("Work coordination")
        CAMPAIGN = "campaign", _("Campaign execution")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    from_department = models.ForeignKey(
        Department, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_department = models.ForeignKey(
        Department, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("what is needed"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    due_on = models.DateField(_("due date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("coordination request")
        verbose_name_plural = _("coordination requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["to_department", "state"]),
            models.Index(fields=["from_department", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="work", campaign__isnull=True)
                | Q(kind="campaign", campaign__isnull=False),
                name="work_coordination_campaign_iff_kind",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.state == self.State.OPEN and self.due_on < timezone.localdate()


class ChannelBooking(models.Model):
    """A department's use of a channel (content.Channel: the official account, the App's
    banner …) for a time slot. Slots of one channel do not overlap."""

    class State(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.ForeignKey(
        "content.Channel", verbose_name=_("channel"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    purpose = models.CharField(_("purpose"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.BOOKED)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)

    class Meta:
        verbose_name = _("channel booking")
        verbose_name_plural = _("channel bookings")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["channel", "state", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="work_booking_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.channel} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"
