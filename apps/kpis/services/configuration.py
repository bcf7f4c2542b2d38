"""Configuration: indicators, templates and each department's appraisal policy."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.errors import ApplicationError

from .. import permissions as policy
from .. import scoring, sources
from ..models import (
    AppraisalPolicy,
    AppraisalTemplate,
    CycleTiming,
    GradeBand,
    Indicator,
    Raters,
    TemplateItem,
    TemplateSection,
)
from ..policies import Resolver


def indicator_save(*, actor, data: dict, indicator: Indicator | None = None) -> Indicator:
    """Create or update a library indicator after checking its rule is complete.
    Refuses: anyone but HR (PermissionDenied); an incomplete rule: no
    bands, a cap not above the floor, no automatic source, bad targets (ApplicationError)."""
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
    part_targets}]}]; self_scored False: the self-assessment is a summary only.
    Refuses: anyone but HR (PermissionDenied); weights or shares that do
    not add up, an indicator twice, raters missing or unfit for the indicator
    (ApplicationError)."""
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
    the real calendar and the department's rulebook (apps.kpis.schedule.problems).
    Refuses: anyone but HR (PermissionDenied); a grade twice, a guide
    distribution not totalling 100%, a timing that breaks the calendar or the rulebook's
    close-by day (ApplicationError on the field, e.g. "timing.monthly.close_by_day")."""
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
    from ..schedule import RULEBOOK_LIMITS, Timing, problems

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
