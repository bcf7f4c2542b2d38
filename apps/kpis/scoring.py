"""The scoring rules, in one place. Pure functions over Decimals: services, jobs, forms,
the API and the tests all call these.

Scores are on 0–100. The rules and their edges:

- Quantitative indicator: value = actual ÷ target (formula "ratio") or the actual
  itself ("value"); then
  - linear: 0 at or below `floor`, 100 at or above `cap`, straight line between
    (over the cap is clamped to 100, under the floor to 0);
  - bands: the score of the highest threshold the value reaches (0 below them all).
  Missing actual → no formula score (None). Ratio with a zero, negative or missing
  target → None: a completion rate of a zero plan means nothing, so the supervisor
  scores the indicator by hand instead (templates refuse such targets; old ones show
  "no target").
- Completion rate (shown next to the score): actual ÷ target × 100 for "ratio"
  indicators; a composite indicator (sub-measures with weights, e.g. 003's follower
  growth, reads, shares, likes, comments) uses the weighted mean of its sub-measures'
  actual ÷ target, None while any sub-measure has no figure or no target.
- Attendance (indicators scored from attendance): 100 − 20 per day absent without
  leave − 5 per late arrival or early departure, never below 0 (the product's default,
  docs/rulebooks/003.md).
- Who rates an indicator (its `raters`, else its section's mix) gives the shares of
  supervisor / colleagues / self (rater_mix); a self score counts only where the
  template scores the self-assessment.
- Qualitative indicator: rated on levels 1…scale_max; a level is worth
  level ÷ scale_max × 100. Raters may also give points directly (0–100).
- Indicator score: quantitative → the formula score, else the supervisor's score;
  qualitative → the section's rater mix over the raters who rated (supervisor / peers'
  mean / self), renormalised over those present.
- Weighted total = Σ weight × indicator score ÷ 100 (weights total 100).
- Grade: the band with the highest minimum the total reaches; its bonus coefficient.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError

HUNDRED = Decimal("100")
ZERO = Decimal("0")
CENT = Decimal("0.01")


def q(value: Decimal | None) -> Decimal | None:
    """Round to two places, half up (how people round scores by hand)."""
    if value is None:
        return None
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(HUNDRED, value))


# --- Quantitative -------------------------------------------------------------------


def formula_value(formula: str, actual, target) -> Decimal | None:
    if actual is None:
        return None
    actual = Decimal(actual)
    if formula == "value":
        return actual
    if target is None or Decimal(target) <= 0:
        return None
    return actual / Decimal(target)


def rule_score(
    rule: str, value: Decimal | None, *, floor=None, cap=None, bands=()
) -> Decimal | None:
    if value is None:
        return None
    if rule == "bands":
        best = None
        for threshold, points in sorted(
            ((Decimal(str(t)), Decimal(str(p))) for t, p in bands), reverse=True
        ):
            if value >= threshold:
                best = points
                break
        return q(_clamp(best if best is not None else ZERO))
    floor = Decimal(floor) if floor is not None else ZERO
    cap = Decimal(cap) if cap is not None else Decimal("1")
    if value >= cap:
        return HUNDRED.quantize(CENT)
    if value <= floor:
        return ZERO.quantize(CENT)
    return q(HUNDRED * (value - floor) / (cap - floor))


def composite_value(components, part_actuals, part_targets) -> Decimal | None:
    """Σ weight × actual ÷ target over the sub-measures ÷ Σ weight; None while any
    sub-measure has no actual or no target above 0 (never a silent 0)."""
    if not components:
        return None
    part_actuals, part_targets = part_actuals or {}, part_targets or {}
    total = weights = ZERO
    for part in components:
        actual, target = part_actuals.get(part["key"]), part_targets.get(part["key"])
        if actual is None or target is None or Decimal(str(target)) <= 0:
            return None
        weight = Decimal(str(part["weight"]))
        total += weight * Decimal(str(actual)) / Decimal(str(target))
        weights += weight
    return total / weights if weights else None


def completion_rate(
    indicator, actual, target, *, part_actuals=None, part_targets=None
) -> Decimal | None:
    """The completion rate in % (actual ÷ target × 100, or the composite's), None when
    the indicator has none (a "value" indicator) or cannot have one yet."""
    if not indicator.is_quantitative:
        return None
    if indicator.components:
        value = composite_value(indicator.components, part_actuals, part_targets)
    elif indicator.formula == "ratio":
        value = formula_value("ratio", actual, target)
    else:
        return None
    return q(value * HUNDRED) if value is not None else None


def quantitative_score(
    indicator, actual, target, *, part_actuals=None, part_targets=None
) -> Decimal | None:
    """The formula score of a quantitative indicator, or None when it cannot be computed."""
    if indicator.components:
        value = composite_value(indicator.components, part_actuals, part_targets)
    else:
        value = formula_value(indicator.formula, actual, target)
    return rule_score(
        indicator.rule or "linear",
        value,
        floor=indicator.floor,
        cap=indicator.cap,
        bands=indicator.bands or (),
    )


def quantitative_result(indicator, actual, target, *, part_actuals=None, part_targets=None):
    """(completion rate, formula score): what every writer of an actual stores."""
    kwargs = {"part_actuals": part_actuals, "part_targets": part_targets}
    return (
        completion_rate(indicator, actual, target, **kwargs),
        quantitative_score(indicator, actual, target, **kwargs),
    )


def check_target(indicator, target, part_targets=None) -> None:
    """A completion-rate indicator needs a target above 0 (each sub-measure of a
    composite one too): a rate of a zero plan would be a silent 0 or nothing."""
    if not indicator.is_quantitative:
        return
    if not isinstance(part_targets, dict):
        part_targets = {}  # whatever else was typed: no targets
    if indicator.components:
        for part in indicator.components:
            value = (part_targets or {}).get(part["key"])
            if value is None or Decimal(str(value)) <= 0:
                raise ApplicationError(
                    _("“%(i)s”: a formula indicator needs a target above 0 for “%(p)s”.")
                    % {"i": indicator, "p": part.get("name_en") or part.get("name")},
                    field="target",
                )
        return
    if indicator.formula == "ratio" and (target is None or Decimal(target) <= 0):
        raise ApplicationError(
            _("“%(i)s”: a formula indicator needs a target above 0.") % {"i": indicator},
            field="target",
        )


def no_target(indicator, target, part_targets=None) -> bool:
    """A completion-rate indicator without a usable target (missing or 0, as old
    templates may have): shown as "no target", never as a rate of 0."""
    try:
        check_target(indicator, target, part_targets)
    except ApplicationError:
        return True
    return False


# --- Attendance ---------------------------------------------------------------------

ABSENCE_POINTS = Decimal("20")  # per day absent without leave (旷工)
LATE_POINTS = Decimal("5")  # per late arrival (迟到) or early departure (早退)


def attendance_points(absences, late_arrivals, early_departures) -> Decimal:
    """The product's default conversion of an attendance record into a 0–100 score."""
    lost = ABSENCE_POINTS * Decimal(absences) + LATE_POINTS * (
        Decimal(late_arrivals) + Decimal(early_departures)
    )
    return q(_clamp(HUNDRED - lost))


# --- Qualitative --------------------------------------------------------------------


def level_points(level: int, scale_max: int) -> Decimal:
    if not 1 <= int(level) <= int(scale_max):
        raise ApplicationError(
            _("Choose a level from 1 to %(max)s.") % {"max": scale_max}, field="score"
        )
    return q(Decimal(level) * HUNDRED / Decimal(scale_max))


def check_score(value, *, field: str = "score") -> Decimal:
    """A rater's score: a number from 0 to 100, else a clear error on `field`."""
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ApplicationError(_("Enter a number from 0 to 100."), field=field) from None
    if not score.is_finite() or score < 0 or score > 100:
        raise ApplicationError(
            _("A score must be between 0 and 100 (got %(v)s).") % {"v": value}, field=field
        )
    return q(score)


# --- Mix, totals, grades ------------------------------------------------------------


@dataclass(frozen=True)
class Mix:
    supervisor: Decimal
    peer: Decimal  # colleagues: peers, or team members on a team-scored indicator
    self: Decimal


def rater_mix(raters: str, section: Mix, *, self_scored: bool = True) -> Mix:
    """The shares of one indicator from who rates it (models.Raters) and its section's
    mix. Several raters share by the section's shares; a self score counts only where
    the template scores the self-assessment. The supervisor's score stands in when
    none of the indicator's raters rated (mixed_score)."""
    zero = ZERO
    if raters == "supervisor" or raters == "data":
        return Mix(HUNDRED, zero, zero)
    if raters == "self":
        return Mix(zero, zero, HUNDRED if self_scored else zero)
    if raters in ("peers", "team"):
        return Mix(zero, HUNDRED, zero)
    if raters == "peers_supervisor":
        if Decimal(section.supervisor) + Decimal(section.peer) == 0:
            return Mix(Decimal(50), Decimal(50), zero)
        return Mix(Decimal(section.supervisor), Decimal(section.peer), zero)
    return Mix(
        Decimal(section.supervisor),
        Decimal(section.peer),
        Decimal(section.self) if self_scored else zero,
    )


def mixed_score(mix: Mix, *, supervisor=None, peers: Sequence = (), self_score=None):
    """The rater mix over whoever rated; None when nobody did."""
    parts = []
    if supervisor is not None:
        parts.append((Decimal(mix.supervisor), Decimal(supervisor)))
    if peers:
        parts.append((Decimal(mix.peer), sum(Decimal(p) for p in peers) / len(peers)))
    if self_score is not None:
        parts.append((Decimal(mix.self), Decimal(self_score)))
    shares = sum(share for share, _score in parts)
    if not parts or shares == 0:
        return supervisor if supervisor is None else q(Decimal(supervisor))
    return q(sum(share * score for share, score in parts) / shares)


def indicator_score(
    *, quantitative: bool, formula_score=None, mix: Mix, supervisor=None, peers=(), self_score=None
) -> Decimal | None:
    if quantitative:
        if formula_score is not None:
            return q(Decimal(formula_score))
        return q(Decimal(supervisor)) if supervisor is not None else None
    return mixed_score(mix, supervisor=supervisor, peers=peers, self_score=self_score)


def weighted_total(items: Iterable[tuple]) -> Decimal | None:
    """Σ weight × score ÷ 100 over (weight, score) pairs; None if any score is missing."""
    total = ZERO
    for weight, score in items:
        if score is None:
            return None
        total += Decimal(weight) * Decimal(score)
    return q(total / HUNDRED)


def grade_for(score, bands: Iterable[tuple]) -> tuple[str, Decimal | None]:
    """(grade, bonus coefficient) for `score` from (grade, min_score, coefficient) bands."""
    if score is None:
        return "", None
    for grade, min_score, coefficient in sorted(bands, key=lambda b: Decimal(b[1]), reverse=True):
        if Decimal(score) >= Decimal(min_score):
            return grade, Decimal(coefficient)
    return "", None


# --- Weights --------------------------------------------------------------------------


def check_weights(sections: Sequence[dict]) -> None:
    """Each section's indicators add up to its weight, sections total 100, and each
    section's rater mix totals 100. Raises ApplicationError(field="weights") saying
    what is off."""
    if not sections:
        raise ApplicationError(_("Add at least one section."), field="weights")
    total = ZERO
    for section in sections:
        weight = Decimal(section["weight"])
        items = section.get("items", [])
        if not items:
            raise ApplicationError(
                _("Section “%(s)s” has no indicators.") % {"s": section["name"]}, field="weights"
            )
        item_total = sum(Decimal(item["weight"]) for item in items)
        if item_total != weight:
            raise ApplicationError(
                _("The indicators of “%(s)s” weigh %(i)s in all, but the section weighs %(w)s.")
                % {"s": section["name"], "i": q(item_total), "w": q(weight)},
                field="weights",
            )
        mix = sum(
            Decimal(section.get(k, d))
            for k, d in (("supervisor_share", 70), ("peer_share", 20), ("self_share", 10))
        )
        if mix != HUNDRED:
            raise ApplicationError(
                _("The rater mix of “%(s)s” totals %(m)s; it must total 100.")
                % {"s": section["name"], "m": q(mix)},
                field="weights",
            )
        total += weight
    if total != HUNDRED:
        raise ApplicationError(
            _("The weights total %(t)s; they must total 100.") % {"t": q(total)}, field="weights"
        )


def check_indicator_shapes(*, bands, levels, scale_max) -> None:
    """Bands are [[threshold, score 0–100], …] and levels [{"value": 1…scale_max,
    "descriptor": …}, …], so scoring and rating never meet a shape they cannot read.
    Raises ApplicationError(field="bands" / "levels")."""
    try:
        pairs = [(Decimal(str(t)), Decimal(str(p))) for t, p in (bands or [])]
    except (TypeError, ValueError, ArithmeticError):
        pairs = None
    if (
        pairs is None
        or not isinstance(bands or [], list)
        or any(not ZERO <= score <= HUNDRED for _threshold, score in pairs)
    ):
        raise ApplicationError(
            _("Bands are a list of [threshold, score] pairs, each score from 0 to 100."),
            field="bands",
        )
    levels = levels or []
    if not isinstance(levels, list) or any(
        not isinstance(level, dict)
        or not isinstance(level.get("value"), int)
        or not 1 <= level["value"] <= (scale_max or 0)
        or not str(level.get("descriptor", "")).strip()
        for level in levels
    ):
        raise ApplicationError(
            _(
                'Levels are a list of {"value": a whole number from 1 to %(max)s, '
                '"descriptor": what that level looks like}.'
            )
            % {"max": scale_max},
            field="levels",
        )
