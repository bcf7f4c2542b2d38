"""The plan and its approval: create and edit a draft, submit it, approve or return it
along the manager → director chain."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.campaigns import permissions as policy
from apps.campaigns.models import (
    Approval,
    BudgetLine,
    Campaign,
    CampaignType,
    Channel,
    Prize,
    ResourceRequest,
    Risk,
    Target,
)
from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError
from apps.core.notifications import notify

from ._common import (
    ZERO,
    S,
    _approval_step_check,
    _lock,
    _money,
    _notify_approvers,
    _url,
    director_threshold,
)


@dataclass
class PlanData:
    """Everything a plan holds. Pages and the API fill it from their input."""

    theme: str
    purpose: str
    campaign_type: CampaignType
    mode: str
    starts_on: dt.date
    ends_on: dt.date
    place: str = ""
    rules: str = ""
    channels: list = field(default_factory=list)
    expected_benefit: Decimal = ZERO
    team: list = field(default_factory=list)
    prizes: list = field(default_factory=list)  # dicts: name, quantity, unit_value
    budget_lines: list = field(default_factory=list)  # dicts: category, description, amount
    targets: list = field(default_factory=list)  # dicts: metric, target_value, unit
    risks: list = field(default_factory=list)  # dicts: description, contingency
    resources: list = field(default_factory=list)  # dicts: kind, description, quantity, position


def _validate_plan(data: PlanData) -> None:
    if not (data.theme or "").strip():
        raise ApplicationError(_("Give the campaign a theme."), field="theme")
    if data.ends_on < data.starts_on:
        raise ApplicationError(_("The end date cannot be before the start date."), field="ends_on")
    if data.mode not in Campaign.Mode.values:
        raise ApplicationError(_("Choose online, offline or both."), field="mode")
    unknown = [c for c in data.channels if c not in Channel.values]
    if unknown:
        raise ApplicationError(_("Unknown channel: %(c)s") % {"c": unknown[0]}, field="channels")
    data.expected_benefit = _money(
        data.expected_benefit, field_name="expected_benefit", allow_zero=True
    )
    for prize in data.prizes:
        if int(prize.get("quantity") or 0) < 1:
            raise ApplicationError(_("A prize needs a quantity of at least 1."), field="prizes")
        prize["unit_value"] = _money(prize.get("unit_value"), field_name="prizes")
    for line in data.budget_lines:
        if line.get("category") not in BudgetLine.Category.values:
            raise ApplicationError(_("Choose a budget category."), field="budget_lines")
        line["amount"] = _money(line.get("amount"), field_name="budget_lines")
    for target in data.targets:
        if not (target.get("metric") or "").strip():
            raise ApplicationError(_("Name the metric of each target."), field="targets")
        target["target_value"] = _money(target.get("target_value"), field_name="targets")
    for risk in data.risks:
        if not (risk.get("contingency") or "").strip():
            raise ApplicationError(_("Every risk needs a contingency plan."), field="risks")
    for resource in data.resources:
        if resource.get("kind") not in ResourceRequest.Kind.values:
            raise ApplicationError(_("Choose the kind of resource."), field="resources")


def _write_children(campaign: Campaign, data: PlanData) -> None:
    campaign.team.set([u for u in data.team if u.pk != campaign.owner_id])
    for model in (Prize, BudgetLine, Target, Risk, ResourceRequest):
        model.objects.filter(campaign=campaign).delete()
    Prize.objects.bulk_create(
        Prize(
            campaign=campaign,
            name=p["name"],
            quantity=int(p["quantity"]),
            unit_value=p["unit_value"],
        )
        for p in data.prizes
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            campaign=campaign,
            category=b["category"],
            description=b.get("description", ""),
            amount=b["amount"],
        )
        for b in data.budget_lines
    )
    Target.objects.bulk_create(
        Target(
            campaign=campaign,
            metric=t["metric"],
            target_value=t["target_value"],
            unit=t.get("unit", ""),
        )
        for t in data.targets
    )
    Risk.objects.bulk_create(
        Risk(campaign=campaign, description=r["description"], contingency=r["contingency"])
        for r in data.risks
    )
    ResourceRequest.objects.bulk_create(
        ResourceRequest(
            campaign=campaign,
            kind=r["kind"],
            description=r["description"],
            quantity=int(r.get("quantity") or 1),
            position=r.get("position"),
        )
        for r in data.resources
    )


_PLAN_FIELDS = (
    "theme",
    "purpose",
    "campaign_type",
    "mode",
    "starts_on",
    "ends_on",
    "place",
    "rules",
    "channels",
    "expected_benefit",
)


@transaction.atomic
def campaign_create(*, actor, department, data: PlanData, copied_from=None) -> Campaign:
    """Start a draft campaign plan in a department, owned by the actor. Refused without the
    authority to plan campaigns there, or for an invalid plan (no theme, dates reversed,
    unknown mode or channel, bad amounts, a prize without quantity, a budget line without
    category, a target without metric, a risk without contingency, an unknown resource
    kind)."""
    policy.require(
        policy.can_plan_in(actor, department),
        _("You need the authority to plan campaigns in %(d)s.") % {"d": department.label},
    )
    _validate_plan(data)
    campaign = Campaign.objects.create(
        department=department,
        owner=actor,
        copied_from=copied_from,
        **{name: getattr(data, name) for name in _PLAN_FIELDS},
    )
    _write_children(campaign, data)
    audit.record(actor=actor, obj=campaign, action="campaign.create", to_state=campaign.state)
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, data: PlanData) -> Campaign:
    """Change a draft or returned plan; its prizes, budget lines, targets, risks and
    resources are replaced. Refused (a conflict) in any other state, to anyone but the
    owner, and for an invalid plan as in campaign_create."""
    campaign = _lock(campaign)
    if not campaign.is_editable:
        raise ConflictError(_("Only a draft or a returned plan can be changed."))
    policy.require(policy.can_edit_plan(actor, campaign), _("Only the owner edits the plan."))
    _validate_plan(data)
    before = {name: str(getattr(campaign, name)) for name in _PLAN_FIELDS}
    for name in _PLAN_FIELDS:
        setattr(campaign, name, getattr(data, name))
    campaign.save()
    _write_children(campaign, data)
    after = {name: str(getattr(campaign, name)) for name in _PLAN_FIELDS}
    audit.record(
        actor=actor, obj=campaign, action="campaign.update", changes=audit.diff(before, after)
    )
    return campaign


def plan_total(campaign: Campaign) -> Decimal:
    """The plan's budget: the sum of its budget lines (zero without any)."""
    return campaign.budget_lines.aggregate(total=Sum("amount"))["total"] or ZERO


@transaction.atomic
def campaign_submit(*, actor, campaign: Campaign) -> Campaign:
    """The owner sends a draft or returned plan to the department's managers. Refused when
    already submitted or not editable (conflicts), to anyone but the owner, and without a
    budget line or a quantified target."""
    campaign = _lock(campaign)
    if campaign.state == S.SUBMITTED:
        raise ConflictError(_("This plan has already been submitted."))
    if campaign.state not in Campaign.EDITABLE_STATES:
        raise ConflictError(_("Only a draft or a returned plan can be submitted."))
    policy.require(campaign.owner_id == actor.pk, _("Only the owner submits the plan."))
    if not campaign.budget_lines.exists():
        raise ApplicationError(_("Add at least one budget line before submitting."))
    if not campaign.targets.exists():
        raise ApplicationError(
            _(
                "Add at least one quantified target before submitting: it is how the campaign "
                "will be judged."
            )
        )
    from_state = campaign.state
    campaign.state = S.SUBMITTED
    campaign.approval_step = Campaign.Step.MANAGER
    campaign.submitted_at = timezone.now()
    campaign.save(update_fields=["state", "approval_step", "submitted_at", "updated_at"])
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.submit",
        from_state=from_state,
        to_state=campaign.state,
    )
    _notify_approvers(
        campaign,
        "manager",
        format_lazy(gettext_lazy("Campaign plan to approve: {t}"), t=campaign.theme),
    )
    return campaign


@transaction.atomic
def campaign_approve(*, actor, campaign: Campaign, comment: str = "") -> Campaign:
    """Approve the plan at its current step. A manager's approval of a plan above the
    department's director threshold moves it to the director's step (unless the manager may
    approve that too); otherwise the plan is approved with its total as the budget and the
    owner is told. Refused when the plan is not waiting (a conflict), to the owner, and to
    someone who may not approve this step."""
    campaign = _lock(campaign)
    if campaign.state != S.SUBMITTED:
        raise ConflictError(_("This plan is not waiting for approval."))
    step = campaign.approval_step
    _approval_step_check(actor, campaign, step)
    Approval.objects.create(
        campaign=campaign,
        step=step,
        decision=Approval.Decision.APPROVED,
        decided_by=actor,
        comment=comment,
    )
    total = plan_total(campaign)
    needs_director = total > director_threshold(campaign.department)
    if (
        step == Campaign.Step.MANAGER
        and needs_director
        and not policy.can_approve_step(actor, campaign, Campaign.Step.DIRECTOR)
    ):
        campaign.approval_step = Campaign.Step.DIRECTOR
        campaign.save(update_fields=["approval_step", "updated_at"])
        audit.record(
            actor=actor,
            obj=campaign,
            action="campaign.approve_step",
            from_state=step,
            to_state=campaign.approval_step,
            comment=comment,
        )
        _notify_approvers(
            campaign,
            "director",
            format_lazy(
                gettext_lazy("Campaign plan above the budget threshold to approve: {t}"),
                t=campaign.theme,
            ),
        )
        return campaign
    campaign.state = S.APPROVED
    campaign.approval_step = Campaign.Step.NONE
    campaign.approved_budget = total
    campaign.approved_at = timezone.now()
    campaign.save(
        update_fields=["state", "approval_step", "approved_budget", "approved_at", "updated_at"]
    )
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.approve",
        from_state=S.SUBMITTED,
        to_state=S.APPROVED,
        comment=comment,
    )
    notify(
        recipients=[campaign.owner],
        title=format_lazy(gettext_lazy("Your campaign plan was approved: {t}"), t=campaign.theme),
        url=_url(campaign),
    )
    return campaign


@transaction.atomic
def campaign_return(*, actor, campaign: Campaign, comment: str) -> Campaign:
    """Return a submitted plan to its owner with what must change. Refused when the plan is
    not waiting (a conflict), without a comment, to the owner, and to someone who may not
    approve the current step."""
    campaign = _lock(campaign)
    if campaign.state != S.SUBMITTED:
        raise ConflictError(_("This plan is not waiting for approval."))
    if not (comment or "").strip():
        raise ApplicationError(_("Say what needs to change."), field="comment")
    step = campaign.approval_step
    _approval_step_check(actor, campaign, step)
    Approval.objects.create(
        campaign=campaign,
        step=step,
        decision=Approval.Decision.RETURNED,
        decided_by=actor,
        comment=comment.strip(),
    )
    campaign.state = S.RETURNED
    campaign.approval_step = Campaign.Step.NONE
    campaign.save(update_fields=["state", "approval_step", "updated_at"])
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.return",
        from_state=S.SUBMITTED,
        to_state=S.RETURNED,
        comment=comment,
    )
    notify(
        recipients=[campaign.owner],
        title=format_lazy(gettext_lazy("Your campaign plan was returned: {t}"), t=campaign.theme),
        body=comment,
        url=_url(campaign),
    )
    return campaign
