"""Set-based writes for the batch jobs: update many rows by id in one statement.

PostgreSQL gets `UPDATE … FROM unnest(arrays)` (one round trip per page of rows, the
values as array parameters); other databases fall back to Django's bulk_update."""

from django.db import connection


def update_by_id(
    model,
    fields: list[str],
    rows: list[tuple],
    *,
    casts: dict | None = None,
    where: str = "",
    page_size: int = 50_000,
) -> None:
    """rows: (id, value1, value2, …) in the order of `fields`."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objs = []
        for row in rows:
            obj = model(pk=row[0])
            for name, value in zip(fields, row[1:], strict=True):
                setattr(obj, name, value)
            objs.append(obj)
        model.objects.bulk_update(objs, fields, batch_size=1000)
        return
    casts = casts or {}
    table = model._meta.db_table
    columns = [model._meta.get_field(f).column for f in fields]
    arrays = ", ".join(f"%s::{casts.get(f, 'text')}[]" for f in fields)
    assignments = ", ".join(f'"{c}" = v."{c}"' for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    # Table and column names come from the model; values travel as array parameters.
    sql = (
        f'UPDATE "{table}" AS t SET {assignments} '  # noqa: S608
        f"FROM unnest(%s::bigint[], {arrays}) AS v(id, {names}) WHERE t.id = v.id {where}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), page_size):
            page = rows[start : start + page_size]
            cursor.execute(sql, [list(column) for column in zip(*page, strict=True)])
