"""The training factories write plans and courses through plan_create and course_add:
valid drafts that go on to approval, one plan a year per department, and a refusal for
someone who does not plan training there that writes nothing."""

import pytest

from apps.core.errors import PermissionDenied
from apps.core.models import AuditEntry
from apps.org.tests.factories import employee_in
from apps.training import services
from apps.training.models import Course, TrainingPlan
from apps.training.tests.factories import CourseFactory, TrainingPlanFactory

pytestmark = pytest.mark.django_db


def test_a_course_in_a_plan_is_valid_and_the_plan_goes_to_approval(org, people):
    course = CourseFactory(title="直播带货实战")
    plan = course.plan
    for row in (plan, course):
        row.full_clean()
    assert plan.state == TrainingPlan.State.DRAFT and plan.department == org["wechat"]
    assert course.title == "直播带货实战"
    assert course.planned_start.year == plan.year
    services.plan_submit(actor=plan.author, plan=plan)
    services.plan_approve(actor=people["director"].user, plan=plan)
    plan.refresh_from_db()
    assert plan.state == TrainingPlan.State.APPROVED


def test_each_plan_of_a_department_takes_the_next_free_year(org):
    first = TrainingPlanFactory()
    second = TrainingPlanFactory(department=first.department)
    assert second.year == first.year + 1


def test_someone_who_does_not_plan_training_there_is_refused_and_nothing_written(org):
    outsider = employee_in("wechat", "copywriter").user
    before = (TrainingPlan.objects.count(), Course.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied):
        TrainingPlanFactory(actor=outsider, department=org["wechat"])
    after = (TrainingPlan.objects.count(), Course.objects.count(), AuditEntry.objects.count())
    assert after == before
