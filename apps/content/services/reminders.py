"""Periodic, idempotent reminders to reviewers whose step is overdue."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from apps.content import permissions as policy
from apps.content.models import ContentItem, ReviewAction
from apps.core.notifications import notify

from ._common import Decision, _review_url


def content_remind_overdue(now=None) -> int:
    """Remind the reviewers of overdue steps, at most once per step per day."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    ids = list(
        ContentItem.objects.filter(state__in=ContentItem.PENDING_STATES, step_due_at__lt=now)
        .exclude(step_reminded_on=today)
        .values_list("pk", flat=True)[:1000]
    )
    reminded = 0
    for item_id in ids:
        with transaction.atomic():
            item = (
                ContentItem.objects.select_for_update(skip_locked=True)
                .filter(pk=item_id, state__in=ContentItem.PENDING_STATES, step_due_at__lt=now)
                .exclude(step_reminded_on=today)
                .first()
            )
            if item is None:
                continue
            item = ContentItem.objects.select_related("current_step", "department", "author").get(
                pk=item.pk
            )
            ContentItem.objects.filter(pk=item.pk).update(step_reminded_on=today)
            notify(
                recipients=policy.reviewers_for(item, item.current_step),
                title=format_lazy(gettext_lazy("Overdue review: {title}"), title=item.title),
                body=format_lazy(
                    gettext_lazy("Step {k} of {n} was due {due}."),
                    k=item.step_number,
                    n=item.step_total,
                    due=timezone.localtime(item.step_due_at).strftime("%Y-%m-%d %H:%M"),
                ),
                url=_review_url(item),
            )
            ReviewAction.objects.create(
                item=item, version_number=item.version_number, step=item.current_step,
                step_number=item.step_number, decision=Decision.REMINDED,
            )  # fmt: skip
            reminded += 1
    return reminded
