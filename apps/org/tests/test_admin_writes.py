"""The admin is no second, weaker door (issue 10). HR, made staff with every Django
permission, tries the escalations the pages and the API refuse: each is refused or
waits for a second person, and leaves the organisation and the audit log as they
were. What the admin may still write goes through the services (their checks, e.g.
no supervisor loops) and leaves their audit rows."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse

from apps.core.models import AuditEntry
from apps.core.testing import DEMO_PASSWORD
from apps.org.authorities import Authority as A
from apps.org.authorities import Scope
from apps.org.models import Employee, Position, Post, PostAuthority, PowerRequest
from apps.org.tests.test_escalation import snapshot, unchanged_but_the_request


@pytest.fixture
def staff_hr(people):
    """HR with the run of the admin: staff, holding every Django permission."""
    user = people["hr"].user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.all())
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw")


def inline_data(prefix: str, rows: list[dict], parent_field: str, parent_pk: int, new=()):
    """POST data of an admin inline: the existing `rows` unchanged plus `new` ones."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + len(new)),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate([*rows, *new]):
        data[f"{prefix}-{index}-{parent_field}"] = str(parent_pk)
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def post_change_data(post: Post, new=()):
    rows = [
        {"id": str(a.pk), "authority": a.authority, "scope": a.scope}
        for a in post.authorities.order_by("pk")
    ]
    return {"headcount": "", **inline_data("authorities", rows, "post", post.pk, new)}


def position_change_data(position: Position, new=()):
    rows = [
        {"id": str(a.pk), "authority": a.authority, "scope": a.scope}
        for a in position.default_authorities.order_by("pk")
    ]
    return {
        "code": position.code,
        "name": position.name,
        "name_en": position.name_en,
        "description": position.description,
        "sort_order": str(position.sort_order),
        "is_active": "on",
        **inline_data("default_authorities", rows, "position", position.pk, new),
    }


def employee_change_data(employee: Employee, **changes):
    data = {
        "name": employee.name,
        "employee_no": employee.employee_no,
        "hire_date": employee.hire_date.isoformat(),
        "supervisor": str(employee.supervisor_id or ""),
        "phone": employee.phone,
    }
    data.update(changes)
    return data


# --- Refused or waiting -------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_hr_adding_approve_campaign_to_own_post_waits(client_for, staff_hr, org):
    post = Post.objects.get(department=org["hr"], position__code="hr")
    before = snapshot()
    response = client_for(staff_hr).post(
        reverse("admin:org_post_change", args=[post.pk]),
        post_change_data(post, new=[{"authority": A.APPROVE_CAMPAIGN, "scope": Scope.COMPANY}]),
        follow=True,
    )
    assert response.status_code == 200
    unchanged_but_the_request(before, snapshot())
    assert PowerRequest.objects.get().kind == PowerRequest.Kind.POST_AUTHORITY
    assert any("Not applied" in str(m) or "未" in str(m) for m in response.context["messages"])


@pytest.mark.django_db
def test_admin_hr_widening_a_post_scope_waits(client_for, staff_hr, org):
    # given WeChat's manager post: editing its approve_campaign row to company scope
    post = Post.objects.get(department=org["wechat"], position__code="ops_manager")
    data = post_change_data(post)
    row = next(k for k, v in data.items() if v == A.APPROVE_CAMPAIGN)
    data[row.replace("authority", "scope")] = Scope.COMPANY
    before = snapshot()
    client_for(staff_hr).post(reverse("admin:org_post_change", args=[post.pk]), data)
    unchanged_but_the_request(before, snapshot())
    assert post.authorities.get(authority=A.APPROVE_CAMPAIGN).scope == Scope.SUBTREE


@pytest.mark.django_db
def test_admin_hr_adding_a_position_default_above_own_powers_waits(client_for, staff_hr):
    position = Position.objects.get(code="hr")
    before = sorted(position.default_authorities.values_list("authority", "scope"))
    client_for(staff_hr).post(
        reverse("admin:org_position_change", args=[position.pk]),
        position_change_data(
            position, new=[{"authority": A.APPROVE_CAMPAIGN, "scope": Scope.DEPARTMENT}]
        ),
    )
    assert sorted(position.default_authorities.values_list("authority", "scope")) == before
    assert PowerRequest.objects.get().kind == PowerRequest.Kind.POSITION_AUTHORITY


@pytest.mark.django_db
def test_admin_has_no_assignment_or_guardian_door(client_for, staff_hr, org, people):
    page = client_for(staff_hr)
    before = snapshot()
    # no assignment is written in the admin (the person's page is the way)
    assert page.get(reverse("admin:org_assignment_add")).status_code == 403
    assignment = people["hr"].assignments.get()
    assert (
        page.post(
            reverse("admin:org_assignment_change", args=[assignment.pk]),
            {"post": Post.objects.get(position__code="ops_director").pk},
        ).status_code
        == 403
    )
    # django-guardian's object-permission screens are gone: delegations have their page
    with pytest.raises(NoReverseMatch):
        reverse("admin:org_department_permissions", args=[org["wechat"].pk])
    assert not [m for m in admin.site._registry if m._meta.app_label == "guardian"]
    # and no Power request may be approved or edited here
    assert page.get(reverse("admin:org_powerrequest_add")).status_code == 403
    assert snapshot() == before


@pytest.mark.django_db
def test_admin_hr_cannot_make_themselves_superuser(client_for, staff_hr, superuser, people):
    page = client_for(staff_hr)
    before = AuditEntry.objects.count()
    # the superuser's login may be looked at, not changed (nor its password)
    assert (
        page.post(
            reverse("admin:org_user_change", args=[superuser.pk]),
            {"username": "root", "email": "hr@example.com", "is_active": "on"},
        ).status_code
        == 403
    )
    assert (
        page.post(
            reverse("admin:auth_user_password_change", args=[superuser.pk]),
            {"password1": "taken-Over-123", "password2": "taken-Over-123"},
        ).status_code
        == 403
    )
    # nor anybody else's: the director's password would be the director's powers
    director = people["director"].user
    assert (
        page.post(
            reverse("admin:auth_user_password_change", args=[director.pk]),
            {"password1": "taken-Over-123", "password2": "taken-Over-123"},
        ).status_code
        == 403
    )
    director.refresh_from_db()
    assert director.check_password(DEMO_PASSWORD)
    # and on their own login the power fields are read-only: posting them changes nothing
    page.post(
        reverse("admin:org_user_change", args=[staff_hr.pk]),
        {
            "username": staff_hr.username,
            "email": staff_hr.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "preferred_language": "zh-hans",
            "date_joined_0": "2020-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    staff_hr.refresh_from_db()
    superuser.refresh_from_db()
    assert not staff_hr.is_superuser
    assert superuser.email == "root@example.com"
    assert superuser.check_password("pw")
    assert not AuditEntry.objects.filter(pk__gt=0, changes__has_key="is_superuser").exists()
    assert AuditEntry.objects.count() <= before + 1  # at most the audited no-op save


@pytest.mark.django_db
def test_admin_supervisor_loop_is_refused_next_to_the_field(client_for, staff_hr, people):
    # given HR, who reports to the director; when HR makes the director report to HR
    director = people["director"]
    before = snapshot()
    response = client_for(staff_hr).post(
        reverse("admin:org_employee_change", args=[director.pk]),
        employee_change_data(director, supervisor=str(people["hr"].pk)),
    )
    # then the form comes back with the service's message on the supervisor field
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["supervisor"]
    director.refresh_from_db()
    assert director.supervisor_id is None
    assert snapshot() == before


@pytest.mark.django_db
def test_admin_review_chains_are_the_superusers(client_for, staff_hr, org):
    from apps.content.presets import build_chain

    chain = build_chain(org["wechat"])
    step = chain.steps.order_by("order").first()
    before = snapshot()
    response = client_for(staff_hr).post(
        reverse("admin:content_reviewchain_change", args=[chain.pk]),
        {"department": org["wechat"].pk, "channel": "", "name": "改"},
    )
    assert response.status_code == 403
    chain.refresh_from_db()
    assert chain.name != "改"
    assert step.authority == A.REVIEW_CONTENT
    assert snapshot() == before


# --- What the admin writes goes through the services, audited ------------------------------


@pytest.mark.django_db
def test_admin_supervisor_change_goes_through_the_service(client_for, superuser, people):
    specialist = people["specialist"]
    response = client_for(superuser).post(
        reverse("admin:org_employee_change", args=[specialist.pk]),
        employee_change_data(specialist, supervisor=str(people["director"].pk)),
    )
    assert response.status_code == 302
    specialist.refresh_from_db()
    assert specialist.supervisor == people["director"]
    entry = AuditEntry.objects.get(action="employee.supervisor", object_id=str(specialist.pk))
    assert entry.actor == superuser
    assert entry.to_state == people["director"].name


@pytest.mark.django_db
def test_admin_superuser_grants_through_the_service_and_it_is_audited(client_for, superuser, org):
    post = Post.objects.get(department=org["hr"], position__code="hr")
    response = client_for(superuser).post(
        reverse("admin:org_post_change", args=[post.pk]),
        post_change_data(post, new=[{"authority": A.APPROVE_CAMPAIGN, "scope": Scope.COMPANY}]),
    )
    assert response.status_code == 302
    assert post.authorities.get(authority=A.APPROVE_CAMPAIGN).scope == Scope.COMPANY
    entry = AuditEntry.objects.get(action="authority.approve_campaign", object_id=str(post.pk))
    assert entry.actor == superuser
    assert not PowerRequest.objects.exists()


@pytest.mark.django_db
def test_admin_removing_an_authority_row_is_a_revocation(client_for, staff_hr, org):
    post = Post.objects.get(department=org["wechat"], position__code="ops_specialist")
    data = post_change_data(post)
    row = next(k for k, v in data.items() if v == A.CREATE_CONTENT)
    data[row.replace("authority", "DELETE")] = "on"
    response = client_for(staff_hr).post(reverse("admin:org_post_change", args=[post.pk]), data)
    assert response.status_code == 302
    assert not PostAuthority.objects.filter(post=post, authority=A.CREATE_CONTENT).exists()
    assert AuditEntry.objects.filter(
        action="authority.create_content", to_state="", actor=staff_hr
    ).exists()


@pytest.mark.django_db
def test_admin_department_edit_goes_through_the_service(client_for, staff_hr, org):
    wechat = org["wechat"]
    response = client_for(staff_hr).post(
        reverse("admin:org_department_change", args=[wechat.pk]),
        {
            "name": wechat.name,
            "name_en": wechat.name_en,
            "description": "新的说明",
            "rulebook": wechat.rulebook,
            "sort_order": str(wechat.sort_order),
        },
    )
    assert response.status_code == 302
    wechat.refresh_from_db()
    assert wechat.description == "新的说明"
    assert AuditEntry.objects.filter(
        action="department.update", object_id=str(wechat.pk), actor=staff_hr
    ).exists()


@pytest.mark.django_db
def test_admin_superuser_step_edits_are_audited_row_by_row(client_for, superuser, org):
    from apps.content.presets import build_chain

    chain = build_chain(org["wechat"])
    steps = list(chain.steps.order_by("order"))
    rows = [
        {
            "id": str(s.pk),
            "order": str(s.order),
            "name": s.name,
            "name_en": s.name_en,
            "kind": s.kind,
            "authority": s.authority,
            "managerial_only": "on" if s.managerial_only else "",
            "checklist": json.dumps(s.checklist),
            "due_working_days": str(s.due_working_days + (1 if i == 0 else 0)),
        }
        for i, s in enumerate(steps)
    ]
    for row, s in zip(rows, steps, strict=True):
        if not row["managerial_only"]:
            del row["managerial_only"]
        positions = list(s.positions.values_list("pk", flat=True))
        if positions:
            row["positions"] = [str(p) for p in positions]
    data = {"department": org["wechat"].pk, "channel": "", "name": chain.name}
    data.update(inline_data("steps", rows, "chain", chain.pk))
    response = client_for(superuser).post(
        reverse("admin:content_reviewchain_change", args=[chain.pk]), data
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(
        object_type="content.reviewstep", object_id=str(steps[0].pk), action="admin.change"
    )
    assert entry.actor == superuser
    assert "due_working_days" in entry.changes
