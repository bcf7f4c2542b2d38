"""Helpers shared by several training services: state aliases, decimal parsing, row locks,
the session link, and closing an assignment once its training is done."""

from decimal import Decimal, InvalidOperation

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.errors import ApplicationError
from apps.training.models import Enrolment, SupervisorTask, TrainingAssignment, TrainingPlan

P = TrainingPlan.State
E = Enrolment.State
ZERO = Decimal("0")


def _decimal(value, *, field_name, places="0.01", message=None) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(message or _("Enter a number."), field=field_name) from None
    if not amount.is_finite() or amount < 0:
        raise ApplicationError(_("Enter zero or more."), field=field_name)
    if amount != amount.quantize(Decimal(places)):
        raise ApplicationError(
            _("Use at most %(n)d decimals.") % {"n": len(places.split(".")[1])},
            field=field_name,
        )
    return amount


def _locked(model, obj):
    return model.objects.select_for_update().get(pk=obj.pk)


def _session_url(session) -> str:
    return reverse("training:session_detail", args=[session.pk])


def _complete_assignment(actor, assignment_id) -> None:
    assignment = TrainingAssignment.objects.select_for_update().get(pk=assignment_id)
    if assignment.state != TrainingAssignment.State.OPEN:
        return
    assignment.state = TrainingAssignment.State.DONE
    assignment.completed_at = timezone.now()
    assignment.save(update_fields=["state", "completed_at"])
    audit.record(
        actor=actor,
        obj=assignment,
        action="training_assignment.complete",
        from_state=TrainingAssignment.State.OPEN,
        to_state=TrainingAssignment.State.DONE,
    )
    SupervisorTask.objects.filter(assignment=assignment, state=SupervisorTask.State.OPEN).update(
        state=SupervisorTask.State.DONE, done_at=timezone.now()
    )
