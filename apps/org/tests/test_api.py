"""Org API (/api/v1/org/): the policy matrix for every endpoint and action, list
filtering, bad input as {"detail", "field"}, unknown ids, and pinned query counts."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from apps.org import services
from apps.org.models import Assignment, Department, Employee, Position

API = "/api/v1/org"
ROLES = ["anonymous", "self", "supervisor", "manager", "other_manager", "hr", "director"]


@pytest.fixture
def roles(people, make_employee):
    """As in test_views: the target is the WeChat specialist, supervised here by a
    designer of the Design department."""
    lead = make_employee("lead", "design", "designer", name="林静")
    Employee.objects.filter(pk=people["specialist"].pk).update(supervisor=lead)
    return {
        "anonymous": None,
        "self": people["specialist"].user,
        "supervisor": lead.user,
        "manager": people["manager"].user,
        "other_manager": people["other_manager"].user,
        "hr": people["hr"].user,
        "director": people["director"].user,
    }


def _request(people, org, endpoint, action):
    """(method, url, payload) for one endpoint action on the WeChat targets."""
    wechat = org["wechat"].pk
    specialist = people["specialist"]
    assignment = specialist.assignments.get().pk
    position = Position.objects.get(code="ops_specialist").pk
    targets = {
        "departments": wechat,
        "employees": specialist.pk,
        "positions": position,
        "assignments": assignment,
    }
    create = {
        "departments": {
            "name": "直播小组",
            "code": "wechat-live",
            "kind": "group",
            "parent": wechat,
        },
        "employees": {
            "username": "newbie",
            "name": "新人",
            "employee_no": "N0001",
            "hire_date": "2026-03-02",
        },
        "positions": {"code": "x", "name": "x"},
        "assignments": {
            "employee": specialist.pk,
            "department": wechat,
            "position": Position.objects.get(code="copywriter").pk,
            "start_date": "2026-03-02",
        },
    }
    base = f"{API}/{endpoint}/"
    detail = f"{base}{targets[endpoint]}/"
    return {
        "list": ("get", base, None),
        "retrieve": ("get", detail, None),
        "create": ("post", base, create[endpoint]),
        "partial_update": ("patch", detail, {"description": "新描述", "name": "改名"}),
        "destroy": ("delete", detail, None),
        "end": ("post", f"{detail}end/", {"end_date": "2026-03-31"}),
    }[action]


ALL_OK = dict.fromkeys(ROLES[1:], 200)
NOT_ALLOWED = dict.fromkeys(ROLES[1:], 405)  # the endpoint does not offer the method
# Departments and people outside one's view are 404 (not even their existence shows).
WECHAT_VISIBLE = {
    "self": 200,
    "supervisor": 404,
    "manager": 200,
    "other_manager": 404,
    "hr": 200,
    "director": 200,
}
MATRIX = {
    ("departments", "list"): ALL_OK,
    ("departments", "retrieve"): WECHAT_VISIBLE,
    ("departments", "create"): {**dict.fromkeys(ROLES[1:], 403), "hr": 201},
    ("departments", "partial_update"): {
        **WECHAT_VISIBLE,
        **dict.fromkeys(["self", "manager", "director"], 403),
        "hr": 200,
    },
    # HR may delete departments, but WeChat still has people: refused with 400
    ("departments", "destroy"): {
        **WECHAT_VISIBLE,
        **dict.fromkeys(["self", "manager", "director"], 403),
        "hr": 400,
    },
    ("employees", "list"): ALL_OK,
    ("employees", "retrieve"): {**ALL_OK, "other_manager": 404},
    ("employees", "create"): {**dict.fromkeys(ROLES[1:], 403), "hr": 201},
    ("employees", "partial_update"): NOT_ALLOWED,
    ("employees", "destroy"): NOT_ALLOWED,
    ("positions", "list"): ALL_OK,
    ("positions", "retrieve"): ALL_OK,
    ("positions", "create"): NOT_ALLOWED,
    ("positions", "partial_update"): NOT_ALLOWED,
    ("positions", "destroy"): NOT_ALLOWED,
    ("assignments", "list"): ALL_OK,
    ("assignments", "retrieve"): {**ALL_OK, "other_manager": 404},
    ("assignments", "create"): {**dict.fromkeys(ROLES[1:], 403), "hr": 201},
    ("assignments", "partial_update"): NOT_ALLOWED,
    ("assignments", "destroy"): NOT_ALLOWED,
    ("assignments", "end"): {**dict.fromkeys(ROLES[1:], 403), "other_manager": 404, "hr": 200},
}
# Anonymous requests: DRF answers 403 (session auth first, which sends no challenge).
CASES = [
    pytest.param(
        endpoint,
        action,
        role,
        403 if role == "anonymous" else expected[role],
        id=f"{endpoint}-{action}-{role}",
    )
    for (endpoint, action), expected in MATRIX.items()
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "action", "role", "status"), CASES)
def test_api_policy_matrix(api_for, roles, people, org, endpoint, action, role, status):
    # given a client authenticated in a role (or not at all)
    method, url, payload = _request(people, org, endpoint, action)
    client = api_for(roles[role])
    # when it calls the endpoint
    response = getattr(client, method)(url, payload, format="json")
    # then the policy decides, always with a JSON body
    assert response.status_code == status, response.content[:500]
    if status >= 400:
        assert "detail" in response.json()


@pytest.mark.django_db
def test_a_token_authenticates_too(client, users):
    from rest_framework.authtoken.models import Token

    # given a token of the WeChat manager
    token = Token.objects.create(user=users["manager"])
    # when the API is called with it (no session)
    response = client.get(f"{API}/employees/", HTTP_AUTHORIZATION=f"Token {token.key}")
    # then the manager's view is served
    assert response.status_code == 200
    assert response.json()["count"] == 6


# --- List filtering ---------------------------------------------------------------------


def _usernames(response) -> set[str]:
    assert response.status_code == 200
    return {row["username"] for row in response.json()["results"]}


WECHAT_LOGINS = {"manager", "specialist", "specialist2", "copywriter", "designer", "cs"}


@pytest.mark.django_db
def test_api_employee_list_follows_the_policy(api_for, users):
    # given three people with different views; when each lists employees
    other = _usernames(api_for(users["other_manager"]).get(f"{API}/employees/"))
    manager = _usernames(api_for(users["manager"]).get(f"{API}/employees/"))
    hr = _usernames(api_for(users["hr"]).get(f"{API}/employees/"))
    # then another department's manager gets no WeChat person, the manager all of them,
    # and HR everyone
    assert not (WECHAT_LOGINS & other)
    assert other == {"other_manager"}
    assert manager == WECHAT_LOGINS
    assert hr == set(users)


@pytest.mark.django_db
def test_api_department_and_assignment_lists_follow_the_policy(api_for, users, people, org):
    # given another department's manager and WeChat's manager
    other = api_for(users["other_manager"])
    manager = api_for(users["manager"])
    # when they list departments and assignments
    other_departments = {d["code"] for d in other.get(f"{API}/departments/").json()["results"]}
    manager_departments = {d["code"] for d in manager.get(f"{API}/departments/").json()["results"]}
    other_assignments = other.get(f"{API}/assignments/").json()["results"]
    manager_assignments = manager.get(f"{API}/assignments/").json()["results"]
    # then each sees their own department and its people's assignments only
    assert other_departments == {"community-ops"}
    assert manager_departments == {"wechat"}
    assert {a["department"] for a in other_assignments} == {org["community-ops"].pk}
    assert {a["department"] for a in manager_assignments} == {org["wechat"].pk}
    assert len(manager_assignments) == 6


@pytest.mark.django_db
def test_api_employee_list_filters(api_for, users, org):
    hr = api_for(users["hr"])
    # given HR; when filtering by department (with its groups), position and search
    by_department = _usernames(hr.get(f"{API}/employees/", {"department": org["wechat"].pk}))
    by_position = _usernames(
        hr.get(f"{API}/employees/", {"position": Position.objects.get(code="hr").pk})
    )
    by_search = _usernames(hr.get(f"{API}/employees/", {"q": "other_"}))
    # then each narrows the list
    assert by_department == WECHAT_LOGINS
    assert by_position == {"hr"}
    assert by_search == {"other_manager", "other_specialist"}


@pytest.mark.django_db
def test_api_lists_are_paginated(api_for, users):
    # given HR and eleven people; when asking for pages of five
    body = api_for(users["hr"]).get(f"{API}/employees/", {"page_size": 5}).json()
    # then the answer is one page with a link to the next
    assert body["count"] == 11
    assert len(body["results"]) == 5
    assert "page=2" in body["next"]


# --- Writes that work ------------------------------------------------------------------


@pytest.mark.django_db
def test_hr_creates_updates_and_deletes_a_group(api_for, users, org):
    hr = api_for(users["hr"])
    # given HR; when they create a group under WeChat
    created = hr.post(
        f"{API}/departments/",
        {"name": "直播小组", "code": "wechat-live", "kind": "group", "parent": org["wechat"].pk},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    # and rename it
    renamed = hr.patch(f"{API}/departments/{pk}/", {"name_en": "Live"}, format="json")
    assert renamed.json()["name_en"] == "Live"
    # and delete it while empty
    deleted = hr.delete(f"{API}/departments/{pk}/")
    # then it is gone, and each step was audited
    assert deleted.json() == {"result": "deleted"}
    assert not Department.objects.filter(pk=pk).exists()
    from apps.core.models import AuditEntry

    actions = list(
        AuditEntry.objects.filter(object_type="org.department", object_id=str(pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["department.create", "department.update", "department.delete"]


@pytest.mark.django_db
def test_deleting_a_group_with_history_deactivates_it(api_for, users, people, org):
    # given a group where someone held a post that has since ended
    group = services.department_create(
        actor=users["hr"], parent=org["wechat"], name="直播小组", code="wechat-live", kind="group"
    )
    services.post_add(
        actor=users["hr"], department=group, position=Position.objects.get(code="designer")
    )
    services.assignment_create(
        actor=users["hr"],
        employee=people["designer"],
        department=group,
        position=Position.objects.get(code="designer"),
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2024, 6, 30),
    )
    # when HR deletes it through the API
    response = api_for(users["hr"]).delete(f"{API}/departments/{group.pk}/")
    # then it is deactivated and the history stays
    assert response.json() == {"result": "deactivated"}
    group.refresh_from_db()
    assert group.is_active is False
    assert Assignment.objects.filter(post__department=group).count() == 1


@pytest.mark.django_db
def test_hr_ends_an_assignment_through_the_api(api_for, users, people):
    # given the specialist's open assignment
    assignment = people["specialist"].assignments.get()
    # when HR ends it
    response = api_for(users["hr"]).post(
        f"{API}/assignments/{assignment.pk}/end/", {"end_date": "2026-03-31"}, format="json"
    )
    # then the end date is stored and returned
    assert response.status_code == 200
    assert response.json()["end_date"] == "2026-03-31"
    assignment.refresh_from_db()
    assert assignment.end_date == dt.date(2026, 3, 31)


# --- Bad input -----------------------------------------------------------------------


@pytest.mark.django_db
def test_api_refuses_an_assignment_ending_before_it_starts(api_for, users, people, org):
    # given HR; when the end date is before the start date
    response = api_for(users["hr"]).post(
        f"{API}/assignments/",
        {
            "employee": people["specialist"].pk,
            "department": org["wechat"].pk,
            "position": Position.objects.get(code="copywriter").pk,
            "start_date": "2026-03-10",
            "end_date": "2026-03-01",
        },
        format="json",
    )
    # then 400 names the field; nothing is stored
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "end_date"
    assert body["detail"]
    assert people["specialist"].assignments.count() == 1


@pytest.mark.django_db
def test_api_refuses_a_position_outside_its_department(api_for, users, people, org):
    # given HR; when assigning a position the department does not offer
    response = api_for(users["hr"]).post(
        f"{API}/assignments/",
        {
            "employee": people["specialist"].pk,
            "department": org["wechat"].pk,
            "position": Position.objects.get(code="community_manager").pk,
            "start_date": "2026-03-10",
        },
        format="json",
    )
    # then 400 on the position field, with the department's name in the message
    assert response.status_code == 400
    assert response.json()["field"] == "position"
    assert org["wechat"].name in response.json()["detail"]


@pytest.mark.django_db
def test_api_refuses_to_delete_a_department_with_people(api_for, users, org):
    # given WeChat with six people; when HR deletes it
    response = api_for(users["hr"]).delete(f"{API}/departments/{org['wechat'].pk}/")
    # then 400 says why; it is still there and active
    assert response.status_code == 400
    assert "6" in response.json()["detail"]
    assert Department.objects.get(pk=org["wechat"].pk).is_active


@pytest.mark.django_db
def test_api_refuses_ending_an_assignment_before_it_started(api_for, users, people):
    # given the specialist's assignment from 2020-01-01
    assignment = people["specialist"].assignments.get()
    # when HR ends it in 2019
    response = api_for(users["hr"]).post(
        f"{API}/assignments/{assignment.pk}/end/", {"end_date": "2019-12-31"}, format="json"
    )
    # then 400 on end_date
    assert response.status_code == 400
    assert response.json()["field"] == "end_date"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x", "code": "not a slug!", "kind": "group"}, "code"),
        ({"name": "x", "code": "ok-code", "kind": "company"}, "kind"),
        ({"name": "", "code": "ok-code", "kind": "group"}, "name"),
        ({"name": "x", "code": "community-ops", "kind": "group"}, "code"),
    ],
)
def test_api_refuses_bad_department_input_by_field(api_for, users, org, payload, field):
    # given HR; when a department is created with a bad field
    response = api_for(users["hr"]).post(
        f"{API}/departments/", {**payload, "parent": org["wechat"].pk}, format="json"
    )
    # then 400 names that field, and nothing is created
    assert response.status_code == 400
    assert field in response.json()
    assert not Department.objects.filter(code="ok-code").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "departments/999999/"),
        ("patch", "departments/999999/"),
        ("delete", "departments/999999/"),
        ("get", "employees/999999/"),
        ("get", "positions/999999/"),
        ("get", "assignments/999999/"),
        ("post", "assignments/999999/end/"),
    ],
)
def test_unknown_ids_are_404_in_the_api(api_for, users, method, path):
    # given HR; when an id does not exist
    response = getattr(api_for(users["hr"]), method)(
        f"{API}/{path}", {"end_date": "2026-01-01"}, format="json"
    )
    # then 404 with a JSON detail
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.django_db
def test_api_refuses_unknown_related_ids_as_field_errors(api_for, users, people, org):
    # given HR; when an assignment names an employee that does not exist
    response = api_for(users["hr"]).post(
        f"{API}/assignments/",
        {
            "employee": 999999,
            "department": org["wechat"].pk,
            "position": Position.objects.get(code="copywriter").pk,
            "start_date": "2026-03-10",
        },
        format="json",
    )
    # then 400 on the employee field (not a 500, not a 404 of the endpoint)
    assert response.status_code == 400
    assert "employee" in response.json()


# --- Query counts ------------------------------------------------------------------------


# Measured: 5 queries with 0 or 30 extra people (grants: posts and delegations; count;
# page; current assignments prefetch); pinned so it cannot grow with rows.
@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 30])
def test_api_employee_list_query_count_is_flat(
    api_for, users, people, make_employee, django_assert_max_num_queries, extra
):
    # given WeChat with 0 or 30 extra people
    for i in range(extra):
        make_employee(f"extra{i}", "wechat", "ops_specialist", people["manager"], name=f"员工{i}")
    client = api_for(users["manager"])
    ContentType.objects.get_for_model(Department)  # Django's own cache, warm in any server
    # when the manager lists employees
    with django_assert_max_num_queries(5):
        response = client.get(f"{API}/employees/")
    # then the number of queries does not grow with the rows
    assert response.json()["count"] == 6 + extra
