"""The KPI app's files served by apps.core.files: finished appraisal-sheet exports, to
whoever may download them (apps.kpis.permissions.can_download_export)."""

from apps.core.files import Served, register_kind


def _export(user, pk):
    from apps.kpis import permissions as policy
    from apps.kpis.models import ExportJob

    job = ExportJob.objects.select_related("cycle", "department").filter(pk=pk).first()
    if job is None or job.state != ExportJob.State.DONE:
        return None
    if not policy.can_download_export(user, job):
        return None
    return Served(job.file, f"appraisal-sheet-{job.cycle.period_start:%Y%m}-{job.pk}.xlsx")


def register() -> None:
    register_kind("kpi-export", _export)
