"""Running an approved campaign: prepare, the checklist, start, finish, cancel, and copy
a past campaign into a new draft."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.campaigns import permissions as policy
from apps.campaigns.models import BudgetIncrease, Campaign, ChecklistItem
from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied

from ._common import S, _lock, _transition
from .plans import PlanData, campaign_create


@transaction.atomic
def campaign_prepare(*, actor, campaign: Campaign) -> Campaign:
    """Move an approved campaign to preparing and lay out its checklist (no venue item for
    an online campaign, no prizes item without prizes). Refused when already preparing or
    not approved (conflicts), and to someone outside the campaign's team."""
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
    """Tick or untick a checklist item, with a note; an unchanged item is left alone.
    Refused when the campaign is not preparing (a conflict) and to someone outside the
    campaign's team."""
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
    """Start a campaign being prepared. Refused when already running or not preparing
    (conflicts), to someone outside the team, and while any checklist item is not done."""
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
    """Mark a running campaign finished, ready for its close-out. Refused when already
    finished or not running (conflicts), and to someone outside the team."""
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
def campaign_cancel(*, actor, campaign: Campaign, reason: str) -> Campaign:
    """Cancel an open campaign with a reason; a budget increase waiting for approval is
    returned with it. Refused when already cancelled or finished/evaluated (conflicts), to
    someone who is neither the owner nor an approver of the department, and without a
    reason."""
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
    copied: the dates move to the same length starting today). Refused to someone who may
    not see the source, or who may plan campaigns nowhere."""
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
