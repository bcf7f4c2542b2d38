"""Helpers shared by several campaign services: the row lock, money parsing, the director
threshold and the approval-step check used by plan approval and budget increases alike."""

from decimal import Decimal, InvalidOperation

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.campaigns import permissions as policy
from apps.campaigns.models import Campaign, DepartmentBudgetPolicy
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.notifications import notify

S = Campaign.State
ZERO = Decimal("0")


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


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("department").get(pk=campaign.pk)


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
