"""Role × list matrix: for every list endpoint and list page, for every demo login, the
rows shown equal what the business rules say that person may see.

The expectation is computed here, independently of `org.permissions`: from the raw
assignment, post-authority and delegation rows, walking the department tree by parent
links in Python (the product filters by materialised path in SQL), then applying each
list's visibility rule to every row of the table. A list that shows a row the reader may
not see, or hides one they may, fails with the login, the list and the ids.

The demo company is loaded once for the module inside a transaction that is rolled back
at the end, so the other tests never see it.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from guardian.models import UserObjectPermission
from rest_framework.test import APIClient

from apps.org.models import Assignment, Department, Employee, PostAuthority

DEMO_LOGINS = [
    "admin",
    "director",
    "manager",
    "specialist",
    "copywriter",
    "designer",
    "hr",
    "cs",
    "tech",
    # people of other departments, so the matrix also crosses departments
    "mp.manager",
    "community.manager",
    "ops.deng",
]


# --- The demo company, once per module ----------------------------------------------------


@pytest.fixture(scope="module")
def demo_company(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def oracle(demo_company, db):
    return Oracle()


# --- The independent expectation ----------------------------------------------------------


class Oracle:
    """Who may see what, from the raw rows. Deliberately simple and slow."""

    def __init__(self):
        self.parent = dict(Department.objects.values_list("pk", "parent_id"))
        self.all_departments = frozenset(self.parent)
        self.today = timezone.localdate()

    def descendants(self, department_id: int) -> set[int]:
        found = {department_id}
        changed = True
        while changed:
            changed = False
            for pk, parent in self.parent.items():
                if parent in found and pk not in found:
                    found.add(pk)
                    changed = True
        return found

    def employee(self, user):
        return Employee.objects.filter(user=user).first()

    def current_assignments(self, employee):
        return [
            a
            for a in Assignment.objects.filter(employee=employee).select_related("post")
            if a.start_date <= self.today and (a.end_date is None or a.end_date >= self.today)
        ]

    def departments(self, user, *authorities: str) -> frozenset[int]:
        """Departments where `user` holds any of `authorities` today."""
        if not user.is_active:
            return frozenset()
        if user.is_superuser:
            return self.all_departments
        result: set[int] = set()
        employee = self.employee(user)
        if employee is not None and employee.is_active:
            for assignment in self.current_assignments(employee):
                for grant in PostAuthority.objects.filter(post=assignment.post):
                    if grant.authority not in authorities:
                        continue
                    if grant.scope == "company":
                        return self.all_departments
                    if grant.scope == "subtree":
                        result |= self.descendants(assignment.post.department_id)
                    else:
                        result.add(assignment.post.department_id)
        department_type = ContentType.objects.get_for_model(Department)
        for row in UserObjectPermission.objects.filter(
            user=user, content_type=department_type
        ).select_related("permission"):
            if row.permission.codename in authorities:
                result |= self.descendants(int(row.object_pk))
        return frozenset(result)

    def holds_post_in(self, employee, departments) -> bool:
        return any(a.post.department_id in departments for a in self.current_assignments(employee))

    # Each list's rule, applied to every row of its table.

    def content_items(self, user):
        from apps.content.models import ContentItem

        seen = self.departments(user, "view_department", "review_content")
        return {
            i.pk
            for i in ContentItem.objects.all()
            if i.author_id == user.pk or i.designer_id == user.pk or i.department_id in seen
        }

    def my_content_items(self, user):
        from apps.content.models import ContentItem

        return set(ContentItem.objects.filter(author=user).values_list("pk", flat=True))

    def campaigns(self, user):
        from apps.campaigns.models import Campaign

        seen = self.departments(user, "view_department")
        return {
            c.pk
            for c in Campaign.objects.prefetch_related("team")
            if c.department_id in seen
            or c.owner_id == user.pk
            or user.pk in {m.pk for m in c.team.all()}
        }

    def budget_increases(self, user):
        from apps.campaigns.models import BudgetIncrease

        campaigns = self.campaigns(user)
        return {b.pk for b in BudgetIncrease.objects.all() if b.campaign_id in campaigns}

    def complaints(self, user):
        from apps.complaints.models import Complaint, CoordinationTask

        seen = self.departments(user, "handle_complaint", "supervise", "view_department")
        coordinating = self.departments(user, "coordinate_task")
        via_task = {
            t.complaint_id
            for t in CoordinationTask.objects.all()
            if t.department_id in coordinating
        }
        return {
            c.pk
            for c in Complaint.objects.all()
            if c.owner_id == user.pk or c.department_id in seen or c.pk in via_task
        }

    def complaint_tasks(self, user):
        from apps.complaints.models import CoordinationTask

        seen = self.departments(user, "coordinate_task", "supervise")
        return {
            t.pk
            for t in CoordinationTask.objects.all()
            if t.department_id in seen and t.state == CoordinationTask.State.OPEN
        }

    def appraisal_forms(self, user):
        from apps.kpis.models import AppraisalForm

        seen = self.departments(user, "run_appraisal_cycle", "appraise")
        employee = self.employee(user)
        me = employee.pk if employee else None
        return {
            f.pk
            for f in AppraisalForm.objects.all()
            if f.department_id in seen or (me and me in (f.employee_id, f.supervisor_id))
        }

    def training_plans(self, user):
        from apps.training.models import TrainingPlan

        seen = self.departments(user, "view_department", "manage_training", "approve_training_plan")
        return {p.pk for p in TrainingPlan.objects.all() if p.department_id in seen}

    def training_sessions(self, user):
        from apps.training.models import Enrolment, Session

        seen = self.departments(user, "view_department", "manage_training")
        employee = self.employee(user)
        positions, enrolled = set(), set()
        if employee is not None:
            positions = {a.post.position_id for a in self.current_assignments(employee)}
            enrolled = set(
                Enrolment.objects.filter(employee=employee).values_list("session_id", flat=True)
            )
        result = set()
        for session in Session.objects.prefetch_related(
            "course__audience_people", "course__audience_positions"
        ):
            course = session.course
            aimed = (
                employee is not None
                and course is not None
                and (
                    employee in course.audience_people.all()
                    or bool(positions & {p.pk for p in course.audience_positions.all()})
                )
            )
            if session.department_id in seen or aimed or session.pk in enrolled:
                result.add(session.pk)
        return result

    def training_required(self, user):
        from apps.training.models import TrainingAssignment

        managed = self.departments(user, "manage_training")
        if user.is_superuser:
            return set(TrainingAssignment.objects.values_list("pk", flat=True))
        return {
            t.pk
            for t in TrainingAssignment.objects.select_related("employee__supervisor")
            if t.employee.user_id == user.pk
            or (t.employee.supervisor and t.employee.supervisor.user_id == user.pk)
            or self.holds_post_in(t.employee, managed)
        }

    def departments_list(self, user):
        return set(self.departments(user, "view_department"))

    def visible_employees(self, user):
        if user.is_superuser:
            return set(Employee.objects.values_list("pk", flat=True))
        seen = self.departments(user, "view_department")
        return {
            e.pk
            for e in Employee.objects.select_related("supervisor")
            if e.user_id == user.pk
            or (e.supervisor and e.supervisor.user_id == user.pk)
            or self.holds_post_in(e, seen)
        }

    def employees(self, user):
        active = set(Employee.objects.filter(is_active=True).values_list("pk", flat=True))
        return self.visible_employees(user) & active

    def assignments(self, user):
        people = self.visible_employees(user)
        return {a.pk for a in Assignment.objects.all() if a.employee_id in people}


# --- Reading every row of a list ----------------------------------------------------------


def api_ids(client, url: str) -> set[int]:
    ids, seen_pages = set(), 0
    url = url + ("&" if "?" in url else "?") + "page_size=200"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        body = response.json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        ids |= {row["id"] for row in rows}
        url = body.get("next") if isinstance(body, dict) else None
        seen_pages += 1
        assert seen_pages < 100, "runaway pagination"
    return ids


def page_ids(client, url: str, link: str) -> set[int]:
    """Ids of the rows a list page links to (`link` is a regex with one id group),
    following its pages."""
    ids, page = set(), 1
    while True:
        response = client.get(url, {"page": page})
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        ids |= {int(x) for x in re.findall(link, html)}
        if f"page={page + 1}" not in html:
            return ids
        page += 1
        assert page < 100, "runaway pagination"


API_LISTS = [
    ("/api/v1/content/items/", "content_items"),
    ("/api/v1/campaigns/", "campaigns"),
    ("/api/v1/campaigns/budget-increases/", "budget_increases"),
    ("/api/v1/complaints/", "complaints"),
    ("/api/v1/complaints/tasks/", "complaint_tasks"),
    ("/api/v1/kpis/forms/", "appraisal_forms"),
    ("/api/v1/training/plans/", "training_plans"),
    ("/api/v1/training/sessions/", "training_sessions"),
    ("/api/v1/training/required/", "training_required"),
    ("/api/v1/org/departments/", "departments_list"),
    ("/api/v1/org/employees/", "employees"),
    ("/api/v1/org/assignments/", "assignments"),
]

PAGE_LISTS = [
    ("/campaigns/", r'href="/campaigns/(\d+)/"', "campaigns"),
    ("/complaints/", r'href="/complaints/(\d+)/"', "complaints"),
    ("/training/plans/", r'href="/training/plans/(\d+)/"', "training_plans"),
    ("/org/people/", r'href="/org/people/(\d+)/"', "employees"),
    ("/org/departments/", r'href="/org/departments/(\d+)/"', "departments_list"),
    ("/training/", r'href="/training/sessions/(\d+)/"', "training_sessions"),
    ("/content/", r'href="/content/(\d+)/"', "my_content_items"),
]


def _user(login):
    return get_user_model().objects.get(username=login)


@pytest.mark.parametrize("login", DEMO_LOGINS)
@pytest.mark.parametrize(("url", "rule"), API_LISTS, ids=[u for u, _ in API_LISTS])
def test_api_list_shows_exactly_what_the_reader_may_see(oracle, login, url, rule):
    user = _user(login)
    client = APIClient()
    client.force_authenticate(user)

    shown = api_ids(client, url)
    expected = getattr(oracle, rule)(user)

    assert shown == expected, {
        "login": login,
        "hidden though visible": sorted(expected - shown)[:20],
        "shown though not visible": sorted(shown - expected)[:20],
    }


@pytest.mark.parametrize("login", DEMO_LOGINS)
@pytest.mark.parametrize(("url", "link", "rule"), PAGE_LISTS, ids=[u for u, _, _ in PAGE_LISTS])
def test_list_page_shows_exactly_what_the_reader_may_see(oracle, client, login, url, link, rule):
    user = _user(login)
    client.force_login(user)

    shown = page_ids(client, url, link)
    expected = getattr(oracle, rule)(user)

    assert shown == expected, {
        "login": login,
        "hidden though visible": sorted(expected - shown)[:20],
        "shown though not visible": sorted(shown - expected)[:20],
    }


def test_company_wide_readers_see_more_than_one_department(oracle):
    """The defect this matrix guards: HR and the superuser saw near-empty lists."""
    hr, admin = _user("hr"), _user("admin")
    for rule in ("content_items", "campaigns", "complaints"):
        everything = getattr(oracle, rule)(admin)
        assert everything, rule
        assert getattr(oracle, rule)(hr) == everything, rule
