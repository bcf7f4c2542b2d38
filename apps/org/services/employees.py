"""People: employees, their logins, supervisors and language."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError
from apps.org import permissions as policy
from apps.org.authorities import Authority
from apps.org.models import Employee

User = get_user_model()


@transaction.atomic
def employee_create(
    *,
    actor,
    username,
    name,
    employee_no,
    hire_date,
    email="",
    password=None,
    supervisor=None,
    phone="",
) -> Employee:
    """Hire someone: a login and an employee record; takes manage_org. Refuses a login
    or an employee number already taken. Without a password the login cannot sign in."""
    policy.require_authority(actor, Authority.MANAGE_ORG)
    if User.objects.filter(username=username).exists():
        raise ApplicationError(_("The login “%(u)s” is taken.") % {"u": username}, field="username")
    if Employee.objects.filter(employee_no=employee_no).exists():
        raise ApplicationError(
            _("Employee number %(n)s is taken.") % {"n": employee_no}, field="employee_no"
        )
    user = User(username=username, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    employee = Employee.objects.create(
        user=user,
        name=name,
        employee_no=employee_no,
        hire_date=hire_date,
        supervisor=supervisor,
        phone=phone,
    )
    audit.record(actor=actor, obj=employee, action="employee.create")
    return employee


def _supervisor_chain(employee: Employee | None, limit: int = 50) -> list[Employee]:
    chain, seen = [], set()
    while employee is not None and employee.pk not in seen and len(chain) < limit:
        seen.add(employee.pk)
        chain.append(employee)
        employee = employee.supervisor
    return chain


@transaction.atomic
def employee_set_supervisor(*, actor, employee: Employee, supervisor: Employee | None) -> Employee:
    """Set or clear whom someone reports to; takes manage_org. Refuses oneself as
    supervisor and a supervisor who already reports to them (a loop)."""
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    policy.require_authority(actor, Authority.MANAGE_ORG)
    if supervisor is not None:
        if supervisor.pk == employee.pk:
            raise ApplicationError(_("Nobody is their own supervisor."), field="supervisor")
        if employee.pk in {e.pk for e in _supervisor_chain(supervisor)}:
            raise ApplicationError(
                _("%(s)s reports to %(e)s already: that would make a loop.")
                % {"s": supervisor.name, "e": employee.name},
                field="supervisor",
            )
    before = employee.supervisor.name if employee.supervisor else ""
    employee.supervisor = supervisor
    employee.save(update_fields=["supervisor"])
    audit.record(
        actor=actor,
        obj=employee,
        action="employee.supervisor",
        from_state=before,
        to_state=supervisor.name if supervisor else "",
    )
    return employee


@transaction.atomic
def employee_deactivate(*, actor, employee: Employee, end_date: dt.date | None = None) -> Employee:
    """Someone leaves: their open assignments end and the login is disabled. Takes manage_org.
    Refuses someone who already left and a leaving date before an assignment starts."""
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    policy.require_authority(actor, Authority.MANAGE_ORG)
    if not employee.is_active:
        raise ConflictError(_("%(e)s has already left.") % {"e": employee.name})
    end_date = end_date or timezone.localdate()
    # Open-ended posts and fixed-term ones running past the leaving day both end on it.
    open_assignments = employee.assignments.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=end_date)
    )
    if open_assignments.filter(start_date__gt=end_date).exists():
        raise ApplicationError(_("An assignment starts after that leaving date."), field="end_date")
    open_assignments.update(end_date=end_date)
    employee.is_active = False
    employee.save(update_fields=["is_active"])
    User.objects.filter(pk=employee.user_id).update(is_active=False)
    audit.record(
        actor=actor,
        obj=employee,
        action="employee.deactivate",
        from_state="active",
        to_state="inactive",
    )
    return employee


@transaction.atomic
def user_set_language(*, actor, language: str) -> None:
    """The actor picks their own interface language; refuses one the site does not offer."""
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Unknown language."), field="language")
    User.objects.filter(pk=actor.pk).update(preferred_language=language)
    actor.preferred_language = language
