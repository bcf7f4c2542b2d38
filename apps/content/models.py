"""Content planning and review (SPEC §2).

Review chains
-------------
A department (optionally narrowed to one channel) has a ReviewChain of ordered
ReviewSteps. A step says who acts on it:

* ``kind=self_check`` — the item's own author confirms the checklist (自审). A leading
  self-check is completed as part of submitting (the submit form carries its checklist),
  so the copywriter does not have to open the item twice.
* ``kind=designer_check`` — the designer's self-check of the design work (设计师自审,
  rulebook 003 §3.1.4). It applies to design work only (an item with a designer, or an
  image post or poster) and is acted on by the item's designer (the author when the item
  names none); for other items the step is skipped, so step numbers count the steps the
  item actually goes through.
* ``kind=review`` — a reviewer. The reviewer must hold ``step.authority`` (normally
  ``review_content``) in the item's department, *and*, when the step lists
  ``positions`` and/or sets ``managerial_only``, must also hold such a post in the
  item's department or one of its ancestors (a director in the company above covers
  every department). The authority answers "may review content here"; the position
  answers "at which level". In the 003 preset the second review (二审) lists the ops
  specialist, so the manager, who holds review_content over the department, still does
  not take the specialist's step; 003 has no manager step, and a department that wants
  one adds a managerial-only step to its chain in the admin.

The author is never a reviewer of their own item (nobody approves their own item).

Return and resubmit
-------------------
A return (退回修改) needs a comment and sends the item back to its author. On
resubmission the chain restarts at step 1: the reviewers at earlier steps approved a
different text, and a revised text must pass every check again (an edit made to satisfy
a later reviewer can break what an earlier one checked). Editing approved or scheduled
content likewise creates a new version and sends it back to step 1.

Versions and conflicts
----------------------
Each submission snapshots a ContentVersion (1, 2, …). A reviewer acts on a version
and a step number; if the item moved on meanwhile (new version, another reviewer
acted first) the service raises ConflictError (HTTP 409) instead of stepping twice.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core import uploads
from apps.org.authorities import Authority

IMAGE_EXTENSIONS = uploads.IMAGE_EXTENSIONS
IMAGE_MAX_BYTES = 5 * 1024 * 1024
PROOF_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png"}
PROOF_MAX_BYTES = 10 * 1024 * 1024

# The shared upload check (apps.core.uploads); migration 0001 refers to this name.
FileValidator = uploads.UploadValidator

validate_image = uploads.UploadValidator(IMAGE_EXTENSIONS, IMAGE_MAX_BYTES)
validate_proof = uploads.UploadValidator(PROOF_EXTENSIONS, PROOF_MAX_BYTES)


class Format(models.TextChoices):
    ARTICLE = "article", _("Article")
    IMAGE = "image", _("Image post")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")
    POSTER = "poster", _("Poster")
    H5 = "h5", _("H5 page")


class Checklist(models.TextChoices):
    ACCURACY = "accuracy", _("Facts and data are accurate")
    COMPLETENESS = "completeness", _("Complete: nothing missing")
    LOGIC = "logic", _("Logical and clearly structured")
    LEGALITY = "legality", _("Legal and within platform rules")
    POSITIONING = "positioning", _("Fits our positioning and audience")
    ORIGINALITY = "originality", _("Original, or source and authorisation attributed")
    LAYOUT = "layout", _("Layout is clean")
    IMAGES = "images", _("Images match the copy")


ALL_CHECKS = list(Checklist.values)


class Channel(models.Model):
    """Where content goes out (a preset list, editable in the admin)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=50, blank=True)
    publisher = models.CharField(
        _("publisher"),
        max_length=200,
        blank=True,
        help_text=_("Dotted path of a channel publisher class; empty records the publication."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Topic(models.Model):
    """A proposal in the topic bank (选题库), decided at a topic meeting (选题会)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        PARKED = "parked", _("Parked")

    title = models.CharField(_("title"), max_length=200)
    proposal = models.TextField(_("proposal"), blank=True)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT
    )
    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), null=True, blank=True, on_delete=models.PROTECT
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    meeting_date = models.DateField(_("topic meeting"), null=True, blank=True)
    decision_notes = models.TextField(_("decision notes"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self):
        return self.title


class ContentPlan(models.Model):
    """A content plan (内容计划) of one department for one channel."""

    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT
    )
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.PROTECT)
    theme = models.CharField(_("theme"), max_length=200)
    format = models.CharField(_("format"), max_length=10, choices=Format)
    frequency = models.CharField(_("frequency"), max_length=100, help_text=_("e.g. twice a week"))
    planned_dates = models.JSONField(_("planned dates"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("content plan")
        verbose_name_plural = _("content plans")
        ordering = ["department", "channel", "theme"]
        indexes = [models.Index(fields=["department", "channel"])]

    def __str__(self):
        return self.theme


class ReviewChain(models.Model):
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="review_chains",
    )
    channel = models.ForeignKey(
        Channel,
        verbose_name=_("channel"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: every channel without a chain of its own."),
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("review chain")
        verbose_name_plural = _("review chains")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "channel"], name="content_chain_per_dept_channel"
            ),
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(channel__isnull=True),
                name="content_one_default_chain_per_dept",
            ),
        ]

    def __str__(self):
        return self.name


class ReviewStep(models.Model):
    class Kind(models.TextChoices):
        SELF_CHECK = "self_check", _("Author's self-check")
        DESIGNER_CHECK = "designer_check", _("Designer's self-check")
        REVIEW = "review", _("Review")

    # Steps the item's own people confirm (no review authority involved).
    SELF_CHECK_KINDS = (Kind.SELF_CHECK, Kind.DESIGNER_CHECK)

    chain = models.ForeignKey(ReviewChain, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REVIEW)
    authority = models.CharField(
        _("authority"),
        max_length=40,
        choices=Authority.choices,
        default=Authority.REVIEW_CONTENT,
    )
    positions = models.ManyToManyField(
        "org.Position",
        verbose_name=_("positions"),
        blank=True,
        help_text=_("If set, the reviewer must also hold one of these positions."),
    )
    managerial_only = models.BooleanField(_("managerial positions only"), default=False)
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    due_working_days = models.PositiveSmallIntegerField(_("due in working days"), default=1)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["chain", "order"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "order"], name="content_step_order_unique")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def checklist_items(self):
        return [(code, Checklist(code).label) for code in self.checklist if code in ALL_CHECKS]

    @property
    def is_self_check(self) -> bool:
        return self.kind in self.SELF_CHECK_KINDS

    def applies_to(self, item) -> bool:
        """Does `item` go through this step? The designer's check only for design work."""
        return self.kind != self.Kind.DESIGNER_CHECK or item.is_design_work

    def checker_id(self, item):
        """Who confirms a self-check step of `item` (None for a review step)."""
        if self.kind == self.Kind.SELF_CHECK:
            return item.author_id
        if self.kind == self.Kind.DESIGNER_CHECK:
            return item.designer_id or item.author_id
        return None


class ContentItem(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        RETURNED = "returned", _("Returned for revision")
        APPROVED = "approved", _("Approved")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ARCHIVED = "archived", _("Archived")

    class Origin(models.TextChoices):
        ORIGINAL = "original", _("Original")
        REPOST = "repost", _("Repost")

    PENDING_STATES = (State.SUBMITTED, State.IN_REVIEW)
    EDITABLE_STATES = (
        State.DRAFT,
        State.RETURNED,
        State.WITHDRAWN,
        State.APPROVED,
        State.SCHEDULED,
    )

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    cover = models.FileField(
        _("cover"),
        upload_to=uploads.RandomName("content/covers"),
        blank=True,
        validators=[validate_image],
    )
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.PROTECT)
    format = models.CharField(_("format"), max_length=10, choices=Format, default=Format.ARTICLE)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="content_items",
    )
    designer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("designer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="designed_content_items",
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL
    )
    plan = models.ForeignKey(
        ContentPlan,
        verbose_name=_("content plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    publish_at = models.DateTimeField(_("planned publish time"), null=True, blank=True)
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.ORIGINAL
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    authorisation = models.FileField(
        _("proof of authorisation"),
        upload_to=uploads.RandomName("content/authorisations"),
        blank=True,
        validators=[validate_proof],
    )

    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    chain = models.ForeignKey(ReviewChain, null=True, blank=True, on_delete=models.PROTECT)
    current_step = models.ForeignKey(
        ReviewStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step_number = models.PositiveSmallIntegerField(default=0)
    step_total = models.PositiveSmallIntegerField(default=0)
    step_due_at = models.DateTimeField(_("step due"), null=True, blank=True)
    step_reminded_on = models.DateField(null=True, blank=True)
    version_number = models.PositiveIntegerField(_("version"), default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)

    publish_attempts = models.PositiveSmallIntegerField(default=0)
    publish_error = models.TextField(_("publishing failure"), blank=True)
    # After a failed attempt: not before this time (the retry back-off).
    publish_retry_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["state", "step_due_at"], name="content_item_queue"),
            # The review queue walks pending items in due order and stops at a page.
            models.Index(
                fields=["step_due_at", "id"],
                condition=Q(state__in=["submitted", "in_review"]),
                name="content_item_pending_due",
            ),
            models.Index(fields=["department", "state"]),
            models.Index(fields=["channel", "state"]),
            models.Index(fields=["author", "state"]),
            models.Index(fields=["state", "publish_at"], name="content_item_publish"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=["submitted", "in_review"]) | Q(current_step__isnull=False),
                name="content_pending_has_step",
            ),
            models.CheckConstraint(
                condition=~Q(state="scheduled") | Q(publish_at__isnull=False),
                name="content_scheduled_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    DESIGN_FORMATS = (Format.IMAGE, Format.POSTER)

    @property
    def is_pending(self) -> bool:
        return self.state in self.PENDING_STATES

    @property
    def is_design_work(self) -> bool:
        """Design work goes through the designer's self-check (rulebook 003 §3.1.4)."""
        return bool(self.designer_id) or self.format in self.DESIGN_FORMATS

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_pending and self.step_due_at and self.step_due_at < timezone.now())


class ContentImage(models.Model):
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(
        _("image"), upload_to=uploads.RandomName("content/images"), validators=[validate_image]
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["id"]

    def __str__(self):
        return self.caption or self.file.name


class ContentVersion(models.Model):
    """The text as it stood at one submission."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="content_version_unique")
        ]

    def __str__(self):
        return f"{self.item_id} v{self.number}"


class ReviewAction(models.Model):
    """One event on an item's way through review (the item's timeline)."""

    class Decision(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        SUBMITTED = "submitted", _("Submitted")
        SELF_CHECKED = "self_checked", _("Self-check done")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for revision")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        PUBLISH_FAILED = "publish_failed", _("Publishing failed")
        ARCHIVED = "archived", _("Archived")
        REMINDED = "reminded", _("Reviewer reminded")

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="actions")
    version_number = models.PositiveIntegerField(default=0)
    step = models.ForeignKey(
        ReviewStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step_number = models.PositiveSmallIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices)
    comment = models.TextField(blank=True)
    checklist = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["item", "created_at"])]

    def __str__(self):
        return f"{self.item_id} {self.decision}"


class Publication(models.Model):
    """The one publication of an item (unique: a job running twice publishes once)."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    item = models.OneToOneField(ContentItem, on_delete=models.CASCADE, related_name="publication")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT)
    status = models.CharField(max_length=10, choices=Status.choices)
    published_at = models.DateTimeField(null=True, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self):
        return self.reference or str(self.item_id)


class ContentMetrics(models.Model):
    """Figures of a published item as of a date (typed in or imported from CSV)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Typed in")
        CSV = "csv", _("CSV import")

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="metrics")
    date = models.DateField(_("date"))
    reads = models.PositiveIntegerField(_("reads"), default=0)
    shares = models.PositiveIntegerField(_("shares"), default=0)
    likes = models.PositiveIntegerField(_("likes"), default=0)
    comments = models.PositiveIntegerField(_("comments"), default=0)
    followers_gained = models.PositiveIntegerField(_("followers gained"), default=0)
    followers_lost = models.PositiveIntegerField(_("followers lost"), default=0)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("metrics")
        verbose_name_plural = _("metrics")
        ordering = ["item", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["item", "date"], name="content_metrics_per_day")
        ]

    def __str__(self):
        return f"{self.item_id} {self.date}"
