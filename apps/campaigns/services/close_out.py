"""Closing a finished campaign out: the summary, the actual figures and the lessons."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.campaigns import permissions as policy
from apps.campaigns.models import Campaign, Target
from apps.core import audit
from apps.core.errors import ApplicationError

from ._common import S, _money, _transition


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
    """Write the close-out (活动总结): an actual for every target, and the review. Refused when
    already evaluated or not finished (conflicts), to someone outside the team, for a
    missing or bad actual or benefit, and without what worked and the lessons."""
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
