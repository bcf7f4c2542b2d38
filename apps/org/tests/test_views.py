"""Org pages: who may open each page (the policy matrix), what each person's lists
contain, refusals of bad input with a message, and pinned query counts."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from apps.org import services
from apps.org.models import Assignment, Department, Employee, Position

# The people in each role, as logins of the `people` fixture (plus "supervisor", below).
ROLES = ["anonymous", "self", "supervisor", "manager", "other_manager", "hr", "director"]


@pytest.fixture
def roles(people, make_employee):
    """The roles of the matrix, relative to one target: the WeChat specialist. Their
    supervisor here is a designer of the Design partner department (not WeChat's
    manager), so "supervisor" and "manager of the same department" are separate cases."""
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


def _urls(people, org):
    specialist = people["specialist"]
    return {
        "department_tree": ("get", reverse("org:departments")),
        "department_detail": ("get", reverse("org:department_detail", args=[org["wechat"].pk])),
        "department_create": ("get", reverse("org:department_create", args=[org["wechat"].pk])),
        "department_delete": ("post", reverse("org:department_delete", args=[org["wechat"].pk])),
        "employee_list": ("get", reverse("org:employees")),
        "employee_detail": ("get", reverse("org:employee_detail", args=[specialist.pk])),
        "assignment_create": ("get", reverse("org:assignment_create", args=[specialist.pk])),
        "assignment_end": (
            "get",
            reverse("org:assignment_end", args=[specialist.assignments.get().pk]),
        ),
        "position_list": ("get", reverse("org:positions")),
        "position_detail": (
            "get",
            reverse("org:position_detail", args=[Position.objects.get(code="ops_specialist").pk]),
        ),
        "audit_log": ("get", reverse("audit_log")),
    }


# Expected status per page and role. Anonymous visitors are always sent to log in (302).
# Deleting WeChat (which has people) as HR is allowed but refused with a message: 302
# back to the department (see test_deleting_a_department_with_people_shows_why).
EVERYONE = dict.fromkeys(ROLES[1:], 200)
MANAGE_ORG_ONLY = {**dict.fromkeys(ROLES[1:], 403), "hr": 200}
MATRIX = {
    "department_tree": EVERYONE,
    "department_detail": {
        "self": 200,
        "supervisor": 403,
        "manager": 200,
        "other_manager": 403,
        "hr": 200,
        "director": 200,
    },
    "department_create": MANAGE_ORG_ONLY,
    "department_delete": {**MANAGE_ORG_ONLY, "hr": 302},
    "employee_list": EVERYONE,
    "employee_detail": {
        "self": 200,
        "supervisor": 200,
        "manager": 200,
        "other_manager": 403,
        "hr": 200,
        "director": 200,
    },
    "assignment_create": MANAGE_ORG_ONLY,
    "assignment_end": MANAGE_ORG_ONLY,
    "position_list": EVERYONE,
    "position_detail": EVERYONE,
    "audit_log": {**dict.fromkeys(ROLES[1:], 403), "hr": 200, "director": 200},
}
CASES = [
    pytest.param(page, role, 302 if role == "anonymous" else expected[role], id=f"{page}-{role}")
    for page, expected in MATRIX.items()
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "role", "status"), CASES)
def test_page_policy_matrix(client, client_for, roles, people, org, page, role, status):
    # given a person in a role (or nobody logged in)
    user = roles[role]
    browser = client if user is None else client_for(user)
    method, url = _urls(people, org)[page]
    # when they open the page (or post the form)
    response = getattr(browser, method)(url)
    # then the policy decides: the page, a refusal, or the log-in page
    assert response.status_code == status, response.content[:500]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login") + "?next=")
    if status == 403:
        assert b'data-testid="error-page"' in response.content


# --- What each person's pages list --------------------------------------------------


def _names_on_people_page(response) -> set[str]:
    return {e.name for e in response.context["page"]}


WECHAT_NAMES = {"王建国", "李晓明", "张雨婷", "陈思雨", "刘畅", "周静"}


@pytest.mark.django_db
def test_another_departments_manager_does_not_list_wechat_people(client_for, users):
    # given the community-ops manager; when they open the people directory
    response = client_for(users["other_manager"]).get(reverse("org:employees"))
    # then no WeChat person is listed, and neither are they in the page
    names = _names_on_people_page(response)
    assert not (WECHAT_NAMES & names)
    assert "杨帆" in names
    assert "李晓明" not in response.content.decode()


@pytest.mark.django_db
def test_the_wechat_manager_lists_wechat_people_only(client_for, users):
    # given WeChat's manager; when they open the people directory
    response = client_for(users["manager"]).get(reverse("org:employees"))
    # then every WeChat person is there, and nobody from community-ops or HR
    names = _names_on_people_page(response)
    assert names >= WECHAT_NAMES
    assert not ({"杨帆", "孙丽", "何佳怡"} & names)


@pytest.mark.django_db
def test_hr_lists_everyone(client_for, users, people):
    # given HR (company-wide 知情权); when they open the people directory
    response = client_for(users["hr"]).get(reverse("org:employees"))
    # then every active person is listed
    assert _names_on_people_page(response) == {e.name for e in people.values()}


@pytest.mark.django_db
def test_the_people_directory_filters_and_searches(client_for, users, org):
    hr = client_for(users["hr"])
    # given HR; when filtering by department, by position and searching by name
    by_department = hr.get(reverse("org:employees"), {"department": org["community-ops"].pk})
    by_position = hr.get(
        reverse("org:employees"),
        {"position": Position.objects.get(code="customer_service").pk},
    )
    by_search = hr.get(reverse("org:employees"), {"q": "晓明"})
    # then each filter narrows the list
    assert _names_on_people_page(by_department) == {"杨帆"}
    assert _names_on_people_page(by_position) == {"周静"}
    assert _names_on_people_page(by_search) == {"李晓明"}


@pytest.mark.django_db
def test_the_tree_links_only_departments_one_may_see(client_for, users, org):
    # given the community-ops manager; when they open the department tree
    response = client_for(users["other_manager"]).get(reverse("org:departments"))
    html = response.content.decode()
    # then their department is a link, the company is shown for context, WeChat is absent
    assert reverse("org:department_detail", args=[org["community-ops"].pk]) in html
    assert reverse("org:department_detail", args=[org["wechat"].pk]) not in html
    assert reverse("org:department_detail", args=[org["company"].pk]) not in html
    assert org["company"].name in html
    assert org["wechat"].name not in html


@pytest.mark.django_db
def test_department_detail_lists_its_people_and_groups(client_for, users, org):
    # given HR; when they open general-ops, whose groups have nobody yet, and WeChat
    general = client_for(users["hr"]).get(
        reverse("org:department_detail", args=[org["general-ops"].pk])
    )
    wechat = client_for(users["hr"]).get(reverse("org:department_detail", args=[org["wechat"].pk]))
    # then the groups are linked, and WeChat lists its six people
    for code in ("general-ops-marketing", "general-ops-customer", "general-ops-product"):
        assert reverse("org:department_detail", args=[org[code].pk]) in general.content.decode()
    assert {a.employee.name for a in wechat.context["page"]} == WECHAT_NAMES


@pytest.mark.django_db
def test_position_detail_shows_only_posts_in_visible_departments(client_for, users, org):
    # given the ops-specialist position (offered in several departments)
    position = Position.objects.get(code="ops_specialist")
    url = reverse("org:position_detail", args=[position.pk])
    # when WeChat's manager and HR open it
    manager_posts = client_for(users["manager"]).get(url).context["posts"]
    hr_posts = client_for(users["hr"]).get(url).context["posts"]
    # then the manager sees WeChat's post only, HR every post
    assert {p.department.code for p in manager_posts} == {"wechat"}
    assert {p.department.code for p in hr_posts} >= {"wechat", "general-ops", "miniprogram-ops"}


# --- Bad input on pages --------------------------------------------------------------


@pytest.mark.django_db
def test_an_assignment_ending_before_it_starts_is_refused_next_to_end_date(
    client_for, users, people, org
):
    # given HR on the assignment form of the specialist
    url = reverse("org:assignment_create", args=[people["specialist"].pk])
    before = Assignment.objects.count()
    # when the end date is before the start date
    response = client_for(users["hr"]).post(
        url,
        {
            "department": org["wechat"].pk,
            "position": Position.objects.get(code="copywriter").pk,
            "start_date": "2026-03-10",
            "end_date": "2026-03-01",
        },
    )
    # then the form comes back (400) with the message next to end_date; nothing is stored
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="field-error-end_date"' in html
    assert response.context["form"].errors["end_date"]
    assert Assignment.objects.count() == before


@pytest.mark.django_db
def test_a_position_not_offered_in_the_department_is_refused_next_to_position(
    client_for, users, people, org
):
    # given HR assigning someone to WeChat as a community manager (not offered there)
    url = reverse("org:assignment_create", args=[people["specialist"].pk])
    response = client_for(users["hr"]).post(
        url,
        {
            "department": org["wechat"].pk,
            "position": Position.objects.get(code="community_manager").pk,
            "start_date": "2026-03-10",
        },
    )
    # then the form says so next to the position field, with 400; nothing is stored
    assert response.status_code == 400
    assert 'data-testid="field-error-position"' in response.content.decode()
    assert response.context["form"].errors["position"]
    assert (
        not people["specialist"]
        .assignments.filter(post__position__code="community_manager")
        .exists()
    )


@pytest.mark.django_db
def test_hr_adds_an_assignment_through_the_form(client_for, users, people, org):
    # given HR; when they add a secondary copywriter post for the specialist
    response = client_for(users["hr"]).post(
        reverse("org:assignment_create", args=[people["specialist"].pk]),
        {
            "department": org["wechat"].pk,
            "position": Position.objects.get(code="copywriter").pk,
            "start_date": "2026-03-10",
        },
    )
    # then they go back to the person's page, where the post now shows
    assert response.status_code == 302
    assert response["Location"] == reverse("org:employee_detail", args=[people["specialist"].pk])
    assert people["specialist"].assignments.filter(post__position__code="copywriter").exists()


@pytest.mark.django_db
def test_ending_an_assignment_before_it_started_is_refused_on_the_page(client_for, users, people):
    # given the specialist's assignment (started 2020-01-01)
    assignment = people["specialist"].assignments.get()
    # when HR ends it on 2019-12-31
    response = client_for(users["hr"]).post(
        reverse("org:assignment_end", args=[assignment.pk]), {"end_date": "2019-12-31"}
    )
    # then the page shows the message next to end_date with 400; the assignment is open
    assert response.status_code == 400
    assert 'data-testid="field-error-end_date"' in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.end_date is None


@pytest.mark.django_db
def test_deleting_a_department_with_people_shows_why(client_for, users, org):
    # given WeChat, which has six people in post
    browser = client_for(users["hr"])
    # when HR deletes it
    response = browser.post(reverse("org:department_delete", args=[org["wechat"].pk]), follow=True)
    # then they are back on the department page with the reason, and it still exists
    assert response.redirect_chain[-1][0] == reverse(
        "org:department_detail", args=[org["wechat"].pk]
    )
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert "6" in messages[0]
    assert messages[0] in response.content.decode()
    assert Department.objects.filter(pk=org["wechat"].pk, is_active=True).exists()


@pytest.mark.django_db
def test_deleting_an_empty_group_on_the_page(client_for, users, org):
    # given an empty group created by HR under WeChat
    group = services.department_create(
        actor=users["hr"], parent=org["wechat"], name="直播小组", code="wechat-live", kind="group"
    )
    # when HR deletes it
    response = client_for(users["hr"]).post(reverse("org:department_delete", args=[group.pk]))
    # then it is gone and HR is back on WeChat's page
    assert response.status_code == 302
    assert response["Location"] == reverse("org:department_detail", args=[org["wechat"].pk])
    assert not Department.objects.filter(pk=group.pk).exists()


@pytest.mark.django_db
def test_creating_a_department_with_a_taken_code_shows_the_error_on_the_field(
    client_for, users, org
):
    # given HR on the "new group" form under WeChat
    url = reverse("org:department_create", args=[org["wechat"].pk])
    # when the code is already taken
    response = client_for(users["hr"]).post(
        url, {"name": "重复", "code": "community-ops", "kind": "group"}
    )
    # then the form comes back (400) with the message next to code; nothing is created
    assert response.status_code == 400
    assert 'data-testid="field-error-code"' in response.content.decode()
    assert not Department.objects.filter(name="重复").exists()


@pytest.mark.django_db
def test_hr_creates_a_group_through_the_form(client_for, users, org):
    # given HR; when they add a group under WeChat
    response = client_for(users["hr"]).post(
        reverse("org:department_create", args=[org["wechat"].pk]),
        {"name": "直播小组", "name_en": "Live", "code": "wechat-live", "kind": "group"},
    )
    # then it exists below WeChat and they land on its page
    group = Department.objects.get(code="wechat-live")
    assert group.parent_id == org["wechat"].pk
    assert group.path == f"{org['wechat'].path}{group.pk}/"
    assert response["Location"] == reverse("org:department_detail", args=[group.pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "org:department_detail", [999999]),
        ("get", "org:department_create", [999999]),
        ("post", "org:department_delete", [999999]),
        ("get", "org:employee_detail", [999999]),
        ("get", "org:assignment_create", [999999]),
        ("get", "org:assignment_end", [999999]),
        ("get", "org:position_detail", [999999]),
    ],
)
def test_unknown_ids_are_404_on_pages(client_for, users, method, name, args):
    # given HR (who may open every page); when an id does not exist
    response = getattr(client_for(users["hr"]), method)(reverse(name, args=args))
    # then the page is a 404, not an error
    assert response.status_code == 404


# --- Query counts (must not grow with rows) -------------------------------------------


def _grow_wechat(make_employee, manager, n):
    for i in range(n):
        make_employee(f"extra{i}", "wechat", "ops_specialist", manager, name=f"员工{i}")


# Measured: the people page makes 13 queries and the department page 15, the same with
# 0 or 30 extra people: session, user, grants (2), the menu's badges of other apps (2),
# unread count, then the page's own (count, rows, one prefetch, filter choices…).
@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 30])
def test_people_page_query_count_is_flat(
    client_for, users, people, make_employee, django_assert_max_num_queries, extra
):
    # given WeChat with 0 or 30 extra people
    _grow_wechat(make_employee, people["manager"], extra)
    browser = client_for(users["manager"])
    ContentType.objects.get_for_model(Department)  # Django's own cache, warm in any server
    # when the manager opens the people directory
    with django_assert_max_num_queries(13):
        response = browser.get(reverse("org:employees"))
    # then the count does not depend on the rows (and the page is full)
    assert response.status_code == 200
    assert len(response.context["page"]) == min(25, 6 + extra)


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 30])
def test_department_page_query_count_is_flat(
    client_for, users, people, org, make_employee, django_assert_max_num_queries, extra
):
    # given WeChat with 0 or 30 extra people
    _grow_wechat(make_employee, people["manager"], extra)
    browser = client_for(users["manager"])
    ContentType.objects.get_for_model(Department)  # Django's own cache, warm in any server
    # when the manager opens WeChat's page
    with django_assert_max_num_queries(15):
        response = browser.get(reverse("org:department_detail", args=[org["wechat"].pk]))
    # then the count does not depend on the rows
    assert response.status_code == 200
    assert len(response.context["page"]) == 6 + extra


@pytest.mark.django_db
def test_employee_page_shows_history_chain_and_reports(client_for, users, people, org):
    # given the manager with a past post in community-ops
    services.assignment_create(
        actor=users["hr"],
        employee=people["manager"],
        department=org["community-ops"],
        position=Position.objects.get(code="community_specialist"),
        start_date=dt.date(2018, 1, 1),
        end_date=dt.date(2019, 12, 31),
    )
    # when the director opens the manager's page
    response = client_for(users["director"]).get(
        reverse("org:employee_detail", args=[people["manager"].pk])
    )
    # then history, supervisor chain and reports are shown
    assert len(response.context["history"]) == 2
    assert [e.name for e in response.context["chain"]] == ["赵立新"]
    assert {e.name for e in response.context["reports"]} == WECHAT_NAMES - {"王建国"}


@pytest.mark.django_db
def test_a_group_cannot_contain_groups_on_the_page(client_for, users, org):
    # given HR on the "new" form under a group (the page offers no link there)
    url = reverse("org:department_create", args=[org["general-ops-product"].pk])
    # when they submit it
    response = client_for(users["hr"]).post(url, {"name": "子组", "code": "sub", "kind": "group"})
    # then the form comes back with 400 and the reason, and nothing is created
    assert response.status_code == 400
    assert 'data-testid="form-error"' in response.content.decode()
    assert not Department.objects.filter(code="sub").exists()
