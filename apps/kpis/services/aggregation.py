"""HR aggregation per form; the batch version is jobs.compute_scores."""

from django.utils.translation import gettext as _

from .. import permissions as policy
from .. import raters, scoring
from ..models import (
    COLLEAGUE_ROLES,
    AppraisalCycle,
    AppraisalForm,
    RaterRole,
)
from ..policies import Resolver


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
    (set-based, the same job beat runs). Returns how many forms were computed.
    Refuses: anyone but HR (PermissionDenied)."""
    policy.require(policy.is_hr(actor, department), _("Only HR aggregates appraisal scores."))
    from ..jobs import compute_scores

    return compute_scores(cycle.pk, actor=actor, department_id=getattr(department, "pk", None))
