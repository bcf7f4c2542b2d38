"""Filing a power request: a change that raises powers beyond the actor's waits
for a second person (issue 10). Kept apart from the decisions so the writers that
file requests and the decisions that replay those writers do not import each other."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from apps.core import audit
from apps.org import escalation
from apps.org.models import PowerRequest


def _power_request_create(*, actor, kind, excess, **change) -> PowerRequest:
    from apps.core.notifications import notify

    request = PowerRequest.objects.create(
        kind=kind, requested_by=actor, excess=[w.as_dict() for w in excess], **change
    )
    audit.record(
        actor=actor,
        obj=request,
        action="power_request.create",
        to_state=PowerRequest.State.PENDING,
        comment="; ".join(w.label() for w in excess)[:1000],
        changes={"excess": request.excess},
    )
    notify(
        recipients=escalation.possible_approvers(excess, exclude=[actor]),
        title=_lazy("A change of powers waits for your approval"),
        body=str(request),
        url=reverse("org:power_requests"),
    )
    return request
