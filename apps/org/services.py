"""Every write to the organisation: departments, posts and their authorities, people,
assignments and delegations. Each service checks the actor's authority through
apps.org.permissions, writes in one transaction and leaves an audit row."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.org import escalation
from apps.org import permissions as policy
from apps.org.authorities import Authority, Scope
from apps.org.escalation import Wanted
from apps.org.models import (
    Assignment,
    Department,
    Employee,
    Position,
    PositionAuthority,
    Post,
    PostAuthority,
    PowerRequest,
)
from apps.org.presets import DEPARTMENTS

User = get_user_model()


# --- Departments --------------------------------------------------------------------


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
    their position history stays. Returns "deleted" or "deactivated"."""
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


# --- Posts and authorities ----------------------------------------------------------


def _ensure_post(department: Department, position: Position) -> tuple[Post, bool]:
    post, created = Post.objects.get_or_create(department=department, position=position)
    if created:
        PostAuthority.objects.bulk_create(
            PostAuthority(post=post, authority=d.authority, scope=d.scope)
            for d in PositionAuthority.objects.filter(position=position)
        )
    return post, created


@transaction.atomic
def post_add(*, actor, department: Department, position: Position) -> Post:
    """Offer a position in a department; it starts with the position's default authorities."""
    policy.require_authority(actor, Authority.MANAGE_ORG, department)
    post, created = _ensure_post(department, position)
    if not created:
        raise ApplicationError(
            _("%(d)s already has the position %(p)s.")
            % {"d": department.label, "p": position.label}
        )
    audit.record(actor=actor, obj=post, action="post.create")
    return post


def _check_authority_and_scope(authority: str, scope: str | None) -> None:
    if authority not in Authority.values:
        raise ApplicationError(_("Unknown authority."), field="authority")
    if scope is not None and scope not in Scope.values:
        raise ApplicationError(_("Unknown scope."), field="scope")


@transaction.atomic
def post_authority_set(
    *, actor, post: Post, authority: str, scope: str | None
) -> PowerRequest | None:
    """Grant `authority` to a post with `scope`, or revoke it when scope is None.
    A grant the actor does not hold that far becomes a PowerRequest (returned)."""
    policy.require_authority(actor, Authority.MANAGE_ORG, post.department)
    _check_authority_and_scope(authority, scope)
    if scope is not None:
        beyond = escalation.excess(actor, [Wanted(authority, scope, post.department)])
        if beyond:
            return _power_request_create(
                actor=actor,
                kind=PowerRequest.Kind.POST_AUTHORITY,
                excess=beyond,
                post=post,
                department=post.department,
                authority=authority,
                scope=scope,
            )
    _post_authority_write(actor=actor, post=post, authority=authority, scope=scope)
    return None


def _post_authority_write(*, actor, post, authority, scope, comment="") -> None:
    existing = (
        PostAuthority.objects.select_for_update().filter(post=post, authority=authority).first()
    )
    before = existing.scope if existing else ""
    if scope is None:
        if existing:
            existing.delete()
    elif existing:
        existing.scope = scope
        existing.save(update_fields=["scope"])
    else:
        PostAuthority.objects.create(post=post, authority=authority, scope=scope)
    audit.record(
        actor=actor,
        obj=post,
        action=f"authority.{authority}",
        from_state=before,
        to_state=scope or "",
        comment=comment,
    )


@transaction.atomic
def position_authority_set(
    *, actor, position: Position, authority: str, scope: str | None
) -> PowerRequest | None:
    """Change a position's default authorities (copied onto the posts offered from now
    on). They reach every department, so it takes manage_org and, to grant, the
    authority itself company-wide; short of that it becomes a PowerRequest."""
    policy.require_authority(actor, Authority.MANAGE_ORG)
    if escalation.excess(actor, [Wanted(Authority.MANAGE_ORG, Scope.COMPANY, None)]):
        raise PermissionDenied(
            _(
                "A position's defaults reach every department: it takes "
                "manage_org for the whole company."
            )
        )
    _check_authority_and_scope(authority, scope)
    if scope is not None:
        beyond = escalation.excess(actor, [Wanted(authority, scope, None)])
        if beyond:
            return _power_request_create(
                actor=actor,
                kind=PowerRequest.Kind.POSITION_AUTHORITY,
                excess=beyond,
                position=position,
                authority=authority,
                scope=scope,
            )
    _position_authority_write(actor=actor, position=position, authority=authority, scope=scope)
    return None


def _position_authority_write(*, actor, position, authority, scope, comment="") -> None:
    existing = (
        PositionAuthority.objects.select_for_update()
        .filter(position=position, authority=authority)
        .first()
    )
    before = existing.scope if existing else ""
    if scope is None:
        if existing:
            existing.delete()
    elif existing:
        existing.scope = scope
        existing.save(update_fields=["scope"])
    else:
        PositionAuthority.objects.create(position=position, authority=authority, scope=scope)
    audit.record(
        actor=actor,
        obj=position,
        action=f"authority.{authority}",
        from_state=before,
        to_state=scope or "",
        comment=comment,
    )


# --- People -------------------------------------------------------------------------


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
    """Someone leaves: their open assignments end and the login is disabled."""
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
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Unknown language."), field="language")
    User.objects.filter(pk=actor.pk).update(preferred_language=language)
    actor.preferred_language = language


# --- Assignments --------------------------------------------------------------------


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
    director. Ordinary posts (a copywriter, a specialist) are filled at once."""
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


# --- Delegations (object grants held by django-guardian) -----------------------------


@transaction.atomic
def delegation_grant(*, actor, user, authority: str, department: Department) -> PowerRequest | None:
    """Delegate `authority` in `department` (and its groups) to `user`. Nobody
    delegates to themselves; handing someone a power the actor does not hold that
    far (and they lack) becomes a PowerRequest (returned)."""
    policy.require_authority(actor, Authority.MANAGE_ORG, department)
    if authority not in Authority.values:
        raise ApplicationError(_("Unknown authority."), field="authority")
    if user.pk == getattr(actor, "pk", None) and not actor.is_superuser:
        # A rule about what was typed (the delegate), not a missing right: 400, beside it.
        raise ApplicationError(_("You cannot delegate an authority to yourself."), field="user")
    if not user.is_active:
        raise ApplicationError(_("%(u)s cannot sign in any more.") % {"u": user}, field="user")
    wanted = [Wanted(authority, Scope.SUBTREE, department)]
    # Only what raises the delegate counts: a power they already hold there is no raise.
    beyond = [w for w in escalation.excess(actor, wanted) if escalation.excess(user, [w])]
    if beyond:
        return _power_request_create(
            actor=actor,
            kind=PowerRequest.Kind.DELEGATION,
            excess=beyond,
            user=user,
            department=department,
            authority=authority,
            scope=Scope.SUBTREE,
        )
    _delegation_write(actor=actor, user=user, authority=authority, department=department)
    return None


def _delegation_write(*, actor, user, authority, department, comment="") -> None:
    policy.delegation_grant_row(user, authority, department)
    audit.record(
        actor=actor,
        obj=department,
        action="delegation.grant",
        to_state=f"{user.username}:{authority}",
        comment=comment,
    )


@transaction.atomic
def delegation_revoke(*, actor, user, authority: str, department: Department) -> None:
    policy.require_authority(actor, Authority.MANAGE_ORG, department)
    policy.delegation_revoke_row(user, authority, department)
    audit.record(
        actor=actor,
        obj=department,
        action="delegation.revoke",
        from_state=f"{user.username}:{authority}",
    )


# --- Power requests: a second person approves what raises powers (issue 10) ----------


def _power_request_create(*, actor, kind, excess, **change) -> PowerRequest:
    from apps.core.notifications import notify

    request = PowerRequest.objects.create(
        kind=kind, requested_by=actor, excess=[w.as_dict() for w in excess], **change
    )
    audit.record(
        actor=actor,
        obj=request,
        action="power_request.create",
        to_state=PowerRequest.State.PENDING,
        comment="; ".join(w.label() for w in excess)[:1000],
        changes={"excess": request.excess},
    )
    notify(
        recipients=escalation.possible_approvers(excess, exclude=[actor]),
        title=_lazy("A change of powers waits for your approval"),
        body=str(request),
        url=reverse("org:power_requests"),
    )
    return request


def _power_request_decidable(actor, request: PowerRequest) -> None:
    if request.state != PowerRequest.State.PENDING:
        raise ConflictError(_("This request has already been decided."))
    if request.requested_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("A second person must decide on your own request."))
    where = request.post.department if request.post_id else request.department
    if not policy.has_authority(request.requested_by, Authority.MANAGE_ORG, where):
        raise ConflictError(_("The author of this request no longer manages the organisation."))
    wanted = escalation.wanted_from_dicts(request.excess)
    if escalation.excess(actor, wanted):
        raise PermissionDenied(
            _("Only someone who holds these powers (the director or the superuser) may decide.")
        )


def _locked_request(request: PowerRequest) -> PowerRequest:
    return (
        PowerRequest.objects.select_for_update(of=("self",))
        .select_related("requested_by", "employee", "department", "position", "post", "user")
        .get(pk=request.pk)
    )


@transaction.atomic
def power_request_approve(*, actor, request: PowerRequest, comment: str = "") -> PowerRequest:
    """A second person who holds the requested powers approves: the change is made
    now, through the same writes (and rules) as a direct one, audited under both."""
    from apps.core.notifications import notify

    request = _locked_request(request)
    _power_request_decidable(actor, request)
    note = _("approved request #%(n)s by %(u)s") % {
        "n": request.pk,
        "u": request.requested_by.username,
    }
    Kind = PowerRequest.Kind
    if request.kind == Kind.ASSIGNMENT:
        post = _assignment_check(
            employee=request.employee,
            department=request.department,
            position=request.position,
            start_date=request.start_date,
            end_date=request.end_date,
        )
        _assignment_write(
            actor=actor,
            employee=request.employee,
            post=post,
            start_date=request.start_date,
            end_date=request.end_date,
            is_primary=request.is_primary,
            comment=note,
        )
    elif request.kind == Kind.POST_AUTHORITY:
        _post_authority_write(
            actor=actor,
            post=request.post,
            authority=request.authority,
            scope=request.scope,
            comment=note,
        )
    elif request.kind == Kind.POSITION_AUTHORITY:
        _position_authority_write(
            actor=actor,
            position=request.position,
            authority=request.authority,
            scope=request.scope,
            comment=note,
        )
    else:
        _delegation_write(
            actor=actor,
            user=request.user,
            authority=request.authority,
            department=request.department,
            comment=note,
        )
    _power_request_close(actor, request, PowerRequest.State.APPROVED, comment)
    notify(
        recipients=[request.requested_by],
        title=_lazy("Your change of powers was approved"),
        body=str(request),
        url=reverse("org:power_requests"),
    )
    return request


@transaction.atomic
def power_request_refuse(*, actor, request: PowerRequest, comment: str = "") -> PowerRequest:
    from apps.core.notifications import notify

    request = _locked_request(request)
    _power_request_decidable(actor, request)
    _power_request_close(actor, request, PowerRequest.State.REFUSED, comment)
    notify(
        recipients=[request.requested_by],
        title=_lazy("Your change of powers was refused"),
        body=f"{request}\n{comment}".strip(),
        url=reverse("org:power_requests"),
    )
    return request


def _power_request_close(actor, request: PowerRequest, state: str, comment: str) -> None:
    request.state = state
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.comment = comment or ""
    request.save(update_fields=["state", "decided_by", "decided_at", "comment"])
    audit.record(
        actor=actor,
        obj=request,
        action=f"power_request.{'approve' if state == PowerRequest.State.APPROVED else 'refuse'}",
        from_state=PowerRequest.State.PENDING,
        to_state=state,
        comment=comment,
    )


# --- Presets ------------------------------------------------------------------------


@transaction.atomic
def org_presets_install() -> dict[str, Department]:
    """Create the five seed departments, partner departments, groups and their posts
    (with per-department authority overrides). Idempotent; a system action."""
    from apps.org.presets import install_positions

    install_positions(Position, PositionAuthority)
    positions = {p.code: p for p in Position.objects.all()}
    departments: dict[str, Department] = {}
    for code, name, name_en, kind, parent_code, partner, rulebook, posts, overrides in DEPARTMENTS:
        department = Department.objects.filter(code=code).first()
        if department is None:
            department = _insert_department(
                parent=departments.get(parent_code),
                code=code,
                name=name,
                name_en=name_en,
                kind=kind,
                is_partner=partner,
                rulebook=rulebook,
                sort_order=len(departments) * 10,
            )
            audit.record(
                actor=None,
                obj=department,
                action="department.create",
                to_state=kind,
                comment="preset",
            )
        departments[code] = department
        for position_code in posts:
            post, created = _ensure_post(department, positions[position_code])
            if created:
                for authority, scope in overrides.get(position_code, []):
                    PostAuthority.objects.update_or_create(
                        post=post, authority=authority, defaults={"scope": scope}
                    )
    return departments
