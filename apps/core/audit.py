"""Writing the audit log. Services call `record` inside their transaction."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models as dj_models
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.core.request_context import current_request_id

# Rows per INSERT in bulk writes: 11 columns x 1,000 stays far below PostgreSQL's
# 65,535 bind parameters per statement.
BATCH_SIZE = 1000


def object_type_of(obj) -> str:
    return obj._meta.label_lower


def record(
    *,
    actor,
    obj: dj_models.Model,
    action: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    changes: dict | None = None,
) -> AuditEntry:
    """Append one audit row for `action` by `actor` on `obj`."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        action=action,
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        comment=comment or "",
        changes=changes or {},
        request_id=current_request_id(),
    )


def record_many(*, actor, objs, action: str, from_state="", to_state="", comment=""):
    """One audit row per object in a single INSERT, for batch services."""
    return record_rows(
        actor=actor,
        action=action,
        rows=(
            AuditRow(
                object_type=object_type_of(obj),
                object_id=obj.pk,
                object_repr=str(obj),
                from_state=from_state,
                to_state=to_state,
                comment=comment,
            )
            for obj in objs
        ),
    )


@dataclass(frozen=True)
class AuditRow:
    """What differs between the rows of one batch: the object (by type and id, as a
    set-based job holds it without loading the model) and its own states and notes."""

    object_type: str
    object_id: object
    object_repr: str
    from_state: str = ""
    to_state: str = ""
    comment: str = ""
    changes: dict = field(default_factory=dict)


def record_rows(*, actor, action: str, rows: Iterable[AuditRow], batch_size=BATCH_SIZE):
    """One audit row per AuditRow, all by `actor` for `action`, inserted `batch_size`
    rows per statement: the query count grows with the batches, not with the rows."""
    request_id = current_request_id()
    actor = actor if getattr(actor, "pk", None) else None
    now = timezone.now()  # one job, one moment: its rows sort together
    entries = [
        AuditEntry(
            created_at=now,
            actor=actor,
            object_type=row.object_type,
            object_id=str(row.object_id),
            object_repr=str(row.object_repr)[:255],
            action=action,
            from_state=str(row.from_state or ""),
            to_state=str(row.to_state or ""),
            comment=row.comment or "",
            changes=row.changes or {},
            request_id=request_id,
        )
        for row in rows
    ]
    return AuditEntry.objects.bulk_create(entries, batch_size=batch_size)


def diff(before: dict, after: dict) -> dict:
    """{"field": [old, new]} for the fields that changed, JSON-safe."""
    return {
        key: [str(before.get(key, "")), str(value)]
        for key, value in after.items()
        if before.get(key) != value
    }
