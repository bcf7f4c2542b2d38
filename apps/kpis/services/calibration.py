"""Manager review and calibration of a computed result."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.errors import ApplicationError

from .. import permissions as policy
from .. import scoring
from ..models import (
    AppraisalForm,
)
from ..policies import Resolver
from .common import S, _expect, _locked_form


@transaction.atomic
def form_calibrate(
    *, actor, form: AppraisalForm, total_score=None, reason: str = ""
) -> AppraisalForm:
    """The manager confirms the computed result, or adjusts it with a required reason.
    Refuses: anyone but the department's manager (PermissionDenied), a
    form not at calibration (ConflictError), a bad total or an adjustment without a reason
    (ApplicationError)."""
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
