from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.complaints import permissions as policy
from apps.complaints.masking import mask_contact
from apps.complaints.models import Complaint

register = template.Library()


def _duration(delta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}


@register.simple_tag
def time_left(complaint, now=None):
    """A badge: time left on the running SLA clock, overdue, paused or done."""
    now = now or timezone.now()
    state = complaint.state
    if state == "waiting_for_complainant":
        return format_html(
            '<span class="badge text-bg-secondary" data-testid="time-left">{}</span>',
            _("Paused"),
        )
    due = complaint.current_due_at
    if due is None:
        return mark_safe('<span class="text-body-secondary" data-testid="time-left">—</span>')
    delta = due - now
    if delta.total_seconds() < 0:
        return format_html(
            '<span class="badge text-bg-danger" data-testid="time-left">{}</span>',
            _("Overdue %(t)s") % {"t": _duration(delta)},
        )
    css = "text-bg-warning" if delta.total_seconds() < 4 * 3600 else "text-bg-light border"
    return format_html(
        '<span class="badge {}" data-testid="time-left">{}</span>',
        css,
        _("%(t)s left") % {"t": _duration(delta)},
    )


@register.simple_tag
def contact_of(complaint, user):
    """The complainant's contact details, masked unless `user` handles the complaint."""
    full = policy.can_see_contact(user, complaint)
    fields = {
        "name": complaint.contact_name,
        "phone": complaint.contact_phone,
        "email": complaint.contact_email,
    }
    if not full:
        fields = {k: mask_contact(v) for k, v in fields.items()}
    fields["masked"] = not full
    return fields


ACTION_LABELS = {
    "complaint.submit": gettext_lazy("Received"),
    "complaint.accept": gettext_lazy("Accepted the complaint"),
    "complaint.assign": gettext_lazy("Handed over"),
    "complaint.start": gettext_lazy("Started work"),
    "complaint.wait": gettext_lazy("Asked the complainant"),
    "complaint.resume": gettext_lazy("Resumed"),
    "complaint.resolve": gettext_lazy("Resolved the complaint"),
    "complaint.merge": gettext_lazy("Merged as a duplicate"),
    "complaint.transfer": gettext_lazy("Transferred to another department"),
    "complaint.merged_in": gettext_lazy("A duplicate was merged in"),
    "complaint.reopen": gettext_lazy("Reopened the complaint"),
    "complaint.reply": gettext_lazy("Replied to the complainant"),
    "complaint.note": gettext_lazy("Added an internal note"),
    "complaint.information": gettext_lazy("The complainant added information"),
    "complaint.confirm": gettext_lazy("The complainant confirmed satisfaction"),
    "complaint.auto_close": gettext_lazy("Closed without confirmation"),
    "complaint.task_open": gettext_lazy("Opened a coordination task"),
    "complaint.task_close": gettext_lazy("Closed a coordination task"),
    "complaint.task_cancel": gettext_lazy("Cancelled a coordination task"),
    "complaint.escalate": gettext_lazy("Escalated"),
}


@register.filter
def action_label(action: str) -> str:
    """A timeline entry's action in words (the code itself for an unknown action)."""
    return ACTION_LABELS.get(action, action)


@register.filter
def state_label(state: str) -> str:
    """A complaint state value in words."""
    try:
        return Complaint.State(state).label
    except ValueError:
        return state
