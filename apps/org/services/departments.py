"""Departments: the tree of companies, departments and groups."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError
from apps.org import permissions as policy
from apps.org.authorities import Authority
from apps.org.models import (
    Assignment,
    Department,
)


def _insert_department(*, parent, **fields) -> Department:
    department = Department(parent=parent, **fields)
    department.full_clean(exclude=["path", "depth"])
    department.save()
    department.path = f"{parent.path if parent else '/'}{department.pk}/"
    department.depth = parent.depth + 1 if parent else 0
    department.save(update_fields=["path", "depth"])
    return department


@transaction.atomic
def department_create(
    *,
    actor,
    name,
    code,
    kind,
    parent=None,
    name_en="",
    is_partner=False,
    rulebook="",
    description="",
) -> Department:
    """Add a company, department or group under `parent`; takes manage_org there.
    Refuses: a company with a parent, anything else without one, a child of a group
    or of an inactive department, a code already taken."""
    policy.require_authority(actor, Authority.MANAGE_ORG, parent)
    if kind == Department.Kind.COMPANY and parent is not None:
        raise ApplicationError(_("A company is the root: it has no parent."), field="parent")
    if kind != Department.Kind.COMPANY and parent is None:
        raise ApplicationError(_("Choose the department this one belongs to."), field="parent")
    if parent is not None and parent.kind == Department.Kind.GROUP:
        raise ApplicationError(_("A group cannot contain other departments."), field="parent")
    if parent is not None and not parent.is_active:
        raise ApplicationError(
            _("%(d)s is no longer active.") % {"d": parent.label}, field="parent"
        )
    if Department.objects.filter(code=code).exists():
        raise ApplicationError(_("The code “%(c)s” is taken.") % {"c": code}, field="code")
    department = _insert_department(
        parent=parent,
        name=name,
        name_en=name_en,
        code=code,
        kind=kind,
        is_partner=is_partner,
        rulebook=rulebook,
        description=description,
    )
    audit.record(actor=actor, obj=department, action="department.create", to_state=kind)
    return department


@transaction.atomic
def department_update(*, actor, department: Department, **fields) -> Department:
    """Edit a department's names, description, partner flag, rulebook or order; takes
    manage_org there. Refuses any other field (code, kind, parent stay put)."""
    department = Department.objects.select_for_update().get(pk=department.pk)
    policy.require_authority(actor, Authority.MANAGE_ORG, department)
    editable = {"name", "name_en", "description", "is_partner", "rulebook", "sort_order"}
    unknown = set(fields) - editable
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    before = {k: getattr(department, k) for k in fields}
    for key, value in fields.items():
        setattr(department, key, value)
    department.full_clean(exclude=["path", "depth"])
    department.save()
    audit.record(
        actor=actor, obj=department, action="department.update", changes=audit.diff(before, fields)
    )
    return department


@transaction.atomic
def department_delete(*, actor, department: Department) -> str:
    """Delete an empty department. One whose people left is deactivated instead, so
    their position history stays. Returns "deleted" or "deactivated".
    Refuses: the company, an inactive department, one with people in post or
    active groups."""
    department = Department.objects.select_for_update().get(pk=department.pk)
    policy.require_authority(actor, Authority.MANAGE_ORG, department)
    if department.kind == Department.Kind.COMPANY:
        raise ApplicationError(_("The company itself cannot be deleted."))
    if not department.is_active:
        raise ConflictError(_("%(d)s is no longer active.") % {"d": department.label})
    subtree = Department.objects.filter(path__startswith=department.path)
    current = (
        Assignment.objects.active_on()
        .filter(post__department__in=subtree)
        .values("employee")
        .distinct()
        .count()
    )
    if current:
        raise ApplicationError(
            _("%(d)s still has %(n)d people in post. Move or end their assignments first.")
            % {"d": department.label, "n": current}
        )
    children = department.children.filter(is_active=True).count()
    if children:
        raise ApplicationError(
            _("%(d)s still has %(n)d groups. Delete or move them first.")
            % {"d": department.label, "n": children}
        )
    has_history = Assignment.objects.filter(post__department__in=subtree).exists()
    if has_history or department.children.exists():
        department.is_active = False
        department.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            obj=department,
            action="department.deactivate",
            from_state="active",
            to_state="inactive",
        )
        return "deactivated"
    audit.record(actor=actor, obj=department, action="department.delete")
    department.posts.all().delete()
    department.delete()
    return "deleted"
