"""Menu entry, home panels and employee-page sections of the training app."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core import home, navigation, profile
from apps.org import permissions as org_policy
from apps.org.authorities import Authority
from apps.training import permissions as policy
from apps.training import selectors

navigation.register(
    navigation.NavItem(
        key="training",
        label=_("Training"),
        url_name="training:my_training",
        icon="mortarboard",
        order=60,
        visible=lambda user: (
            policy.employee_of(user) is not None or policy.can_manage_anywhere(user)
        ),
    )
)


# --- Home panels -------------------------------------------------------------------------


def _my_trainings(request):
    employee = policy.employee_of(request.user)
    if employee is None:
        return None
    return {
        "upcoming": list(selectors.my_enrolments(employee, upcoming_only=True)[:5]),
        "feedback_due": list(selectors.feedback_due_for(employee)[:3]),
        "required": list(selectors.open_assignments_of(employee)[:5]),
        "today": timezone.localdate(),
    }


home.register(
    home.Panel(
        key="training.mine",
        template="training/_panel_mine.html",
        context=_my_trainings,
        order=40,
        width=6,
    )
)


def _team_training(request):
    user = request.user
    tasks = list(selectors.supervisor_tasks_for(user)[:6])
    awaiting = (
        list(selectors.plan_awaiting_approval_for(user)[:5])
        if policy.can_approve_anywhere(user)
        else []
    )
    manages = policy.can_manage_anywhere(user)
    if not tasks and not awaiting and not manages:
        return None
    return {
        "tasks": tasks,
        "awaiting": awaiting,
        "counts": selectors.assignment_counts(user) if manages or tasks else None,
        "manages": manages,
    }


home.register(
    home.Panel(
        key="training.team",
        template="training/_panel_team.html",
        context=_team_training,
        order=45,
        width=6,
    )
)


def _completion(request):
    """HR and the director: attendance rate and hours by department this year."""
    user = request.user
    if not (
        org_policy.has_authority(user, Authority.RUN_APPRAISAL_CYCLE)
        or policy.can_approve_anywhere(user)
    ):
        return None
    year = timezone.localdate().year
    rows = selectors.completion_by_department(user, year=year)
    return {
        "year": year,
        "rows": rows,
        "chart": {
            "labels": [r["department"].label for r in rows],
            "hours": [float(r["hours"]) for r in rows],
            "rate": [r["rate"] for r in rows],
        },
    }


home.register(
    home.Panel(
        key="training.completion",
        template="training/_panel_completion.html",
        context=_completion,
        order=55,
        width=6,
    )
)


# --- Employee page sections ----------------------------------------------------------------


def _profile_training(request, employee):
    if not policy.can_view_training_of(request.user, employee):
        return None
    year = timezone.localdate().year
    return {
        "employee": employee,
        "year": year,
        "hours": selectors.training_hours_of(employee, year),
        "enrolments": list(selectors.my_enrolments(employee)[:6]),
        "required": list(selectors.assignments_of(employee)[:5]),
        "today": timezone.localdate(),
    }


def _profile_development(request, employee):
    if not policy.can_view_development(request.user, employee):
        return None
    return {
        "employee": employee,
        "plan": selectors.development_plan_of(employee),
        "keeps": policy.can_keep_development(request.user, employee),
    }


def _profile_appraisals(request, employee):
    """Appraisal history, read through the kpis app's selectors (shown here until kpis
    contributes its own section)."""
    from apps.core.profile import _sections

    if any(key.startswith("kpis.") for key in _sections):
        return None
    if not policy.can_view_training_of(request.user, employee):
        return None
    from apps.kpis.selectors import flags_for, form_list_for

    return {
        "employee": employee,
        "forms": list(form_list_for(request.user).filter(employee=employee)[:8]),
        "annual": list(flags_for(employee=employee)[:3]),
    }


profile.register(
    profile.Section(
        key="training.appraisals",
        template="training/_profile_appraisals.html",
        context=_profile_appraisals,
        order=30,
        width=4,
    )
)
profile.register(
    profile.Section(
        key="training.training",
        template="training/_profile_training.html",
        context=_profile_training,
        order=40,
        width=4,
    )
)
profile.register(
    profile.Section(
        key="training.development",
        template="training/_profile_development.html",
        context=_profile_development,
        order=50,
        width=4,
    )
)
