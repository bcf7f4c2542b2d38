"""Campaign metrics: one day's figures by hand, or many days at once from a CSV."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from apps.campaigns import permissions as policy
from apps.campaigns.models import Campaign, Channel, MetricSnapshot
from apps.core import audit, imports
from apps.core.errors import ApplicationError, ConflictError

from ._common import S, _lock, _money

MAX_CSV_BYTES = 2 * 1024 * 1024
METRIC_FIELDS = ("impressions", "clicks", "conversions", "new_followers")


def _clean_metric_row(row: dict) -> dict:
    """Check one row of figures; raises ApplicationError naming the field."""
    channel = (row.get("channel") or "").strip()
    if channel not in Channel.values:
        raise ApplicationError(
            _("Unknown channel “%(c)s” (use one of: %(all)s).")
            % {"c": channel, "all": ", ".join(Channel.values)},
            field="channel",
        )
    taken_on = row.get("taken_on")
    if isinstance(taken_on, str):
        try:
            taken_on = dt.date.fromisoformat(taken_on.strip())
        except ValueError:
            raise ApplicationError(_("Write the date as YYYY-MM-DD."), field="taken_on") from None
    if not isinstance(taken_on, dt.date):
        raise ApplicationError(_("Write the date as YYYY-MM-DD."), field="taken_on")
    clean = {"channel": channel, "taken_on": taken_on}
    for name in METRIC_FIELDS:
        raw = row.get(name)
        try:
            value = int(str(raw).strip()) if raw not in (None, "") else 0
        except ValueError:
            raise ApplicationError(
                _("%(f)s must be a whole number.") % {"f": name}, field=name
            ) from None
        if value < 0 and name != "new_followers":
            raise ApplicationError(_("%(f)s cannot be negative.") % {"f": name}, field=name)
        clean[name] = value
    if clean["clicks"] > clean["impressions"] and clean["impressions"] > 0:
        raise ApplicationError(_("Clicks cannot exceed impressions."), field="clicks")
    clean["cost"] = _money(row.get("cost") or 0, field_name="cost", allow_zero=True)
    return clean


def _metric_check(actor, campaign):
    if campaign.state not in Campaign.LOGGING_STATES + (S.EVALUATED,):
        raise ConflictError(_("Metrics are recorded once the campaign is being prepared."))
    policy.require(
        policy.can_record_metrics(actor, campaign),
        _("Only the campaign's team or a data analyst of the department records metrics."),
    )


def _upsert_metrics(actor, campaign, rows) -> list[MetricSnapshot]:
    saved = []
    for row in rows:
        snapshot, _created = MetricSnapshot.objects.update_or_create(
            campaign=campaign,
            channel=row["channel"],
            taken_on=row["taken_on"],
            defaults={**{k: row[k] for k in (*METRIC_FIELDS, "cost")}, "recorded_by": actor},
        )
        saved.append(snapshot)
    return saved


@transaction.atomic
def metrics_record(*, actor, campaign: Campaign, **row) -> MetricSnapshot:
    """Type in one day's figures for one channel (replaces that day's snapshot). Refused
    before preparing (a conflict), to someone who is neither on the team nor a data analyst
    of the department, and for a bad channel, date or figure."""
    campaign = _lock(campaign)
    _metric_check(actor, campaign)
    clean = _clean_metric_row(row)
    (snapshot,) = _upsert_metrics(actor, campaign, [clean])
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.metrics",
        comment=f"{clean['channel']} {clean['taken_on']}",
    )
    return snapshot


METRICS_COLUMNS = (
    imports.Column("channel", ("渠道",)),
    imports.Column("taken_on", ("date", "日期")),
    imports.Column("impressions", ("曝光", "曝光量")),
    imports.Column("clicks", ("点击", "点击量")),
    imports.Column("conversions", ("转化", "转化量")),
    imports.Column("new_followers", ("新增关注", "新增粉丝")),
    imports.Column("cost", ("花费", "费用")),
)


@transaction.atomic
def metrics_import_csv(*, actor, campaign: Campaign, upload) -> int:
    """Import a CSV or XLSX (columns: channel, taken_on, impressions, clicks, conversions,
    new_followers, cost; or their Chinese names). Any bad row rejects the whole file with
    imports.ImportRejected, which lists every problem by row and column."""
    campaign = _lock(campaign)
    _metric_check(actor, campaign)
    table = imports.read_table(upload, METRICS_COLUMNS, max_bytes=MAX_CSV_BYTES)
    seen = set()

    def parse(row):
        # Every figure must be there: an empty cell is a mistake, not a zero. Signs and
        # the other rules are _clean_metric_row's, as for figures typed in.
        clean = _clean_metric_row(
            {
                "channel": row.text("channel"),
                "taken_on": row.date("taken_on"),
                **{name: row.whole_number(name, minimum=None) for name in METRIC_FIELDS},
                "cost": row.decimal("cost", minimum=None, max_digits=14, places=2),
            }
        )
        key = (clean["channel"], clean["taken_on"])
        if key in seen:
            raise ApplicationError(
                _("This channel and date appear twice in the file."), field="taken_on"
            )
        seen.add(key)
        return clean

    def save(rows):
        _upsert_metrics(actor, campaign, rows)
        audit.record(
            actor=actor,
            obj=campaign,
            action="campaign.metrics_import",
            comment=_("%(n)d rows") % {"n": len(rows)},
        )
        return len(rows)

    return imports.import_table(table, parse=parse, save=save)
