"""Celery tasks of appraisals: look up by id, call the job or service. All idempotent
(see apps.kpis.jobs); beat schedules are registered in apps.kpis.apps."""

from celery import shared_task

from . import jobs


@shared_task(name="kpis.populate_cycle")
def populate_cycle(cycle_id: int, chunk_size: int = jobs.POPULATE_CHUNK):
    """Create the forms of a cycle being opened (resumes after an interruption)."""
    return jobs.populate_cycle(cycle_id, chunk_size=chunk_size)


@shared_task(name="kpis.open_due_cycles")
def open_due_cycles():
    return jobs.open_due_cycles()


@shared_task(name="kpis.close_stages")
def close_stages():
    return jobs.close_stages()


@shared_task(name="kpis.send_reminders")
def send_reminders():
    return jobs.send_reminders()


@shared_task(name="kpis.compute_scores")
def compute_scores(cycle_id: int | None = None):
    """Compute scores and grades of forms handed in by supervisors (all open cycles)."""
    from .models import AppraisalCycle

    ids = (
        [cycle_id]
        if cycle_id
        else AppraisalCycle.objects.filter(state="open").values_list("pk", flat=True)
    )
    return sum(jobs.compute_scores(pk) for pk in ids)


@shared_task(name="kpis.export_sheet")
def export_sheet(job_id: int):
    from .export import run_export

    return run_export(job_id)
