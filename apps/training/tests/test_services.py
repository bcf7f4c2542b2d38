import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.models import AuditEntry, Notification
from apps.training import services
from apps.training.models import (
    AssessmentResult,
    DevelopmentFlag,
    Enrolment,
    Session,
    SupervisorTask,
    TrainingAssignment,
    TrainingPlan,
)
from apps.training.tests.factories import approved_plan, course_data, move_session, session_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages below are matched in English (the default UI language is zh-hans)."""
    from django.utils import translation

    with translation.override("en"):
        yield


YEAR = timezone.localdate().year
PATH = "运营专员 → 高级运营专员 → 运营经理"


# --- Plans ---------------------------------------------------------------------------------


def test_manager_drafts_and_director_approves(people, org):
    manager, director = people["manager"].user, people["director"].user
    plan = services.plan_create(actor=manager, department=org["wechat"], year=YEAR, title="计划")
    services.course_add(actor=manager, plan=plan, data=course_data())
    services.plan_submit(actor=manager, plan=plan)
    assert Notification.objects.filter(recipient=director, url__contains=str(plan.pk)).exists()

    services.plan_approve(actor=director, plan=plan, comment="同意")

    plan.refresh_from_db()
    assert plan.state == TrainingPlan.State.APPROVED and plan.decided_by == director
    actions = list(
        AuditEntry.objects.filter(object_id=str(plan.pk), object_type="training.trainingplan")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "training_plan.create",
        "training_plan.course_add",
        "training_plan.submit",
        "training_plan.approve",
    ]


def test_a_plan_approved_by_its_author_is_refused(people, org, make_employee):
    # A director who drafts a plan for the company node holds both authorities there.
    director = people["director"].user
    plan = services.plan_create(actor=director, department=org["wechat"], year=YEAR, title="计划")
    services.course_add(actor=director, plan=plan, data=course_data())
    services.plan_submit(actor=director, plan=plan)

    with pytest.raises(PermissionDenied, match="own plan"):
        services.plan_approve(actor=director, plan=plan)

    plan.refresh_from_db()
    assert plan.state == TrainingPlan.State.SUBMITTED


def test_approval_needs_the_authority_and_a_submitted_plan(people, org):
    manager, director = people["manager"].user, people["director"].user
    plan = services.plan_create(actor=manager, department=org["wechat"], year=YEAR, title="计划")
    services.course_add(actor=manager, plan=plan, data=course_data())
    with pytest.raises(ConflictError):
        services.plan_approve(actor=director, plan=plan)
    services.plan_submit(actor=manager, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=people["other_manager"].user, plan=plan)
    services.plan_approve(actor=director, plan=plan)
    with pytest.raises(ConflictError):
        services.plan_approve(actor=director, plan=plan)


def test_return_needs_a_comment_and_reopens_the_plan(people, org):
    manager, director = people["manager"].user, people["director"].user
    plan = services.plan_create(actor=manager, department=org["wechat"], year=YEAR, title="计划")
    services.course_add(actor=manager, plan=plan, data=course_data())
    services.plan_submit(actor=manager, plan=plan)
    with pytest.raises(ApplicationError) as error:
        services.plan_return(actor=director, plan=plan, comment="  ")
    assert error.value.field == "comment"
    services.plan_return(actor=director, plan=plan, comment="预算过高")
    plan.refresh_from_db()
    assert plan.state == TrainingPlan.State.RETURNED
    services.plan_update(actor=manager, plan=plan, title="计划（修订）")


def test_plan_rules(people, org):
    manager = people["manager"].user
    with pytest.raises(PermissionDenied):
        services.plan_create(
            actor=people["specialist"].user, department=org["wechat"], year=YEAR, title="x"
        )
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=manager, department=org["community-ops"], year=YEAR, title="x")
    plan = services.plan_create(actor=manager, department=org["wechat"], year=YEAR, title="计划")
    with pytest.raises(ConflictError):
        services.plan_create(actor=manager, department=org["wechat"], year=YEAR, title="again")
    with pytest.raises(ApplicationError, match="at least one course"):
        services.plan_submit(actor=manager, plan=plan)
    with pytest.raises(ApplicationError) as error:
        services.course_add(
            actor=manager,
            plan=plan,
            data=course_data(trainer_employee=people["manager"], trainer_external="x"),
        )
    assert error.value.field == "trainer_external"
    with pytest.raises(ApplicationError) as error:
        services.course_add(actor=manager, plan=plan, data=course_data(budget="-1"))
    assert error.value.field == "budget"
    with pytest.raises(ApplicationError) as error:
        services.course_add(
            actor=manager, plan=plan, data=course_data(audience_positions=[], audience_people=[])
        )
    assert error.value.field == "audience_positions"
    assert plan.courses.count() == 0


# --- Enrolment, waiting list, attendance ------------------------------------------------------


def test_enrolment_over_capacity_goes_to_the_waiting_list_and_is_promoted(people):
    _plan, course = approved_plan(people)
    session = session_of(course, people["manager"].user, capacity=1)
    first = services.enrolment_create(
        actor=people["specialist"].user, session=session, employee=people["specialist"]
    )
    second = services.enrolment_create(
        actor=people["specialist2"].user, session=session, employee=people["specialist2"]
    )
    assert first.state == Enrolment.State.ENROLLED
    assert second.state == Enrolment.State.WAITLISTED

    services.enrolment_cancel(actor=people["specialist"].user, enrolment=first)

    second.refresh_from_db()
    assert second.state == Enrolment.State.ENROLLED
    assert Notification.objects.filter(recipient=people["specialist2"].user).exists()
    assert Enrolment.objects.filter(session=session, state="enrolled").count() == 1


def test_enrolling_twice_is_a_conflict_and_a_manager_assigns_their_team(people):
    _plan, course = approved_plan(people)
    session = session_of(course, people["manager"].user)
    services.enrolment_create(
        actor=people["manager"].user, session=session, employee=people["copywriter"]
    )
    with pytest.raises(ConflictError):
        services.enrolment_create(
            actor=people["copywriter"].user, session=session, employee=people["copywriter"]
        )
    with pytest.raises(PermissionDenied):
        services.enrolment_create(
            actor=people["specialist"].user, session=session, employee=people["designer"]
        )
    with pytest.raises(PermissionDenied):
        services.enrolment_create(
            actor=people["other_manager"].user, session=session, employee=people["designer"]
        )


def test_attendance_and_a_result_completing_required_training(people):
    _plan, course = approved_plan(people)
    manager = people["manager"].user
    assignment = services.assignment_create(
        actor=manager,
        employee=people["specialist"],
        title="数据分析补课",
        due_on=timezone.localdate() + dt.timedelta(days=20),
    )
    session = session_of(course, manager)
    enrolment = services.enrolment_create(
        actor=people["specialist"].user, session=session, employee=people["specialist"]
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(assignment=assignment)
    absent = services.enrolment_create(
        actor=people["specialist2"].user, session=session, employee=people["specialist2"]
    )
    with pytest.raises(ApplicationError, match="started"):
        services.attendance_record(actor=manager, session=session, attended_ids=[enrolment.pk])
    move_session(session, by=-dt.timedelta(days=4))

    services.attendance_record(actor=manager, session=session, attended_ids=[enrolment.pk])
    enrolment.refresh_from_db()
    absent.refresh_from_db()
    assert (enrolment.attended, absent.attended) == (True, False)
    assert Session.objects.get(pk=session.pk).state == Session.State.HELD

    with pytest.raises(ApplicationError):
        services.result_record(actor=manager, enrolment=absent, outcome="passed")
    result = services.result_record(
        actor=manager, enrolment=enrolment, outcome="passed", score="88.5", certificate_no="C-1"
    )
    assert result.hours == Decimal("3.0")
    assignment.refresh_from_db()
    assert assignment.state == TrainingAssignment.State.DONE
    assert AssessmentResult.objects.count() == 1


def test_feedback_from_a_non_attendee_is_refused(people):
    _plan, course = approved_plan(people)
    manager = people["manager"].user
    session = session_of(course, manager)
    came = services.enrolment_create(
        actor=people["specialist"].user, session=session, employee=people["specialist"]
    )
    stayed_away = services.enrolment_create(
        actor=people["specialist2"].user, session=session, employee=people["specialist2"]
    )
    move_session(session, by=-dt.timedelta(days=4))
    services.attendance_record(actor=manager, session=session, attended_ids=[came.pk])

    with pytest.raises(PermissionDenied, match="attended"):
        services.feedback_submit(actor=people["specialist2"].user, enrolment=stayed_away, rating=5)
    with pytest.raises(PermissionDenied):
        services.feedback_submit(actor=people["specialist2"].user, enrolment=came, rating=5)
    with pytest.raises(ApplicationError) as error:
        services.feedback_submit(actor=people["specialist"].user, enrolment=came, rating=6)
    assert error.value.field == "rating"

    services.feedback_submit(actor=people["specialist"].user, enrolment=came, rating=4)
    with pytest.raises(ConflictError):
        services.feedback_submit(actor=people["specialist"].user, enrolment=came, rating=5)


def test_sessions_only_for_approved_plans_and_sharing_sessions(people, org):
    manager = people["manager"].user
    plan = services.plan_create(actor=manager, department=org["wechat"], year=YEAR, title="计划")
    course = services.course_add(actor=manager, plan=plan, data=course_data())
    with pytest.raises(ApplicationError, match="approved"):
        session_of(course, manager)
    starts = timezone.now() + dt.timedelta(days=2)
    sharing = services.session_schedule(
        actor=manager,
        department=org["wechat"],
        data=services.SessionData(
            title="爆款文章复盘分享",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
            hours=Decimal("1.0"),
            trainer_employee=people["copywriter"],
        ),
    )
    assert sharing.kind == Session.Kind.SHARING
    with pytest.raises(PermissionDenied):
        services.session_schedule(
            actor=people["specialist"].user,
            department=org["wechat"],
            data=services.SessionData(
                title="x",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=1),
                hours=1,
                trainer_external="x",
            ),
        )


def test_learning_records_count_as_training(people):
    from apps.training.selectors import training_hours_of

    record = services.learning_record_add(
        actor=people["specialist"].user,
        employee=people["specialist"],
        title="Coursera 数据分析",
        completed_on=timezone.localdate(),
        hours="12.5",
        cost="199.00",
    )
    assert record.department.code == "wechat"
    assert training_hours_of(people["specialist"], timezone.localdate().year) == Decimal("12.5")
    with pytest.raises(PermissionDenied):
        services.learning_record_add(
            actor=people["specialist2"].user,
            employee=people["specialist"],
            title="x",
            completed_on=timezone.localdate(),
            hours=1,
        )


# --- Reminders and feedback requests -----------------------------------------------------------


def test_reminders_the_day_before_are_sent_once_per_enrolment(people):
    _plan, course = approved_plan(people)
    session = session_of(course, people["manager"].user, starts_in=dt.timedelta(days=1))
    services.enrolment_create(
        actor=people["specialist"].user, session=session, employee=people["specialist"]
    )
    now = timezone.now()
    assert services.session_reminders_send(now=now) == 1
    assert services.session_reminders_send(now=now) == 0
    reminders = Notification.objects.filter(
        recipient=people["specialist"].user, url__endswith=f"/sessions/{session.pk}/"
    )
    assert reminders.count() == 1


def test_feedback_is_requested_once_after_the_session(people):
    _plan, course = approved_plan(people)
    manager = people["manager"].user
    session = session_of(course, manager)
    enrolment = services.enrolment_create(
        actor=people["specialist"].user, session=session, employee=people["specialist"]
    )
    move_session(session, by=-dt.timedelta(days=4))
    services.attendance_record(actor=manager, session=session, attended_ids=[enrolment.pk])
    assert services.feedback_requests_send() == 1
    assert services.feedback_requests_send() == 0


# --- From appraisal results ------------------------------------------------------------------


def _signal(people, kind="below_standard", source_id="42"):
    return services.ResultSignal(
        kind=kind,
        employee_id=people["specialist"].pk,
        source_type="kpis.result",
        source_id=source_id,
        label="2025 年度考核：待改进",
    )


def test_a_training_assignment_created_twice_is_created_once(people):
    first = services.training_from_appraisal_results([_signal(people)])
    second = services.training_from_appraisal_results([_signal(people), _signal(people)])

    assert first == {"assignments": 1, "flags": 0, "skipped": 0}
    assert second == {"assignments": 0, "flags": 0, "skipped": 2}
    assignment = TrainingAssignment.objects.get()
    assert assignment.reason == TrainingAssignment.Reason.BELOW_STANDARD
    assert assignment.due_on > timezone.localdate()
    task = SupervisorTask.objects.get()
    assert task.supervisor == people["manager"] and task.assignment == assignment
    assert Notification.objects.filter(recipient=people["manager"].user).count() == 1


def test_the_unique_constraint_holds_without_the_service(people):
    from django.db import IntegrityError, transaction

    services.training_from_appraisal_results([_signal(people)])
    original = TrainingAssignment.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingAssignment.objects.create(
            employee=original.employee,
            department=original.department,
            reason=original.reason,
            title="dup",
            due_on=original.due_on,
            source_type=original.source_type,
            source_id=original.source_id,
        )


def test_excellent_results_flag_for_development(people):
    counts = services.training_from_appraisal_results([_signal(people, "excellent", "7")])
    assert counts["flags"] == 1
    flag = DevelopmentFlag.objects.get()
    task = SupervisorTask.objects.get(flag=flag)
    assert task.kind == SupervisorTask.Kind.DISCUSS_DEVELOPMENT
    plan = services.development_plan_save(
        actor=people["manager"].user,
        employee=people["specialist"],
        data=services.DevelopmentData(
            current_role="运营专员",
            path="运营专员 → 高级运营专员 → 运营经理",
            target_role="运营经理",
        ),
    )
    services.conversation_record(
        actor=people["manager"].user,
        plan=plan,
        held_on=timezone.localdate(),
        notes="讨论晋升路径",
    )
    flag.refresh_from_db()
    task.refresh_from_db()
    assert flag.state == DevelopmentFlag.State.ACTED and task.state == SupervisorTask.State.DONE


# --- Development plans --------------------------------------------------------------------------


def test_development_plan_rules(people):
    data = services.DevelopmentData(current_role="运营专员", path=PATH, target_role="运营经理")
    with pytest.raises(PermissionDenied):
        services.development_plan_save(
            actor=people["specialist"].user, employee=people["specialist"], data=data
        )
    plan = services.development_plan_save(
        actor=people["manager"].user, employee=people["specialist"], data=data
    )
    assert plan.path_steps == ["运营专员", "高级运营专员", "运营经理"]
    today = timezone.localdate()
    goal = services.goal_add(
        actor=people["manager"].user,
        plan=plan,
        title="独立负责一场大型活动",
        starts_on=today,
        due_on=today + dt.timedelta(days=90),
    )
    with pytest.raises(ApplicationError):
        services.goal_add(
            actor=people["manager"].user,
            plan=plan,
            title="x",
            starts_on=today,
            due_on=today - dt.timedelta(days=1),
        )
    services.goal_set_state(actor=people["manager"].user, goal=goal, state="achieved")
    with pytest.raises(ConflictError):
        services.goal_set_state(actor=people["manager"].user, goal=goal, state="achieved")
    # HR keeps plans too, but only the supervisor records career conversations.
    services.development_plan_save(
        actor=people["hr"].user, employee=people["specialist"], data=data
    )
    with pytest.raises(PermissionDenied):
        services.conversation_record(actor=people["hr"].user, plan=plan, held_on=today, notes="x")
    with pytest.raises(ApplicationError) as error:
        services.conversation_record(
            actor=people["manager"].user, plan=plan, held_on=today + dt.timedelta(days=1), notes="x"
        )
    assert error.value.field == "held_on"
