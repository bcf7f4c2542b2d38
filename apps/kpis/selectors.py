"""Reads of the appraisal app: lists with their joins, dashboards, and the annual flags.

Annual-result flags (for apps.training and anyone else):

    from apps.kpis.selectors import flags_for
    flags_for(year=2025)                                  # every AnnualResult of 2025
    flags_for(year=2025, flag="below_standard")           # training / transfer / dismissal
    flags_for(year=2025, flag="repeated_excellence", department=dept)  # with its groups
    flags_for(employee=emp)                               # an employee's history, newest first

returns a queryset of AnnualResult (select_related employee, department) with the boolean
fields `promotion_eligible`, `raise_eligible`, `reward_eligible`, `repeated_excellence`,
`below_standard`, plus `score`, `grade`, `results_count`, `excellent_count`.
FLAGS lists the flag names. Rows are rebuilt in January by the annual job (upsert on
(year, employee)), so act on them idempotently (e.g. unique on (annual_result, course)).

Repeated below-standard monthly results (for apps.training and anyone else):

    from apps.kpis.selectors import repeated_monthly_below_standard
    repeated_monthly_below_standard()                     # last 2 monthly results, as of today
    repeated_monthly_below_standard(months=3, as_of=day, employee_ids=[...])

returns a queryset of AppraisalForm (select_related cycle, employee, department): one form
per employee whose latest `months` released monthly results (released, under appeal or
locked; cycles starting on or before `as_of`) sit in consecutive monthly cycles and are
all below standard by the same rule as the annual flag (the grade is one of the
department's policy `below_standard_grades`, default "D"). The form returned is the one
that completed `months` in a row: it stays the same while the run goes on, and a new run
(after a result at or above standard, or a cycle without a released result) has a new
one — act on its id idempotently (one action per form).
"""

from collections import Counter, defaultdict

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from . import permissions as policy
from . import raters, scoring
from .deadlines import late_q
from .models import (
    RELEASED_STATES,
    AnnualResult,
    Appeal,
    AppraisalCycle,
    AppraisalForm,
    CycleKind,
    FormItem,
    FormState,
    Grade,
    PeerReview,
)
from .policies import Resolver

FLAGS = (
    "promotion_eligible",
    "raise_eligible",
    "reward_eligible",
    "repeated_excellence",
    "below_standard",
)


def flags_for(*, year=None, employee=None, department=None, flag: str | None = None):
    results = AnnualResult.objects.select_related("employee", "department").order_by(
        "-year", "employee__employee_no"
    )
    if year is not None:
        results = results.filter(year=year)
    if employee is not None:
        results = results.filter(employee=employee)
    if department is not None:
        results = results.filter(department__path__startswith=department.path)
    if flag:
        if flag not in FLAGS:
            raise ValueError(f"unknown flag {flag!r}; one of {FLAGS}")
        results = results.filter(**{flag: True})
    return results


def _forms():
    return AppraisalForm.objects.select_related(
        "cycle", "employee", "department", "position", "supervisor"
    )


def form_list_for(user, *, cycle=None, department=None, state="", text=""):
    forms = _forms().filter(policy.form_visibility_q(user))
    if cycle is not None:
        forms = forms.filter(cycle=cycle)
    if department is not None:
        forms = forms.filter(department__path__startswith=department.path)
    if state:
        forms = forms.filter(state=state)
    if text:
        forms = forms.filter(Q(employee__name__icontains=text) | Q(employee__employee_no=text))
    return forms.order_by("-cycle__period_start", "department__path", "employee__employee_no")


def my_forms(user):
    # With its department's schedule: the employee's own deadlines.
    return (
        _forms()
        .select_related("schedule")
        .filter(employee__user=user)
        .order_by("-cycle__period_start")
    )


def forms_to_score(user):
    return (
        _forms()
        .filter(supervisor__user=user, state__in=[FormState.PEER, FormState.SUPERVISOR])
        .order_by("cycle__supervisor_due", "employee__employee_no")
    )


def forms_to_calibrate(user):
    from apps.org.authorities import Authority
    from apps.org.permissions import department_q

    return (
        _forms()
        .filter(department_q(user, Authority.APPRAISE), state=FormState.CALIBRATION)
        .exclude(employee__user=user)
        .order_by("department__path", "-total_score")
    )


def peer_reviews_for(user, *, pending_only=False):
    reviews = PeerReview.objects.select_related(
        "form__cycle", "form__employee", "form__department"
    ).filter(reviewer__user=user)
    if pending_only:
        reviews = reviews.filter(state=PeerReview.State.PENDING)
    return reviews.order_by("state", "-created_at")


def appeals_to_rule(user):
    from apps.org.authorities import Authority
    from apps.org.permissions import department_q

    from .appeals import to_rule_q

    appeals = (
        Appeal.objects.select_related("form__employee", "form__cycle", "form__department")
        .filter(state=Appeal.State.OPEN)
        .exclude(appellant=user)
        .exclude(form__employee__user=user)
    )
    # Appeals filed before routes existed have no ruling department: the old rule.
    plain = Q(skip_level=False) & department_q(user, Authority.APPRAISE, field="form__department")
    skip = Q(skip_level=True) & department_q(
        user, Authority.APPRAISE, field="form__department__parent"
    )
    legacy = Q(ruling_department__isnull=True) & (plain | skip)
    return appeals.filter(to_rule_q(user) | legacy).order_by("created_at")


def form_for_page(pk) -> AppraisalForm:
    items = FormItem.objects.select_related("indicator", "section").prefetch_related("ratings")
    return (
        _forms()
        .select_related("template", "calibrated_by")
        .prefetch_related(
            Prefetch("items", queryset=items),
            Prefetch(
                "peer_reviews",
                queryset=PeerReview.objects.select_related("reviewer").prefetch_related("ratings"),
            ),
        )
        .get(pk=pk)
    )


def sections_of(form) -> list[dict]:
    """The form's items grouped by section, with each rater's score per item."""
    sections = []
    for item in form.items.all():
        if not sections or sections[-1]["section"].pk != item.section_id:
            sections.append({"section": item.section, "items": []})
        ratings = list(item.ratings.all())
        peers = [r for r in ratings if r.role in ("peer", "team")]
        item.self_rating = next((r for r in ratings if r.role == "self"), None)
        item.supervisor_rating = next((r for r in ratings if r.role == "supervisor"), None)
        item.peer_scores = [r.score for r in peers]
        item.peer_mean = round(sum(item.peer_scores) / len(item.peer_scores), 2) if peers else None
        item.scale = scale_of(item.indicator)
        # Who rates it (apps.kpis.raters) and whether it has a target to show a rate of.
        item.self_rated = raters.rated_by_self(item)
        item.no_target = scoring.no_target(item.indicator, item.target, item.part_targets)
        sections[-1]["items"].append(item)
    return sections


def scale_of(indicator) -> list[dict]:
    """A qualitative indicator's levels as points with their descriptor (in the UI
    language), so raters score 0–100 against written descriptors."""
    from django.utils import translation

    from .scoring import level_points

    english = (translation.get_language() or "").startswith("en")
    return [
        {
            "value": level["value"],
            "points": level_points(level["value"], indicator.scale_max),
            "text": (level.get("descriptor_en") if english else None)
            or level.get("descriptor", ""),
        }
        for level in indicator.level_list()
    ]


def cycle_list():
    return AppraisalCycle.objects.annotate(n=Count("forms")).order_by("-period_start", "kind")


def cycle_progress(cycle, *, department=None) -> dict:
    """Counts by stage and department, late forms: three queries whatever the size."""
    forms = AppraisalForm.objects.filter(cycle=cycle)
    if department is not None:
        forms = forms.filter(department__path__startswith=department.path)
    by_state = dict(forms.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    stages = [
        {"state": value, "label": label, "n": by_state.get(value, 0)}
        for value, label in FormState.choices
    ]
    rows = (
        forms.values("department_id", "department__name", "department__name_en", "state")
        .annotate(n=Count("pk"))
        .order_by("department__name")
    )
    departments = {}
    for row in rows:
        entry = departments.setdefault(
            row["department_id"],
            {
                "id": row["department_id"],
                "name": row["department__name"],
                "name_en": row["department__name_en"],
                "counts": {},
                "total": 0,
            },
        )
        entry["counts"][row["state"]] = row["n"]
        entry["total"] += row["n"]
    for entry in departments.values():
        entry["cells"] = [entry["counts"].get(value, 0) for value, _l in FormState.choices]
    total = sum(by_state.values())
    done = sum(
        by_state.get(s, 0) for s in (FormState.RELEASED, FormState.APPEALED, FormState.LOCKED)
    )
    return {
        "stages": stages,
        "departments": list(departments.values()),
        "total": total,
        "released_pct": round(100 * done / total) if total else 0,
        "late_count": forms.filter(late_q(timezone.localdate())).count(),
    }


def late_forms(cycle, *, department=None):
    forms = _forms().filter(cycle=cycle).filter(late_q(timezone.localdate()))
    if department is not None:
        forms = forms.filter(department__path__startswith=department.path)
    return forms.order_by("state", "department__path", "employee__employee_no")


def grade_distribution(forms) -> list[dict]:
    """Share of each grade among `forms` (with results), for charts and calibration."""
    counts = Counter(
        dict(
            forms.exclude(grade="")
            .values_list("grade")
            .annotate(n=Count("pk"))
            .values_list("grade", "n")
        )
    )
    total = sum(counts.values())
    return [
        {
            "grade": g,
            "label": label,
            "n": counts.get(g, 0),
            "pct": round(100 * counts.get(g, 0) / total, 1) if total else 0,
        }
        for g, label in Grade.choices
    ]


def open_cycles():
    return AppraisalCycle.objects.exclude(state=AppraisalCycle.State.CLOSED).order_by(
        "-period_start"
    )


def sheet_rows(cycle, user, *, department=None):
    """The appraisal sheet's rows (visible to `user`), with items and appeal, in the
    order printed. Iterate with .iterator(chunk_size=…) for large exports."""
    forms = form_list_for(user, cycle=cycle, department=department).select_related("appeal")
    return forms.order_by("department__path", "employee__employee_no")


# --- Repeated below-standard monthly results -------------------------------------------


def _below_standard_q(resolver: Resolver) -> Q:
    """Forms graded below standard by their department's policy: the annual flag's rule
    (apps.kpis.jobs.build_annual: grade in policy.below_standard_grades or "D")."""
    departments_by_grades = defaultdict(list)
    for department_id in resolver.departments:
        grades = resolver.policy(department_id).below_standard_grades or "D"
        departments_by_grades[grades].append(department_id)
    below = Q(pk__in=[])
    for grades, department_ids in departments_by_grades.items():
        below |= Q(department_id__in=department_ids, grade__in=[g for g in grades if g.strip()])
    return below


# Runs of below-standard results in consecutive monthly cycles (gaps and islands): within
# an employee's below-standard results, cycle sequence minus row number is constant along
# a run; the run holding the employee's latest released result is theirs now, and its
# `months`-th form is the one returned.
_REPEATED_SQL = """
WITH base (id, employee_id, cycle_id, below) AS ({base}),
cycles (id, seq) AS (
    SELECT id, ROW_NUMBER() OVER (ORDER BY period_start) FROM {cycles} WHERE kind = %s
),
ranked AS (
    SELECT b.id, b.employee_id, b.below, c.seq,
           ROW_NUMBER() OVER (PARTITION BY b.employee_id ORDER BY c.seq DESC) AS back,
           c.seq - ROW_NUMBER() OVER (PARTITION BY b.employee_id, b.below ORDER BY c.seq)
               AS island
    FROM base b JOIN cycles c ON c.id = b.cycle_id
),
latest AS (SELECT employee_id, island FROM ranked WHERE back = 1 AND below = 1),
run AS (
    SELECT r.id, ROW_NUMBER() OVER (PARTITION BY r.employee_id ORDER BY r.seq) AS position
    FROM ranked r JOIN latest l ON l.employee_id = r.employee_id AND l.island = r.island
    WHERE r.below = 1
)
SELECT id FROM run WHERE position = %s
"""


def repeated_monthly_below_standard(*, months: int = 2, as_of=None, employee_ids=None):
    """The released monthly results completing a run of `months` below-standard results
    in consecutive monthly cycles that is still the employee's latest (see the module
    docstring). Set-based: the Resolver's configuration reads when called, then one
    statement (window functions) whatever the number of employees."""
    if months < 1:
        raise ValueError("months must be at least 1")
    as_of = as_of or timezone.localdate()
    base = AppraisalForm.objects.filter(
        cycle__kind=CycleKind.MONTHLY,
        cycle__period_start__lte=as_of,
        state__in=RELEASED_STATES,
    )
    if employee_ids is not None:
        employee_ids = list(employee_ids)
        if not employee_ids:
            return AppraisalForm.objects.none()
        base = base.filter(employee_id__in=employee_ids)
    base = (
        base.annotate(
            below=Case(
                When(_below_standard_q(Resolver()), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by()
        .values_list("pk", "employee_id", "cycle_id", "below")
    )
    base_sql, base_params = base.query.sql_with_params()
    # The base is Django's own compiled SQL, the table name comes from the model, and
    # every value travels as a parameter: no user text reaches the statement.
    sql = _REPEATED_SQL.format(base=base_sql, cycles=AppraisalCycle._meta.db_table)
    run = RawSQL(sql, (*base_params, CycleKind.MONTHLY, months))  # noqa: S611
    return (
        AppraisalForm.objects.filter(pk__in=run)
        .select_related("cycle", "employee", "department")
        .order_by("employee__employee_no")
    )


# --- Templates (HR) ------------------------------------------------------------------


def active_templates(department=None):
    """The templates forms are opened from today, with their size; `department` keeps
    that department's own and the company-wide ones."""
    from .models import AppraisalTemplate

    templates = AppraisalTemplate.objects.filter(is_active=True)
    if department is not None:
        templates = templates.filter(Q(department=department) | Q(department__isnull=True))
    return (
        templates.select_related("department", "position")
        .annotate(
            section_count=Count("sections", distinct=True),
            indicator_count=Count("sections__items", distinct=True),
        )
        .order_by("department__path", "position__sort_order", "pk")
    )


def template_detail(pk: int):
    """A template (any version) with its sections and indicators, in three queries."""
    from .models import AppraisalTemplate, TemplateItem, TemplateSection

    items = TemplateItem.objects.select_related("indicator").order_by("order", "pk")
    sections = TemplateSection.objects.order_by("order", "pk").prefetch_related(
        Prefetch("items", queryset=items)
    )
    return (
        AppraisalTemplate.objects.select_related("department", "position")
        .prefetch_related(Prefetch("sections", queryset=sections))
        .get(pk=pk)
    )
