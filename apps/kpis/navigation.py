"""Menu entry and home panels of the appraisal app."""

from django.utils.translation import gettext_lazy as _

from apps.core import home, navigation

navigation.register(
    navigation.NavItem(
        key="kpis",
        label=_("Appraisals"),
        url_name="kpis:tasks",
        icon="clipboard-check",
        order=50,
        visible=lambda user: getattr(user, "is_authenticated", False),
    )
)


def _tasks_panel(request):
    from apps.kpis import selectors

    user = request.user
    if not getattr(user, "employee", None):
        return None
    mine = list(selectors.my_forms(user).filter(state__in=["self", "released"])[:5])
    return {
        "mine": mine,
        "peer": list(selectors.peer_reviews_for(user, pending_only=True)[:5]),
        "score": list(selectors.forms_to_score(user)[:5]),
        "calibrate": list(selectors.forms_to_calibrate(user)[:5]),
        "appeals": list(selectors.appeals_to_rule(user)[:5]),
    }


def _hr_panel(request):
    from apps.kpis import permissions, selectors

    if not permissions.can_run_cycles(request.user):
        return None
    cycle = selectors.open_cycles().first()
    if cycle is None:
        return {"cycle": None}
    return {
        "cycle": cycle,
        "progress": selectors.cycle_progress(cycle),
        "late": list(selectors.late_forms(cycle)[:5]),
        "appeals": selectors.appeals_to_rule(request.user).count(),
    }


def _manager_panel(request):
    from apps.kpis import selectors
    from apps.kpis.models import AppraisalCycle, AppraisalForm
    from apps.org.authorities import Authority
    from apps.org.permissions import department_q, has_authority

    user = request.user
    if not has_authority(user, Authority.APPRAISE):
        return None
    cycle = AppraisalCycle.objects.filter(forms__grade__gt="").order_by("-period_start").first()
    forms = AppraisalForm.objects.filter(department_q(user, Authority.APPRAISE), cycle=cycle)
    return {
        "cycle": cycle,
        "distribution": selectors.grade_distribution(forms) if cycle else [],
        "appeals": list(selectors.appeals_to_rule(user)[:5]),
    }


home.register(
    home.Panel(key="kpis.tasks", template="kpis/_panel_tasks.html", context=_tasks_panel, order=50)
)
home.register(
    home.Panel(key="kpis.hr", template="kpis/_panel_hr.html", context=_hr_panel, order=51)
)
home.register(
    home.Panel(key="kpis.team", template="kpis/_panel_team.html", context=_manager_panel, order=52)
)
