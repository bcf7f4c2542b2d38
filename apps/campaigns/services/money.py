"""Budget, spend and budget increases: record spend against the approved budget and
request, approve or return an increase when the budget runs short."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.campaigns import permissions as policy
from apps.campaigns.models import Approval, BudgetIncrease, BudgetLine, Campaign, Spend
from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.notifications import notify

from ._common import (
    _approval_step_check,
    _lock,
    _money,
    _notify_approvers,
    _url,
    director_threshold,
)


@transaction.atomic
def spend_record(
    *,
    actor,
    campaign: Campaign,
    budget_line: BudgetLine,
    amount,
    spent_on: dt.date,
    note: str = "",
) -> Spend:
    """Record money spent on a budget line; the campaign's spent total grows. Refused
    outside approval-to-close-out (a conflict), without the authority to spend the
    department's budget, for another campaign's line, for a bad amount, and when the total
    would pass the approved budget."""
    campaign = _lock(campaign)
    if campaign.state not in Campaign.SPENDING_STATES:
        raise ConflictError(_("Spend is recorded between approval and the close-out."))
    # Spend commits the department's money (spend_budget), not just the team's log.
    policy.require(
        policy.can_spend(actor, campaign),
        _("Recording spend takes the authority “%(a)s” in %(d)s.")
        % {"a": policy.A.SPEND_BUDGET.label, "d": campaign.department.label},
    )
    if budget_line.campaign_id != campaign.pk:
        raise ApplicationError(_("Choose a budget line of this campaign."), field="budget_line")
    amount = _money(amount, field_name="amount")
    new_total = campaign.spent_total + amount
    if new_total > campaign.approved_budget:
        raise ApplicationError(
            _(
                "This spend of ¥%(amount)s would bring the total to ¥%(total)s, over the "
                "approved budget of ¥%(budget)s (¥%(left)s left). Request a budget increase "
                "and record it once it is approved."
            )
            % {
                "amount": amount,
                "total": new_total,
                "budget": campaign.approved_budget,
                "left": campaign.remaining_budget,
            },
            field="amount",
        )
    spend = Spend.objects.create(
        campaign=campaign,
        budget_line=budget_line,
        amount=amount,
        spent_on=spent_on,
        note=note,
        recorded_by=actor,
    )
    campaign.spent_total = new_total
    campaign.save(update_fields=["spent_total", "updated_at"])
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.spend",
        comment=f"¥{amount} {budget_line} {note}".strip(),
    )
    return spend


@transaction.atomic
def budget_increase_request(*, actor, campaign: Campaign, amount, reason: str) -> BudgetIncrease:
    """Ask for more budget, with a reason; the managers are told. Refused outside approval-
    to-close-out, when an increase already waits (conflicts), to someone outside the team,
    for a bad amount, and without a reason."""
    campaign = _lock(campaign)
    if campaign.state not in Campaign.SPENDING_STATES:
        raise ConflictError(_("A budget increase is requested between approval and the close-out."))
    policy.require(policy.can_log(actor, campaign), _("Only the campaign's team can do this."))
    amount = _money(amount, field_name="amount")
    if not (reason or "").strip():
        raise ApplicationError(_("Say why the budget must grow."), field="reason")
    if campaign.budget_increases.filter(state=BudgetIncrease.State.PENDING).exists():
        raise ConflictError(_("A budget increase is already waiting for approval."))
    increase = BudgetIncrease.objects.create(
        campaign=campaign,
        amount=amount,
        reason=reason.strip(),
        requested_by=actor,
        approval_step=Campaign.Step.MANAGER,
    )
    _audit_increase(
        actor=actor,
        campaign=campaign,
        increase=increase,
        action="campaign.budget_increase_request",
        from_state="",
        note=reason.strip(),
    )
    _notify_approvers(
        campaign,
        "manager",
        format_lazy(gettext_lazy("Budget increase to approve: {t}"), t=campaign.theme),
    )
    return increase


def _audit_increase(*, actor, campaign, increase, action, from_state, note="", changes=None):
    """The campaign's audit row for a step of one budget increase: which increase, how
    much, the budget it takes the campaign from and to, and the increase's from/to state
    (the campaign's own state does not move)."""
    amount = increase.amount
    before = campaign.approved_budget
    if increase.state == BudgetIncrease.State.APPROVED:
        before -= amount  # already added to the campaign
    after = before + amount

    def yuan(value) -> str:  # fixed two places, whether the value came from a form or the DB
        return f"{value:.2f}"

    audit.record(
        actor=actor,
        obj=campaign,
        action=action,
        from_state=from_state,
        to_state=increase.state,
        comment=f"budget increase #{increase.pk}: +¥{yuan(amount)}, "
        f"¥{yuan(before)} → ¥{yuan(after)}" + (f" ({note})" if note else ""),
        changes={
            "budget_increase": {
                "id": increase.pk,
                "amount": yuan(amount),
                "from_budget": yuan(before),
                "to_budget": yuan(after),
            },
            **(changes or {}),
        },
    )


def _lock_increase(increase):
    campaign = _lock(increase.campaign)
    increase = BudgetIncrease.objects.select_for_update().get(pk=increase.pk)
    if increase.state != BudgetIncrease.State.PENDING:
        raise ConflictError(_("This budget increase has already been decided."))
    return campaign, increase


@transaction.atomic
def budget_increase_approve(
    *, actor, increase: BudgetIncrease, comment: str = ""
) -> BudgetIncrease:
    """Approve an increase at its current step; as with plans, a manager's approval that
    takes the budget past the director threshold moves it to the director. Once approved
    the campaign's budget grows and the requester and owner are told. Refused when already
    decided (a conflict), to the requester or the owner, and to someone who may not approve
    the step."""
    campaign, increase = _lock_increase(increase)
    step = increase.approval_step
    if actor.pk == increase.requested_by_id:
        raise PermissionDenied(_("Nobody approves their own request."))
    _approval_step_check(actor, campaign, step)
    Approval.objects.create(
        campaign=campaign,
        increase=increase,
        step=step,
        decision=Approval.Decision.APPROVED,
        decided_by=actor,
        comment=comment,
    )
    new_budget = campaign.approved_budget + increase.amount
    if (
        step == Campaign.Step.MANAGER
        and new_budget > director_threshold(campaign.department)
        and not policy.can_approve_step(actor, campaign, Campaign.Step.DIRECTOR)
    ):
        increase.approval_step = Campaign.Step.DIRECTOR
        increase.save(update_fields=["approval_step"])
        _audit_increase(
            actor=actor,
            campaign=campaign,
            increase=increase,
            action="campaign.budget_increase_step",
            from_state=BudgetIncrease.State.PENDING,
            note=comment,
            changes={"approval_step": [step, increase.approval_step]},
        )
        _notify_approvers(
            campaign,
            "director",
            format_lazy(gettext_lazy("Budget increase to approve: {t}"), t=campaign.theme),
        )
        return increase
    increase.state = BudgetIncrease.State.APPROVED
    increase.approval_step = Campaign.Step.NONE
    increase.decided_at = timezone.now()
    increase.save(update_fields=["state", "approval_step", "decided_at"])
    campaign.approved_budget = new_budget
    campaign.save(update_fields=["approved_budget", "updated_at"])
    _audit_increase(
        actor=actor,
        campaign=campaign,
        increase=increase,
        action="campaign.budget_increase_approve",
        from_state=BudgetIncrease.State.PENDING,
        note=comment,
        changes={"approved_budget": [f"{new_budget - increase.amount:.2f}", f"{new_budget:.2f}"]},
    )
    notify(
        recipients=[increase.requested_by, campaign.owner],
        title=format_lazy(gettext_lazy("Budget increase approved: {t}"), t=campaign.theme),
        url=_url(campaign),
    )
    return increase


@transaction.atomic
def budget_increase_return(*, actor, increase: BudgetIncrease, comment: str) -> BudgetIncrease:
    """Refuse an increase with a reason; the requester is told. Refused when already
    decided (a conflict), without a comment, to the requester or the owner, and to someone
    who may not approve the step."""
    campaign, increase = _lock_increase(increase)
    if not (comment or "").strip():
        raise ApplicationError(_("Say why the increase is refused."), field="comment")
    if actor.pk == increase.requested_by_id:
        raise PermissionDenied(_("Nobody approves their own request."))
    _approval_step_check(actor, campaign, increase.approval_step)
    Approval.objects.create(
        campaign=campaign,
        increase=increase,
        step=increase.approval_step,
        decision=Approval.Decision.RETURNED,
        decided_by=actor,
        comment=comment.strip(),
    )
    increase.state = BudgetIncrease.State.RETURNED
    increase.approval_step = Campaign.Step.NONE
    increase.decided_at = timezone.now()
    increase.save(update_fields=["state", "approval_step", "decided_at"])
    _audit_increase(
        actor=actor,
        campaign=campaign,
        increase=increase,
        action="campaign.budget_increase_return",
        from_state=BudgetIncrease.State.PENDING,
        note=comment.strip(),
    )
    notify(
        recipients=[increase.requested_by],
        title=format_lazy(gettext_lazy("Budget increase returned: {t}"), t=campaign.theme),
        body=comment,
        url=_url(campaign),
    )
    return increase
