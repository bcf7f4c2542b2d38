"""The execution log and prizes: log entries with attachments while the campaign runs,
and prize distribution against the planned prizes."""

import datetime as dt
import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.campaigns import permissions as policy
from apps.campaigns.models import Campaign, LogAttachment, LogEntry, Prize, PrizeDistribution
from apps.core import audit, uploads
from apps.core.errors import ApplicationError, ConflictError

from ._common import _lock

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5
ATTACHMENT_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".pdf", ".docx", ".xlsx", ".txt", ".csv"}


def _check_files(files) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise ApplicationError(
            _("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS}, field="attachments"
        )
    for upload in files:
        # The shared check (apps.core.uploads) reads the whole file, not its name only.
        try:
            uploads.check_upload(
                upload, extensions=ATTACHMENT_EXTENSIONS, max_bytes=MAX_ATTACHMENT_BYTES
            )
        except ValidationError as error:
            if error.code == "file_type":
                message = _(
                    "%(name)s: only images, PDF, Word, Excel, text and CSV files can be attached."
                ) % {"name": upload.name}
            else:
                message = error.messages[0]
            raise ApplicationError(message, field="attachments") from error


@transaction.atomic
def log_entry_add(
    *,
    actor,
    campaign: Campaign,
    kind: str,
    happened_on: dt.date,
    text: str,
    handling: str = "",
    files=(),
) -> LogEntry:
    """Add to the execution log, with up to MAX_ATTACHMENTS checked files. Refused outside
    preparing-to-finished (a conflict), to someone outside the team, for an unknown kind,
    without text, for an incident without its handling, and for too many or unacceptable
    files."""
    campaign = _lock(campaign)
    if campaign.state not in Campaign.LOGGING_STATES:
        raise ConflictError(_("The execution log is kept from preparing until finished."))
    policy.require(policy.can_log(actor, campaign), _("Only the campaign's team keeps its log."))
    if kind not in LogEntry.Kind.values:
        raise ApplicationError(_("Choose the kind of entry."), field="kind")
    if not (text or "").strip():
        raise ApplicationError(_("Write what happened."), field="text")
    if kind != LogEntry.Kind.PROGRESS and not (handling or "").strip():
        raise ApplicationError(_("Say how the incident was handled."), field="handling")
    files = list(files)
    _check_files(files)
    entry = LogEntry.objects.create(
        campaign=campaign,
        kind=kind,
        happened_on=happened_on,
        text=text.strip(),
        handling=(handling or "").strip(),
        author=actor,
    )
    for upload in files:
        LogAttachment.objects.create(
            entry=entry, file=upload, name=os.path.basename(upload.name)[:200], size=upload.size
        )
    audit.record(actor=actor, obj=campaign, action=f"campaign.log.{kind}", comment=text[:200])
    return entry


@transaction.atomic
def prize_distribute(
    *, actor, prize: Prize, recipient: str, quantity: int, distributed_on: dt.date
) -> PrizeDistribution:
    """Record prizes given to a recipient. Refused outside preparing-to-finished (a
    conflict), to someone outside the team, without a recipient, for a quantity below 1 or
    above what is left of the prize."""
    campaign = _lock(prize.campaign)
    prize = Prize.objects.select_for_update().get(pk=prize.pk)
    if campaign.state not in Campaign.LOGGING_STATES:
        raise ConflictError(_("Prizes are given out while the campaign runs."))
    policy.require(policy.can_log(actor, campaign), _("Only the campaign's team gives out prizes."))
    if not (recipient or "").strip():
        raise ApplicationError(_("Who received the prize?"), field="recipient")
    if int(quantity) < 1:
        raise ApplicationError(_("The quantity must be at least 1."), field="quantity")
    if prize.distributed + int(quantity) > prize.quantity:
        raise ApplicationError(
            _("Only %(left)d of %(total)d “%(name)s” are left to give out.")
            % {"left": prize.remaining, "total": prize.quantity, "name": prize.name},
            field="quantity",
        )
    record = PrizeDistribution.objects.create(
        prize=prize,
        recipient=recipient.strip(),
        quantity=int(quantity),
        distributed_on=distributed_on,
        recorded_by=actor,
    )
    prize.distributed += int(quantity)
    prize.save(update_fields=["distributed"])
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.prize",
        comment=f"{prize.name} × {quantity} → {recipient}",
    )
    return record
