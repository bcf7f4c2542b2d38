"""The supervisor scores each indicator and hands the form on."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError

from .. import permissions as policy
from .. import raters
from ..models import (
    AppraisalForm,
    PeerReview,
    RaterRole,
)
from .aggregation import _item_scores
from .common import S, _expect, _locked_form
from .self_review import _scores_for, _upsert_ratings


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
    form to HR aggregation.
    Refuses: anyone but the supervisor (PermissionDenied), a form not
    at peer review or supervisor scoring, or on submit peer reviews still pending
    (ConflictError), bad scores or on submit an unscored indicator (ApplicationError)."""
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
