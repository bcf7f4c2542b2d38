"""The batch jobs of appraisal cycles (Celery beat runs them through apps.kpis.tasks; HR
triggers some by hand). Every job is set-based — a fixed number of queries per chunk of
employees, never one per employee — and idempotent: unique constraints plus
`ON CONFLICT DO NOTHING` / state-guarded updates, each chunk committed on its own, so a
job killed halfway completes when it runs again and never creates anything twice."""

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.core import audit
from apps.core.notifications import notify
from apps.org.models import Assignment

from . import raters, scoring, sources
from .bulk import update_by_id
from .deadlines import STAGE_DUE, past_q
from .models import (
    COLLEAGUE_ROLES,
    AnnualResult,
    AnnualRule,
    AppraisalCycle,
    AppraisalForm,
    CycleKind,
    CycleSchedule,
    FormItem,
    FormState,
    Indicator,
    PeerReview,
    RaterRole,
    Rating,
    TemplateSection,
)
from .policies import Resolver, period_of

S = FormState
CHUNK = 2000
# Opening writes forms and items with a handful of set-based statements per chunk; one
# chunk of up to 10,000 employees keeps its query count the same for any company up to
# that size (a killed opening still resumes chunk by chunk). HR aggregation is one
# statement on PostgreSQL; elsewhere it keeps chunks of CHUNK forms to hold memory flat.
POPULATE_CHUNK = 10_000


def _chunks(seq, size):
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def audit_forms(actor, rows, *, action, from_state="", to_state=""):
    """One audit row per form (id, name), without loading forms: apps.core.audit's
    set-based path (one INSERT on PostgreSQL)."""
    audit.record_bulk_sql(
        actor=actor,
        object_type=audit.object_type_of(AppraisalForm),
        ids_and_names=rows,
        action=action,
        from_state=from_state,
        to_state=to_state,
    )


# --- Opening -------------------------------------------------------------------------


def eligible_employees(cycle: AppraisalCycle, resolver: Resolver, schedules=None) -> list[tuple]:
    """(employee, department, position, supervisor, template, schedule) for every active
    employee whose primary post's department appraises this kind of cycle and whose
    position has a template. `schedules` ({policy department: schedule id}): only the
    people those policies cover, each with their department's schedule. One query."""
    rows = (
        Assignment.objects.active_on(cycle.period_end)
        .filter(is_primary=True, employee__is_active=True)
        .order_by("employee_id")
        .values_list(
            "employee_id", "post__department_id", "post__position_id", "employee__supervisor_id"
        )
    )
    result = []
    for employee_id, department_id, position_id, supervisor_id in rows:
        owner_policy = resolver.policy(department_id)
        if not owner_policy.applies(cycle.kind):
            continue
        schedule_id = None
        if schedules is not None:
            if owner_policy.department_id not in schedules:
                continue
            schedule_id = schedules[owner_policy.department_id]
        template_id = resolver.template_for(department_id, position_id)
        if template_id:
            result.append(
                (employee_id, department_id, position_id, supervisor_id, template_id, schedule_id)
            )
    return result


_ITEMS_SQL = """
INSERT INTO kpis_formitem
    (form_id, indicator_id, section_id, "order", weight, target, part_targets, raters,
     actual, part_actuals, actual_source, completion_rate, formula_score, score)
SELECT f.id, ti.indicator_id, ti.section_id, ts."order" * 100 + ti."order", ti.weight,
       ti.target, ti.part_targets, ti.raters, NULL, {empty_json}, '', NULL, NULL, NULL
FROM kpis_appraisalform f
JOIN kpis_templatesection ts ON ts.template_id = f.template_id
JOIN kpis_templateitem ti ON ti.section_id = ts.id
WHERE f.cycle_id = %s AND f.employee_id >= %s AND f.employee_id <= %s
ON CONFLICT (form_id, indicator_id) DO NOTHING
"""


def _items_sql() -> str:
    """_ITEMS_SQL for this database: an empty JSON object is typed on PostgreSQL and plain
    text on SQLite (the embedded default of `make run`)."""
    empty_json = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    return _ITEMS_SQL.replace("{empty_json}", empty_json)


def _pull_actuals(cycle, employee_ids, only_missing=True) -> int:
    """Automatic actuals for the forms of these employees: one query per source in use,
    one to read the items, one update."""
    items = FormItem.objects.filter(
        form__cycle=cycle,
        form__employee_id__in=employee_ids,
        indicator__source=Indicator.Source.AUTO,
    )
    if only_missing:
        items = items.filter(actual__isnull=True, part_actuals={})
    rows = list(
        items.values_list(
            "pk",
            "form__employee_id",
            "target",
            "part_targets",
            "indicator_id",
            "indicator__auto_source",
        )
    )
    if not rows:
        return 0
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in={r[4] for r in rows})}
    codes = set()
    for _pk, _e, _t, _pt, indicator_id, code in rows:
        parts = indicators[indicator_id].components
        codes |= {part["source"] for part in parts} if parts else {code}
    values = {}
    for code in codes:
        source = sources.get(code)
        values[code] = (
            source.batch(employee_ids, cycle.period_start, cycle.period_end) if source else {}
        )
    as_json = connection.vendor == "postgresql"  # update_by_id sends text to ::jsonb there
    updates = []
    for pk, employee_id, target, part_targets, indicator_id, code in rows:
        indicator = indicators[indicator_id]
        actual, parts = None, {}
        if indicator.components:  # a composite: each sub-measure from its own source
            parts = {
                part["key"]: str(values[part["source"]][employee_id])
                for part in indicator.components
                if employee_id in values[part["source"]]
            }
            if not parts:
                continue
        else:
            actual = values[code].get(employee_id)
            if actual is None:
                continue
        rate, score = scoring.quantitative_result(
            indicator, actual, target, part_actuals=parts, part_targets=part_targets
        )
        updates.append((pk, actual, json.dumps(parts) if as_json else parts, "auto", rate, score))
    update_by_id(
        FormItem,
        ["actual", "part_actuals", "actual_source", "completion_rate", "formula_score"],
        updates,
        casts={
            "actual": "numeric",
            "part_actuals": "jsonb",
            "completion_rate": "numeric",
            "formula_score": "numeric",
        },
    )
    return len(updates)


def populate_cycle(cycle_id: int, *, chunk_size: int = POPULATE_CHUNK, after_chunk=None) -> int:
    """Create every eligible employee's form from their template and pull automatic
    actuals, chunk by chunk (each chunk its own transaction). `after_chunk(n)` is called
    after each committed chunk (progress; tests use it to crash mid-way).

    A cycle with department schedules gets the forms of its departments' people, each
    form following its department's deadlines, and opens the schedules still opening;
    a cycle made
    without schedules (old data, the shell) takes everyone whose policy runs its kind."""
    cycle = AppraisalCycle.objects.get(pk=cycle_id)
    if cycle.kind == CycleKind.ANNUAL:
        build_annual(cycle.pk)
        return 0
    resolver = Resolver()
    schedules = list(cycle.schedules.values_list("pk", "department_id", "state"))
    opening = {department: pk for pk, department, state in schedules if state == "opening"}
    # Every schedule's people: running again also adds those who joined since.
    owners = {department: pk for pk, department, _state in schedules}
    employees = eligible_employees(cycle, resolver, owners if schedules else None)
    for number, chunk in enumerate(_chunks(employees, chunk_size), start=1):
        with transaction.atomic():
            AppraisalForm.objects.bulk_create(
                [
                    AppraisalForm(
                        cycle_id=cycle.pk,
                        employee_id=employee_id,
                        department_id=department_id,
                        position_id=position_id,
                        supervisor_id=supervisor_id,
                        template_id=template_id,
                        schedule_id=schedule_id,
                        state=S.SELF,
                    )
                    for (
                        employee_id,
                        department_id,
                        position_id,
                        supervisor_id,
                        template_id,
                        schedule_id,
                    ) in chunk
                ],
                ignore_conflicts=True,
                batch_size=chunk_size,
            )
            with connection.cursor() as cursor:
                cursor.execute(_items_sql(), [cycle.pk, chunk[0][0], chunk[-1][0]])
            _pull_actuals(cycle, [row[0] for row in chunk])
        if after_chunk:
            after_chunk(number)
    with transaction.atomic():
        cycle = AppraisalCycle.objects.select_for_update().get(pk=cycle_id)
        opened = _open_schedules(cycle, opening.values())
        cycle.forms_count = cycle.forms.count()
        newly = cycle.forms.filter(state=S.SELF)
        if cycle.state == AppraisalCycle.State.OPENING:
            cycle.state = AppraisalCycle.State.OPEN
            audit.record(
                actor=None,
                obj=cycle,
                action="cycle.populated",
                from_state="opening",
                to_state="open",
                comment=str(cycle.forms_count),
            )
        elif not opened:
            newly = newly.none()
        if schedules:
            newly = newly.filter(schedule__in=opened)
        users = list(newly.values_list("employee__user_id", flat=True))
        transaction.on_commit(lambda: _notify_opened(cycle, users))
        cycle.save(update_fields=["forms_count", "state"])
    return cycle.forms_count


def _open_schedules(cycle, schedule_ids) -> list[int]:
    """Mark the cycle's schedules still opening among `schedule_ids` open, with their
    forms counted and an audit row each (under the cycle's row lock: a second worker
    finds them open and notifies nobody twice). Returns the ids it opened."""
    rows = list(
        CycleSchedule.objects.select_for_update(of=("self",))
        .filter(cycle=cycle, pk__in=list(schedule_ids), state=AppraisalCycle.State.OPENING)
        .order_by("pk")
    )
    counts = dict(
        cycle.forms.filter(schedule__in=rows)
        .values("schedule_id")
        .annotate(n=Count("pk"))
        .values_list("schedule_id", "n")
    )
    for row in rows:
        row.state = AppraisalCycle.State.OPEN
        row.forms_count = counts.get(row.pk, 0)
        audit.record(
            actor=None,
            obj=row,
            action="cycle.schedule_populated",
            from_state="opening",
            to_state="open",
            comment=str(row.forms_count),
        )
    CycleSchedule.objects.bulk_update(rows, ["state", "forms_count"])
    return [row.pk for row in rows]


def _notify_opened(cycle, user_ids):
    from django.contrib.auth import get_user_model

    if user_ids:  # one read and one INSERT, whatever the number of people
        notify(
            recipients=get_user_model()
            .objects.filter(pk__in=user_ids)
            .only("pk", "is_active", "preferred_language", "email"),
            title=format_lazy(
                _("{cycle}: write your work summary and self-assessment"), cycle=cycle.label
            ),
            url="/kpis/mine/",
            send_email=False,
        )


def pull_actuals(cycle_id: int, *, chunk_size: int = CHUNK) -> int:
    """Refresh automatic actuals of a cycle's forms that have none yet."""
    cycle = AppraisalCycle.objects.get(pk=cycle_id)
    ids = list(
        cycle.forms.filter(state__in=[S.SELF, S.PEER, S.SUPERVISOR])
        .order_by("employee_id")
        .values_list("employee_id", flat=True)
    )
    return sum(_pull_actuals(cycle, chunk) for chunk in _chunks(ids, chunk_size))


# --- Computing scores and grades -----------------------------------------------------


def compute_scores(
    cycle_id: int, *, actor=None, department_id=None, chunk_size: int = CHUNK
) -> int:
    """HR aggregation for every form handed in by its supervisor: indicator scores by
    the rater mix, weighted total, grade and bonus coefficient; forms move to manager
    review. On PostgreSQL one statement does it all, whatever the number of forms
    (_compute_scores_sql); elsewhere chunks of forms in Python."""
    resolver = Resolver()
    forms = AppraisalForm.objects.filter(cycle_id=cycle_id, state=S.AGGREGATION)
    if department_id:
        department = resolver.departments[department_id]
        forms = forms.filter(department__path__startswith=department.path)
    if connection.vendor == "postgresql":
        return _compute_scores_sql(forms, resolver, actor)
    return _compute_scores_python(forms, resolver, actor, chunk_size)


def _sections_of(forms):
    """The sections of the forms' templates (one query): their rater mixes."""
    return TemplateSection.objects.filter(
        template_id__in=forms.order_by().values("template_id").distinct()
    ).select_related("template")


def _compute_scores_python(forms, resolver, actor, chunk_size: int = CHUNK) -> int:
    """The rules of apps.kpis.scoring applied in Python, a chunk of forms at a time
    (four queries and three writes per chunk): the path on databases other than
    PostgreSQL, and the reference the SQL path is tested against."""
    mixes = raters.mixes_by_section(_sections_of(forms))
    form_rows = list(forms.order_by("pk").values_list("pk", "department_id", "employee__name"))
    names = {pk: name for pk, _d, name in form_rows}
    form_rows = [(pk, d) for pk, d, _n in form_rows]
    done = 0
    for chunk in _chunks(form_rows, chunk_size):
        ids = [pk for pk, _d in chunk]
        items = list(
            FormItem.objects.filter(form_id__in=ids)
            .order_by("form_id", "order")
            .values_list(
                "pk",
                "form_id",
                "weight",
                "formula_score",
                "indicator__kind",
                "section_id",
                "raters",
            )
        )
        ratings = defaultdict(lambda: {"supervisor": None, "self": None, "peer": []})
        for item_id, role, score in Rating.objects.filter(item__form_id__in=ids).values_list(
            "item_id", "role", "score"
        ):
            if role in COLLEAGUE_ROLES:
                ratings[item_id]["peer"].append(score)
            else:
                ratings[item_id][role] = score
        by_form = defaultdict(list)
        item_updates = []
        for pk, form_id, weight, formula_score, kind, section_id, item_raters in items:
            r = ratings.get(pk) or {"supervisor": None, "self": None, "peer": []}
            score = scoring.indicator_score(
                quantitative=kind == Indicator.Kind.QUANTITATIVE,
                formula_score=formula_score,
                mix=mixes[(section_id, item_raters)],
                supervisor=r["supervisor"],
                peers=r["peer"],
                self_score=r["self"],
            )
            item_updates.append((pk, score))
            by_form[form_id].append((weight, score))
        form_updates = []
        for form_id, department_id in chunk:
            total = scoring.weighted_total(by_form.get(form_id, []))
            if total is None:
                continue  # an indicator has no score yet: stays with HR, shown on the dashboard
            grade, coefficient = scoring.grade_for(total, resolver.bands_for(department_id))
            form_updates.append((form_id, total, total, grade, coefficient, S.CALIBRATION))
        with transaction.atomic():
            update_by_id(FormItem, ["score"], item_updates, casts={"score": "numeric"})
            update_by_id(
                AppraisalForm,
                ["computed_score", "total_score", "grade", "bonus_coefficient", "state"],
                form_updates,
                casts={
                    "computed_score": "numeric",
                    "total_score": "numeric",
                    "bonus_coefficient": "numeric",
                },
                where=f"AND t.state = '{S.AGGREGATION}'",
            )
            audit_forms(
                actor,
                [(row[0], names[row[0]]) for row in form_updates],
                action="form.aggregated",
                from_state=S.AGGREGATION,
                to_state=S.CALIBRATION,
            )
        done += len(form_updates)
    return done


# The rules of apps.kpis.scoring in one statement (PostgreSQL): ratings per item (the
# peers' sum and count, so the rater mix is one exact division), indicator scores
# rounded to cents, weighted totals (none while an indicator has no score), the grade
# band of each form's department, the forms moved to calibration and one audit row per
# form moved — with a state guard, so a rerun finds nothing to do.
_COMPUTE_SQL = """
WITH f (id, department_id) AS ({forms}),
bands (department_id, grade, min_score, coefficient, ord) AS (
    SELECT * FROM unnest(%s::bigint[], %s::text[], %s::numeric[], %s::numeric[], %s::int[])
),
sec (id, raters, supervisor_share, peer_share, self_share) AS (
    SELECT * FROM unnest(%s::bigint[], %s::text[], %s::numeric[], %s::numeric[], %s::numeric[])
),
r AS (
    SELECT rt.item_id,
           max(rt.score) FILTER (WHERE rt.role = %s) AS sup,
           max(rt.score) FILTER (WHERE rt.role = %s) AS slf,
           sum(rt.score) FILTER (WHERE rt.role = ANY(%s)) AS peer_sum,
           count(*) FILTER (WHERE rt.role = ANY(%s)) AS peer_n
    FROM {rating} rt JOIN {item} i ON i.id = rt.item_id
    WHERE i.form_id IN (SELECT id FROM f)
    GROUP BY rt.item_id
),
s AS (
    SELECT i.id, i.form_id, i.weight,
           CASE WHEN ind.kind = %s THEN round(coalesce(i.formula_score, r.sup), 2)
                WHEN mix.den = 0 THEN round(r.sup, 2)
                ELSE round(mix.num / mix.den, 2) END AS score
    FROM {item} i
    JOIN {indicator} ind ON ind.id = i.indicator_id
    JOIN sec ON sec.id = i.section_id AND sec.raters = i.raters
    LEFT JOIN r ON r.item_id = i.id
    CROSS JOIN LATERAL (
        SELECT greatest(coalesce(r.peer_n, 0), 1) AS n
    ) pn
    CROSS JOIN LATERAL (
        SELECT (coalesce(sec.supervisor_share * r.sup, 0)
                + coalesce(sec.self_share * r.slf, 0)) * pn.n
               + CASE WHEN r.peer_n > 0 THEN sec.peer_share * r.peer_sum ELSE 0 END AS num,
               (CASE WHEN r.sup IS NOT NULL THEN sec.supervisor_share ELSE 0 END
                + CASE WHEN r.slf IS NOT NULL THEN sec.self_share ELSE 0 END
                + CASE WHEN r.peer_n > 0 THEN sec.peer_share ELSE 0 END) * pn.n AS den
    ) mix
    WHERE i.form_id IN (SELECT id FROM f)
),
scored AS (UPDATE {item} t SET score = s.score FROM s WHERE t.id = s.id),
totals AS (
    SELECT f.id, f.department_id,
           CASE WHEN count(s.id) = count(s.score)
                THEN round(coalesce(sum(s.weight * s.score), 0) / 100, 2) END AS total
    FROM f LEFT JOIN s ON s.form_id = f.id
    GROUP BY f.id, f.department_id
),
graded AS (
    SELECT t.id, t.total, b.grade, b.coefficient
    FROM totals t
    LEFT JOIN LATERAL (
        SELECT bands.grade, bands.coefficient FROM bands
        WHERE bands.department_id = t.department_id AND t.total >= bands.min_score
        ORDER BY bands.min_score DESC, bands.ord LIMIT 1
    ) b ON true
    WHERE t.total IS NOT NULL
),
moved AS (
    UPDATE {form} t
    SET computed_score = g.total, total_score = g.total, grade = coalesce(g.grade, ''),
        bonus_coefficient = g.coefficient, state = %s
    FROM graded g WHERE t.id = g.id AND t.state = %s
    RETURNING t.id, t.employee_id
)
{audit}
"""


def _compute_scores_sql(forms, resolver, actor) -> int:
    """compute_scores on PostgreSQL: one statement (plus the Resolver's reads)."""
    from apps.org.models import Employee

    # The moved forms' audit rows, written in the same statement by core.audit's layout.
    audit_sql, audit_params = audit.insert_select_sql(
        actor=actor,
        object_type=audit.object_type_of(AppraisalForm),
        action="form.aggregated",
        from_state=S.AGGREGATION,
        to_state=S.CALIBRATION,
        object_id="moved.id",
        object_repr="e.name",
        source=f"moved JOIN {Employee._meta.db_table} e ON e.id = moved.employee_id",
    )
    forms_sql, forms_params = forms.order_by().values("pk", "department_id").query.sql_with_params()
    bands = [[], [], [], [], []]
    for department_id in resolver.departments:
        for ordinal, (grade, min_score, coefficient) in enumerate(
            resolver.bands_for(department_id)
        ):
            for column, value in zip(
                bands, (department_id, grade, min_score, coefficient, ordinal), strict=True
            ):
                column.append(value)
    # Each item's rater mix, looked up by (section, raters): computed once by
    # apps.kpis.scoring.rater_mix, as on the Python path.
    mixes = [[], [], [], [], []]
    for (section_id, item_raters), mix in raters.mixes_by_section(_sections_of(forms)).items():
        for column, value in zip(
            mixes, (section_id, item_raters, mix.supervisor, mix.peer, mix.self), strict=True
        ):
            column.append(value)
    sql = _COMPUTE_SQL.format(
        forms=forms_sql,
        rating=Rating._meta.db_table,
        item=FormItem._meta.db_table,
        indicator=Indicator._meta.db_table,
        form=AppraisalForm._meta.db_table,
        audit=audit_sql,
    )
    params = [
        *forms_params,
        *bands,
        *mixes,
        RaterRole.SUPERVISOR,
        RaterRole.SELF,
        [str(role) for role in COLLEAGUE_ROLES],
        [str(role) for role in COLLEAGUE_ROLES],
        Indicator.Kind.QUANTITATIVE,
        S.CALIBRATION,
        S.AGGREGATION,
        *audit_params,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# --- Stage deadlines, locking, reminders ----------------------------------------------


def close_stages(today: dt.date | None = None) -> dict:
    """Close stages whose deadline has passed: self-assessments not handed in by their
    deadline move on to peer review (as not submitted), peer reviews not written by
    theirs expire and the forms go to the supervisor; released results whose appeal
    window is over are locked. State-guarded updates: running twice changes nothing."""
    today = today or timezone.localdate()
    counts = {}
    with transaction.atomic():
        running = AppraisalForm.objects.filter(cycle__state=AppraisalCycle.State.OPEN)
        late_self = running.filter(past_q("self_due", today), state=S.SELF)
        late_peer = running.filter(past_q("peer_due", today), state=S.PEER)
        cycle_ids = set(late_self.values_list("cycle_id", flat=True).distinct())
        cycle_ids |= set(late_peer.values_list("cycle_id", flat=True).distinct())
        counts["self"] = late_self.update(state=S.PEER)
        late_peer = running.filter(past_q("peer_due", today), state=S.PEER)
        PeerReview.objects.filter(form__in=late_peer, state=PeerReview.State.PENDING).update(
            state=PeerReview.State.EXPIRED
        )
        counts["peer"] = late_peer.update(state=S.SUPERVISOR)
        counts["locked"] = AppraisalForm.objects.filter(
            state=S.RELEASED, appeal_deadline__lt=today
        ).update(state=S.LOCKED, locked_at=timezone.now())
        for cycle in AppraisalCycle.objects.filter(pk__in=cycle_ids).only("pk", "kind"):
            audit.record(
                actor=None,
                obj=cycle,
                action="cycle.stages_closed",
                changes={k: [0, v] for k, v in counts.items()},
            )
    return counts


def send_reminders(
    today: dt.date | None = None, *, cycle_id=None, department=None, days_before: int = 2
) -> int:
    """Remind whoever must act next when a stage deadline is at most `days_before` days
    away or passed: the employee (self-assessment), pending peer reviewers, the
    supervisor, the calibrating manager's team lead. Once a day per form."""
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=days_before)
    due = Q(pk__in=[])
    for state, field in STAGE_DUE.items():
        due |= Q(state=state) & past_q(field, horizon, lookup="lte")
    forms = AppraisalForm.objects.filter(due, cycle__state=AppraisalCycle.State.OPEN).exclude(
        reminded_on=today
    )
    if cycle_id:
        forms = forms.filter(cycle_id=cycle_id)
    if department is not None:
        forms = forms.filter(department__path__startswith=department.path)
    rows = list(
        forms.values_list(
            "pk",
            "state",
            "employee__user_id",
            "supervisor__user_id",
            "supervisor__supervisor__user_id",
        )
    )
    if not rows:
        return 0
    recipients = defaultdict(set)
    for _pk, state, employee_user, supervisor_user, lead_user in rows:
        if state == S.SELF:
            recipients["self"].add(employee_user)
        elif state in (S.SUPERVISOR, S.PEER) and supervisor_user:
            recipients["supervisor"].add(supervisor_user)
        elif state == S.CALIBRATION and (lead_user or supervisor_user):
            recipients["calibration"].add(lead_user or supervisor_user)
    peers = PeerReview.objects.filter(
        form_id__in=[r[0] for r in rows if r[1] in (S.SELF, S.PEER)], state=PeerReview.State.PENDING
    ).values_list("reviewer__user_id", flat=True)
    recipients["peer"].update(peers)
    titles = {
        "self": _("Reminder: your work summary and self-assessment are due"),
        "peer": _("Reminder: peer reviews are waiting for you"),
        "supervisor": _("Reminder: your team's appraisals are waiting for your scores"),
        "calibration": _("Reminder: appraisal results are waiting for your review"),
    }
    User = get_user_model()
    sent = 0
    with transaction.atomic():
        for key, ids in recipients.items():
            if ids:
                sent += len(
                    notify(
                        recipients=User.objects.filter(pk__in=ids),
                        title=titles[key],
                        url="/kpis/tasks/",
                    )
                )
        AppraisalForm.objects.filter(pk__in=[r[0] for r in rows]).update(reminded_on=today)
    return sent


# --- Annual results ------------------------------------------------------------------


ANNUAL_FIELDS = [
    "department",
    "cycle",
    "results_count",
    "score",
    "grade",
    "excellent_count",
    "promotion_eligible",
    "raise_eligible",
    "reward_eligible",
    "repeated_excellence",
    "below_standard",
    "built_at",
]


def _annual_result(cycle, employee_id, history, pol, resolver) -> AnnualResult | None:
    """One employee's year by the department's annual rule (mean of the monthly, the
    quarterly or all results) and the flags; None when the rule finds no result.
    history: (employee, department, kind, total, grade) rows in period order."""
    department_id = history[-1][1]
    if pol.annual_rule == AnnualRule.MONTHLY_MEAN:
        used = [h for h in history if h[2] == CycleKind.MONTHLY]
    elif pol.annual_rule == AnnualRule.QUARTERLY_MEAN:
        used = [h for h in history if h[2] == CycleKind.QUARTERLY]
    else:
        used = history
    if not used:
        return None
    score = scoring.q(sum(Decimal(h[3]) for h in used) / len(used))
    grade, _coef = scoring.grade_for(score, resolver.bands_for(department_id))
    excellent = pol.excellent_grades or "SA"
    streak = best = 0
    for h in history:
        streak = streak + 1 if h[4] and h[4] in excellent else 0
        best = max(best, streak)
    excellent_count = sum(1 for h in history if h[4] and h[4] in excellent)
    is_excellent = bool(grade) and grade in excellent
    return AnnualResult(
        year=cycle.period_start.year,
        employee_id=employee_id,
        department_id=department_id,
        cycle_id=cycle.pk,
        results_count=len(used),
        score=score,
        grade=grade,
        excellent_count=excellent_count,
        promotion_eligible=is_excellent,
        raise_eligible=is_excellent or grade == "B",
        reward_eligible=is_excellent,
        repeated_excellence=best >= (pol.excellence_streak or 3),
        below_standard=bool(grade) and grade in (pol.below_standard_grades or "D"),
    )


def build_annual(cycle_id: int) -> int:
    """Build (or rebuild) AnnualResult rows for the year of an annual cycle from the
    year's released monthly/quarterly results, by each department's annual rule, and
    set the flags. Upsert on (year, employee): running twice gives the same rows.
    A cycle with department schedules builds for the people of those departments."""
    cycle = AppraisalCycle.objects.get(pk=cycle_id)
    year = cycle.period_start.year
    resolver = Resolver()
    schedules = {s.department_id: s for s in cycle.schedules.all()}
    rows = (
        AppraisalForm.objects.filter(
            cycle__period_start__year=year,
            cycle__kind__in=[CycleKind.MONTHLY, CycleKind.QUARTERLY],
            state__in=[S.RELEASED, S.APPEALED, S.LOCKED],
            total_score__isnull=False,
        )
        .order_by("employee_id", "cycle__period_start")
        .values_list("employee_id", "department_id", "cycle__kind", "total_score", "grade")
    )
    per_employee = defaultdict(list)
    for row in rows:
        per_employee[row[0]].append(row)
    results = []
    per_owner = defaultdict(int)
    for employee_id, history in per_employee.items():
        pol = resolver.policy(history[-1][1])
        if schedules and pol.department_id not in schedules:
            continue
        result = _annual_result(cycle, employee_id, history, pol, resolver)
        if result is not None:
            per_owner[pol.department_id] += 1
            results.append(result)
    for chunk in _chunks(results, CHUNK):
        with transaction.atomic():
            AnnualResult.objects.bulk_create(
                chunk,
                update_conflicts=True,
                unique_fields=["year", "employee"],
                update_fields=ANNUAL_FIELDS,
            )
    with transaction.atomic():
        cycle = AppraisalCycle.objects.select_for_update().get(pk=cycle_id)
        cycle.forms_count = len(results)
        if cycle.state == AppraisalCycle.State.OPENING:
            cycle.state = AppraisalCycle.State.OPEN
        cycle.save(update_fields=["forms_count", "state"])
        opened = _open_schedules(cycle, [s.pk for s in schedules.values()])
        for row in CycleSchedule.objects.filter(pk__in=[s.pk for s in schedules.values()]):
            row.forms_count = per_owner.get(row.department_id, 0)
            row.save(update_fields=["forms_count"])
        audit.record(
            actor=None,
            obj=cycle,
            action="cycle.annual_built",
            comment=str(len(results)),
            changes={"schedules_opened": [0, len(opened)]} if opened else None,
        )
    return len(results)


# --- What beat opens --------------------------------------------------------------------


def cycle_schedules_open(
    *, actor, kind: str, period_start: dt.date, plans: dict
) -> tuple[AppraisalCycle, list[CycleSchedule]]:
    """Create the cycle of `kind` and period (once) and the schedules of the departments
    in `plans` ({policy department or None: schedule.Plan}) it does not have yet, with
    an audit row each. The unique constraints and a row lock on the cycle make a second
    run — or a second worker at the same moment — create nothing. Returns the cycle and
    the schedules this call created; the populate job then creates their forms."""
    start, end = period_of(kind, period_start)
    with transaction.atomic():
        cycle, created = AppraisalCycle.objects.get_or_create(
            kind=kind,
            period_start=start,
            defaults={"period_end": end, "opened_by": actor, "opened_at": timezone.now()},
        )
        if created:
            audit.record(actor=actor, obj=cycle, action="cycle.opened", to_state=cycle.state)
        cycle = AppraisalCycle.objects.select_for_update().get(pk=cycle.pk)
        existing = set(cycle.schedules.values_list("department_id", flat=True))
        new = CycleSchedule.objects.bulk_create(
            CycleSchedule(
                cycle=cycle, department_id=owner, opened_by=actor, opens_on=p.opens_on, **p.dues()
            )
            for owner, p in plans.items()
            if owner not in existing
        )
        for row in new:
            audit.record(
                actor=actor,
                obj=row,
                action="cycle.schedule_opened",
                to_state=row.state,
                comment=str(row.department or _("Default policy")),
                changes={k: [None, str(v)] for k, v in plans[row.department_id].dues().items()},
            )
        if new:
            # The cycle's dates: when every department has closed each stage.
            latest = cycle.schedules.aggregate(
                **{name: Max(name) for name in ("self_due", "peer_due", "supervisor_due",
                                                "calibration_due")}
            )  # fmt: skip
            for name, value in latest.items():
                setattr(cycle, name, value)
            cycle.save(update_fields=list(latest))
    return cycle, new


def open_due_cycles(today: dt.date | None = None) -> list[int]:
    """Open what each department's policy says is due today (apps.kpis.cycles.due_on:
    its opening day has come and its stages are not over), creating the period's
    company cycle once and the department's schedule once, then its forms; resume an
    interrupted opening; rebuild open annual results until their last deadline (late
    releases count). Idempotent: the unique constraints (cycle kind+period, cycle +
    department) make a second run, or a second worker, open nothing. Returns the ids of
    the cycles where this run opened a department."""
    from .cycles import due_on

    today = today or timezone.localdate()
    resolver = Resolver()
    opened = []
    for (kind, start), plans in sorted(due_on(today, resolver).items()):
        cycle, new = cycle_schedules_open(actor=None, kind=kind, period_start=start, plans=plans)
        if new:
            opened.append(cycle.pk)
        if cycle.schedules.filter(state=AppraisalCycle.State.OPENING).exists():
            populate_cycle(cycle.pk)
    rebuilt = AppraisalCycle.objects.filter(
        kind=CycleKind.ANNUAL, state=AppraisalCycle.State.OPEN
    ).filter(Q(calibration_due__gte=today) | Q(calibration_due__isnull=True, period_end__gte=
                                               today - dt.timedelta(days=31)))  # fmt: skip
    for cycle_id in rebuilt.exclude(pk__in=opened).values_list("pk", flat=True):
        build_annual(cycle_id)
    return opened
