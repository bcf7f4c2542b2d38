import datetime as dt

import pytest
from django.utils import timezone

from apps.training.models import Enrolment, TrainingPlan
from apps.training.tests.factories import approved_plan, category, move_session, session_of

pytestmark = pytest.mark.django_db
API = "/api/v1/training"


def test_plan_flow_through_the_api(people, api_for, org):
    category("data")
    manager, director = api_for(people["manager"].user), api_for(people["director"].user)
    response = manager.post(
        f"{API}/plans/", {"department": "wechat", "year": 2031, "title": "API 计划"}, format="json"
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    bad = manager.post(
        f"{API}/plans/{pk}/courses/",
        {
            "title": "x",
            "category": "data",
            "method": "internal",
            "budget": "10",
            "planned_start": "2031-02-01",
            "planned_end": "2031-02-02",
            "planned_hours": "2",
            "audience_positions": ["ops_specialist"],
        },
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "trainer_external"
    course = manager.post(
        f"{API}/plans/{pk}/courses/",
        {
            "title": "数据分析",
            "category": "data",
            "method": "online",
            "budget": "1000.00",
            "planned_start": "2031-02-01",
            "planned_end": "2031-02-28",
            "planned_hours": "4",
            "trainer_external": "王老师",
            "audience_positions": ["ops_specialist"],
        },
        format="json",
    )
    assert course.status_code == 201, course.json()
    assert manager.post(f"{API}/plans/{pk}/submit/").status_code == 200
    assert manager.post(f"{API}/plans/{pk}/approve/").status_code == 403
    assert (
        director.post(f"{API}/plans/{pk}/return/", {"comment": ""}, format="json").status_code
        == 400
    )
    approved = director.post(f"{API}/plans/{pk}/approve/", {"comment": "同意"}, format="json")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert director.post(f"{API}/plans/{pk}/approve/").status_code == 409
    assert api_for(people["other_specialist"].user).get(f"{API}/plans/{pk}/").status_code == 403
    assert TrainingPlan.objects.get(pk=pk).state == "approved"


def test_session_enrol_attendance_feedback_result_through_the_api(people, api_for):
    _plan, course = approved_plan(people)
    session = session_of(course, people["manager"].user, capacity=1)
    specialist, other = api_for(people["specialist"].user), api_for(people["specialist2"].user)
    assert specialist.post(f"{API}/sessions/{session.pk}/enrol/").json()["state"] == "enrolled"
    assert other.post(f"{API}/sessions/{session.pk}/enrol/").json()["state"] == "waitlisted"
    assert specialist.post(f"{API}/sessions/{session.pk}/enrol/").status_code == 409
    move_session(session, by=-dt.timedelta(days=4))
    mine = Enrolment.objects.get(session=session, employee=people["specialist"])
    manager = api_for(people["manager"].user)
    assert (
        specialist.post(
            f"{API}/sessions/{session.pk}/attendance/", {"attended": [mine.pk]}, format="json"
        ).status_code
        == 403
    )
    assert (
        manager.post(
            f"{API}/sessions/{session.pk}/attendance/", {"attended": [mine.pk]}, format="json"
        ).status_code
        == 200
    )
    assert (
        other.post(
            f"{API}/sessions/{session.pk}/feedback/", {"rating": 5}, format="json"
        ).status_code
        == 403
    )
    assert (
        specialist.post(
            f"{API}/sessions/{session.pk}/feedback/", {"rating": 7}, format="json"
        ).status_code
        == 400
    )
    assert (
        specialist.post(
            f"{API}/sessions/{session.pk}/feedback/", {"rating": 5}, format="json"
        ).status_code
        == 201
    )
    result = manager.post(
        f"{API}/enrolments/{mine.pk}/result/", {"outcome": "passed", "score": "90"}, format="json"
    )
    assert result.status_code == 200 and result.json()["outcome"] == "passed"
    listed = specialist.get(f"{API}/enrolments/").json()
    assert listed["count"] == 1 and listed["results"][0]["feedback"]["rating"] == 5


def test_development_plan_through_the_api(people, api_for):
    url = f"{API}/development/{people['specialist'].pk}/"
    body = {"current_role": "专员", "path": "专员 → 高级专员 → 经理", "target_role": "经理"}
    assert api_for(people["specialist"].user).put(url, body, format="json").status_code == 403
    saved = api_for(people["manager"].user).put(url, body, format="json")
    assert saved.status_code == 200 and saved.json()["path_steps"] == ["专员", "高级专员", "经理"]
    goal = api_for(people["manager"].user).post(
        f"{url}goals/",
        {"title": "目标", "starts_on": str(timezone.localdate()), "due_on": "2020-01-01"},
        format="json",
    )
    assert goal.status_code == 400 and goal.json()["field"] == "due_on"
    assert api_for(people["specialist"].user).get(url).status_code == 200
    assert api_for(people["specialist2"].user).get(url).status_code == 403


@pytest.mark.parametrize("endpoint", ["plans", "sessions", "enrolments", "required"])
def test_api_lists_use_a_constant_number_of_queries(
    people, api_for, endpoint, django_assert_max_num_queries
):
    _plan, course = approved_plan(people)
    client = api_for(people["specialist"].user)

    def grow(n):
        for _ in range(n):
            session = session_of(course, people["manager"].user)
            client.post(f"{API}/sessions/{session.pk}/enrol/")

    grow(2)
    with django_assert_max_num_queries(12):
        assert client.get(f"{API}/{endpoint}/").status_code == 200
    grow(15)
    with django_assert_max_num_queries(12):
        assert client.get(f"{API}/{endpoint}/").status_code == 200
