"""After a session: the trainee's feedback and the trainer's result for each trainee."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.training import permissions as policy
from apps.training.models import AssessmentResult, Enrolment, Feedback

from ._common import _complete_assignment, _decimal


@transaction.atomic
def feedback_submit(*, actor, enrolment: Enrolment, rating, comments: str = "") -> Feedback:
    """The attendee rates a session they attended, once. Refused to anyone but the
    attendee, to someone who did not attend, a second time (a conflict), or for a rating
    outside 1-5."""
    enrolment = Enrolment.objects.select_for_update().select_related("session").get(pk=enrolment.pk)
    if enrolment.employee.user_id != actor.pk:
        raise PermissionDenied(_("Only the attendee gives feedback on their session."))
    if enrolment.attended is not True:
        raise PermissionDenied(_("Only people who attended the session give feedback."))
    if Feedback.objects.filter(enrolment=enrolment).exists():
        raise ConflictError(_("You have already given feedback on this session."))
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ApplicationError(_("Rate the session from 1 to 5."), field="rating")
    feedback = Feedback.objects.create(enrolment=enrolment, rating=rating, comments=comments)
    audit.record(actor=actor, obj=enrolment, action="training_feedback.submit", comment=str(rating))
    return feedback


@transaction.atomic
def result_record(
    *,
    actor,
    enrolment: Enrolment,
    outcome: str,
    hours=None,
    score=None,
    certificate_no: str = "",
) -> AssessmentResult:
    """Record (or correct) an attendee's result: outcome, hours, score, certificate; a pass
    completes the required training it was for. Refused to someone who does not run
    training here, for someone who did not attend, or for a bad outcome, hours or score
    (0-100)."""
    enrolment = Enrolment.objects.select_for_update().select_related("session").get(pk=enrolment.pk)
    policy.require(
        policy.can_run_session(actor, enrolment.session),
        _("Results are recorded by someone who runs training in this department."),
    )
    if enrolment.attended is not True:
        raise ApplicationError(_("Results are recorded for people who attended."))
    if outcome not in AssessmentResult.Outcome.values:
        raise ApplicationError(_("Choose passed or failed."), field="outcome")
    hours = enrolment.session.hours if hours in (None, "") else hours
    hours = _decimal(hours, field_name="hours", places="0.1")
    if score not in (None, ""):
        score = _decimal(score, field_name="score", places="0.1")
        if score > 100:
            raise ApplicationError(_("Scores go from 0 to 100."), field="score")
    else:
        score = None
    result, created = AssessmentResult.objects.update_or_create(
        enrolment=enrolment,
        defaults={
            "outcome": outcome,
            "score": score,
            "hours": hours,
            "certificate_no": (certificate_no or "").strip(),
            "recorded_by": actor,
        },
    )
    audit.record(
        actor=actor,
        obj=enrolment,
        action="training_result.record" if created else "training_result.correct",
        to_state=outcome,
    )
    if outcome == AssessmentResult.Outcome.PASSED and enrolment.assignment_id:
        _complete_assignment(actor, enrolment.assignment_id)
    return result
