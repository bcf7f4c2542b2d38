"""Writing the audit log. Services call `record` inside their transaction."""

from django.db import models as dj_models

from apps.core.models import AuditEntry
from apps.core.request_context import current_request_id


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
    request_id = current_request_id()
    actor = actor if getattr(actor, "pk", None) else None
    rows = [
        AuditEntry(
            actor=actor,
            object_type=object_type_of(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:255],
            action=action,
            from_state=str(from_state or ""),
            to_state=str(to_state or ""),
            comment=comment or "",
            request_id=request_id,
        )
        for obj in objs
    ]
    return AuditEntry.objects.bulk_create(rows, batch_size=1000)


def diff(before: dict, after: dict) -> dict:
    """{"field": [old, new]} for the fields that changed, JSON-safe."""
    return {
        key: [str(before.get(key, "")), str(value)]
        for key, value in after.items()
        if before.get(key) != value
    }
