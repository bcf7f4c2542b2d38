"""Training pages. Thin: read through selectors, write through services, ask the policy
(apps.training.permissions) who may see and do what."""

import calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.actions import attempt, run_button_action
from apps.core.errors import NotFound, PermissionDenied
from apps.org.authorities import Authority
from apps.org.models import Department, Employee
from apps.org.permissions import departments_where
from apps.training import forms as f
from apps.training import permissions as policy
from apps.training import selectors, services
from apps.training.models import (
    Course,
    DevelopmentGoal,
    DevelopmentPlan,
    Enrolment,
    Session,
    SupervisorTask,
    TrainingAssignment,
    TrainingPlan,
)


def _int(value):
    return int(value) if (value or "").isdigit() else None


def _date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _service_form(request, form, call):
    """Run `call()` if the form is valid; a refusal goes on the form (core.actions: at the
    top and beside its field; 403/404 become the error page). Returns the service's
    result, or None."""
    if request.method != "POST" or not form.is_valid():
        return None
    return attempt(call, form).value


def _employee_of(request):
    employee = policy.employee_of(request.user)
    if employee is None:
        raise NotFound(_("Your login is not linked to an employee."))
    return employee


# --- Plans -----------------------------------------------------------------------------------


@login_required
def plan_list(request):
    g = request.GET
    year = _int(g.get("year")) or timezone.localdate().year
    department = Department.objects.filter(pk=_int(g.get("department"))).first()
    state = g.get("state") if g.get("state") in TrainingPlan.State.values else ""
    plans = selectors.plan_list_for(request.user, department=department, state=state)
    if g.get("year"):
        plans = plans.filter(year=year)
    visible = (
        (
            departments_where(
                request.user,
                Authority.VIEW_DEPARTMENT,
                Authority.MANAGE_TRAINING,
                Authority.APPROVE_TRAINING_PLAN,
            )
        )
        .filter(is_active=True, is_partner=False, kind=Department.Kind.DEPARTMENT)
        .distinct()
    )
    if department is not None:
        visible = visible.filter(path__startswith=department.path)
    rows = selectors.plan_vs_actual(year=year, departments=visible.order_by("sort_order", "path"))
    return render(
        request,
        "training/plan_list.html",
        {
            "page": Paginator(plans, 25).get_page(g.get("page")),
            "filters": {
                "year": year,
                "department": department,
                "state": state,
                "year_given": bool(g.get("year")),
            },
            "departments": visible.order_by("path"),
            "states": TrainingPlan.State.choices,
            "rows": rows,
            "chart": {
                "labels": [r["department"].label for r in rows],
                "budget": [float(r["planned_budget"]) for r in rows],
                "spend": [float(r["spend"]) for r in rows],
                "planned_sessions": [r["planned_sessions"] for r in rows],
                "sessions_held": [r["sessions_held"] for r in rows],
            },
            "can_plan": policy.can_manage_anywhere(request.user),
            "awaiting": list(selectors.plan_awaiting_approval_for(request.user)[:10]),
        },
    )


@login_required
def plan_create(request):
    policy.require(
        policy.can_manage_anywhere(request.user), _("You need the authority to plan training.")
    )
    form = f.PlanForm(request.POST or None, user=request.user)
    plan = _service_form(
        request,
        form,
        lambda: services.plan_create(
            actor=request.user,
            department=form.cleaned_data["department"],
            year=form.cleaned_data["year"],
            title=form.cleaned_data["title"],
            goals=form.cleaned_data["goals"],
        ),
    )
    if plan is not None:
        messages.success(request, _("The plan was created. Add its courses."))
        return redirect("training:plan_detail", plan.pk)
    return render(
        request,
        "training/plan_form.html",
        {"form": form, "plan": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def plan_edit(request, pk):
    plan = get_object_or_404(TrainingPlan.objects.select_related("department"), pk=pk)
    policy.require(
        policy.can_edit_plan(request.user, plan),
        _("Only a draft or returned plan can be changed, by someone who plans training here."),
    )
    form = f.PlanForm(request.POST or None, user=request.user, plan=plan)
    done = _service_form(
        request,
        form,
        lambda: services.plan_update(
            actor=request.user,
            plan=plan,
            title=form.cleaned_data["title"],
            goals=form.cleaned_data["goals"],
        ),
    )
    if done is not None:
        messages.success(request, _("The plan was saved."))
        return redirect("training:plan_detail", plan.pk)
    return render(
        request,
        "training/plan_form.html",
        {"form": form, "plan": plan},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def plan_detail(request, pk):
    try:
        plan = selectors.plan_for_page(pk)
    except TrainingPlan.DoesNotExist:
        raise NotFound() from None
    policy.require(
        policy.can_view_plan(request.user, plan),
        _("You may only see training plans of departments you belong to or oversee."),
    )
    courses = list(plan.courses.all())
    actual = selectors.plan_vs_actual(year=plan.year, departments=[plan.department])[0]
    return render(
        request,
        "training/plan_detail.html",
        {
            "plan": plan,
            "courses": courses,
            "budget_total": sum((c.budget for c in courses), 0),
            "hours_total": sum((c.planned_hours for c in courses), 0),
            "actual": actual,
            "decision_form": f.DecisionForm(),
            "trail": _trail(plan),
            "can": {
                "edit": policy.can_edit_plan(request.user, plan),
                "decide": policy.can_decide_plan(request.user, plan),
                "schedule": plan.state == TrainingPlan.State.APPROVED
                and policy.can_manage_in(request.user, plan.department),
            },
        },
    )


def _trail(obj):
    from apps.core.selectors import audit_trail_of

    return audit_trail_of(obj)


@login_required
@require_POST
def plan_submit(request, pk):
    plan = get_object_or_404(TrainingPlan, pk=pk)
    return run_button_action(
        request,
        lambda: services.plan_submit(actor=request.user, plan=plan),
        success_message=_("The plan was submitted for approval."),
        redirect_to=reverse("training:plan_detail", args=[plan.pk]),
    )


@login_required
@require_POST
def plan_decide(request, pk, decision):
    plan = get_object_or_404(TrainingPlan.objects.select_related("department"), pk=pk)
    form = f.DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    if decision == "approve":
        service, done = services.plan_approve, _("The plan was approved.")
    elif decision == "return":
        service, done = services.plan_return, _("The plan was returned to its author.")
    else:
        raise NotFound()
    return run_button_action(
        request,
        lambda: service(actor=request.user, plan=plan, comment=comment),
        success_message=done,
        redirect_to=reverse("training:plan_detail", args=[plan.pk]),
    )


def _course_page(request, plan, course=None):
    form = f.CourseForm(request.POST or None, course=course)
    result = _service_form(
        request,
        form,
        lambda: (
            services.course_add(actor=request.user, plan=plan, data=form.data_object())
            if course is None
            else services.course_update(actor=request.user, course=course, data=form.data_object())
        ),
    )
    if result is not None:
        messages.success(request, _("The course was saved."))
        return redirect("training:plan_detail", plan.pk)
    return render(
        request,
        "training/course_form.html",
        {"form": form, "plan": plan, "course": course},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def course_add(request, pk):
    plan = get_object_or_404(TrainingPlan.objects.select_related("department"), pk=pk)
    policy.require(
        policy.can_edit_plan(request.user, plan),
        _("Courses are added to a draft or returned plan, by someone who plans training here."),
    )
    return _course_page(request, plan)


@login_required
def course_edit(request, pk, course_pk):
    plan = get_object_or_404(TrainingPlan.objects.select_related("department"), pk=pk)
    course = get_object_or_404(Course, pk=course_pk, plan=plan)
    policy.require(policy.can_edit_plan(request.user, plan))
    return _course_page(request, plan, course)


@login_required
@require_POST
def course_remove(request, pk, course_pk):
    course = get_object_or_404(Course.objects.select_related("plan"), pk=course_pk, plan_id=pk)
    return run_button_action(
        request,
        lambda: services.course_remove(actor=request.user, course=course),
        success_message=_("The course was removed."),
        redirect_to=reverse("training:plan_detail", args=[pk]),
    )


# --- Sessions ----------------------------------------------------------------------------------


@login_required
def session_list(request):
    g = request.GET
    department = Department.objects.filter(pk=_int(g.get("department"))).first()
    filters = {
        "department": department,
        "date_from": _date(g.get("from")),
        "date_to": _date(g.get("to")),
        "state": g.get("state") if g.get("state") in Session.State.values else "",
        "kind": g.get("kind") if g.get("kind") in Session.Kind.values else "",
    }
    sessions = selectors.session_list_for(request.user, **filters)
    return render(
        request,
        "training/session_list.html",
        {
            "page": Paginator(sessions, 25).get_page(g.get("page")),
            "filters": filters,
            "states": Session.State.choices,
            "kinds": Session.Kind.choices,
            "departments": departments_where(request.user, Authority.VIEW_DEPARTMENT)
            .filter(is_active=True)
            .order_by("path"),
            "can_schedule": policy.can_manage_anywhere(request.user),
        },
    )


@login_required
def session_calendar(request):
    today = timezone.localdate()
    try:
        first = dt.date(
            int(request.GET.get("year", today.year)), int(request.GET.get("month", today.month)), 1
        )
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    sessions = list(
        selectors.session_list_for(request.user, date_from=first, date_to=last).exclude(
            state=Session.State.CANCELLED
        )
    )
    by_day = {}
    for session in sessions:
        by_day.setdefault(timezone.localdate(session.starts_at), []).append(session)
    weeks = [
        [
            {
                "day": day,
                "in_month": day.month == first.month,
                "today": day == today,
                "sessions": by_day.get(day, []),
            }
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    return render(
        request,
        "training/calendar.html",
        {
            "weeks": weeks,
            "first": first,
            "previous": (first - dt.timedelta(days=1)).replace(day=1),
            "following": last + dt.timedelta(days=1),
        },
    )


@login_required
def session_create(request):
    policy.require(
        policy.can_manage_anywhere(request.user), _("You need the authority to plan training.")
    )
    initial = {}
    course = Course.objects.filter(pk=_int(request.GET.get("course"))).first()
    if course is not None:
        initial = {
            "course": course,
            "title": course.title,
            "hours": course.planned_hours / max(course.planned_sessions, 1),
            "trainer_employee": course.trainer_employee,
            "trainer_external": course.trainer_external,
        }
    form = f.SessionForm(request.POST or None, user=request.user, initial=initial)
    session = _service_form(
        request,
        form,
        lambda: services.session_schedule(
            actor=request.user,
            data=form.data_object(),
            course=form.cleaned_data["course"],
            department=form.cleaned_data["department"],
        ),
    )
    if session is not None:
        messages.success(request, _("The session was scheduled."))
        return redirect("training:session_detail", session.pk)
    return render(
        request,
        "training/session_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def session_detail(request, pk):
    try:
        session = selectors.session_for_page(pk)
    except Session.DoesNotExist:
        raise NotFound() from None
    user = request.user
    policy.require(
        policy.can_view_session(user, session),
        _("This session is not open to you."),
    )
    employee = policy.employee_of(user)
    enrolments = list(selectors.enrolments_of(session))
    mine = next((e for e in enrolments if employee and e.employee_id == employee.pk), None)
    runs = policy.can_run_session(user, session)
    seats = sum(1 for e in enrolments if e.state == Enrolment.State.ENROLLED)
    open_for_enrolment = (
        session.state == Session.State.SCHEDULED and session.starts_at > timezone.now()
    )
    feedback_form = None
    if mine is not None and mine.attended is True and getattr(mine, "feedback", None) is None:
        feedback_form = f.FeedbackForm()
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "enrolments": enrolments if runs else [],
            "enrolled": [e for e in enrolments if e.state == Enrolment.State.ENROLLED],
            "waiting": [e for e in enrolments if e.state == Enrolment.State.WAITLISTED],
            "seats": seats,
            "mine": mine,
            "runs": runs,
            "open_for_enrolment": open_for_enrolment,
            "can_record_attendance": runs
            and session.state != Session.State.CANCELLED
            and session.starts_at <= timezone.now(),
            "assign_form": f.AssignForm(user=user) if open_for_enrolment else None,
            "feedback_form": feedback_form,
            "feedback_summary": selectors.feedback_summary(session) if runs else None,
            "feedback_list": list(selectors.feedback_of(session)[:20]) if runs else [],
            "result_form": f.ResultForm(initial={"hours": session.hours}) if runs else None,
        },
    )


def _redirect_session(session_pk):
    return redirect("training:session_detail", session_pk)


def _act(request, call, success):
    """A button on the session page: a message either way; True when it was done."""
    outcome = attempt(call)
    if outcome.ok:
        messages.success(request, success)
    else:
        messages.error(request, outcome.message)
    return outcome.ok


@login_required
@require_POST
def session_enrol(request, pk):
    session = get_object_or_404(Session, pk=pk)
    employee = _employee_of(request)
    holder = {}

    def call():
        holder["e"] = services.enrolment_create(
            actor=request.user, session=session, employee=employee
        )

    if _act(request, call, _("You are enrolled.")) and (
        holder["e"].state == Enrolment.State.WAITLISTED
    ):
        messages.info(request, _("The session is full: you are on the waiting list."))
    return _redirect_session(pk)


@login_required
@require_POST
def session_assign(request, pk):
    session = get_object_or_404(Session, pk=pk)
    form = f.AssignForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a member of your team."))
        return _redirect_session(pk)
    _act(
        request,
        lambda: services.enrolment_create(
            actor=request.user, session=session, employee=form.cleaned_data["employee"]
        ),
        _("%(name)s was enrolled.") % {"name": form.cleaned_data["employee"].name},
    )
    return _redirect_session(pk)


@login_required
@require_POST
def enrolment_cancel(request, pk, enrolment_pk):
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("employee__supervisor", "session"),
        pk=enrolment_pk,
        session_id=pk,
    )
    _act(
        request,
        lambda: services.enrolment_cancel(actor=request.user, enrolment=enrolment),
        _("The enrolment was cancelled."),
    )
    return _redirect_session(pk)


@login_required
@require_POST
def session_cancel(request, pk):
    session = get_object_or_404(Session.objects.select_related("department"), pk=pk)
    _act(
        request,
        lambda: services.session_cancel(
            actor=request.user, session=session, reason=request.POST.get("reason", "")[:500]
        ),
        _("The session was cancelled; everyone enrolled was told."),
    )
    return _redirect_session(pk)


@login_required
@require_POST
def attendance(request, pk):
    session = get_object_or_404(Session.objects.select_related("department"), pk=pk)
    ids = [v for v in request.POST.getlist("attended") if v.isdigit()]
    _act(
        request,
        lambda: services.attendance_record(actor=request.user, session=session, attended_ids=ids),
        _("Attendance was recorded."),
    )
    return _redirect_session(pk)


@login_required
@require_POST
def result_record(request, pk, enrolment_pk):
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("session__department"), pk=enrolment_pk, session_id=pk
    )
    form = f.ResultForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "; ".join(f"{form.fields[k].label}: {v[0]}" for k, v in form.errors.items()),
        )
        return _redirect_session(pk)
    _act(
        request,
        lambda: services.result_record(
            actor=request.user, enrolment=enrolment, **form.cleaned_data
        ),
        _("The result of %(name)s was recorded.") % {"name": enrolment.employee.name},
    )
    return _redirect_session(pk)


@login_required
def feedback(request, pk):
    session = get_object_or_404(Session, pk=pk)
    employee = _employee_of(request)
    enrolment = Enrolment.objects.filter(session=session, employee=employee).first()
    if enrolment is None:
        raise PermissionDenied(_("Only people who attended the session give feedback."))
    form = f.FeedbackForm(request.POST or None)
    done = _service_form(
        request,
        form,
        lambda: services.feedback_submit(
            actor=request.user,
            enrolment=enrolment,
            rating=form.cleaned_data["rating"],
            comments=form.cleaned_data["comments"],
        ),
    )
    if done is not None:
        messages.success(request, _("Thank you for your feedback."))
        return _redirect_session(pk)
    return render(
        request,
        "training/feedback_form.html",
        {"form": form, "session": session},
        status=400 if request.method == "POST" else 200,
    )


# --- My training and the team ------------------------------------------------------------------


@login_required
def my_training(request):
    employee = _employee_of(request)
    year = timezone.localdate().year
    return render(
        request,
        "training/my_training.html",
        {
            "employee": employee,
            "upcoming": list(selectors.my_enrolments(employee, upcoming_only=True)[:20]),
            "history": Paginator(selectors.my_enrolments(employee), 15).get_page(
                request.GET.get("page")
            ),
            "feedback_due": list(selectors.feedback_due_for(employee)[:10]),
            "assignments": list(selectors.assignments_of(employee)[:20]),
            "records": list(selectors.learning_records_of(employee)[:20]),
            "hours": selectors.training_hours_of(employee, year),
            "year": year,
            "plan": selectors.development_plan_of(employee),
            "today": timezone.localdate(),
        },
    )


@login_required
def learning_add(request):
    employee = _employee_of(request)
    form = f.LearningRecordForm(request.POST or None, employee=employee)
    record = _service_form(
        request,
        form,
        lambda: services.learning_record_add(
            actor=request.user,
            employee=employee,
            **{k: v for k, v in form.cleaned_data.items() if v not in (None, "")},
        ),
    )
    if record is not None:
        messages.success(request, _("Your learning was recorded."))
        return redirect("training:my_training")
    return render(
        request,
        "training/learning_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def team(request):
    user = request.user
    state = request.GET.get("state", "open")
    state = state if state in TrainingAssignment.State.values or state == "all" else "open"
    overdue = request.GET.get("overdue") == "1"
    assignments = selectors.assignment_list_for(
        user, state="" if state == "all" else state, overdue=overdue
    ).exclude(employee__user=user)
    return render(
        request,
        "training/team.html",
        {
            "tasks": list(selectors.supervisor_tasks_for(user)[:20]),
            "page": Paginator(assignments, 25).get_page(request.GET.get("page")),
            "filters": {"state": state, "overdue": overdue},
            "states": TrainingAssignment.State.choices,
            "flags": list(selectors.development_flags_for(user)[:20]),
            "plans": list(
                selectors.development_plan_list_for(user).exclude(employee__user=user)[:50]
            ),
            "counts": selectors.assignment_counts(user),
            "today": timezone.localdate(),
        },
    )


@login_required
def assignment_create(request):
    form = f.AssignmentForm(request.POST or None, user=request.user)
    if not form.fields["employee"].queryset.exists():
        raise PermissionDenied(_("Required training is set by the person's supervisor or manager."))
    done = _service_form(
        request,
        form,
        lambda: services.assignment_create(actor=request.user, **form.cleaned_data),
    )
    if done is not None:
        messages.success(request, _("The required training was set."))
        return redirect("training:team")
    return render(
        request,
        "training/assignment_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def supervisor_task_done(request, pk):
    task = get_object_or_404(SupervisorTask, pk=pk)
    _act(
        request,
        lambda: services.supervisor_task_done(actor=request.user, task=task),
        _("The task is done."),
    )
    return redirect("training:team")


# --- Development plans -----------------------------------------------------------------------


def _employee_for_development(request, employee_pk):
    employee = get_object_or_404(
        Employee.objects.select_related("supervisor", "user"), pk=employee_pk
    )
    policy.require(
        policy.can_view_development(request.user, employee),
        _("A development plan is seen by the person, their supervisor and their manager."),
    )
    return employee


@login_required
def development_detail(request, employee_pk):
    employee = _employee_for_development(request, employee_pk)
    plan = selectors.development_plan_of(employee)
    keeps = policy.can_keep_development(request.user, employee)
    return render(
        request,
        "training/development_detail.html",
        {
            "employee": employee,
            "plan": plan,
            "keeps": keeps,
            "is_supervisor": policy.is_supervisor_of(request.user, employee),
            "goal_form": f.GoalForm() if keeps and plan else None,
            "goal_states": DevelopmentGoal.State.choices,
            "assignments": list(selectors.assignments_of(employee)[:10]),
            "enrolments": list(selectors.my_enrolments(employee)[:10]),
            "hours": selectors.training_hours_of(employee, timezone.localdate().year),
            "today": timezone.localdate(),
        },
    )


@login_required
def development_edit(request, employee_pk):
    employee = _employee_for_development(request, employee_pk)
    policy.require(
        policy.can_keep_development(request.user, employee),
        _("A development plan is kept by the person's supervisor or manager."),
    )
    plan = DevelopmentPlan.objects.filter(employee=employee).first()
    form = f.DevelopmentPlanForm(request.POST or None, plan=plan)
    done = _service_form(
        request,
        form,
        lambda: services.development_plan_save(
            actor=request.user, employee=employee, data=form.data_object()
        ),
    )
    if done is not None:
        messages.success(request, _("The development plan was saved."))
        return redirect("training:development_detail", employee.pk)
    return render(
        request,
        "training/development_form.html",
        {"form": form, "employee": employee, "plan": plan},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def goal_add(request, employee_pk):
    employee = _employee_for_development(request, employee_pk)
    plan = get_object_or_404(DevelopmentPlan, employee=employee)
    form = f.GoalForm(request.POST or None)
    done = _service_form(
        request,
        form,
        lambda: services.goal_add(actor=request.user, plan=plan, **form.cleaned_data),
    )
    if done is not None:
        messages.success(request, _("The goal was added."))
        return redirect("training:development_detail", employee.pk)
    return render(
        request,
        "training/simple_form.html",
        {"form": form, "title": _("Add a stage goal"), "back": employee},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def goal_state(request, employee_pk, goal_pk):
    employee = _employee_for_development(request, employee_pk)
    goal = get_object_or_404(DevelopmentGoal, pk=goal_pk, plan__employee=employee)
    form = f.GoalStateForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.goal_set_state(
                actor=request.user, goal=goal, state=form.cleaned_data["state"]
            ),
            _("The goal was updated."),
        )
    return redirect("training:development_detail", employee.pk)


@login_required
def conversation_add(request, employee_pk):
    employee = _employee_for_development(request, employee_pk)
    plan = get_object_or_404(DevelopmentPlan, employee=employee)
    policy.require(
        policy.is_supervisor_of(request.user, employee),
        _("Career conversations are recorded by the person's supervisor."),
    )
    form = f.ConversationForm(request.POST or None)
    done = _service_form(
        request,
        form,
        lambda: services.conversation_record(actor=request.user, plan=plan, **form.cleaned_data),
    )
    if done is not None:
        messages.success(request, _("The conversation was recorded."))
        return redirect("training:development_detail", employee.pk)
    return render(
        request,
        "training/simple_form.html",
        {"form": form, "title": _("Record a career conversation"), "back": employee},
        status=400 if request.method == "POST" else 200,
    )
