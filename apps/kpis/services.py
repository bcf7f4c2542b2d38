"""Every write of the appraisal flow. Pages, the API, Celery tasks and the admin call
these; none re-implements a rule. Batch jobs (open, compute, close stages, lock,
remind, annual) live in apps.kpis.jobs and reuse the helpers here."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import audit, imports
from apps.core.calendar import WorkingCalendar
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.notifications import notify
from apps.org.models import Employee

from . import permissions as policy
from . import raters, scoring, sources
from .models import (
    COLLEAGUE_ROLES,
    Appeal,
    AppealRoute,
    AppraisalCycle,
    AppraisalForm,
    AppraisalPolicy,
    AppraisalTemplate,
    CycleKind,
    CycleSchedule,
    CycleTiming,
    FormItem,
    FormState,
    GradeBand,
    Indicator,
    PeerReview,
    RaterRole,
    Raters,
    Rating,
    TemplateItem,
    TemplateSection,
)
from .policies import Resolver, period_of

S = FormState


def _url(form) -> str:
    from django.urls import reverse

    return reverse("kpis:form_detail", args=[form.pk])


def _locked_form(form) -> AppraisalForm:
    return (
        AppraisalForm.objects.select_for_update(of=("self",))
        .select_related("employee", "department", "cycle", "supervisor")
        .get(pk=form.pk)
    )


def _expect(form, *states, message=None):
    if form.state not in states:
        raise ConflictError(
            message
            or _("This appraisal is at “%(s)s”; that step is not open now.")
            % {"s": form.get_state_display()}
        )


# --- Configuration ------------------------------------------------------------------


def indicator_save(*, actor, data: dict, indicator: Indicator | None = None) -> Indicator:
    """Create or update a library indicator after checking its rule is complete."""
    policy.require(policy.can_run_cycles(actor), _("Only HR maintains the indicator library."))
    kind = data.get("kind") or (indicator.kind if indicator else "")
    scoring.check_indicator_shapes(
        bands=data.get("bands", indicator.bands if indicator else []),
        levels=data.get("levels", indicator.levels if indicator else []),
        scale_max=data.get("scale_max", indicator.scale_max if indicator else 5),
    )
    if kind == Indicator.Kind.QUANTITATIVE:
        rule = data.get("rule") or "linear"
        data["rule"] = rule
        if rule == "bands" and not data.get("bands"):
            raise ApplicationError(_("Give at least one band."), field="bands")
        if rule == "linear":
            floor = Decimal(data.get("floor") or 0)
            cap = Decimal(data.get("cap") or 1)
            if cap <= floor:
                raise ApplicationError(_("The cap must be above the floor."), field="cap")
            data["floor"], data["cap"] = floor, cap
    if data.get("source") == Indicator.Source.AUTO and not sources.get(data.get("auto_source", "")):
        raise ApplicationError(_("Choose an automatic source."), field="auto_source")
    with transaction.atomic():
        if indicator is None:
            indicator = Indicator.objects.create(**data)
            audit.record(actor=actor, obj=indicator, action="indicator.created")
        else:
            indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
            before = {k: getattr(indicator, k) for k in data}
            for key, value in data.items():
                setattr(indicator, key, value)
            indicator.save()
            audit.record(
                actor=actor,
                obj=indicator,
                action="indicator.updated",
                changes=audit.diff(before, data),
            )
    return indicator


def _check_item_raters(items: list[dict], *, self_scored: bool) -> None:
    """Targets above 0 on completion-rate indicators; raters that fit the indicator:
    a quantitative one is scored from its data, a qualitative one by people, and a
    self score only where the self-assessment is scored. Quantitative items are
    stored as scored from data."""
    for item in items:
        indicator = item["indicator"]
        scoring.check_target(indicator, item.get("target"), item.get("part_targets"))
        chosen = item.get("raters") or Raters.SECTION
        if chosen not in Raters.values:
            raise ApplicationError(
                _("Choose who scores “%(i)s”.") % {"i": indicator}, field="raters"
            )
        if indicator.is_quantitative:
            if chosen not in (Raters.SECTION, Raters.DATA):
                raise ApplicationError(
                    _("“%(i)s” is quantitative: it is scored from its data.") % {"i": indicator},
                    field="raters",
                )
            item["raters"] = Raters.DATA
        elif chosen == Raters.DATA:
            raise ApplicationError(
                _("“%(i)s” is qualitative: choose the people who score it.") % {"i": indicator},
                field="raters",
            )
        elif chosen == Raters.SELF and not self_scored:
            raise ApplicationError(
                _("“%(i)s” is scored by the employee, but this template does not score the "
                  "self-assessment.") % {"i": indicator},
                field="raters",
            )  # fmt: skip


@transaction.atomic
def template_save(
    *,
    actor,
    department,
    position,
    name: str,
    sections: list[dict],
    name_en: str = "",
    rulebook="",
    self_scored: bool = True,
) -> AppraisalTemplate:
    """Save a position's template as a new active version (the previous one is kept for
    the forms that used it). sections: [{name, name_en, weight, supervisor_share,
    peer_share, self_share, items: [{indicator, weight, target, raters,
    part_targets}]}]; self_scored False: the self-assessment is a summary only."""
    if actor is not None:
        policy.require(policy.is_hr(actor, department), _("Only HR maintains appraisal templates."))
    scoring.check_weights(sections)
    _check_item_raters(
        [item for section in sections for item in section["items"]], self_scored=self_scored
    )
    indicators = [item["indicator"] for section in sections for item in section["items"]]
    repeated = {i for i in indicators if indicators.count(i) > 1}
    if repeated:
        raise ApplicationError(
            _("Each indicator may appear once in a template: %(names)s is there twice.")
            % {"names": "、".join(sorted(str(i) for i in repeated))},
            field="weights",
        )
    AppraisalTemplate.objects.select_for_update().filter(
        department=department, position=position, is_active=True
    ).update(is_active=False)
    template = AppraisalTemplate.objects.create(
        department=department,
        position=position,
        name=name,
        name_en=name_en,
        rulebook=rulebook,
        self_scored=self_scored,
    )
    for s_order, section in enumerate(sections):
        row = TemplateSection.objects.create(
            template=template,
            order=s_order,
            name=section["name"],
            name_en=section.get("name_en", ""),
            weight=section["weight"],
            supervisor_share=section.get("supervisor_share", 70),
            peer_share=section.get("peer_share", 20),
            self_share=section.get("self_share", 10),
        )
        TemplateItem.objects.bulk_create(
            TemplateItem(
                section=row,
                indicator=item["indicator"],
                weight=item["weight"],
                target=item.get("target"),
                part_targets={
                    key: str(value) for key, value in (item.get("part_targets") or {}).items()
                },
                raters=item.get("raters") or Raters.SECTION,
                order=i_order,
            )
            for i_order, item in enumerate(section["items"])
        )
    audit.record(actor=actor, obj=template, action="template.saved", to_state="active")
    return template


@transaction.atomic
def policy_save(*, actor, department, data: dict, bands: list[tuple] | None = None, timings=None):
    """A department's appraisal policy, grade bands [(grade, min, coefficient)] and cycle
    timings [{kind, opens, open_days, self_days, …, close_by_day}], each checked against
    the real calendar and the department's rulebook (apps.kpis.schedule.problems)."""
    policy.require(policy.is_hr(actor, department), _("Only HR sets appraisal policies."))
    if timings is not None:
        _check_timings(department, data, timings)
    if bands is not None:
        grades = [b[0] for b in bands]
        if len(set(grades)) != len(grades):
            raise ApplicationError(_("Each grade may appear once."), field="bands")
        if not any(Decimal(b[1]) == 0 for b in bands):
            raise ApplicationError(
                _("One band must start at 0 so every score gets a grade."), field="bands"
            )
    guide = data.get("guide_distribution") or {}
    if guide and sum(Decimal(str(v)) for v in guide.values()) != 100:
        raise ApplicationError(
            _("The guide distribution must total 100%."), field="guide_distribution"
        )
    row, _created = AppraisalPolicy.objects.select_for_update().get_or_create(department=department)
    for key, value in data.items():
        setattr(row, key, value)
    row.save()
    if bands is not None:
        row.bands.all().delete()
        GradeBand.objects.bulk_create(
            GradeBand(policy=row, grade=g, min_score=m, bonus_coefficient=c) for g, m, c in bands
        )
    changes = {}
    for timing in timings or []:
        values = {k: v for k, v in timing.items() if k != "kind"}
        before = CycleTiming.objects.filter(policy=row, kind=timing["kind"]).values(*values).first()
        CycleTiming.objects.update_or_create(policy=row, kind=timing["kind"], defaults=values)
        if before != values:
            changes[f"timing.{timing['kind']}"] = [before, values]
    audit.record(actor=actor, obj=row, action="policy.saved", changes=changes)
    return row


def _check_timings(department, data: dict, timings: list[dict]) -> None:
    """Refuse a timing that breaks its rulebook (e.g. 次月上旬) on the real calendar,
    naming the period, the stage and the date (field "timing.<kind>.<name>")."""
    from .presets import RULEBOOK_LIMITS
    from .schedule import Timing, problems

    current = Resolver().policy(department.pk)
    limits = RULEBOOK_LIMITS.get(department.rulebook, {})
    for row in timings:
        kind = row["kind"]
        timing = Timing(**{name: row.get(name) for name in Timing.__dataclass_fields__})
        if timing.opens == "after_end" and timing.open_days < 1:
            raise ApplicationError(
                _("A cycle opening after the period opens on its 1st working day or later."),
                field=f"timing.{kind}.open_days",
            )
        runs = data.get(kind, current.applies(kind))
        for field, message in problems(
            kind, timing, today=timezone.localdate(), limit_day=limits.get(kind) if runs else None
        ):
            raise ApplicationError(message, field=f"timing.{kind}.{field}")


# --- Cycles -------------------------------------------------------------------------


def stage_deadlines(kind: str, period_end: dt.date) -> dict:
    """The stage deadlines of a period under the default timing (a department without
    a timing of its own): the 3rd, 5th, 7th and 9th working day after the period."""
    from .schedule import DEFAULT_TIMINGS, load_calendar, plan

    cal = load_calendar(period_end, period_end)
    return plan(kind, period_end, DEFAULT_TIMINGS[kind], cal).dues()


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


def cycle_open(
    *, actor, kind: str, period_start: dt.date, department=None, enqueue=True
) -> AppraisalCycle:
    """HR opens the cycle of `kind` whose period contains `period_start` by hand, for
    every department whose policy runs it (or for `department`'s policy only), on each
    department's own timing. A department may open once its policy's opening day has
    come (a period long over is planned from today). Forms are created by the populate
    job, queued on commit. Opening again with nothing new is a conflict; an interrupted
    opening resumes."""
    from .cycles import plans_for_hr

    if actor is not None:
        policy.require(policy.can_run_cycles(actor), _("Only HR opens appraisal cycles."))
    if kind not in CycleKind.values:
        raise ApplicationError(_("Choose monthly, quarterly or annual."), field="kind")
    start, _end = period_of(kind, period_start)
    resolver = Resolver()
    owner = ...
    if department is not None:
        owner = resolver.owner(department.pk)
        if not resolver.policy(department.pk).applies(kind):
            raise ApplicationError(
                _("The policy of %(d)s does not run this kind of appraisal.")
                % {"d": department.label},
                field="kind",
            )
    plans, later = plans_for_hr(kind, start, timezone.localdate(), owner=owner, resolver=resolver)
    if not plans:
        if later:
            raise ApplicationError(
                _("Under the departments' policies this period opens on %(d)s at the earliest.")
                % {"d": later[0]},
                field="period_start",
            )
        raise ApplicationError(
            _("No department's policy runs this kind of appraisal for anyone."), field="kind"
        )
    with transaction.atomic():
        cycle, new = cycle_schedules_open(actor=actor, kind=kind, period_start=start, plans=plans)
        opening = cycle.schedules.filter(state=AppraisalCycle.State.OPENING).exists()
        if not new and not opening:
            raise ConflictError(_("%(c)s is already open.") % {"c": cycle.label})
    if enqueue:
        from . import tasks

        transaction.on_commit(lambda: tasks.populate_cycle.delay(cycle.pk))
    return cycle


@transaction.atomic
def cycle_close(*, actor, cycle: AppraisalCycle) -> AppraisalCycle:
    policy.require(policy.can_run_cycles(actor), _("Only HR closes appraisal cycles."))
    cycle = AppraisalCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state == AppraisalCycle.State.CLOSED:
        raise ConflictError(_("%(c)s is already closed.") % {"c": cycle.label})
    waiting = cycle.forms.exclude(state__in=[S.RELEASED, S.LOCKED]).count()
    if waiting:
        raise ConflictError(
            _("%(n)s forms are not released or are under appeal; finish them first.")
            % {"n": waiting}
        )
    cycle.forms.filter(state=S.RELEASED).update(state=S.LOCKED, locked_at=timezone.now())
    before = cycle.state
    cycle.state = AppraisalCycle.State.CLOSED
    cycle.closed_at = timezone.now()
    cycle.save(update_fields=["state", "closed_at"])
    audit.record(
        actor=actor, obj=cycle, action="cycle.closed", from_state=before, to_state="closed"
    )
    return cycle


# --- The employee: summary and self-assessment ----------------------------------------


def _scores_for(form, scores: dict, *, field_prefix="score") -> dict[int, Decimal]:
    """{item_id: score} checked against the form's items and the 0–100 scale."""
    items = {item.pk: item for item in form.items.all()}
    checked = {}
    for key, value in scores.items():
        item_id = int(key)
        if item_id not in items:
            raise ApplicationError(_("That indicator is not on this form."), field=field_prefix)
        if value in (None, ""):
            continue
        checked[item_id] = scoring.check_score(value, field=f"{field_prefix}_{item_id}")
    return checked


def _refuse_unasked(form, checked: dict, asked: dict) -> None:
    """A score for an indicator this rater does not rate is refused, naming it."""
    unasked = [pk for pk in checked if pk not in asked]
    if unasked:
        item = form.items.select_related("indicator").get(pk=unasked[0])
        raise ApplicationError(
            _("You do not rate “%(i)s” (it is scored by: %(r)s).")
            % {"i": item.indicator.label, "r": item.get_raters_display()},
            field=f"score_{item.pk}",
        )


def _upsert_ratings(role, scores: dict, comments: dict | None = None, peer_review=None):
    comments = comments or {}
    for item_id, score in scores.items():
        Rating.objects.update_or_create(
            item_id=item_id,
            role=role,
            peer_review=peer_review,
            defaults={"score": score, "comment": comments.get(item_id, "")},
        )


@transaction.atomic
def form_save_self(
    *,
    actor,
    form: AppraisalForm,
    tasks: str = "",
    results: str = "",
    problems: str = "",
    comment: str = "",
    scores: dict | None = None,
    submit: bool = False,
) -> AppraisalForm:
    """The employee's work summary (tasks, results, problems and solutions) and
    self-assessment; `submit` hands it on to peer review."""
    form = _locked_form(form)
    policy.require(policy.is_own(actor, form), _("Only the employee writes their own summary."))
    _expect(form, S.SELF)
    checked = _scores_for(form, scores or {})
    own = {item.pk: item for item in raters.self_items(form)}
    _refuse_unasked(form, checked, own)
    form.work_tasks, form.work_results, form.work_problems = tasks, results, problems
    form.self_comment = comment
    _upsert_ratings(RaterRole.SELF, checked)
    fields = ["work_tasks", "work_results", "work_problems", "self_comment", "updated_at"]
    if submit:
        if not (tasks.strip() and results.strip()):
            raise ApplicationError(
                _("Describe your tasks and results before submitting."), field="tasks"
            )
        rated = set(
            Rating.objects.filter(item__form=form, role=RaterRole.SELF).values_list(
                "item_id", flat=True
            )
        )
        if set(own) - rated:
            raise ApplicationError(
                _("Rate yourself on every qualitative indicator before submitting."),
                field="scores",
            )
        form.state = S.PEER
        form.self_submitted_at = timezone.now()
        fields += ["state", "self_submitted_at"]
    form.save(update_fields=fields)
    audit.record(
        actor=actor,
        obj=form,
        action="form.self_submitted" if submit else "form.self_saved",
        from_state=S.SELF,
        to_state=form.state,
    )
    if submit and form.supervisor:
        transaction.on_commit(
            lambda: notify(
                recipients=[form.supervisor.user],
                title=format_lazy(
                    gettext_lazy("{name} submitted a self-assessment"), name=form.employee.name
                ),
                url=_url(form),
            )
        )
    return form


# --- Peer reviews --------------------------------------------------------------------


@transaction.atomic
def peer_reviewers_assign(
    *, actor, form: AppraisalForm, reviewers: list[Employee], anonymous: bool | None = None
) -> list[PeerReview]:
    """The supervisor or HR chooses colleagues to review the employee. Assigning a
    colleague twice is a no-op."""
    form = _locked_form(form)
    policy.require(
        policy.can_assign_peers(actor, form),
        _("Only the supervisor or HR chooses peer reviewers."),
    )
    _expect(form, S.SELF, S.PEER)
    if not reviewers:
        raise ApplicationError(_("Choose at least one colleague."), field="reviewers")
    if anonymous is None:
        anonymous = Resolver().policy(form.department_id).anonymous_peers
    created = []
    for reviewer in reviewers:
        if reviewer.pk == form.employee_id:
            raise ApplicationError(_("An employee cannot review themselves."), field="reviewers")
        if not reviewer.is_active:
            raise ApplicationError(
                _("%(n)s is not active.") % {"n": reviewer.name}, field="reviewers"
            )
        review, made = PeerReview.objects.get_or_create(
            form=form,
            reviewer=reviewer,
            defaults={
                "assigned_by": actor,
                "is_anonymous": anonymous,
                "relation": raters.relation_of(form, reviewer),
            },
        )
        if made:
            created.append(review)
            audit.record(actor=actor, obj=review, action="peer_review.assigned")
    if created:
        users = [r.reviewer.user for r in created]
        transaction.on_commit(
            lambda: notify(
                recipients=users,
                title=format_lazy(
                    gettext_lazy("Please review {name} ({cycle})"),
                    name=form.employee.name,
                    cycle=form.cycle.label,
                ),
                url=_peer_url(created[0]),
            )
        )
    return created


def _peer_url(review) -> str:
    from django.urls import reverse

    return reverse("kpis:peer_review", args=[review.pk])


@transaction.atomic
def peer_review_submit(*, actor, review: PeerReview, scores: dict, comment: str = "") -> PeerReview:
    review = (
        PeerReview.objects.select_for_update(of=("self",))
        .select_related("form", "reviewer")
        .get(pk=review.pk)
    )
    policy.require(
        review.reviewer.user_id == actor.pk, _("Only the colleague asked may write this review.")
    )
    if review.state != PeerReview.State.PENDING:
        raise ConflictError(_("This peer review is already closed."))
    form = _locked_form(review.form)
    _expect(form, S.SELF, S.PEER)
    checked = _scores_for(form, scores)
    review.form = form
    asked = {item.pk: item for item in raters.review_items(review)}
    _refuse_unasked(form, checked, asked)
    if not set(asked) <= set(checked):
        raise ApplicationError(_("Score every indicator you are asked to rate."), field="scores")
    Rating.objects.bulk_create(
        Rating(item_id=pk, role=raters.colleague_role(asked[pk]), peer_review=review, score=score)
        for pk, score in checked.items()
    )
    review.state = PeerReview.State.SUBMITTED
    review.comment = comment
    review.submitted_at = timezone.now()
    review.save(update_fields=["state", "comment", "submitted_at"])
    # Recorded on the review, never on the form: the appraisee's timeline stays anonymous.
    audit.record(actor=actor, obj=review, action="peer_review.submitted", to_state="submitted")
    if (
        form.state == S.PEER
        and not form.peer_reviews.filter(state=PeerReview.State.PENDING).exists()
    ):
        form.state = S.SUPERVISOR
        form.save(update_fields=["state", "updated_at"])
        audit.record(
            actor=None, obj=form, action="form.peers_done", from_state=S.PEER, to_state=S.SUPERVISOR
        )
    return review


# --- Actuals -------------------------------------------------------------------------


def _set_actual(item: FormItem, actual, source: str, parts: dict | None = None) -> None:
    item.actual = actual
    if parts is not None:
        item.part_actuals = parts
    item.actual_source = source
    item.completion_rate, item.formula_score = scoring.quantitative_result(
        item.indicator,
        actual,
        item.target,
        part_actuals=item.part_actuals,
        part_targets=item.part_targets,
    )
    item.save(
        update_fields=[
            "actual",
            "part_actuals",
            "actual_source",
            "completion_rate",
            "formula_score",
        ]
    )


def _check_actual(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except Exception:  # noqa: BLE001 - any unparsable input is the same mistake
        raise ApplicationError(_("Enter a number."), field=field) from None
    if not number.is_finite() or number < 0:
        raise ApplicationError(_("An actual cannot be negative."), field=field)
    return number


def _check_parts(indicator, parts) -> dict:
    """Every sub-measure of a composite indicator, each a number ≥ 0."""
    if not isinstance(parts, dict):
        raise ApplicationError(_("Give a figure for every sub-measure."), field="parts")
    checked = {}
    for part in indicator.components:
        if parts.get(part["key"]) in (None, ""):
            raise ApplicationError(
                _("Give a figure for “%(p)s”.") % {"p": part.get("name_en") or part["name"]},
                field=f"parts.{part['key']}",
            )
        checked[part["key"]] = str(_check_actual(parts[part["key"]], f"parts.{part['key']}"))
    unknown = set(parts) - set(checked)
    if unknown:
        raise ApplicationError(
            _("“%(p)s” is not a sub-measure of this indicator.") % {"p": sorted(unknown)[0]},
            field="parts",
        )
    return checked


@transaction.atomic
def item_set_actual(*, actor, item: FormItem, actual=None, parts: dict | None = None) -> FormItem:
    """Type in the actual of a quantitative indicator; for a composite one, the figure
    of each sub-measure (`parts`: {key: figure})."""
    item = (
        FormItem.objects.select_for_update(of=("self",)).select_related("indicator").get(pk=item.pk)
    )
    form = _locked_form(item.form)
    policy.require(
        policy.is_hr(actor, form.department) or policy.can_score(actor, form),
        _("Only the supervisor or HR enters actuals."),
    )
    _expect(form, S.SELF, S.PEER, S.SUPERVISOR)
    if not item.indicator.is_quantitative:
        raise ApplicationError(_("Only quantitative indicators have actuals."), field="actual")
    if item.indicator.is_composite:
        before, checked = item.part_actuals, _check_parts(item.indicator, parts)
        _set_actual(item, None, FormItem.ActualSource.MANUAL, parts=checked)
        change = [before or "", checked]
    else:
        before, value = item.actual, _check_actual(actual, "actual")
        _set_actual(item, value, FormItem.ActualSource.MANUAL)
        change = [str(before or ""), str(value)]
    audit.record(
        actor=actor, obj=form, action="form.actual_set", changes={item.indicator.code: change}
    )
    return item


ACTUALS_COLUMNS = (
    imports.Column("employee_no", ("employee number", "员工编号", "工号")),
    imports.Column("indicator", ("indicator code", "指标", "指标编码", "指标代码")),
    imports.Column("actual", ("实际值", "实际完成", "完成值")),
)


@transaction.atomic
def actuals_import_csv(*, actor, cycle: AppraisalCycle, file) -> dict:
    """A CSV or XLSX of actuals (employee_no, indicator, actual; or their Chinese names).
    All rows or none: any bad row raises imports.ImportRejected listing every problem by
    row and column. Forms must be open for scoring, as when actuals are typed in."""
    policy.require(policy.can_run_cycles(actor), _("Only HR imports actuals."))
    table = imports.read_table(file, ACTUALS_COLUMNS)
    items = {
        (item.form.employee.employee_no, item.indicator.code): item
        for item in FormItem.objects.filter(
            form__cycle=cycle,
            form__employee__employee_no__in=table.values("employee_no"),
            indicator__kind=Indicator.Kind.QUANTITATIVE,
        )
        .select_related("form__employee", "indicator")
        .select_for_update(of=("self", "form"))
    }
    seen = set()

    def parse(row):
        key = (row.text("employee_no"), row.text("indicator"))
        item = items.get(key)
        if item is None:
            raise ApplicationError(
                _("No such employee and quantitative indicator in this cycle."),
                field="employee_no",
            )
        if key in seen:
            raise ApplicationError(
                _("This employee and indicator appear twice in the file."), field="indicator"
            )
        if item.indicator.is_composite:
            raise ApplicationError(
                _("This indicator is made of sub-measures: enter them on the form."),
                field="indicator",
            )
        seen.add(key)
        if item.form.state not in (S.SELF, S.PEER, S.SUPERVISOR):
            raise ApplicationError(
                _("This appraisal is at “%(s)s”; its actuals can no longer change.")
                % {"s": item.form.get_state_display()},
                field="employee_no",
            )
        return item, row.decimal("actual")

    def save(updates):
        for item, value in updates:
            _set_actual(item, value, FormItem.ActualSource.CSV)
        audit.record(
            actor=actor, obj=cycle, action="cycle.actuals_imported", comment=str(len(updates))
        )
        return len(updates)

    return {"imported": imports.import_table(table, parse=parse, save=save)}


# --- The supervisor ------------------------------------------------------------------


@transaction.atomic
def form_supervisor_score(
    *,
    actor,
    form: AppraisalForm,
    scores: dict,
    comments: dict | None = None,
    comment: str = "",
    submit: bool = False,
) -> AppraisalForm:
    """The supervisor scores each indicator (0–100) with comments; `submit` hands the
    form to HR aggregation."""
    form = _locked_form(form)
    policy.require(
        policy.can_score(actor, form), _("Only the employee's supervisor scores this form.")
    )
    _expect(form, S.PEER, S.SUPERVISOR)
    checked = _scores_for(form, scores)
    comments = {int(k): (v or "") for k, v in (comments or {}).items()}
    _upsert_ratings(RaterRole.SUPERVISOR, checked, comments)
    form.supervisor_comment = comment
    fields = ["supervisor_comment", "updated_at"]
    before = form.state
    if submit:
        pending = form.peer_reviews.filter(state=PeerReview.State.PENDING).count()
        if pending:
            raise ConflictError(
                _("%(n)s peer reviews are still being written; wait for them or their deadline.")
                % {"n": pending}
            )
        unscored = [item for item, score in _item_scores(form) if score is None]
        unscored += [
            item
            for item in form.items.select_related("indicator", "section", "form__template")
            .prefetch_related("ratings")
            .order_by("order", "id")
            if raters.mix_for(item).supervisor > 0
            and not any(r.role == RaterRole.SUPERVISOR for r in item.ratings.all())
            and not (item.indicator.is_quantitative and item.formula_score is not None)
            and item not in unscored
        ]
        if unscored:
            raise ApplicationError(
                _("Score every indicator first (missing: %(names)s).")
                % {"names": ", ".join(i.indicator.label for i in unscored)},
                field="scores",
            )
        form.state = S.AGGREGATION
        form.supervisor_submitted_at = timezone.now()
        fields += ["state", "supervisor_submitted_at"]
    form.save(update_fields=fields)
    audit.record(
        actor=actor,
        obj=form,
        action="form.supervisor_submitted" if submit else "form.supervisor_saved",
        from_state=before,
        to_state=form.state,
    )
    return form


# --- HR aggregation (per form; the batch version is jobs.compute_scores) --------------


def _item_scores(form) -> list[tuple]:
    """(item, indicator score) of each item of a form by its raters' mix."""
    items = form.items.select_related("indicator", "section", "form__template")
    result = []
    for item in items.prefetch_related("ratings").order_by("order", "id"):
        ratings = list(item.ratings.all())
        supervisor = next((r.score for r in ratings if r.role == RaterRole.SUPERVISOR), None)
        self_score = next((r.score for r in ratings if r.role == RaterRole.SELF), None)
        colleagues = [r.score for r in ratings if r.role in COLLEAGUE_ROLES]
        result.append(
            (
                item,
                scoring.indicator_score(
                    quantitative=item.indicator.is_quantitative,
                    formula_score=item.formula_score,
                    mix=raters.mix_for(item),
                    supervisor=supervisor,
                    peers=colleagues,
                    self_score=self_score,
                ),
            )
        )
    return result


def compute_form(form: AppraisalForm, resolver: Resolver | None = None) -> dict:
    """Indicator scores, weighted total, grade and coefficient of one form (no writes)."""
    resolver = resolver or Resolver()
    scored = _item_scores(form)
    item_scores = {item.pk: score for item, score in scored}
    items = [item for item, _score in scored]
    total = scoring.weighted_total((item.weight, item_scores[item.pk]) for item in items)
    grade, coefficient = scoring.grade_for(total, resolver.bands_for(form.department_id))
    return {"items": item_scores, "total": total, "grade": grade, "coefficient": coefficient}


def cycle_aggregate(*, actor, cycle: AppraisalCycle, department=None) -> int:
    """HR aggregates: compute scores and grades of the forms the supervisors handed in
    (set-based, the same job beat runs). Returns how many forms were computed."""
    policy.require(policy.is_hr(actor, department), _("Only HR aggregates appraisal scores."))
    from .jobs import compute_scores

    return compute_scores(cycle.pk, actor=actor, department_id=getattr(department, "pk", None))


# --- Manager review and calibration ---------------------------------------------------


@transaction.atomic
def form_calibrate(
    *, actor, form: AppraisalForm, total_score=None, reason: str = ""
) -> AppraisalForm:
    """The manager confirms the computed result, or adjusts it with a required reason."""
    form = _locked_form(form)
    policy.require(
        policy.can_calibrate(actor, form), _("Only the department's manager reviews results.")
    )
    _expect(form, S.CALIBRATION)
    changes = {}
    if (
        total_score not in (None, "")
        and scoring.check_score(total_score, field="total_score") != form.total_score
    ):
        new_total = scoring.check_score(total_score, field="total_score")
        if not reason.strip():
            raise ApplicationError(_("Give the reason for the adjustment."), field="reason")
        changes = {"total_score": [str(form.total_score), str(new_total)]}
        form.total_score = new_total
        form.grade, form.bonus_coefficient = scoring.grade_for(
            new_total, Resolver().bands_for(form.department_id)
        )
        form.calibration_reason = reason.strip()
    form.calibrated_by = actor
    form.state = S.APPROVED
    form.save(
        update_fields=[
            "total_score",
            "grade",
            "bonus_coefficient",
            "calibration_reason",
            "calibrated_by",
            "state",
            "updated_at",
        ]
    )
    audit.record(
        actor=actor,
        obj=form,
        action="form.calibrated" if changes else "form.confirmed",
        from_state=S.CALIBRATION,
        to_state=S.APPROVED,
        comment=form.calibration_reason,
        changes=changes,
    )
    return form


# --- Release -------------------------------------------------------------------------


def forms_release(*, actor, cycle: AppraisalCycle, department=None, forms=None) -> int:
    """HR releases approved results to the employees; the appeal window (the
    department's working days) starts today."""
    policy.require(policy.is_hr(actor, department), _("Only HR releases results."))
    today = timezone.localdate()
    calendar = WorkingCalendar.load(today, today + dt.timedelta(days=60))
    resolver = Resolver()
    with transaction.atomic():
        rows = AppraisalForm.objects.select_for_update(of=("self",)).filter(
            cycle=cycle, state=S.APPROVED
        )
        if department is not None:
            rows = rows.filter(department__path__startswith=department.path)
        if forms is not None:
            rows = rows.filter(pk__in=[f.pk for f in forms])
        rows = list(rows.select_related("employee__user"))
        if not rows:
            raise ConflictError(_("There are no approved results to release."))
        now = timezone.now()
        for form in rows:
            days = resolver.policy(form.department_id).appeal_working_days
            form.state = S.RELEASED
            form.released_at = now
            form.appeal_deadline = calendar.add_working_days(today, days)
        AppraisalForm.objects.bulk_update(
            rows, ["state", "released_at", "appeal_deadline"], batch_size=1000
        )
        audit.record_many(
            actor=actor,
            objs=rows,
            action="form.released",
            from_state=S.APPROVED,
            to_state=S.RELEASED,
        )
        users = [f.employee.user for f in rows]
        transaction.on_commit(
            lambda: notify(
                recipients=users,
                title=format_lazy(
                    gettext_lazy("Your appraisal result for {cycle} is out"), cycle=cycle.label
                ),
                url="/kpis/mine/",
            )
        )
    return len(rows)


@transaction.atomic
def form_record_interview(
    *, actor, form: AppraisalForm, notes: str, improvement_plan: str
) -> AppraisalForm:
    """The feedback interview (绩效面谈) and the improvement plan agreed in it."""
    form = _locked_form(form)
    policy.require(
        policy.can_interview(actor, form),
        _("Only the supervisor or manager records the interview."),
    )
    _expect(form, S.RELEASED, S.APPEALED, S.LOCKED)
    if not notes.strip():
        raise ApplicationError(_("Write what was discussed."), field="notes")
    if not improvement_plan.strip():
        raise ApplicationError(_("Write the improvement plan."), field="improvement_plan")
    form.interview_at = timezone.now()
    form.interview_notes = notes.strip()
    form.improvement_plan = improvement_plan.strip()
    form.save(update_fields=["interview_at", "interview_notes", "improvement_plan", "updated_at"])
    audit.record(actor=actor, obj=form, action="form.interview_recorded")
    return form


# --- Appeals -------------------------------------------------------------------------


@transaction.atomic
def appeal_file(*, actor, form: AppraisalForm, reason: str, skip_level: bool = False) -> Appeal:
    """The employee appeals within the window, to whoever the department's policy says
    rules (apps.kpis.appeals): its manager, or over them to the director (skip-level;
    always so where the policy routes appeals to the director, never where the
    manager's ruling is final)."""
    from . import appeals

    form = _locked_form(form)
    policy.require(policy.can_appeal(actor, form), _("Only the appraised employee may appeal."))
    if hasattr(form, "appeal") and Appeal.objects.filter(form=form).exists():
        raise ConflictError(_("You have already appealed this result."))
    _expect(form, S.RELEASED)
    today = timezone.localdate()
    if form.appeal_deadline is None or today > form.appeal_deadline:
        raise ApplicationError(
            _("The appeal window closed on %(d)s.") % {"d": form.appeal_deadline}, field="reason"
        )
    if not reason.strip():
        raise ApplicationError(_("Give the reason for your appeal."), field="reason")
    resolver = Resolver()
    route = appeals.route_of(form, resolver)
    if route == AppealRoute.MANAGER_FINAL and skip_level:
        raise ApplicationError(
            _("In %(d)s the manager investigates and rules on appeals, and the ruling is "
              "final: there is no skip-level appeal.") % {"d": form.department.label},
            field="skip_level",
        )  # fmt: skip
    skip_level = skip_level or route == AppealRoute.DIRECTOR
    if skip_level:
        from apps.org.authorities import Authority
        from apps.org.permissions import has_authority

        if not has_authority(actor, Authority.SKIP_LEVEL_APPEAL):
            raise PermissionDenied(_("You do not hold the skip-level appeal right."))
    ruled_in = appeals.ruling_department(
        appeals.policy_department(form, resolver), route=route, skip_level=skip_level
    )
    if ruled_in is None:
        raise ApplicationError(_("There is no level above this department."), field="skip_level")
    appeal = Appeal.objects.create(
        form=form,
        appellant=actor,
        reason=reason.strip(),
        skip_level=skip_level,
        route=route,
        ruling_department=ruled_in,
        score_before=form.total_score,
    )
    form.state = S.APPEALED
    form.save(update_fields=["state", "updated_at"])
    audit.record(
        actor=actor,
        obj=form,
        action="form.appealed",
        from_state=S.RELEASED,
        to_state=S.APPEALED,
        comment=appeal.reason,
        changes={"ruled_in": [None, str(ruled_in)], "route": [None, route]},
    )
    handlers = appeals.rulers(appeal)
    if handlers:
        transaction.on_commit(
            lambda: notify(
                recipients=handlers,
                title=format_lazy(
                    gettext_lazy("{name} appealed an appraisal result"), name=form.employee.name
                ),
                url=_url(form),
            )
        )
    return appeal


@transaction.atomic
def appeal_rule(
    *, actor, appeal: Appeal, decision: str, reason: str, total_score=None, investigation: str = ""
) -> Appeal:
    """The manager (or, for a skip-level appeal, the director) investigates and rules:
    uphold, or adjust the total with a reason. The form is then locked."""
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("form").get(pk=appeal.pk)
    form = _locked_form(appeal.form)
    appeal.form = form
    if appeal.appellant_id == actor.pk:
        raise PermissionDenied(_("You cannot rule on your own appeal."))
    if not policy.can_rule(actor, appeal):
        raise PermissionDenied(
            _("This appeal is ruled by the appraiser of %(d)s (the director, over the manager).")
            % {"d": appeal.ruling_department or appeal.form.department.parent}
            if appeal.skip_level
            else _("Only the manager of %(d)s rules on this appeal.")
            % {"d": appeal.ruling_department or appeal.form.department}
        )
    if appeal.state != Appeal.State.OPEN:
        raise ConflictError(_("This appeal has already been ruled on."))
    if decision not in (Appeal.State.UPHELD, Appeal.State.ADJUSTED):
        raise ApplicationError(_("Uphold the result or adjust it."), field="decision")
    if not reason.strip():
        raise ApplicationError(_("Give the reason for the ruling."), field="reason")
    if decision == Appeal.State.ADJUSTED:
        if total_score in (None, ""):
            raise ApplicationError(_("Enter the adjusted total."), field="total_score")
        new_total = scoring.check_score(total_score, field="total_score")
        form.total_score = new_total
        form.grade, form.bonus_coefficient = scoring.grade_for(
            new_total, Resolver().bands_for(form.department_id)
        )
    appeal.state = decision
    appeal.ruling_reason = reason.strip()
    appeal.investigation = investigation.strip()
    appeal.score_after = form.total_score
    appeal.ruled_by = actor
    appeal.ruled_at = timezone.now()
    appeal.save()
    form.state = S.LOCKED
    form.locked_at = timezone.now()
    form.save(
        update_fields=[
            "total_score",
            "grade",
            "bonus_coefficient",
            "state",
            "locked_at",
            "updated_at",
        ]
    )
    audit.record(
        actor=actor,
        obj=form,
        action=f"appeal.{decision}",
        from_state=S.APPEALED,
        to_state=S.LOCKED,
        comment=appeal.ruling_reason
        + (" (final)" if appeal.route == AppealRoute.MANAGER_FINAL else ""),
        changes={"total_score": [str(appeal.score_before), str(appeal.score_after)]},
    )
    transaction.on_commit(
        lambda: notify(
            recipients=[form.employee.user],
            title=format_lazy(
                gettext_lazy("Your appeal on {cycle} was ruled on"), cycle=form.cycle.label
            ),
            url=_url(form),
        )
    )
    return appeal
