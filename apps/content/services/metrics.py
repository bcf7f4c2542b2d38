"""Metrics of a published item: one day's figures by hand, or many rows from a file."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.content import permissions as policy
from apps.content.models import ContentItem, ContentMetrics
from apps.core import audit, imports
from apps.core.errors import ApplicationError, PermissionDenied

from ._common import State

METRIC_FIELDS = ("reads", "shares", "likes", "comments", "followers_gained", "followers_lost")


def _require_metrics_right(actor, item):
    if not policy.can_enter_metrics(actor, item):
        raise PermissionDenied(_("You may not enter figures for this item."))
    if item.state not in (State.PUBLISHED, State.ARCHIVED):
        raise ApplicationError(_("Figures are entered for published items only."), field="item")


@transaction.atomic
def metrics_record(*, actor, item: ContentItem, date, source="manual", **figures):
    """Record (or correct) one day's figures of a published or archived item. Refused
    without the right to enter its figures, for an item not yet published, or for a
    negative figure."""
    _require_metrics_right(actor, item)
    values = {}
    for name in METRIC_FIELDS:
        value = figures.get(name, 0)
        if value is None or int(value) < 0:
            raise ApplicationError(_("Figures cannot be negative."), field=name)
        values[name] = int(value)
    row, _created = ContentMetrics.objects.update_or_create(
        item=item, date=date, defaults={**values, "source": source, "entered_by": actor}
    )
    audit.record(
        actor=actor, obj=item, action="content.metrics",
        comment=f"{date}: " + ", ".join(f"{k}={v}" for k, v in values.items()),
    )  # fmt: skip
    return row


METRICS_COLUMNS = (
    imports.Column("item_id", ("item", "内容编号", "内容ID")),
    imports.Column("date", ("日期",)),
    imports.Column("reads", ("阅读", "阅读量")),
    imports.Column("shares", ("分享", "分享量")),
    imports.Column("likes", ("点赞", "点赞量")),
    imports.Column("comments", ("评论", "评论量")),
    imports.Column("followers_gained", ("新增关注", "涨粉")),
    imports.Column("followers_lost", ("取消关注", "掉粉")),
)


def metrics_import_csv(*, actor, data) -> int:
    """Apply a CSV or XLSX of figures (item_id, date, reads, shares, likes, comments,
    followers_gained, followers_lost; or their Chinese names). All rows or none: any bad
    row raises imports.ImportRejected with a report per row. Returns the rows applied."""
    table = imports.read_table(data, METRICS_COLUMNS)
    ids = [int(v) for v in table.values("item_id") if v.isdecimal() and v.isascii()]
    items = ContentItem.objects.select_related("department").in_bulk(ids)
    seen = set()

    def parse(row):
        raw = row.text("item_id")
        item = items.get(int(raw)) if raw.isascii() and raw.isdecimal() else None
        if item is None:
            raise ApplicationError(_("No content item %(id)s.") % {"id": raw}, field="item_id")
        day = row.date("date")
        figures = {name: row.whole_number(name) for name in METRIC_FIELDS}
        if (item.pk, day) in seen:
            raise ApplicationError(_("This item and date appear twice in the file."), field="date")
        seen.add((item.pk, day))
        _require_metrics_right(actor, item)
        return item, day, figures

    def save(rows):
        for item, day, figures in rows:
            metrics_record(actor=actor, item=item, date=day, source="csv", **figures)
        return len(rows)

    return imports.import_table(table, parse=parse, save=save)
