"""Builders for training tests: they go through the services, as people would."""

import datetime as dt
from decimal import Decimal

import factory
from django.db.models import Max
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.org.tests.factories import employee_in
from apps.training import services
from apps.training.models import Category, Course, Session, TrainingPlan


def category(code):
    """A preset category (a transactional test flushes the migration's rows)."""
    from apps.training.presets import install

    install(Category)
    return Category.objects.get(code=code)


def course_data(**overrides):
    year = overrides.pop("year", timezone.localdate().year)
    data = {
        "title": "公众号数据分析",
        "category": category("data"),
        "method": "internal",
        "technique": "case_study",
        "budget": Decimal("3000.00"),
        "planned_start": dt.date(year, 3, 1),
        "planned_end": dt.date(year, 3, 31),
        "planned_hours": Decimal("6.0"),
        "planned_sessions": 2,
        "trainer_external": "外部讲师 王老师",
    }
    data.update(overrides)
    if "audience_positions" not in data and "audience_people" not in data:
        from apps.org.models import Position

        data["audience_positions"] = [Position.objects.get(code="ops_specialist")]
    return services.CourseData(**data)


def approved_plan(people, *, department=None, year=None, **course_overrides):
    manager, director = people["manager"].user, people["director"].user
    year = year or timezone.localdate().year
    department = department or manager.employee.assignments.first().post.department
    plan = services.plan_create(actor=manager, department=department, year=year, title="培训计划")
    course = services.course_add(
        actor=manager, plan=plan, data=course_data(year=year, **course_overrides)
    )
    services.plan_submit(actor=manager, plan=plan)
    services.plan_approve(actor=director, plan=plan)
    plan.refresh_from_db()
    return plan, course


def session_of(course, actor, *, starts_in=dt.timedelta(days=3), capacity=10, hours="3.0"):
    starts = timezone.now() + starts_in
    return services.session_schedule(
        actor=actor,
        course=course,
        data=services.SessionData(
            title=course.title,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            hours=Decimal(hours),
            capacity=capacity,
            location="会议室 A",
            trainer_external="外部讲师 王老师",
        ),
    )


def move_session(session, *, by):
    """Time passes: shift the session (tests of what happens after it)."""
    Session.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + by, ends_at=session.ends_at + by
    )
    session.refresh_from_db()
    return session


__all__ = ["TrainingPlan", "approved_plan", "course_data", "move_session", "session_of"]


def released_month(year, month, grades=None, *, default="B"):
    """A monthly appraisal cycle populated by the kpis job, every form released and
    locked with grade `default` except the employees in `grades` ({employee: grade})."""
    from apps.kpis import jobs
    from apps.kpis.models import AppraisalCycle, AppraisalForm

    start = dt.date(year, month, 1)
    cycle = AppraisalCycle.objects.create(
        kind="monthly",
        period_start=start,
        period_end=(start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1),
        state="closed",
    )
    jobs.populate_cycle(cycle.pk)
    forms = AppraisalForm.objects.filter(cycle=cycle)
    forms.update(state="locked", total_score=Decimal("75"), grade=default)
    for employee, grade in (grades or {}).items():
        forms.filter(employee=employee).update(
            grade=grade, total_score=Decimal("45") if grade == "D" else Decimal("85")
        )
    return cycle


# --- factory_boy ----------------------------------------------------------------------


def _next_free_year(plan) -> int:
    """This year, or the year after the department's latest plan (one plan a year)."""
    latest = TrainingPlan.objects.filter(department=plan.department).aggregate(y=Max("year"))["y"]
    return max(timezone.localdate().year, (latest or 0) + 1)


class TrainingPlanFactory(DjangoModelFactory):
    """A draft plan started through `plan_create`, by a new WeChat ops manager unless
    `actor` is given (needs the `org` fixture), for the department's next free year."""

    class Meta:
        model = TrainingPlan

    actor = factory.LazyFunction(lambda: employee_in("wechat", "ops_manager").user)
    department = factory.LazyAttribute(
        lambda plan: plan.actor.employee.assignments.first().post.department
    )
    year = factory.LazyAttribute(_next_free_year)
    title = "培训计划"

    @classmethod
    def _create(cls, model_class, *args, actor, **fields):
        return services.plan_create(actor=actor, **fields)


class CourseFactory(DjangoModelFactory):
    """A course added to a draft plan through `course_add`, by the plan's author; any
    other keyword overrides `course_data`, e.g. CourseFactory(title="直播带货")."""

    class Meta:
        model = Course

    plan = factory.SubFactory(TrainingPlanFactory)
    actor = factory.LazyAttribute(lambda course: course.plan.author)

    @classmethod
    def _create(cls, model_class, *args, plan, actor, **overrides):
        data = course_data(year=plan.year, **overrides)
        return services.course_add(actor=actor, plan=plan, data=data)
