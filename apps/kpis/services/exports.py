"""Sheet exports: HR or a department's manager asks; a task writes the file
(apps.kpis.export builds it)."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import audit

from .. import permissions as policy
from ..models import (
    ExportJob,
)


def request_export(*, actor, cycle, department=None) -> ExportJob:
    """HR (any department) or a department's manager (their own) asks for the
    cycle's appraisal sheet; a task builds the file after commit. Refuses: anyone else
    (PermissionDenied), writing nothing."""
    policy.require(
        policy.can_export(actor, department),
        _("Only HR, or the department's manager for their department, exports appraisal sheets."),
    )
    with transaction.atomic():
        job = ExportJob.objects.create(cycle=cycle, department=department, requested_by=actor)
        audit.record(actor=actor, obj=job, action="export.requested", to_state=job.state)
        from ..tasks import export_sheet

        transaction.on_commit(lambda: export_sheet.delay(job.pk))
    return job
