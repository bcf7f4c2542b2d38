"""Where a complaint goes and who handles it there (rulebooks 000 §5.3, 003 §2.4,
004 §2.3). A category names the rulebook whose department handles it; the department is
found by Department.rulebook (an explicit department on the category overrides it). In
that department the handling position (运营专员 / 客服 / 社群客服) is told and offered
first; the department's other complaint handlers step in when nobody holds it."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from apps.complaints import holders
from apps.complaints.presets import HANDLER_POSITIONS
from apps.core.errors import ApplicationError
from apps.org.authorities import Authority
from apps.org.models import Assignment, Department, Position


def default_department() -> Department:
    code = getattr(settings, "COMPLAINTS_DEFAULT_DEPARTMENT", "wechat")
    department = Department.objects.filter(code=code, is_active=True).first()
    if department is None:
        raise ApplicationError(_("No department is set up to handle complaints."))
    return department


def rulebook_department(rulebook: str) -> Department | None:
    """The department that runs by `rulebook` (the highest one, if groups share it)."""
    if not rulebook:
        return None
    return (
        Department.objects.filter(rulebook=rulebook, is_active=True)
        .order_by("depth", "sort_order", "pk")
        .first()
    )


def department_for(category) -> Department:
    """The handling department of a new complaint in `category`."""
    if category.department_id and category.department.is_active:
        return category.department
    return rulebook_department(category.rulebook) or default_department()


def handling_position(complaint) -> Position | None:
    """The category's position while the complaint is in the category's own department;
    after a transfer, the handling position of the new department's rulebook."""
    category, department = complaint.category, complaint.department
    if category.position_id and (
        category.department_id == department.pk
        or (not category.department_id and category.rulebook == department.rulebook)
    ):
        return category.position
    code = HANDLER_POSITIONS.get(department.rulebook)
    return Position.objects.filter(code=code).first() if code else None


def handlers(complaint) -> list:
    """The people to tell about `complaint` and to offer as its owner: the holders of the
    handling position in its department who handle complaints there; if nobody does,
    everyone handling complaints in the department."""
    position = handling_position(complaint)
    if position is not None:
        people = list(
            get_user_model()
            .objects.filter(
                is_active=True,
                employee__is_active=True,
                employee__assignments__in=Assignment.objects.active_on(),
                employee__assignments__post__department=complaint.department,
                employee__assignments__post__position=position,
                employee__assignments__post__authorities__authority=Authority.HANDLE_COMPLAINT,
            )
            .distinct()
            .order_by("pk")
        )
        if people:
            return people
    return holders.holders(Authority.HANDLE_COMPLAINT, complaint.department)


def transfer_targets(complaint):
    """Departments a complaint can be transferred to: active ones where a post handles
    complaints, other than its own."""
    return (
        Department.objects.filter(
            is_active=True, posts__authorities__authority=Authority.HANDLE_COMPLAINT
        )
        .exclude(pk=complaint.department_id)
        .distinct()
        .order_by("sort_order", "pk")
    )
