"""The SLA breach scan (periodic, every 5 minutes). Set-based, whatever the number of
complaints:

1. the breaches not yet escalated in their cycle are found in SQL — new complaints past
   their accept-by time, complaints being handled past their resolve-by time (a complaint
   waiting for the complainant has its clock paused and is not scanned);
2. an Escalation per breach is written in the database: on PostgreSQL one
   ``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`` whose rows feed one
   ``UPDATE … FROM`` that flags the breached complaints (unless notify-only) — a single
   statement that returns the escalations it wrote. Elsewhere (SQLite) the ORM does the
   same with bulk_create(ignore_conflicts=True). The unique (complaint, kind, cycle)
   makes a second run, or two runs at once, a no-op;
3. each escalated complaint gets one audit row, bulk-inserted (1,000 per statement);
4. each department's nearest supervisor (manager) gets one notification with the count.
"""

import uuid
from collections import namedtuple

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.complaints import holders, sla
from apps.complaints.models import Complaint, Escalation, SlaPolicy
from apps.core import audit
from apps.core.notifications import notify
from apps.org.authorities import Authority
from apps.org.models import Department

S = Complaint.State


def breaches(now):
    """Complaints past a due time with no escalation yet for that clock in this cycle."""
    kind = Case(
        When(state=S.NEW, then=Value(Escalation.Kind.ACCEPT)),
        default=Value(Escalation.Kind.RESOLVE),
        output_field=CharField(),
    )
    already = Escalation.objects.filter(
        complaint=OuterRef("pk"), cycle=OuterRef("cycle"), kind=OuterRef("breach_kind")
    )
    return (
        Complaint.objects.filter(sla.overdue_q(now))
        .annotate(breach_kind=kind)
        .filter(~Exists(already))
    )


def _breach_rows(now):
    """The breaches as rows ready for complaints_escalation (notify-only resolved in SQL)."""
    policy_notify_only = SlaPolicy.objects.filter(severity=OuterRef("severity")).values(
        "notify_only"
    )[:1]
    if sla.global_notify_only():
        notify_only = Value(True, output_field=BooleanField())
    else:
        notify_only = Coalesce(
            Subquery(policy_notify_only, output_field=BooleanField()),
            Value(False, output_field=BooleanField()),
        )
    return breaches(now).annotate(breach_notify_only=notify_only)


# One escalated complaint as the database reports it back.
Escalated = namedtuple(
    "Escalated", "complaint_id code state kind cycle department_id notify_only flagged"
)


def _escalate_in_postgres(now, run) -> list[Escalated]:
    """One statement: insert the escalations (a conflicting row is skipped), flag their
    complaints unless notify-only, and return one row per escalation it wrote."""
    select_sql, select_params = (
        _breach_rows(now)
        .values(
            "pk", "code", "state", "cycle", "department_id", "breach_kind", "breach_notify_only"
        )
        .order_by()
        .query.sql_with_params()
    )
    table = Escalation._meta.db_table
    complaints = Complaint._meta.db_table
    # Only table names and the ORM-compiled SELECT are interpolated; values are parameters.
    sql = f"""
        WITH found AS ({select_sql}),
        inserted AS (
            INSERT INTO {table}
                (complaint_id, kind, cycle, department_id, notify_only, run, created_at)
            SELECT found.pk, found.breach_kind, found.cycle, found.department_id,
                   found.breach_notify_only, %s, %s
            FROM found
            ON CONFLICT (complaint_id, kind, cycle) DO NOTHING
            RETURNING complaint_id, kind, cycle, department_id, notify_only
        ),
        flagged AS (
            UPDATE {complaints} AS c SET is_escalated = TRUE, escalated_at = %s
            FROM inserted
            WHERE c.id = inserted.complaint_id
              AND NOT inserted.notify_only AND NOT c.is_escalated
            RETURNING c.id
        )
        SELECT inserted.complaint_id, found.code, found.state, inserted.kind, inserted.cycle,
               inserted.department_id, inserted.notify_only, flagged.id IS NOT NULL
        FROM inserted
        JOIN found ON found.pk = inserted.complaint_id AND found.breach_kind = inserted.kind
        LEFT JOIN flagged ON flagged.id = inserted.complaint_id
        ORDER BY inserted.complaint_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*select_params, run, now, now])
        return [Escalated(*row) for row in cursor.fetchall()]


def _escalate_with_orm(now, run) -> list[Escalated]:
    """The same through the ORM (SQLite): rows built in Python, bulk-inserted."""
    rows = list(
        _breach_rows(now).values_list(
            "pk", "code", "state", "breach_kind", "cycle", "department_id", "breach_notify_only"
        )
    )
    if not rows:
        return []
    found = {pk: (code, state) for pk, code, state, *_ in rows}
    Escalation.objects.bulk_create(
        [
            Escalation(
                complaint_id=pk,
                kind=kind,
                cycle=cycle,
                department_id=department_id,
                notify_only=notify_only,
                run=run,
                created_at=now,
            )
            for pk, _code, _state, kind, cycle, department_id, notify_only in rows
        ],
        ignore_conflicts=True,
    )
    mine = list(
        Escalation.objects.filter(run=run)
        .order_by("complaint_id")
        .values_list(
            "complaint_id",
            "kind",
            "cycle",
            "department_id",
            "notify_only",
            "complaint__is_escalated",
        )
    )
    to_flag = {pk for pk, *_, notify_only, escalated in mine if not (notify_only or escalated)}
    Complaint.objects.filter(pk__in=to_flag).update(is_escalated=True, escalated_at=now)
    return [
        Escalated(pk, *found[pk], kind, cycle, department_id, notify_only, pk in to_flag)
        for pk, kind, cycle, department_id, notify_only, _escalated in mine
    ]


def _audit(escalated: list[Escalated], run) -> None:
    """One audit row per escalated complaint, for its timeline: which clock it missed,
    in which cycle, and whether the complaint was flagged (not under notify-only)."""
    audit.record_rows(
        actor=None,
        action="complaint.escalate",
        rows=(
            audit.AuditRow(
                object_type=audit.object_type_of(Complaint),
                object_id=e.complaint_id,
                object_repr=e.code,
                from_state=e.state,
                to_state=e.state,  # a breach escalates; it does not move the state
                comment=f"{e.kind} deadline missed, cycle {e.cycle}"
                + (", notify only" if e.notify_only else "")
                + f", run {run}",
                changes={"is_escalated": [False, True]} if e.flagged else {},
            )
            for e in escalated
        ),
    )


@transaction.atomic
def escalate_breaches(now=None) -> dict:
    """Escalate every new breach once. Returns {"escalated": n, "flagged": n, "notified": n}."""
    now = now or timezone.now()
    run = uuid.uuid4()
    if connection.vendor == "postgresql":
        escalated = _escalate_in_postgres(now, run)
    else:
        escalated = _escalate_with_orm(now, run)
    if not escalated:
        return {"escalated": 0, "flagged": 0, "notified": 0}
    _audit(escalated, run)
    by_department: dict[int, dict] = {}
    for e in escalated:
        kinds = by_department.setdefault(e.department_id, {})
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    flagged = sum(e.flagged for e in escalated)
    departments = Department.objects.filter(pk__in=by_department)
    managers = holders.holders_by_department(Authority.SUPERVISE, departments, nearest=True)
    notified = 0
    url = reverse("complaints:list") + "?overdue=1"
    for department in departments:
        kinds = by_department[department.pk]
        recipients = managers.get(department.pk, [])
        notify(
            recipients=recipients,
            title=format_lazy(
                _("{dept}: {n} complaint(s) breached their SLA"),
                dept=department.label,
                n=sum(kinds.values()),
            ),
            body=format_lazy(
                _("Not accepted in time: {a}. Not resolved in time: {r}."),
                a=kinds.get(Escalation.Kind.ACCEPT, 0),
                r=kinds.get(Escalation.Kind.RESOLVE, 0),
            ),
            url=url,
        )
        notified += len(recipients)
        audit.record(
            actor=None,
            obj=department,
            action="complaint.escalate",
            comment=f"{sum(kinds.values())} breach(es), run {run}",
            changes={k: [0, v] for k, v in kinds.items()},
        )
    return {"escalated": len(escalated), "flagged": flagged, "notified": notified}
