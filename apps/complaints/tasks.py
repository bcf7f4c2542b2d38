from celery import shared_task

from apps.complaints import services
from apps.complaints.escalation import escalate_breaches


@shared_task(name="complaints.escalate_breaches")
def escalate_sla_breaches():
    """Every 5 minutes: escalate complaints past their accept/resolve time (idempotent)."""
    return escalate_breaches()


@shared_task(name="complaints.notify_new_complaint")
def notify_new_complaint(complaint_id: int):
    """After intake: tell the department's complaint handlers (idempotent)."""
    return services.complaint_notify_handlers(complaint_id=complaint_id)


@shared_task(name="complaints.close_unconfirmed")
def close_unconfirmed_complaints():
    """Hourly: close resolved complaints the complainant never answered (idempotent)."""
    return services.close_unconfirmed()
