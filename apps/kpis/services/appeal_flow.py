"""Appeals: the employee files one within the window; the manager or director rules."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.notifications import notify

from .. import permissions as policy
from .. import scoring
from ..models import (
    Appeal,
    AppealRoute,
    AppraisalForm,
)
from ..policies import Resolver
from .common import S, _expect, _locked_form, _url


@transaction.atomic
def appeal_file(*, actor, form: AppraisalForm, reason: str, skip_level: bool = False) -> Appeal:
    """The employee appeals within the window, to whoever the department's policy says
    rules (apps.kpis.appeals): its manager, or over them to the director (skip-level;
    always so where the policy routes appeals to the director, never where the
    manager's ruling is final).
    Refuses: anyone but the appraised employee, a skip-level appeal without
    the right (PermissionDenied); a second appeal, a result not released (ConflictError);
    after the window, without a reason, over a final-ruling manager or with no level above
    (ApplicationError)."""
    from .. import appeals

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
    uphold, or adjust the total with a reason. The form is then locked.
    Refuses: the appellant, anyone but the ruling manager or director
    (PermissionDenied); an appeal already ruled on (ConflictError); no decision, no reason,
    no or a bad adjusted total (ApplicationError)."""
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
