"""Who may see and do what in appraisals. Pages, the API, tasks and the export ask here.

- The employee sees their own form (summary and self-assessment always; scores, grade,
  comments and peer reviews once released) and acts on it: summary, self-assessment,
  appeal.
- The supervisor (the form's snapshot) sees and scores their reports' forms, chooses
  peer reviewers and records the feedback interview.
- A holder of 考核权 (appraise) in the form's department (the manager; the director
  over the company) sees the department's forms, calibrates them and rules on appeals;
  a skip-level appeal is ruled only by someone whose 考核权 reaches the department's
  parent (the director).
- HR (run_appraisal_cycle) sees everything, opens and closes cycles, aggregates,
  releases and exports.
- A peer sees only the peer reviews they were asked to write (never the form).
- Nobody acts on their own form beyond summary, self-assessment and appeal, and an
  anonymous peer review never shows its reviewer to the appraisee.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.core.errors import PermissionDenied
from apps.org.authorities import Authority
from apps.org.permissions import department_q, has_authority

from .models import RELEASED_STATES, AppraisalForm, FormState


def _employee_id(user):
    employee = getattr(user, "employee", None) if getattr(user, "is_authenticated", False) else None
    return employee.pk if employee else None


def is_hr(user, department=None) -> bool:
    return has_authority(user, Authority.RUN_APPRAISAL_CYCLE, department)


def can_run_cycles(user) -> bool:
    return is_hr(user)


def form_visibility_q(user) -> Q:
    """Forms `user` may open (for lists, in SQL)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    me = _employee_id(user)
    condition = department_q(user, Authority.RUN_APPRAISAL_CYCLE, Authority.APPRAISE)
    if me:
        condition |= Q(employee_id=me) | Q(supervisor_id=me)
    return condition


def is_own(user, form) -> bool:
    return form.employee.user_id == getattr(user, "pk", None)


def is_supervisor(user, form) -> bool:
    me = _employee_id(user)
    return bool(me) and form.supervisor_id == me


def is_department_appraiser(user, form) -> bool:
    return not is_own(user, form) and has_authority(user, Authority.APPRAISE, form.department)


def can_view_form(user, form) -> bool:
    return (
        is_own(user, form)
        or is_supervisor(user, form)
        or is_hr(user, form.department)
        or is_department_appraiser(user, form)
    )


def can_see_results(user, form) -> bool:
    """Scores, grade, the supervisor's comments and peer reviews."""
    if is_own(user, form):
        return form.state in RELEASED_STATES
    return can_view_form(user, form)


def can_see_reviewer(user, review) -> bool:
    """An anonymous peer review hides its reviewer from the appraisee, always."""
    return not (review.is_anonymous and is_own(user, review.form))


def can_write_self(user, form) -> bool:
    return is_own(user, form) and form.state == FormState.SELF


def can_assign_peers(user, form) -> bool:
    return not is_own(user, form) and (is_supervisor(user, form) or is_hr(user, form.department))


def can_score(user, form) -> bool:
    if is_own(user, form):
        return False
    if form.supervisor_id:
        return is_supervisor(user, form)
    return is_department_appraiser(user, form)


def can_calibrate(user, form) -> bool:
    return is_department_appraiser(user, form)


def can_interview(user, form) -> bool:
    return not is_own(user, form) and (
        is_supervisor(user, form) or is_department_appraiser(user, form)
    )


def can_appeal(user, form) -> bool:
    return is_own(user, form) and has_authority(user, Authority.APPEAL)


def can_rule(user, appeal) -> bool:
    """The department's policy says who rules (apps.kpis.appeals)."""
    from .appeals import may_rule

    return may_rule(user, appeal)


def can_export(user, department=None) -> bool:
    if is_hr(user, department):
        return True
    return department is not None and has_authority(user, Authority.APPRAISE, department)


def can_download_export(user, job) -> bool:
    """Only whoever asked for the export, while they still hold the right to export
    there: its rows were chosen by what they may see, so nobody else gets the file."""
    return job.requested_by_id == getattr(user, "pk", None) and can_export(user, job.department)


def can_view_peer_review(user, review) -> bool:
    """The reviewer sees what they wrote; the appraisee once released; the form's
    appraisers and HR always."""
    if review.reviewer.user_id == getattr(user, "pk", None):
        return True
    form = review.form
    return can_see_results(user, form)


def require(allowed: bool, message=None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You may not do this on this appraisal."))


def visible_forms(user):
    return AppraisalForm.objects.filter(form_visibility_q(user))
