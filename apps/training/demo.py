"""Demo training: this year's plans of the operations departments (approved, one waiting
for the director, one draft), past sessions with attendance, results and feedback,
upcoming ones with enrolments (one full, with a waiting list), a sharing session,
online learning, and development plans for a few people — plus required training from
below-standard appraisal results when the kpis demo has built any. Goes through the
real services, acting as the demo people. Idempotent: a department whose plan for the
year exists is left alone."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.org.models import Department, Employee, Position
from apps.training import permissions as policy
from apps.training import services
from apps.training.models import Category, Enrolment, Session, TrainingPlan

D = Decimal

# department code, drafter, approver (None: leave submitted; "draft": leave as a draft)
PLANS = [
    ("wechat", "manager", "director"),
    ("miniprogram-ops", "mp.manager", "director"),
    ("general-ops", "ops.manager", "director"),
    ("community-ops", "community.manager", None),
    ("app-ops", "app.manager", "draft"),
]

# title, category, method, technique, trainer (login or external), positions, budget,
# start month, hours per session, sessions
COURSES = [
    (
        "公众号数据分析实战",
        "data",
        "internal",
        "case_study",
        "外部讲师 陈老师",
        ["ops_specialist", "data_analyst"],
        "6000",
        3,
        "3.0",
        2,
    ),
    (
        "爆款标题与文案写作",
        "copywriting",
        "internal",
        "group_discussion",
        "copywriter",
        ["copywriter", "ops_specialist"],
        "1500",
        4,
        "2.0",
        2,
    ),
    (
        "视觉设计规范与海报制作",
        "design",
        "hands_on",
        "simulation",
        "designer",
        ["designer"],
        "2000",
        5,
        "3.0",
        1,
    ),
    (
        "平台规则与内容合规",
        "operations",
        "online",
        "lecture",
        "外部专家 刘律师",
        ["ops_specialist", "copywriter", "designer", "customer_service"],
        "3000",
        6,
        "1.5",
        1,
    ),
    (
        "行业趋势：短视频与私域运营",
        "industry",
        "external",
        "lecture",
        "行业协会 讲师团",
        ["ops_manager", "ops_specialist"],
        "8000",
        9,
        "6.0",
        1,
    ),
    (
        "跨部门沟通与协作",
        "communication",
        "internal",
        "simulation",
        "manager",
        ["ops_specialist", "customer_service"],
        "1000",
        10,
        "2.0",
        1,
    ),
]


def _user(login):
    return get_user_model().objects.get(username=login)


def _employee(login):
    return Employee.objects.select_related("user", "supervisor").get(user__username=login)


def _trainer(value):
    if value.isascii() and Employee.objects.filter(user__username=value).exists():
        return {"trainer_employee": _employee(value), "trainer_external": ""}
    return {"trainer_employee": None, "trainer_external": value}


def _plan(code, drafter, approver, year):
    department = Department.objects.get(code=code)
    if TrainingPlan.objects.filter(department=department, year=year).exists():
        return None
    actor = _user(drafter)
    plan = services.plan_create(
        actor=actor,
        department=department,
        year=year,
        title=f"{department.name} {year} 年度培训计划",
        goals="提升数据分析、内容合规与协作能力；每位员工全年培训不少于 24 学时。",
    )
    courses = []
    for title, category, method, technique, trainer, positions, budget, month, hours, n in COURSES:
        courses.append(
            services.course_add(
                actor=actor,
                plan=plan,
                data=services.CourseData(
                    title=title,
                    category=Category.objects.get(code=category),
                    method=method,
                    technique=technique,
                    budget=D(budget),
                    planned_start=dt.date(year, month, 1),
                    planned_end=dt.date(year, month, 28),
                    planned_hours=D(hours) * n,
                    planned_sessions=n,
                    audience_positions=list(Position.objects.filter(code__in=positions)),
                    **_trainer(trainer),
                ),
            )
        )
    if approver == "draft":
        return plan, courses
    services.plan_submit(actor=actor, plan=plan)
    if approver:
        services.plan_approve(actor=_user(approver), plan=plan, comment="同意，按季度跟进执行。")
    plan.refresh_from_db()
    return plan, courses


def _session(course, manager, *, days, hour=14, capacity=12, cost="0"):
    """Schedule a session; one in the past is scheduled ahead and then moved back (time
    passes), so enrolment happens while it is open."""
    base = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
    starts = base + dt.timedelta(days=max(days, 1))
    hours = course.planned_hours / course.planned_sessions
    session = services.session_schedule(
        actor=manager,
        course=course,
        data=services.SessionData(
            title=course.title,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=float(hours)),
            hours=hours,
            capacity=capacity,
            location="总部 3 楼培训室",
            cost=D(cost),
            trainer_employee=course.trainer_employee,
            trainer_external=course.trainer_external,
        ),
    )
    return session


def _move(session, days):
    """Time passes: the session now starts `days` from today, at the same hour."""
    offset = (timezone.localdate(session.starts_at) - timezone.localdate()).days
    shift = dt.timedelta(days=days - offset)
    Session.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + shift, ends_at=session.ends_at + shift
    )
    session.refresh_from_db()


def _enroller(person, session, manager):
    """People enrol themselves in sessions open to them; the manager assigns the rest."""
    return person.user if policy.can_view_session(person.user, session) else manager


def _people_of(code):
    return list(
        Employee.objects.filter(
            is_active=True,
            assignments__post__department__path__startswith=Department.objects.get(code=code).path,
            assignments__end_date__isnull=True,
            assignments__post__position__is_managerial=False,
        )
        .select_related("user", "supervisor")
        .distinct()
        .order_by("employee_no")
    )


def _run_department(code, manager_login, courses, stdout):
    manager = _user(manager_login)
    people = _people_of(code)
    if not people:
        return
    comments = ["案例很实用", "希望增加练习时间", "讲师节奏很好", "内容偏基础", "收获很大"]
    # Past sessions: held, with attendance, results and feedback.
    for index, (course, days_ago) in enumerate(
        ((courses[0], 75), (courses[1], 40), (courses[3], 12))
    ):
        session = _session(course, manager, days=3, cost=str(course.budget / 2))
        for person in people:
            services.enrolment_create(actor=manager, session=session, employee=person)
        _move(session, -days_ago)
        enrolments = list(Enrolment.objects.filter(session=session).order_by("pk"))
        present = [e.pk for i, e in enumerate(enrolments) if i % 5 != 4]
        services.attendance_record(actor=manager, session=session, attended_ids=present)
        for i, enrolment in enumerate(
            Enrolment.objects.filter(pk__in=present).select_related("employee__user")
        ):
            services.result_record(
                actor=manager,
                enrolment=enrolment,
                outcome="failed" if (i + index) % 7 == 6 else "passed",
                score=D(70 + (i * 7 + index * 3) % 28),
                certificate_no=f"TR-{session.pk:04d}-{i + 1:02d}" if index == 0 else "",
            )
            if i % 3 != 2:
                services.feedback_submit(
                    actor=enrolment.employee.user,
                    enrolment=enrolment,
                    rating=3 + (i + index) % 3,
                    comments=comments[(i + index) % len(comments)],
                )
    # Upcoming: one tomorrow (reminders go out), one full with a waiting list.
    tomorrow = _session(courses[2], manager, days=1, capacity=8)
    for person in people[:3]:
        services.enrolment_create(
            actor=_enroller(person, tomorrow, manager), session=tomorrow, employee=person
        )
    full = _session(courses[4], manager, days=9, capacity=max(2, len(people) - 2))
    for person in people:
        services.enrolment_create(
            actor=_enroller(person, full, manager), session=full, employee=person
        )
    _session(courses[5], manager, days=21, capacity=15)
    # An internal sharing session, held last month.
    start = timezone.now() + dt.timedelta(days=2)
    sharing = services.session_schedule(
        actor=manager,
        department=Department.objects.get(code=code),
        data=services.SessionData(
            title="月度爆款内容复盘分享会",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            hours=D("1.0"),
            capacity=30,
            location="会议室 B",
            trainer_employee=people[0],
        ),
    )
    for person in people:
        services.enrolment_create(actor=manager, session=sharing, employee=person)
    _move(sharing, -25)
    services.attendance_record(
        actor=manager,
        session=sharing,
        attended_ids=list(Enrolment.objects.filter(session=sharing).values_list("pk", flat=True)),
    )
    stdout.write(f"  training: {code} sessions and attendance\n")


def _learning(stdout):
    today = timezone.localdate()
    for login, title, provider, hours, cost, days in [
        ("specialist", "Python 数据分析入门", "中国大学 MOOC", "12.0", "0", 30),
        ("copywriter", "新媒体写作训练营", "得到", "8.0", "299", 50),
        ("designer", "Figma 组件化设计", "站酷学院", "6.5", "199", 20),
        ("mp.he", "小程序增长方法论", "腾讯课堂", "10.0", "399", 15),
    ]:
        employee = _employee(login)
        services.learning_record_add(
            actor=employee.user,
            employee=employee,
            title=title,
            provider=provider,
            completed_on=today - dt.timedelta(days=days),
            hours=hours,
            cost=cost,
            category=Category.objects.get(code="data" if "数据" in title else "technical"),
        )
    stdout.write("  training: online learning records\n")


def _development(wechat_courses, stdout):
    today = timezone.localdate()
    plans = [
        (
            "specialist",
            "运营专员",
            "运营专员 → 高级运营专员 → 运营经理",
            "运营经理",
            "数据分析与复盘\n活动策划与预算管理\n团队协作与带教",
            [
                ("独立负责一场 5 万元以上活动", -60, 60, "achieved"),
                ("完成数据分析课程并通过考核", -30, 45, "open"),
                ("带教一名新同事", 30, 150, "open"),
            ],
        ),
        (
            "copywriter",
            "文案策划",
            "文案策划 → 资深文案 → 内容策划经理",
            "内容策划经理",
            "选题策划\n品牌调性把控",
            [("月均 2 篇阅读 10 万+ 文章", -20, 90, "open")],
        ),
        (
            "mp.he",
            "运营专员",
            "运营专员 → 高级运营专员",
            "高级运营专员",
            "用户增长\n小程序数据埋点",
            [("负责一次版本上线的运营方案", 0, 60, "open")],
        ),
    ]
    for login, current, path, target, competencies, goals in plans:
        employee = _employee(login)
        supervisor = employee.supervisor.user
        plan = services.development_plan_save(
            actor=supervisor,
            employee=employee,
            data=services.DevelopmentData(
                current_role=current,
                path=path,
                target_role=target,
                competencies=competencies,
                courses=wechat_courses[:2] if login != "mp.he" else [],
            ),
        )
        for title, start, end, state in goals:
            goal = services.goal_add(
                actor=supervisor,
                plan=plan,
                title=title,
                starts_on=today + dt.timedelta(days=start),
                due_on=today + dt.timedelta(days=end),
            )
            if state != "open":
                services.goal_set_state(actor=supervisor, goal=goal, state=state)
        services.conversation_record(
            actor=supervisor,
            plan=plan,
            held_on=today - dt.timedelta(days=20),
            notes="回顾上半年工作，明确下一阶段晋升方向与需要补强的能力。",
            agreed_actions="参加数据分析培训；每月一次复盘。",
            next_on=today + dt.timedelta(days=70),
        )
    # The manager requires a course of the designer (set by hand, not from an appraisal).
    services.assignment_create(
        actor=_user("manager"),
        employee=_employee("designer"),
        title="平台规则与内容合规（必修）",
        due_on=today + dt.timedelta(days=25),
        category=Category.objects.get(code="operations"),
    )
    stdout.write("  training: development plans and required training\n")


def _from_appraisals(stdout):
    from apps.training.appraisal_link import signals_from_kpis

    counts = services.training_from_appraisal_results(signals_from_kpis())
    stdout.write(
        f"  training: from appraisal results, {counts['assignments']} required trainings, "
        f"{counts['flags']} development flags\n"
    )


def load(stdout=None) -> None:
    import sys

    stdout = stdout or sys.stdout
    year = timezone.localdate().year
    wechat_courses = None
    for code, drafter, approver in PLANS:
        created = _plan(code, drafter, approver, year)
        if created is None:
            stdout.write(f"  training: {code} plan for {year} exists, left alone\n")
            continue
        plan, courses = created
        if plan.state == TrainingPlan.State.APPROVED:
            _run_department(code, drafter, courses, stdout)
        if code == "wechat":
            wechat_courses = courses
    if wechat_courses is not None:
        _learning(stdout)
        _development(wechat_courses, stdout)
    _from_appraisals(stdout)
