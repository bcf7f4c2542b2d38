"""Periodic, idempotent sends: session reminders and feedback requests."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from apps.core.notifications import notify
from apps.training.models import Enrolment, Session

from ._common import E, _session_url


def session_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind everyone holding a seat on a session that starts tomorrow (local date).
    One reminder per enrolment: the row is claimed with a conditional UPDATE."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    candidates = Enrolment.objects.filter(
        state=E.ENROLLED,
        reminder_sent_at__isnull=True,
        session__state=Session.State.SCHEDULED,
        session__starts_at__date=tomorrow,
    ).select_related("session", "employee__user")
    sent = 0
    for enrolment in candidates:
        with transaction.atomic():
            claimed = Enrolment.objects.filter(
                pk=enrolment.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            session = enrolment.session
            notify(
                recipients=[enrolment.employee.user],
                title=format_lazy(gettext_lazy("Training tomorrow: {title}"), title=session.title),
                body=format_lazy(
                    gettext_lazy("{time}, {place}"),
                    time=timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
                    place=session.location or "—",
                ),
                url=_session_url(session),
            )
            sent += 1
    return sent


def feedback_requests_send(*, now: dt.datetime | None = None) -> int:
    """Ask each attendee of a held session for feedback, once."""
    now = now or timezone.now()
    candidates = Enrolment.objects.filter(
        attended=True,
        feedback_requested_at__isnull=True,
        feedback__isnull=True,
        session__state=Session.State.HELD,
        session__ends_at__lte=now,
    ).select_related("session", "employee__user")
    sent = 0
    for enrolment in candidates:
        with transaction.atomic():
            claimed = Enrolment.objects.filter(
                pk=enrolment.pk, feedback_requested_at__isnull=True
            ).update(feedback_requested_at=now)
            if not claimed:
                continue
            notify(
                recipients=[enrolment.employee.user],
                title=format_lazy(
                    gettext_lazy("How was the training “{title}”?"), title=enrolment.session.title
                ),
                body=gettext_lazy(
                    "Rate it from 1 to 5 and tell the trainer what to keep or change."
                ),
                url=_session_url(enrolment.session),
            )
            sent += 1
    return sent
