"""Assignments: who holds which post, from when to when."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError
from apps.org import escalation
from apps.org import permissions as policy
from apps.org.authorities import Authority
from apps.org.models import (
    Assignment,
    Department,
    Employee,
    Position,
    Post,
    PowerRequest,
)
from apps.org.services.power_requests import _power_request_create


@transaction.atomic
def assignment_create(
    *,
    actor,
    employee: Employee,
    department: Department,
    position: Position,
    start_date: dt.date,
    end_date: dt.date | None = None,
    is_primary: bool = False,
) -> Assignment | PowerRequest:
    """Put someone in a post. Putting oneself in a post whose powers one does not
    already hold becomes a PowerRequest (returned) for a second person; so does putting
    anyone in a post that governs others (approves, appraises, supervises, manages the
    org) with powers the actor lacks — otherwise two HR staff could appoint each other
    director. Ordinary posts (a copywriter, a specialist) are filled at once.
    Takes manage_org there. Refuses: an end before the start, someone who left, an
    inactive department, a position the department lacks, an overlapping term."""
    policy.require_authority(actor, Authority.MANAGE_ORG, department)
    post = _assignment_check(
        employee=employee,
        department=department,
        position=position,
        start_date=start_date,
        end_date=end_date,
    )
    beyond = escalation.excess(actor, escalation.post_grants(post))
    if employee.user_id != getattr(actor, "pk", None):
        beyond = [w for w in beyond if w.authority in escalation.GOVERNING_AUTHORITIES]
    if beyond:
        return _power_request_create(
            actor=actor,
            kind=PowerRequest.Kind.ASSIGNMENT,
            excess=beyond,
            employee=employee,
            department=department,
            position=position,
            post=post,
            start_date=start_date,
            end_date=end_date,
            is_primary=is_primary,
        )
    return _assignment_write(
        actor=actor,
        employee=employee,
        post=post,
        start_date=start_date,
        end_date=end_date,
        is_primary=is_primary,
    )


def _assignment_check(*, employee, department, position, start_date, end_date) -> Post:
    """The rules of an assignment; returns the post it fills."""
    if end_date is not None and end_date < start_date:
        raise ApplicationError(_("An assignment cannot end before it starts."), field="end_date")
    if not employee.is_active:
        raise ApplicationError(_("%(e)s has left the company.") % {"e": employee.name})
    if not department.is_active:
        raise ApplicationError(
            _("%(d)s is no longer active.") % {"d": department.label}, field="department"
        )
    post = Post.objects.filter(department=department, position=position).first()
    if post is None:
        raise ApplicationError(
            _("%(d)s has no position %(p)s. Add the position to the department first.")
            % {"d": department.label, "p": position.label},
            field="position",
        )
    # Lock the person: concurrent assignments must not both become primary.
    Employee.objects.select_for_update().filter(pk=employee.pk).first()
    overlapping = Assignment.objects.filter(employee=employee, post=post).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start_date)
    )
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    if overlapping.exists():
        raise ApplicationError(
            _("%(e)s already holds this position in those dates.") % {"e": employee.name}
        )
    return post


def _assignment_write(
    *, actor, employee, post, start_date, end_date, is_primary, comment=""
) -> Assignment:
    if is_primary:
        # One primary position at a time: the previous one stays, as a secondary.
        Assignment.objects.filter(employee=employee, is_primary=True).active_on(start_date).update(
            is_primary=False
        )
        Assignment.objects.filter(employee=employee, is_primary=True, end_date__isnull=True).update(
            is_primary=False
        )
    elif not employee.assignments.active_on(start_date).exists():
        is_primary = True  # someone's only position is their primary one
    try:
        assignment = Assignment.objects.create(
            employee=employee,
            post=post,
            start_date=start_date,
            end_date=end_date,
            is_primary=is_primary,
        )
    except IntegrityError as exc:  # pragma: no cover - guarded above; kept for races
        raise ConflictError() from exc
    audit.record(
        actor=actor,
        obj=assignment,
        action="assignment.create",
        to_state=f"{start_date}…{end_date or ''}",
        comment=comment,
    )
    policy.forget_grants(employee.user)
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, end_date: dt.date) -> Assignment:
    """Set the last day of an assignment; takes manage_org in its department. Refuses
    an end before the start and an assignment that already ended."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("post__department")
        .get(pk=assignment.pk)
    )
    policy.require_authority(actor, Authority.MANAGE_ORG, assignment.post.department)
    if end_date < assignment.start_date:
        raise ApplicationError(_("An assignment cannot end before it starts."), field="end_date")
    if assignment.end_date is not None and assignment.end_date < timezone.localdate():
        raise ConflictError(_("This assignment has already ended."))
    before = assignment.end_date
    assignment.end_date = end_date
    assignment.save(update_fields=["end_date"])
    audit.record(
        actor=actor,
        obj=assignment,
        action="assignment.end",
        from_state=str(before or ""),
        to_state=str(end_date),
    )
    return assignment
