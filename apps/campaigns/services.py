"""Every write to campaigns. Each service locks the campaign row, checks the state and
the actor's right through apps.campaigns.permissions, writes, and records the audit
row in the same transaction; notifications go out on commit."""

import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.campaigns import permissions as policy
from apps.campaigns.models import (
    Approval,
    BudgetIncrease,
    BudgetLine,
    Campaign,
    CampaignType,
    Channel,
    ChecklistItem,
    DepartmentBudgetPolicy,
    LogAttachment,
    LogEntry,
    MetricSnapshot,
    Prize,
    PrizeDistribution,
    ResourceRequest,
    Risk,
    Spend,
    Target,
)
from apps.core import audit, imports, uploads
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.notifications import notify

S = Campaign.State
ZERO = Decimal("0")
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5
ATTACHMENT_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".pdf", ".docx", ".xlsx", ".txt", ".csv"}
MAX_CSV_BYTES = 2 * 1024 * 1024


# --- The plan ---------------------------------------------------------------------------


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


# Money columns are DecimalField(max_digits=14, decimal_places=2).
_MONEY_LIMIT = Decimal(10**12)


def _money(value, *, field_name, allow_zero=False) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(_("Enter an amount in yuan."), field=field_name) from None
    if not amount.is_finite():
        raise ApplicationError(_("Enter an amount in yuan."), field=field_name)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ApplicationError(
            _("The amount must be zero or more.")
            if allow_zero
            else _("The amount must be more than zero."),
            field=field_name,
        )
    if amount >= _MONEY_LIMIT:  # also keeps quantize() below inside Decimal's precision
        raise ApplicationError(
            _("The amount must be less than %(limit)s yuan.") % {"limit": f"{_MONEY_LIMIT:,}"},
            field=field_name,
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError(
            _("Amounts are in yuan with at most two decimals."), field=field_name
        )
    return amount


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


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("department").get(pk=campaign.pk)


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, data: PlanData) -> Campaign:
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
    return campaign.budget_lines.aggregate(total=Sum("amount"))["total"] or ZERO


def director_threshold(department) -> Decimal:
    """The department's threshold, else its nearest ancestor's, else the default."""
    ids = [int(pk) for pk in department.path.strip("/").split("/") if pk]
    rows = dict(
        DepartmentBudgetPolicy.objects.filter(department_id__in=ids).values_list(
            "department_id", "director_threshold"
        )
    )
    for pk in reversed(ids):
        if pk in rows:
            return rows[pk]
    return DepartmentBudgetPolicy.DEFAULT_THRESHOLD


def _url(campaign) -> str:
    return reverse("campaigns:detail", args=[campaign.pk])


def _notify_approvers(campaign, step, title):
    recipients = list(policy.approvers_of(campaign, step))
    notify(recipients=recipients, title=title, body=campaign.theme, url=_url(campaign))


@transaction.atomic
def campaign_submit(*, actor, campaign: Campaign) -> Campaign:
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


def _approval_step_check(actor, campaign, step):
    if actor.pk == campaign.owner_id:
        raise PermissionDenied(_("Nobody approves their own plan."))
    if not policy.can_approve_step(actor, campaign, step):
        if step == Campaign.Step.DIRECTOR:
            raise PermissionDenied(
                _("Above the department's budget threshold the operations director approves.")
            )
        raise PermissionDenied(
            _("Only a manager of %(d)s approves this plan.") % {"d": campaign.department.label}
        )


@transaction.atomic
def campaign_approve(*, actor, campaign: Campaign, comment: str = "") -> Campaign:
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


# --- Running it --------------------------------------------------------------------------


def _transition(actor, campaign, *, source, target, allowed, message):
    campaign = _lock(campaign)
    if campaign.state == target:
        raise ConflictError(_("This has already been done."))
    if campaign.state not in source:
        raise ConflictError(message)
    policy.require(allowed(actor, campaign), _("Only the campaign's team can do this."))
    from_state = campaign.state
    campaign.state = target
    return campaign, from_state


@transaction.atomic
def campaign_prepare(*, actor, campaign: Campaign) -> Campaign:
    campaign, from_state = _transition(
        actor,
        campaign,
        source=(S.APPROVED,),
        target=S.PREPARING,
        allowed=policy.can_run,
        message=_("Only an approved campaign can move to preparing."),
    )
    campaign.save(update_fields=["state", "updated_at"])
    kinds = list(ChecklistItem.Kind.values)
    if campaign.mode == Campaign.Mode.ONLINE:
        kinds.remove(ChecklistItem.Kind.VENUE)
    if not campaign.prizes.exists():
        kinds.remove(ChecklistItem.Kind.PRIZES)
    ChecklistItem.objects.bulk_create(
        [ChecklistItem(campaign=campaign, kind=kind) for kind in kinds], ignore_conflicts=True
    )
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.prepare",
        from_state=from_state,
        to_state=campaign.state,
    )
    return campaign


@transaction.atomic
def checklist_item_set(*, actor, item: ChecklistItem, done: bool, note: str = "") -> ChecklistItem:
    campaign = _lock(item.campaign)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    if campaign.state != S.PREPARING:
        raise ConflictError(_("The checklist is used while preparing."))
    policy.require(policy.can_run(actor, campaign), _("Only the campaign's team can do this."))
    if item.done == done and item.note == note:
        return item
    item.done = done
    item.note = note
    item.done_by = actor if done else None
    item.done_at = timezone.now() if done else None
    item.save()
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.checklist",
        comment=f"{item.get_kind_display()}: {'✓' if done else '✗'} {note}".strip(),
    )
    return item


@transaction.atomic
def campaign_start(*, actor, campaign: Campaign) -> Campaign:
    campaign, from_state = _transition(
        actor,
        campaign,
        source=(S.PREPARING,),
        target=S.RUNNING,
        allowed=policy.can_run,
        message=_("Only a campaign being prepared can start."),
    )
    missing = [str(item.get_kind_display()) for item in campaign.checklist.all() if not item.done]
    if missing:
        raise ApplicationError(
            _("Finish the preparation checklist first: %(items)s") % {"items": "、".join(missing)}
        )
    campaign.save(update_fields=["state", "updated_at"])
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.start",
        from_state=from_state,
        to_state=campaign.state,
    )
    return campaign


@transaction.atomic
def campaign_finish(*, actor, campaign: Campaign) -> Campaign:
    campaign, from_state = _transition(
        actor,
        campaign,
        source=(S.RUNNING,),
        target=S.FINISHED,
        allowed=policy.can_run,
        message=_("Only a running campaign can finish."),
    )
    campaign.save(update_fields=["state", "updated_at"])
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.finish",
        from_state=from_state,
        to_state=campaign.state,
    )
    return campaign


@transaction.atomic
def campaign_close_out(
    *,
    actor,
    campaign: Campaign,
    actuals: dict,
    actual_benefit,
    what_worked: str,
    what_did_not: str,
    lessons: str,
) -> Campaign:
    """Write the close-out (活动总结): an actual for every target, and the review."""
    campaign, from_state = _transition(
        actor,
        campaign,
        source=(S.FINISHED,),
        target=S.EVALUATED,
        allowed=policy.can_run,
        message=_("Only a finished campaign can be closed out."),
    )
    benefit = _money(actual_benefit, field_name="actual_benefit", allow_zero=True)
    targets = list(campaign.targets.select_for_update())
    for target in targets:
        value = actuals.get(target.pk, actuals.get(str(target.pk)))
        if value in (None, ""):
            raise ApplicationError(
                _("Enter the actual value for “%(m)s”.") % {"m": target.metric},
                field=f"actual_{target.pk}",
            )
        target.actual_value = _money(value, field_name=f"actual_{target.pk}", allow_zero=True)
    Target.objects.bulk_update(targets, ["actual_value"])
    if not (what_worked or "").strip() or not (lessons or "").strip():
        raise ApplicationError(
            _("Say what worked and what to do differently next time."), field="what_worked"
        )
    campaign.actual_benefit = benefit
    campaign.what_worked = what_worked.strip()
    campaign.what_did_not = (what_did_not or "").strip()
    campaign.lessons = lessons.strip()
    campaign.evaluated_at = timezone.now()
    campaign.save()
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.close_out",
        from_state=from_state,
        to_state=campaign.state,
    )
    return campaign


@transaction.atomic
def campaign_cancel(*, actor, campaign: Campaign, reason: str) -> Campaign:
    campaign = _lock(campaign)
    if campaign.state == S.CANCELLED:
        raise ConflictError(_("This campaign is already cancelled."))
    if not campaign.is_open:
        raise ConflictError(_("A finished or evaluated campaign cannot be cancelled."))
    policy.require(
        policy.can_cancel(actor, campaign),
        _("Only the owner or an approver of the department cancels a campaign."),
    )
    if not (reason or "").strip():
        raise ApplicationError(_("Give a reason for cancelling."), field="reason")
    from_state = campaign.state
    campaign.state = S.CANCELLED
    campaign.approval_step = Campaign.Step.NONE
    campaign.cancel_reason = reason.strip()
    campaign.save(update_fields=["state", "approval_step", "cancel_reason", "updated_at"])
    BudgetIncrease.objects.filter(campaign=campaign, state=BudgetIncrease.State.PENDING).update(
        state=BudgetIncrease.State.RETURNED, decided_at=timezone.now()
    )
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.cancel",
        from_state=from_state,
        to_state=campaign.state,
        comment=reason,
    )
    return campaign


@transaction.atomic
def campaign_copy(*, actor, source: Campaign, department=None) -> Campaign:
    """Start a new draft plan as a copy of an old one (dates, owner and results are not
    copied: the dates move to the same length starting today)."""
    policy.require_view(actor, source)
    if department is None:
        department = (
            source.department
            if policy.can_plan_in(actor, source.department)
            else policy.planning_departments(actor).first()
        )
    if department is None:
        raise PermissionDenied(_("You need the authority to plan campaigns."))
    today = timezone.localdate()
    data = PlanData(
        theme=source.theme,
        purpose=source.purpose,
        campaign_type=source.campaign_type,
        mode=source.mode,
        starts_on=today,
        ends_on=today + (source.ends_on - source.starts_on),
        place=source.place,
        rules=source.rules,
        channels=list(source.channels),
        expected_benefit=source.expected_benefit,
        prizes=list(source.prizes.values("name", "quantity", "unit_value")),
        budget_lines=list(source.budget_lines.values("category", "description", "amount")),
        targets=list(source.targets.values("metric", "target_value", "unit")),
        risks=list(source.risks.values("description", "contingency")),
        resources=[
            {
                "kind": r.kind,
                "description": r.description,
                "quantity": r.quantity,
                "position": r.position,
            }
            for r in source.resources.select_related("position")
        ],
    )
    return campaign_create(actor=actor, department=department, data=data, copied_from=source)


# --- Money ---------------------------------------------------------------------------------


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


# --- Execution log ---------------------------------------------------------------------------


def _check_files(files) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise ApplicationError(
            _("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS}, field="attachments"
        )
    for upload in files:
        # The shared check (apps.core.uploads) reads the whole file, not its name only.
        try:
            uploads.check_upload(
                upload, extensions=ATTACHMENT_EXTENSIONS, max_bytes=MAX_ATTACHMENT_BYTES
            )
        except ValidationError as error:
            if error.code == "file_type":
                message = _(
                    "%(name)s: only images, PDF, Word, Excel, text and CSV files can be attached."
                ) % {"name": upload.name}
            else:
                message = error.messages[0]
            raise ApplicationError(message, field="attachments") from error


@transaction.atomic
def log_entry_add(
    *,
    actor,
    campaign: Campaign,
    kind: str,
    happened_on: dt.date,
    text: str,
    handling: str = "",
    files=(),
) -> LogEntry:
    campaign = _lock(campaign)
    if campaign.state not in Campaign.LOGGING_STATES:
        raise ConflictError(_("The execution log is kept from preparing until finished."))
    policy.require(policy.can_log(actor, campaign), _("Only the campaign's team keeps its log."))
    if kind not in LogEntry.Kind.values:
        raise ApplicationError(_("Choose the kind of entry."), field="kind")
    if not (text or "").strip():
        raise ApplicationError(_("Write what happened."), field="text")
    if kind != LogEntry.Kind.PROGRESS and not (handling or "").strip():
        raise ApplicationError(_("Say how the incident was handled."), field="handling")
    files = list(files)
    _check_files(files)
    entry = LogEntry.objects.create(
        campaign=campaign,
        kind=kind,
        happened_on=happened_on,
        text=text.strip(),
        handling=(handling or "").strip(),
        author=actor,
    )
    for upload in files:
        LogAttachment.objects.create(
            entry=entry, file=upload, name=os.path.basename(upload.name)[:200], size=upload.size
        )
    audit.record(actor=actor, obj=campaign, action=f"campaign.log.{kind}", comment=text[:200])
    return entry


@transaction.atomic
def prize_distribute(
    *, actor, prize: Prize, recipient: str, quantity: int, distributed_on: dt.date
) -> PrizeDistribution:
    campaign = _lock(prize.campaign)
    prize = Prize.objects.select_for_update().get(pk=prize.pk)
    if campaign.state not in Campaign.LOGGING_STATES:
        raise ConflictError(_("Prizes are given out while the campaign runs."))
    policy.require(policy.can_log(actor, campaign), _("Only the campaign's team gives out prizes."))
    if not (recipient or "").strip():
        raise ApplicationError(_("Who received the prize?"), field="recipient")
    if int(quantity) < 1:
        raise ApplicationError(_("The quantity must be at least 1."), field="quantity")
    if prize.distributed + int(quantity) > prize.quantity:
        raise ApplicationError(
            _("Only %(left)d of %(total)d “%(name)s” are left to give out.")
            % {"left": prize.remaining, "total": prize.quantity, "name": prize.name},
            field="quantity",
        )
    record = PrizeDistribution.objects.create(
        prize=prize,
        recipient=recipient.strip(),
        quantity=int(quantity),
        distributed_on=distributed_on,
        recorded_by=actor,
    )
    prize.distributed += int(quantity)
    prize.save(update_fields=["distributed"])
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.prize",
        comment=f"{prize.name} × {quantity} → {recipient}",
    )
    return record


METRIC_FIELDS = ("impressions", "clicks", "conversions", "new_followers")


def _clean_metric_row(row: dict) -> dict:
    """Check one row of figures; raises ApplicationError naming the field."""
    channel = (row.get("channel") or "").strip()
    if channel not in Channel.values:
        raise ApplicationError(
            _("Unknown channel “%(c)s” (use one of: %(all)s).")
            % {"c": channel, "all": ", ".join(Channel.values)},
            field="channel",
        )
    taken_on = row.get("taken_on")
    if isinstance(taken_on, str):
        try:
            taken_on = dt.date.fromisoformat(taken_on.strip())
        except ValueError:
            raise ApplicationError(_("Write the date as YYYY-MM-DD."), field="taken_on") from None
    if not isinstance(taken_on, dt.date):
        raise ApplicationError(_("Write the date as YYYY-MM-DD."), field="taken_on")
    clean = {"channel": channel, "taken_on": taken_on}
    for name in METRIC_FIELDS:
        raw = row.get(name)
        try:
            value = int(str(raw).strip()) if raw not in (None, "") else 0
        except ValueError:
            raise ApplicationError(
                _("%(f)s must be a whole number.") % {"f": name}, field=name
            ) from None
        if value < 0 and name != "new_followers":
            raise ApplicationError(_("%(f)s cannot be negative.") % {"f": name}, field=name)
        clean[name] = value
    if clean["clicks"] > clean["impressions"] and clean["impressions"] > 0:
        raise ApplicationError(_("Clicks cannot exceed impressions."), field="clicks")
    clean["cost"] = _money(row.get("cost") or 0, field_name="cost", allow_zero=True)
    return clean


def _metric_check(actor, campaign):
    if campaign.state not in Campaign.LOGGING_STATES + (S.EVALUATED,):
        raise ConflictError(_("Metrics are recorded once the campaign is being prepared."))
    policy.require(
        policy.can_record_metrics(actor, campaign),
        _("Only the campaign's team or a data analyst of the department records metrics."),
    )


def _upsert_metrics(actor, campaign, rows) -> list[MetricSnapshot]:
    saved = []
    for row in rows:
        snapshot, _created = MetricSnapshot.objects.update_or_create(
            campaign=campaign,
            channel=row["channel"],
            taken_on=row["taken_on"],
            defaults={**{k: row[k] for k in (*METRIC_FIELDS, "cost")}, "recorded_by": actor},
        )
        saved.append(snapshot)
    return saved


@transaction.atomic
def metrics_record(*, actor, campaign: Campaign, **row) -> MetricSnapshot:
    """Type in one day's figures for one channel (replaces that day's snapshot)."""
    campaign = _lock(campaign)
    _metric_check(actor, campaign)
    clean = _clean_metric_row(row)
    (snapshot,) = _upsert_metrics(actor, campaign, [clean])
    audit.record(
        actor=actor,
        obj=campaign,
        action="campaign.metrics",
        comment=f"{clean['channel']} {clean['taken_on']}",
    )
    return snapshot


METRICS_COLUMNS = (
    imports.Column("channel", ("渠道",)),
    imports.Column("taken_on", ("date", "日期")),
    imports.Column("impressions", ("曝光", "曝光量")),
    imports.Column("clicks", ("点击", "点击量")),
    imports.Column("conversions", ("转化", "转化量")),
    imports.Column("new_followers", ("新增关注", "新增粉丝")),
    imports.Column("cost", ("花费", "费用")),
)


@transaction.atomic
def metrics_import_csv(*, actor, campaign: Campaign, upload) -> int:
    """Import a CSV or XLSX (columns: channel, taken_on, impressions, clicks, conversions,
    new_followers, cost; or their Chinese names). Any bad row rejects the whole file with
    imports.ImportRejected, which lists every problem by row and column."""
    campaign = _lock(campaign)
    _metric_check(actor, campaign)
    table = imports.read_table(upload, METRICS_COLUMNS, max_bytes=MAX_CSV_BYTES)
    seen = set()

    def parse(row):
        # Every figure must be there: an empty cell is a mistake, not a zero. Signs and
        # the other rules are _clean_metric_row's, as for figures typed in.
        clean = _clean_metric_row(
            {
                "channel": row.text("channel"),
                "taken_on": row.date("taken_on"),
                **{name: row.whole_number(name, minimum=None) for name in METRIC_FIELDS},
                "cost": row.decimal("cost", minimum=None, max_digits=14, places=2),
            }
        )
        key = (clean["channel"], clean["taken_on"])
        if key in seen:
            raise ApplicationError(
                _("This channel and date appear twice in the file."), field="taken_on"
            )
        seen.add(key)
        return clean

    def save(rows):
        _upsert_metrics(actor, campaign, rows)
        audit.record(
            actor=actor,
            obj=campaign,
            action="campaign.metrics_import",
            comment=_("%(n)d rows") % {"n": len(rows)},
        )
        return len(rows)

    return imports.import_table(table, parse=parse, save=save)
