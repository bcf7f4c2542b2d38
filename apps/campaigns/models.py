"""Campaigns (SPEC §3): the plan (活动策划), its approval and budget, preparation,
the execution log (执行记录) and the close-out (活动总结).

Models hold tables, constraints and cheap read-only guards; every write goes through
apps.campaigns.services."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core import uploads
from apps.org.models import BilingualNameMixin, Department, Position

POSITIVE = [MinValueValidator(Decimal("0.01"))]
MONEY = {"max_digits": 14, "decimal_places": 2}


class CampaignType(BilingualNameMixin):
    """Holiday promotion, lottery, user research … (preset, editable in the admin)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("campaign type")
        verbose_name_plural = _("campaign types")
        ordering = ["sort_order", "code"]


class DepartmentBudgetPolicy(models.Model):
    """Above `director_threshold` (total budget, yuan) the director approves too."""

    DEFAULT_THRESHOLD = Decimal("50000.00")

    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, related_name="campaign_policy"
    )
    director_threshold = models.DecimalField(
        _("director approval above (yuan)"), validators=POSITIVE, **MONEY
    )

    class Meta:
        verbose_name = _("campaign budget policy")
        verbose_name_plural = _("campaign budget policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(director_threshold__gt=0), name="campaigns_threshold_positive"
            )
        ]

    def __str__(self):
        return f"{self.department.label}: ¥{self.director_threshold}"


class Channel(models.TextChoices):
    WECHAT = "wechat", _("WeChat official account")
    MINIPROGRAM = "miniprogram", _("Mini-program")
    APP = "app", _("App")
    WEIBO = "weibo", _("Weibo")
    DOUYIN = "douyin", _("Douyin")
    WEBSITE = "website", _("Website")
    COMMUNITY = "community", _("Community group")
    OFFLINE = "offline", _("Offline")


class Campaign(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        APPROVED = "approved", _("Approved")
        PREPARING = "preparing", _("Preparing")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        EVALUATED = "evaluated", _("Evaluated")
        CANCELLED = "cancelled", _("Cancelled")

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        OFFLINE = "offline", _("Offline")
        BOTH = "both", _("Online and offline")

    class Step(models.TextChoices):
        NONE = "", _("None")
        MANAGER = "manager", _("Manager approval")
        DIRECTOR = "director", _("Director approval")

    OPEN_STATES = (
        State.DRAFT,
        State.SUBMITTED,
        State.RETURNED,
        State.APPROVED,
        State.PREPARING,
        State.RUNNING,
    )
    EDITABLE_STATES = (State.DRAFT, State.RETURNED)
    SPENDING_STATES = (State.APPROVED, State.PREPARING, State.RUNNING, State.FINISHED)
    LOGGING_STATES = (State.PREPARING, State.RUNNING, State.FINISHED)

    theme = models.CharField(_("theme"), max_length=200)
    purpose = models.TextField(_("purpose"))
    campaign_type = models.ForeignKey(
        CampaignType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="campaigns"
    )
    mode = models.CharField(_("online/offline"), max_length=10, choices=Mode.choices)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    rules = models.TextField(_("participation rules"), blank=True)
    channels = models.JSONField(_("promotion channels"), default=list, blank=True)
    expected_benefit = models.DecimalField(
        _("expected benefit (yuan)"), default=Decimal("0"), **MONEY
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_campaigns",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team"),
        blank=True,
        related_name="campaign_teams",
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )

    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    approval_step = models.CharField(
        _("approval step"), max_length=10, choices=Step.choices, default="", blank=True
    )
    # Frozen at approval (sum of the budget lines), raised by approved increases.
    approved_budget = models.DecimalField(
        _("approved budget (yuan)"), default=Decimal("0"), **MONEY
    )
    spent_total = models.DecimalField(_("spent (yuan)"), default=Decimal("0"), **MONEY)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    # Close-out (活动总结)
    actual_benefit = models.DecimalField(_("actual benefit (yuan)"), null=True, blank=True, **MONEY)
    what_worked = models.TextField(_("what worked"), blank=True)
    what_did_not = models.TextField(_("what did not work"), blank=True)
    lessons = models.TextField(_("lessons for next time"), blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaigns_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(expected_benefit__gte=0), name="campaigns_benefit_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(spent_total__lte=F("approved_budget")) | Q(spent_total=0),
                name="campaigns_spend_within_budget",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "state"]),
            models.Index(fields=["state"]),
            models.Index(fields=["campaign_type"]),
            models.Index(fields=["owner", "state"]),
            models.Index(fields=["starts_on", "ends_on"]),
        ]

    def __str__(self):
        return self.theme

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    @property
    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [str(labels.get(code, code)) for code in self.channels]

    @property
    def remaining_budget(self) -> Decimal:
        return self.approved_budget - self.spent_total


class Prize(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="prizes")
    name = models.CharField(_("prize"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_value = models.DecimalField(_("unit value (yuan)"), validators=POSITIVE, **MONEY)
    distributed = models.PositiveIntegerField(_("distributed"), default=0)

    class Meta:
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="campaigns_prize_qty"),
            models.CheckConstraint(condition=Q(unit_value__gt=0), name="campaigns_prize_value"),
            models.CheckConstraint(
                condition=Q(distributed__lte=F("quantity")), name="campaigns_prize_not_over"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def remaining(self) -> int:
        return self.quantity - self.distributed


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        PRIZES = "prizes", _("Prizes")
        ADS = "ads", _("Advertising")
        VENUE = "venue", _("Venue")
        MATERIALS = "materials", _("Materials")
        OTHER = "other", _("Other")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), validators=POSITIVE, **MONEY)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="campaigns_line_positive")
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.description}".strip()


class Target(models.Model):
    """A quantified target used to judge the campaign; `actual` is filled at close-out."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("metric"), max_length=100)
    target_value = models.DecimalField(
        _("target value"), max_digits=16, decimal_places=2, validators=POSITIVE
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    actual_value = models.DecimalField(
        _("actual value"), max_digits=16, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(target_value__gt=0), name="campaigns_target_pos")
        ]

    def __str__(self):
        return self.metric

    @property
    def met(self) -> bool | None:
        if self.actual_value is None:
            return None
        return self.actual_value >= self.target_value


class Risk(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="risks")
    description = models.CharField(_("risk"), max_length=300)
    contingency = models.TextField(_("contingency plan"))

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["id"]

    def __str__(self):
        return self.description


class ResourceRequest(models.Model):
    class Kind(models.TextChoices):
        PEOPLE = "people", _("People")
        MATERIALS = "materials", _("Materials")
        AD_SLOT = "ad_slot", _("Ad slot")
        VENUE = "venue", _("Venue")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)

    class Meta:
        verbose_name = _("resource request")
        verbose_name_plural = _("resource requests")
        ordering = ["id"]

    def __str__(self):
        return self.description


class Approval(models.Model):
    """One decision on a plan or a budget increase, by one person at one step."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="approvals")
    increase = models.ForeignKey(
        "BudgetIncrease", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    step = models.CharField(_("step"), max_length=10, choices=Campaign.Step.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(comment=""),
                name="campaigns_return_needs_comment",
            )
        ]

    def __str__(self):
        return f"{self.get_step_display()}: {self.get_decision_display()}"


class BudgetIncrease(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="budget_increases"
    )
    amount = models.DecimalField(_("amount (yuan)"), validators=POSITIVE, **MONEY)
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    approval_step = models.CharField(
        _("approval step"), max_length=10, choices=Campaign.Step.choices, default="manager"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("budget increase")
        verbose_name_plural = _("budget increases")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="campaigns_increase_pos"),
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(state="pending"),
                name="campaigns_one_pending_increase",
            ),
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self):
        return f"+¥{self.amount} ({self.get_state_display()})"


class ChecklistItem(models.Model):
    class Kind(models.TextChoices):
        MATERIALS = "materials", _("Materials ready")
        VENUE = "venue", _("Venue booked")
        PRIZES = "prizes", _("Prizes in hand")
        GUESTS = "guests", _("Guests confirmed")
        REHEARSAL = "rehearsal", _("Flow and tools rehearsed")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="checklist")
    kind = models.CharField(_("item"), max_length=12, choices=Kind.choices)
    done = models.BooleanField(_("done"), default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="campaigns_checklist_once")
        ]

    def __str__(self):
        return str(self.get_kind_display())


class LogEntry(models.Model):
    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress")
        INCIDENT = "incident", _("Incident")
        CRISIS = "crisis", _("Crisis")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="log_entries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    happened_on = models.DateField(_("date"))
    text = models.TextField(_("what happened"))
    handling = models.TextField(_("how it was handled"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["-happened_on", "-id"]
        indexes = [models.Index(fields=["campaign", "-happened_on", "-id"])]

    def __str__(self):
        return f"{self.happened_on} {self.get_kind_display()}"


class LogAttachment(models.Model):
    entry = models.ForeignKey(LogEntry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=uploads.RandomName("campaigns/log"))
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self):
        return self.name


class Spend(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="spends")
    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="spends"
    )
    amount = models.DecimalField(_("amount (yuan)"), validators=POSITIVE, **MONEY)
    spent_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("spend")
        verbose_name_plural = _("spends")
        ordering = ["-spent_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="campaigns_spend_positive")
        ]
        indexes = [models.Index(fields=["campaign", "spent_on"])]

    def __str__(self):
        return f"¥{self.amount} {self.spent_on}"


class PrizeDistribution(models.Model):
    prize = models.ForeignKey(Prize, on_delete=models.PROTECT, related_name="distributions")
    recipient = models.CharField(_("recipient"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    distributed_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("prize distribution")
        verbose_name_plural = _("prize distributions")
        ordering = ["-distributed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="campaigns_distrib_qty")
        ]

    def __str__(self):
        return f"{self.recipient} × {self.quantity}"


class MetricSnapshot(models.Model):
    """Per-channel promotion figures for one day; totals are sums over days."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="metrics")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel)
    taken_on = models.DateField(_("date"))
    impressions = models.PositiveIntegerField(_("impressions"), default=0)
    clicks = models.PositiveIntegerField(_("clicks"), default=0)
    conversions = models.PositiveIntegerField(_("conversions"), default=0)
    new_followers = models.IntegerField(_("new followers"), default=0)
    cost = models.DecimalField(_("cost (yuan)"), default=Decimal("0"), **MONEY)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("metrics snapshot")
        verbose_name_plural = _("metrics snapshots")
        ordering = ["taken_on", "channel", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "channel", "taken_on"], name="campaigns_one_snapshot_a_day"
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="campaigns_metric_cost"),
            models.CheckConstraint(
                condition=Q(clicks__lte=F("impressions")) | Q(impressions=0),
                name="campaigns_clicks_le_impressions",
            ),
        ]

    def __str__(self):
        return f"{self.channel} {self.taken_on}"
