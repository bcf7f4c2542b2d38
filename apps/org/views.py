"""Organisation pages. Thin: read through selectors, write through services, ask the
policy (apps.org.permissions) who may see and do what."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core import profile
from apps.core.actions import attempt, run_button_action, run_form_action
from apps.core.errors import PermissionDenied
from apps.core.selectors import audit_trail_of
from apps.org import catalogue, escalation, selectors, services
from apps.org import permissions as policy
from apps.org.authorities import Authority
from apps.org.forms import (
    AssignmentEndForm,
    AssignmentForm,
    DelegationForm,
    DepartmentForm,
    PostAuthorityForm,
    PowerRequestDecisionForm,
)
from apps.org.models import Assignment, Department, Employee, Position, Post, PowerRequest


def _waiting_for_approval(request, power_request: PowerRequest) -> None:
    messages.warning(
        request,
        _(
            "You cannot hand out powers you do not hold yourself (%(what)s). Request "
            "#%(n)s now waits for someone who holds them — the director or the "
            "superuser — to approve it."
        )
        % {
            "what": "; ".join(
                w.label() for w in escalation.wanted_from_dicts(power_request.excess)
            ),
            "n": power_request.pk,
        },
    )


def _change_powers(request, form, call, *, done: str, then):
    """Run a service that may hand out powers, for a posted valid `form`. Applied: the
    `done` message; beyond the actor's own powers: the request waits (a warning); refused:
    the message on the form. Returns (status, the redirect `then` or None)."""
    if request.method != "POST" or not form.is_valid():
        return 200, None
    outcome = attempt(call, form)
    if not outcome.ok:
        return outcome.status, None
    if isinstance(outcome.value, PowerRequest):
        _waiting_for_approval(request, outcome.value)
    else:
        messages.success(request, done)
    return outcome.status, then


@login_required
def department_tree(request):
    departments = selectors.department_tree()
    visible = {d.pk for d in departments if policy.can_view_department(request.user, d)}
    # Keep the ancestors of what you may see, greyed out, so the tree stays connected.
    shown = {int(pk) for d in departments if d.pk in visible for pk in d.path.strip("/").split("/")}
    departments = [d for d in departments if d.pk in shown]
    return render(
        request,
        "org/department_tree.html",
        {
            "tree": selectors.nest(departments),
            "visible_ids": visible,
            "can_manage": policy.can_manage_org(request.user),
        },
    )


@login_required
def department_detail(request, pk):
    department = get_object_or_404(Department, pk=pk)
    if not policy.can_view_department(request.user, department):
        raise PermissionDenied(_("You may only see departments you belong to or oversee."))
    can_manage = policy.can_manage_org(request.user, department)
    members = Paginator(selectors.department_members(department), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "org/department_detail.html",
        {
            "department": department,
            "ancestors": Department.objects.filter(
                pk__in=[int(p) for p in department.path.strip("/").split("/")[:-1]]
            ).order_by("path"),
            "children": department.children.filter(is_active=True).order_by("sort_order", "pk"),
            "page": members,
            "posts": selectors.department_posts(department),
            "can_manage": can_manage,
            "delegations": policy.delegations_in(department) if can_manage else [],
            "form": DepartmentForm(initial={"kind": Department.Kind.GROUP}) if can_manage else None,
        },
    )


@login_required
def department_create(request, parent_pk):
    parent = get_object_or_404(Department, pk=parent_pk)
    if not policy.can_manage_org(request.user, parent):
        raise PermissionDenied()
    return run_form_action(
        request,
        DepartmentForm(request.POST or None, initial={"kind": Department.Kind.GROUP}),
        lambda data: services.department_create(actor=request.user, parent=parent, **data),
        success_message=lambda department: _("%(d)s was created.") % {"d": department.label},
        redirect_to=lambda department: reverse("org:department_detail", args=[department.pk]),
        template="org/department_form.html",
        context={"parent": parent},
    )


@login_required
@require_POST
def department_delete(request, pk):
    department = get_object_or_404(Department, pk=pk)
    parent_pk = department.parent_id
    deleted = attempt(lambda: services.department_delete(actor=request.user, department=department))
    if not deleted.ok:
        messages.error(request, deleted.message)
        return redirect("org:department_detail", department.pk)
    if deleted.value == "deleted":
        messages.success(request, _("%(d)s was deleted.") % {"d": department.label})
    else:
        messages.success(
            request, _("%(d)s was deactivated; its history is kept.") % {"d": department.label}
        )
    return (
        redirect("org:department_detail", parent_pk) if parent_pk else redirect("org:departments")
    )


@login_required
def employee_list(request):
    department = position = None
    if request.GET.get("department", "").isdigit():
        department = Department.objects.filter(pk=request.GET["department"]).first()
    if request.GET.get("position", "").isdigit():
        position = Position.objects.filter(pk=request.GET["position"]).first()
    search = request.GET.get("q", "").strip()[:100]
    people = selectors.employee_list_for(
        request.user, search=search, department=department, position=position
    )
    return render(
        request,
        "org/employee_list.html",
        {
            "page": Paginator(people, 25).get_page(request.GET.get("page")),
            "search": search,
            "department": department,
            "position": position,
            "departments": policy.departments_where(request.user, Authority.VIEW_DEPARTMENT)
            .filter(is_active=True)
            .order_by("path"),
            "positions": Position.objects.filter(is_active=True),
        },
    )


@login_required
def employee_detail(request, pk):
    employee = get_object_or_404(Employee.objects.select_related("user"), pk=pk)
    if not policy.can_view_employee(request.user, employee):
        raise PermissionDenied(
            _("You may only see people in departments you belong to or oversee.")
        )
    can_manage = policy.can_manage_org(request.user)
    return render(
        request,
        "org/employee_detail.html",
        {
            "employee": employee,
            "history": selectors.employee_history(employee),
            "chain": selectors.supervisor_chain(employee),
            "reports": selectors.direct_reports(employee),
            "can_manage": can_manage,
            "assignment_form": AssignmentForm() if can_manage else None,
            "trail": audit_trail_of(employee) if can_manage else [],
            "profile_sections": profile.sections_for(request, employee),
        },
    )


@login_required
def assignment_create(request, pk):
    employee = get_object_or_404(Employee, pk=pk)
    if not policy.can_manage_org(request.user):
        raise PermissionDenied()
    form = AssignmentForm(request.POST or None)
    status, done = _change_powers(
        request,
        form,
        lambda: services.assignment_create(
            actor=request.user, employee=employee, **form.cleaned_data
        ),
        done=_("The assignment was added."),
        then=redirect("org:employee_detail", employee.pk),
    )
    if done:
        return done
    return render(
        request,
        "org/assignment_form.html",
        {"form": form, "employee": employee},
        status=400 if status == 200 and form.errors else status,
    )


@login_required
def assignment_end(request, pk):
    assignment = get_object_or_404(
        Assignment.objects.select_related("employee", "post__department", "post__position"), pk=pk
    )
    if not policy.can_manage_org(request.user, assignment.post.department):
        raise PermissionDenied()
    return run_form_action(
        request,
        AssignmentEndForm(request.POST or None),
        lambda data: services.assignment_end(
            actor=request.user, assignment=assignment, end_date=data["end_date"]
        ),
        success_message=_("The assignment was ended."),
        redirect_to=reverse("org:employee_detail", args=[assignment.employee_id]),
        template="org/assignment_end.html",
        context={"assignment": assignment},
    )


@login_required
def post_authorities(request, pk):
    """A post's authorities: grant, widen or revoke one. A grant beyond the editor's
    own powers becomes a request for a second person."""
    post = get_object_or_404(Post.objects.select_related("department", "position"), pk=pk)
    if not policy.can_manage_org(request.user, post.department):
        raise PermissionDenied()
    form = PostAuthorityForm(request.POST or None)
    status, done = _change_powers(
        request,
        form,
        lambda: services.post_authority_set(
            actor=request.user,
            post=post,
            authority=form.cleaned_data["authority"],
            scope=form.cleaned_data["scope"] or None,
        ),
        done=_("The post's authorities were saved."),
        then=redirect("org:post_authorities", post.pk),
    )
    if done:
        return done
    return render(
        request,
        "org/post_authorities.html",
        {
            "post": post,
            "authorities": post.authorities.order_by("authority"),
            "form": form,
            "pending": PowerRequest.objects.filter(
                post=post, state=PowerRequest.State.PENDING
            ).select_related("requested_by"),
        },
        status=400 if status == 200 and form.errors else status,
    )


@login_required
def department_delegations(request, pk):
    """Delegations in a department: grant one (never to oneself; beyond the editor's
    own powers it waits for a second person) or revoke one."""
    department = get_object_or_404(Department, pk=pk)
    if not policy.can_manage_org(request.user, department):
        raise PermissionDenied()
    form = DelegationForm(request.POST or None)
    status, done = _change_powers(
        request,
        form,
        lambda: services.delegation_grant(
            actor=request.user, department=department, **form.cleaned_data
        ),
        done=_("The authority was delegated."),
        then=redirect("org:department_delegations", department.pk),
    )
    if done:
        return done
    return render(
        request,
        "org/department_delegations.html",
        {
            "department": department,
            "delegations": policy.delegations_in(department),
            "form": form,
            "pending": PowerRequest.objects.filter(
                department=department,
                kind=PowerRequest.Kind.DELEGATION,
                state=PowerRequest.State.PENDING,
            ).select_related("requested_by", "user"),
        },
        status=400 if status == 200 and form.errors else status,
    )


@login_required
@require_POST
def delegation_revoke(request, pk):
    department = get_object_or_404(Department, pk=pk)
    if not str(request.POST.get("row", "")).isdigit():
        raise Http404
    row = get_object_or_404(policy.delegations_in(department), pk=request.POST["row"])
    services.delegation_revoke(
        actor=request.user, user=row.user, authority=row.permission.codename, department=department
    )
    messages.success(request, _("The delegation was revoked."))
    return redirect("org:department_delegations", department.pk)


@login_required
def power_requests(request):
    """Requests to raise powers: the ones you may decide, and your own."""
    return render(
        request,
        "org/power_requests.html",
        {
            "to_decide": escalation.power_requests_to_decide(request.user),
            "mine": Paginator(
                PowerRequest.objects.filter(requested_by=request.user).select_related(
                    "decided_by__employee", *escalation.REQUEST_RELATED
                ),
                25,
            ).get_page(request.GET.get("page")),
            "form": PowerRequestDecisionForm(),
        },
    )


@login_required
@require_POST
def power_request_decide(request, pk, decision):
    if decision not in ("approve", "refuse"):
        raise Http404
    power_request = get_object_or_404(PowerRequest, pk=pk)
    form = PowerRequestDecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    decide = (
        services.power_request_approve if decision == "approve" else services.power_request_refuse
    )
    if decision == "approve":
        done = _("Request #%(n)s was approved and applied.") % {"n": pk}
    else:
        done = _("Request #%(n)s was refused.") % {"n": pk}
    return run_button_action(
        request,
        lambda: decide(actor=request.user, request=power_request, comment=comment),
        success_message=done,
        redirect_to="org:power_requests",
    )


@login_required
def position_list(request):
    return render(request, "org/position_list.html", {"positions": selectors.position_list()})


@login_required
def authority_catalogue(request):
    """Each post's rights in its rulebook's words beside the authorities that carry
    them, for the departments the user may see."""
    departments = policy.departments_where(request.user, Authority.VIEW_DEPARTMENT)
    return render(
        request,
        "org/authority_catalogue.html",
        {"catalogue": catalogue.authority_catalogue(departments)},
    )


@login_required
def position_detail(request, pk):
    position = get_object_or_404(Position, pk=pk)
    posts = [
        p
        for p in selectors.position_posts(position)
        if policy.can_view_department(request.user, p.department)
    ]
    return render(
        request,
        "org/position_detail.html",
        {
            "position": position,
            "defaults": position.default_authorities.order_by("authority"),
            "posts": posts,
        },
    )


@require_POST
def switch_language(request):
    """Switch the UI language; for a logged-in person it is also remembered (e-mails
    and notifications follow it)."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = redirect(target)
    if language in dict(settings.LANGUAGES) and translation.check_for_language(language):
        if request.user.is_authenticated:
            services.user_set_language(actor=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", max_age=365 * 24 * 3600
        )
    return response
