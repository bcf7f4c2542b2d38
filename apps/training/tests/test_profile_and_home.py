import datetime as dt

import pytest
from django.utils import timezone

from apps.training import services
from apps.training.tests.factories import approved_plan, session_of

pytestmark = pytest.mark.django_db


def _development(people):
    plan = services.development_plan_save(
        actor=people["manager"].user,
        employee=people["specialist"],
        data=services.DevelopmentData(
            current_role="运营专员",
            path="运营专员 → 高级运营专员 → 运营经理",
            target_role="运营经理",
        ),
    )
    services.goal_add(
        actor=people["manager"].user,
        plan=plan,
        title="独立策划季度活动",
        starts_on=timezone.localdate(),
        due_on=timezone.localdate() + dt.timedelta(days=60),
    )
    return plan


def test_employee_page_shows_appraisals_trainings_and_development_side_by_side(people, client_for):
    _development(people)
    url = f"/org/people/{people['specialist'].pk}/"
    page = client_for(people["manager"].user).get(url).content.decode()
    for testid in ("profile-appraisals", "profile-training", "profile-development"):
        assert f'data-testid="{testid}"' in page
    assert "独立策划季度活动" in page
    own = client_for(people["specialist"].user).get(url).content.decode()
    assert 'data-testid="profile-development"' in own
    # A colleague sees the person's page (same department) but not their development.
    colleague = client_for(people["specialist2"].user).get(url)
    assert colleague.status_code == 200
    assert 'data-testid="profile-development"' not in colleague.content.decode()
    assert 'data-testid="profile-training"' not in colleague.content.decode()


def test_home_shows_my_trainings_and_the_directors_plans_to_approve(people, client_for, org):
    _plan, course = approved_plan(people)
    session = session_of(course, people["manager"].user)
    services.enrolment_create(
        actor=people["specialist"].user, session=session, employee=people["specialist"]
    )
    home = client_for(people["specialist"].user).get("/").content.decode()
    assert 'data-testid="panel-training-mine"' in home and course.title in home

    from apps.training.tests.factories import course_data

    manager = people["manager"].user
    plan = services.plan_create(actor=manager, department=org["wechat"], year=2032, title="下一年")
    services.course_add(actor=manager, plan=plan, data=course_data(year=2032))
    services.plan_submit(actor=manager, plan=plan)
    director_home = client_for(people["director"].user).get("/").content.decode()
    assert 'data-testid="training-plans-awaiting"' in director_home
    hr_home = client_for(people["hr"].user).get("/").content.decode()
    assert 'data-testid="panel-training-completion"' in hr_home
