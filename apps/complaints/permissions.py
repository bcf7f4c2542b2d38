"""The complaints policy, built on apps.org.permissions. Views, API and tasks ask here.

- Handlers of a complaint: its owner, whoever holds handle_complaint in its department,
  and the department's supervisors. Only they see the complainant's contact details.
- Viewers: handlers, everyone with view_department there, and people of a department
  that has a coordination task on the complaint (coordinate_task there).
- Coordination tasks are closed by coordinate_task (or supervise) holders in the task's
  department.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from apps.core.errors import PermissionDenied
from apps.org.authorities import Authority
from apps.org.permissions import department_q, departments_where, has_authority


def can_handle(user, complaint) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if complaint.owner_id and complaint.owner_id == user.pk:
        return True
    return has_authority(user, Authority.HANDLE_COMPLAINT, complaint.department) or has_authority(
        user, Authority.SUPERVISE, complaint.department
    )


def can_see_contact(user, complaint) -> bool:
    return can_handle(user, complaint)


def can_handle_anywhere(user) -> bool:
    return has_authority(user, Authority.HANDLE_COMPLAINT)


def require_handle(user, complaint) -> None:
    if not can_handle(user, complaint):
        raise PermissionDenied(
            _("Only people handling complaints in %(d)s may do this.")
            % {"d": complaint.department.label}
        )


def complaint_visibility_q(user) -> Q:
    from apps.complaints.models import CoordinationTask

    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    tasks_here = CoordinationTask.objects.filter(
        department_q(user, Authority.COORDINATE_TASK), complaint=OuterRef("pk")
    )
    return (
        Q(owner=user)
        | department_q(
            user, Authority.HANDLE_COMPLAINT, Authority.SUPERVISE, Authority.VIEW_DEPARTMENT
        )
        | Q(Exists(tasks_here))
    )


def can_view(user, complaint) -> bool:
    from apps.complaints.models import Complaint

    if can_handle(user, complaint) or has_authority(
        user, Authority.VIEW_DEPARTMENT, complaint.department
    ):
        return True
    return Complaint.objects.filter(complaint_visibility_q(user), pk=complaint.pk).exists()


def require_view(user, complaint) -> None:
    if not can_view(user, complaint):
        raise PermissionDenied(_("You may not see this complaint."))


def task_visibility_q(user) -> Q:
    return department_q(user, Authority.COORDINATE_TASK, Authority.SUPERVISE)


def can_close_task(user, task) -> bool:
    return has_authority(user, Authority.COORDINATE_TASK, task.department) or has_authority(
        user, Authority.SUPERVISE, task.department
    )


def has_department_tasks(user) -> bool:
    return has_authority(user, Authority.COORDINATE_TASK)


def report_departments(user):
    """Departments whose complaint figures `user` may see: where they supervise or handle."""
    return departments_where(user, Authority.SUPERVISE, Authority.HANDLE_COMPLAINT).distinct()


def can_view_reports(user) -> bool:
    return has_authority(user, Authority.SUPERVISE) or has_authority(
        user, Authority.HANDLE_COMPLAINT
    )
