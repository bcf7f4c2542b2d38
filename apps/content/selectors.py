"""Reads: lists with their joins, the review queue, version diffs, timelines, the
calendar. Lists filter with the policy in SQL (apps.content.permissions)."""

import datetime as dt
import difflib
import html
import re
from dataclasses import dataclass

import nh3
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.db.models.lookups import Contains, StartsWith
from django.utils import timezone
from guardian.models import UserObjectPermission

from apps.content import permissions as policy
from apps.content.models import ContentItem, ContentPlan, ContentVersion, ReviewAction
from apps.org import permissions as org_policy
from apps.org.authorities import Authority, Scope
from apps.org.models import Assignment

State = ContentItem.State

QUEUE_SORTS = {
    "due": ("step_due_at", "pk"),
    "-due": ("-step_due_at", "-pk"),
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
    "title": ("title", "pk"),
}


def _base():
    return ContentItem.objects.select_related(
        "department", "channel", "author__employee", "current_step"
    )


def item_list_for(user, *, state="", department=None, channel=None, search="", mine=False):
    items = _base().filter(policy.item_visibility_q(user))
    if mine:
        items = items.filter(author=user)
    if state:
        items = items.filter(state=state)
    if department:
        items = items.filter(department=department)
    if channel:
        items = items.filter(channel=channel)
    if search:
        items = items.filter(title__icontains=search)
    return items.order_by("-updated_at", "-pk")


def my_open_items(user):
    """The author's drafts, returned items and self-checks waiting for them."""
    return (
        _base()
        .filter(author=user)
        .filter(
            Q(state__in=[State.DRAFT, State.RETURNED])
            | Q(state__in=ContentItem.PENDING_STATES, current_step__kind="self_check")
        )
        .order_by("-updated_at", "-pk")
    )


def author_has_priority():
    """True for an item whose author holds content_priority (seed 002: 有内容优先使用权)
    over the item's department today, through a post (department, subtree or company
    scope) or a delegation (the department or an ancestor). One correlated subquery."""
    on_post = (
        Assignment.objects.active_on()
        .filter(
            employee__user=OuterRef("author"),
            employee__is_active=True,
            post__authorities__authority=Authority.CONTENT_PRIORITY,
        )
        .filter(
            Q(post__department=OuterRef("department"))
            | Q(
                StartsWith(OuterRef("department__path"), F("post__department__path")),
                post__authorities__scope=Scope.SUBTREE,
            )
            | Q(post__authorities__scope=Scope.COMPANY)
        )
    )
    delegated = (
        UserObjectPermission.objects.filter(
            user=OuterRef("author"),
            permission__codename=Authority.CONTENT_PRIORITY,
            content_type__app_label="org",
            content_type__model="department",
        )
        .annotate(segment=Concat(Value("/"), "object_pk", Value("/")))
        .filter(Contains(OuterRef("department__path"), F("segment")))
    )
    return Q(Exists(on_post)) | Q(Exists(delegated))


def review_queue_for(user, *, department=None, channel=None, author=None, due="", sort="due"):
    """What waits for `user`: items whose current step they may act on, not their own.
    Items of authors holding content_priority come first (内容优先使用权: their content
    is reviewed first), each group in the chosen order."""
    items = (
        _base()
        .filter(policy.review_queue_q(user))
        .annotate(priority=ExpressionWrapper(author_has_priority(), output_field=BooleanField()))
    )
    if department:
        items = items.filter(department=department)
    if channel:
        items = items.filter(channel=channel)
    if author:
        items = items.filter(author=author)
    now = timezone.now()
    if due == "overdue":
        items = items.filter(step_due_at__lt=now)
    elif due == "today":
        items = items.filter(step_due_at__gte=now, step_due_at__lt=now + dt.timedelta(days=1))
    return items.order_by("-priority", *QUEUE_SORTS.get(sort, QUEUE_SORTS["due"]))


_COUNT_ATTR = "_content_queue_count"


def review_queue_count(user) -> int:
    """The navigation badge. The queue page stores its own unfiltered count on the user
    so the badge does not count twice."""
    cached = getattr(user, _COUNT_ATTR, None)
    if cached is None:
        cached = ContentItem.objects.filter(policy.review_queue_q(user)).count()
        setattr(user, _COUNT_ATTR, cached)
    return cached


def remember_queue_count(user, count: int) -> None:
    setattr(user, _COUNT_ATTR, count)


def next_in_queue(user, after: ContentItem | None = None):
    queue = review_queue_for(user)
    if after is not None:
        queue = queue.exclude(pk=after.pk)
    pk = queue.values_list("pk", flat=True).first()
    return ContentItem(pk=pk) if pk else None


def timeline_of(item):
    return (
        ReviewAction.objects.filter(item=item)
        .select_related("actor__employee", "step")
        .order_by("created_at", "id")
    )


def versions_of(item):
    return ContentVersion.objects.filter(item=item).select_related("created_by__employee")


# --- Diff ---------------------------------------------------------------------------

_BLOCK_END = re.compile(
    r"(</(p|h[1-6]|li|blockquote|tr|figcaption|pre)>|<br\s*/?>|<hr\s*/?>)", re.I
)


def text_lines(body_html: str) -> list[str]:
    """The readable text of a body, one line per paragraph-like block."""
    marked = _BLOCK_END.sub("\n", body_html or "")
    text = html.unescape(nh3.clean(marked, tags=set()))
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass
class DiffRow:
    kind: str  # equal / insert / delete / replace
    left: str
    right: str
    left_no: int | None
    right_no: int | None


def diff_versions(old: ContentVersion | None, new: ContentVersion) -> list[DiffRow]:
    """Side-by-side rows (plain text: the template escapes it) between two versions,
    title first. With no old version everything is an insert."""
    a = ([old.title] + text_lines(old.body)) if old else []
    b = [new.title] + text_lines(new.body)
    rows = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                rows.append(DiffRow("equal", a[i1 + offset], b[j1 + offset], i1 + offset + 1,
                                    j1 + offset + 1))  # fmt: skip
            continue
        left, right = a[i1:i2], b[j1:j2]
        for offset in range(max(len(left), len(right))):
            lt = left[offset] if offset < len(left) else None
            rt = right[offset] if offset < len(right) else None
            kind = "replace" if lt is not None and rt is not None else (
                "delete" if rt is None else "insert")  # fmt: skip
            rows.append(
                DiffRow(
                    kind,
                    lt or "",
                    rt or "",
                    i1 + offset + 1 if lt is not None else None,
                    j1 + offset + 1 if rt is not None else None,
                )
            )
    return rows


def diff_inline(rows: list[DiffRow]) -> list[tuple[str, str]]:
    """The same diff as one column: ("-", text), ("+", text), (" ", text)."""
    lines = []
    for row in rows:
        if row.kind == "equal":
            lines.append((" ", row.right))
        else:
            if row.left_no is not None:
                lines.append(("-", row.left))
            if row.right_no is not None:
                lines.append(("+", row.right))
    return lines


def version_pair(item, a=None, b=None):
    """(old, new) versions to compare: given numbers, or the latest against the one before."""
    versions = {v.number: v for v in versions_of(item)}
    if not versions:
        return None, None
    new = versions.get(int(b)) if b else versions[max(versions)]
    if new is None:
        return None, None
    old = versions.get(int(a)) if a else versions.get(new.number - 1)
    return old, new


# --- Calendar -----------------------------------------------------------------------


def calendar_month(user, year: int, month: int):
    """{date: {"items": [...], "plans": [...]}} for a month: scheduled and published items
    visible to `user`, and planned dates of their departments' plans."""
    tz = timezone.get_current_timezone()
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1)
    start = dt.datetime.combine(first, dt.time(0), tz)
    end = dt.datetime.combine(last, dt.time(0), tz)
    items = (
        _base()
        .filter(policy.item_visibility_q(user))
        .filter(
            state__in=[State.APPROVED, State.SCHEDULED, State.PUBLISHED],
            publish_at__gte=start,
            publish_at__lt=end,
        )
        .order_by("publish_at")[:500]
    )
    days: dict[dt.date, dict] = {}
    for item in items:
        day = timezone.localtime(item.publish_at).date()
        days.setdefault(day, {"items": [], "plans": []})["items"].append(item)
    plans = ContentPlan.objects.filter(
        org_policy.department_q(
            user, Authority.VIEW_DEPARTMENT, Authority.CREATE_CONTENT, Authority.REVIEW_CONTENT
        )
    ).select_related("channel", "department")
    prefix = f"{year:04d}-{month:02d}-"
    for plan in plans:
        for value in plan.planned_dates:
            if str(value).startswith(prefix):
                day = dt.date.fromisoformat(value)
                days.setdefault(day, {"items": [], "plans": []})["plans"].append(plan)
    return days
