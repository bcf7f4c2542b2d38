import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.training import services
from apps.training.models import Enrolment, TrainingPlan
from apps.training.tests.factories import approved_plan, move_session, session_of

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def _grow(people, course, n):
    manager = people["manager"].user
    for _ in range(n):
        session = session_of(course, manager)
        for login in ("specialist", "specialist2", "copywriter"):
            services.enrolment_create(
                actor=people[login].user, session=session, employee=people[login]
            )


@pytest.mark.parametrize(
    "url",
    ["/training/", "/training/calendar/", "/training/plans/", "/training/mine/", "/training/team/"],
)
def test_lists_use_a_constant_number_of_queries(people, client_for, url):
    _plan, course = approved_plan(people)
    client = client_for(people["specialist"].user)
    manager_client = client_for(people["manager"].user)
    _grow(people, course, 2)
    small = (_queries(client, url), _queries(manager_client, url))
    _grow(people, course, 12)
    large = (_queries(client, url), _queries(manager_client, url))
    assert large == small


def test_session_page_queries_do_not_grow_with_the_roster(people, client_for, make_employee):
    _plan, course = approved_plan(people)
    session = session_of(course, people["manager"].user, capacity=50)
    client = client_for(people["manager"].user)
    services.enrolment_create(
        actor=people["manager"].user, session=session, employee=people["specialist"]
    )
    url = f"/training/sessions/{session.pk}/"
    small = _queries(client, url)
    for i in range(15):
        employee = make_employee(f"extra{i}", "wechat", "ops_specialist", people["manager"])
        services.enrolment_create(actor=people["manager"].user, session=session, employee=employee)
    assert _queries(client, url) == small


def test_plan_pages_are_refused_to_people_outside_the_department(people, client_for):
    plan, _course = approved_plan(people)
    outsider = client_for(people["other_specialist"].user)
    assert outsider.get(f"/training/plans/{plan.pk}/").status_code == 403
    assert client_for(people["specialist"].user).get("/training/plans/new/").status_code == 403
    response = client_for(people["manager"].user).post(f"/training/plans/{plan.pk}/decide/approve/")
    assert response.status_code == 302  # a conflict, shown as a message
    assert TrainingPlan.objects.get(pk=plan.pk).decided_by == people["director"].user


def test_a_plan_form_with_bad_input_says_so_next_to_the_field(people, client_for, org):
    client = client_for(people["manager"].user)
    response = client.post(
        "/training/plans/new/", {"department": org["wechat"].pk, "year": "20x", "title": ""}
    )
    assert response.status_code == 400
    assert b"field-error-year" in response.content and b"field-error-title" in response.content
    assert TrainingPlan.objects.count() == 0


def test_the_author_cannot_approve_through_the_page(people, client_for, org):
    director = people["director"].user
    plan = services.plan_create(actor=director, department=org["wechat"], year=2031, title="x")
    from apps.training.tests.factories import course_data

    services.course_add(actor=director, plan=plan, data=course_data(year=2031))
    services.plan_submit(actor=director, plan=plan)
    response = client_for(director).post(f"/training/plans/{plan.pk}/decide/approve/")
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.state == TrainingPlan.State.SUBMITTED


def test_feedback_page_refuses_a_non_attendee(people, client_for):
    _plan, course = approved_plan(people)
    session = session_of(course, people["manager"].user)
    came = services.enrolment_create(
        actor=people["specialist"].user, session=session, employee=people["specialist"]
    )
    services.enrolment_create(
        actor=people["specialist2"].user, session=session, employee=people["specialist2"]
    )
    move_session(session, by=-dt.timedelta(days=4))
    services.attendance_record(
        actor=people["manager"].user, session=session, attended_ids=[came.pk]
    )
    url = f"/training/sessions/{session.pk}/feedback/"
    assert client_for(people["specialist2"].user).post(url, {"rating": 5}).status_code == 403
    assert client_for(people["designer"].user).post(url, {"rating": 5}).status_code == 403
    bad = client_for(people["specialist"].user).post(url, {"rating": 9})
    assert bad.status_code == 400 and b"field-error-rating" in bad.content
    ok = client_for(people["specialist"].user).post(url, {"rating": 5, "comments": "好"})
    assert ok.status_code == 302


def test_enrolling_through_the_page_fills_then_queues(people, client_for):
    _plan, course = approved_plan(people)
    session = session_of(course, people["manager"].user, capacity=1)
    for login in ("specialist", "specialist2"):
        response = client_for(people[login].user).post(f"/training/sessions/{session.pk}/enrol/")
        assert response.status_code == 302
    states = dict(
        Enrolment.objects.filter(session=session).values_list("employee__user__username", "state")
    )
    assert states == {"specialist": "enrolled", "specialist2": "waitlisted"}


def test_development_page_is_private(people, client_for):
    services.development_plan_save(
        actor=people["manager"].user,
        employee=people["specialist"],
        data=services.DevelopmentData(current_role="专员", path="专员 → 经理", target_role="经理"),
    )
    url = f"/training/people/{people['specialist'].pk}/"
    assert client_for(people["specialist"].user).get(url).status_code == 200
    assert client_for(people["manager"].user).get(url).status_code == 200
    assert client_for(people["specialist2"].user).get(url).status_code == 403
    assert client_for(people["other_manager"].user).get(url).status_code == 403
    response = client_for(people["manager"].user).post(
        f"/training/people/{people['specialist'].pk}/conversations/new/",
        {"held_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(), "notes": "x"},
    )
    assert response.status_code == 400 and b"field-error-held_on" in response.content


def test_company_wide_hr_sees_every_department_plan_and_session(people, client_for):
    """A company-wide grant is an empty filter: OR'd with others it must still mean
    "everywhere" (HR manages training company-wide)."""
    plan, course = approved_plan(people)
    session = session_of(course, people["manager"].user)
    hr = client_for(people["hr"].user)
    assert plan.title.encode() in hr.get("/training/plans/").content
    assert f"/training/sessions/{session.pk}/".encode() in hr.get("/training/").content
    from apps.training.selectors import completion_by_department

    move_session(session, by=-dt.timedelta(days=4))
    services.attendance_record(actor=people["manager"].user, session=session, attended_ids=[])
    rows = completion_by_department(people["hr"].user, year=session.starts_at.year)
    assert any(r["department"].code == "wechat" for r in rows)
