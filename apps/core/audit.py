"""Writing the audit log. Services call `record` inside their transaction."""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
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


def insert_select_sql(
    *,
    actor,
    object_type: str,
    action: str,
    object_id: str,
    object_repr: str,
    source: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    changes: dict | None = None,
) -> tuple[str, list]:
    """PostgreSQL `INSERT INTO <audit> (...) SELECT ... FROM <source>` and its parameters,
    for set-based jobs that write one audit row per row of `source` inside their own
    statement. `object_id` and `object_repr` are SQL expressions over `source` (trusted
    code, never user input); every other value is a parameter placed here. The column
    list comes from AuditEntry, so the table's layout is defined once, by the model."""
    values = {
        "created_at": timezone.now(),
        "actor": actor.pk if getattr(actor, "pk", None) else None,
        "object_type": object_type,
        "action": action,
        "from_state": str(from_state or ""),
        "to_state": str(to_state or ""),
        "comment": comment or "",
        "changes": json.dumps(changes or {}),
        "request_id": current_request_id(),
    }
    expressions = {
        "object_id": f"({object_id})::text",
        "object_repr": f"left(({object_repr})::text, 255)",
        "changes": "%s::jsonb",
    }
    columns, selects, params = [], [], []
    for model_field in AuditEntry._meta.concrete_fields:
        if model_field.primary_key:
            continue
        columns.append(model_field.column)
        selects.append(expressions.get(model_field.name, "%s"))
        if model_field.name in values:
            params.append(values[model_field.name])
    missing = set(values) | set(expressions)
    missing -= {f.name for f in AuditEntry._meta.concrete_fields}
    if missing:  # a renamed column must fail loudly, not write a wrong row
        raise LookupError(f"AuditEntry has no field(s) {sorted(missing)}")
    sql = (
        f"INSERT INTO {AuditEntry._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(selects)} FROM {source}"
    )
    return sql, params


def record_bulk_sql(
    *,
    actor,
    object_type: str,
    ids_and_names: list[tuple],
    action: str,
    from_state: str = "",
    to_state: str = "",
) -> None:
    """One audit row per (id, name) of `object_type`, written like `record` writes it,
    without loading the objects: one INSERT … SELECT FROM unnest on PostgreSQL (the
    10,000-employee cycle), `record_rows` batches elsewhere. Nothing to write, no query."""
    if not ids_and_names:
        return
    if connection.vendor != "postgresql":
        record_rows(
            actor=actor,
            action=action,
            rows=(
                AuditRow(object_type, pk, name, from_state=from_state, to_state=to_state)
                for pk, name in ids_and_names
            ),
        )
        return
    sql, params = insert_select_sql(
        actor=actor,
        object_type=object_type,
        action=action,
        from_state=from_state,
        to_state=to_state,
        object_id="v.id",
        object_repr="v.name",
        source="unnest(%s::text[], %s::text[]) AS v(id, name)",
    )
    params += [[str(pk) for pk, _name in ids_and_names], [str(name) for _pk, name in ids_and_names]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def diff(before: dict, after: dict) -> dict:
    """{"field": [old, new]} for the fields that changed, JSON-safe."""
    return {
        key: [str(before.get(key, "")), str(value)]
        for key, value in after.items()
        if before.get(key) != value
    }
