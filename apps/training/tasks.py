"""Celery tasks of training: reminders the day before, feedback requests after, and
turning appraisal results into required training / development flags. Each task calls
one idempotent service."""

from celery import shared_task
from celery.signals import task_success


@shared_task(name="training.send_session_reminders")
def send_session_reminders() -> int:
    from apps.training.services import session_reminders_send

    return session_reminders_send()


@shared_task(name="training.send_feedback_requests")
def send_feedback_requests() -> int:
    from apps.training.services import feedback_requests_send

    return feedback_requests_send()


@shared_task(name="training.training_from_appraisal_results")
def training_from_appraisal_results_task(years=None) -> dict:
    """Below-standard annual results and repeated below-standard monthly results →
    required training; repeated excellence → a development flag. Runs right after the
    kpis jobs that build, compute or lock results (see the task_success hook below) and
    nightly as a net; idempotent, and a run with nothing new costs a constant handful
    of queries."""
    from apps.training.appraisal_link import signals_from_kpis
    from apps.training.services import training_from_appraisal_results

    return training_from_appraisal_results(signals_from_kpis(years=years))


# The kpis jobs that build results: once one of them succeeds on a worker, training
# follows right after. Only orchestration lives here (which task to queue next); the
# rules are in apps.training.services.
# - populate_cycle / open_due_cycles build the annual results (in January);
# - compute_scores computes monthly scores and grades (beat: every 15 minutes). A monthly
#   result counts once HR releases it (a service, not a job), so the next compute run —
#   within a quarter of an hour — turns a repeated below-standard result into training;
# - close_stages locks released results at the end of the appeal window (hourly).
RESULT_BUILDING_TASKS = {
    "kpis.populate_cycle",
    "kpis.open_due_cycles",
    "kpis.compute_scores",
    "kpis.close_stages",
}


@task_success.connect
def _after_results_are_built(sender=None, **_kwargs):
    if getattr(sender, "name", None) in RESULT_BUILDING_TASKS:
        training_from_appraisal_results_task.delay()
