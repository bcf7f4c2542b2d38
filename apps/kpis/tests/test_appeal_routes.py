"""Appeals go where each department's policy says (issue 12): 000 — the ops manager
investigates and rules, final, no skip-level appeal; 002 — over the manager to the
director; 003 — the manager, or the director on a skip-level appeal. Anyone else is
refused through the service, the page and the API, and a refusal changes nothing."""

import pytest

from apps.core.errors import ApplicationError, PermissionDenied
from apps.core.models import AuditEntry, Notification
from apps.kpis import selectors, services
from apps.kpis.models import Appeal, AppraisalForm
from apps.kpis.policies import previous_period
from apps.kpis.tests.conftest import walk_to_calibration

pytestmark = pytest.mark.django_db
API = "/api/v1/kpis"


@pytest.fixture
def crew(kpi_presets, make_employee, people):
    director = people["director"]
    mp_manager = make_employee("mp_manager", "miniprogram-ops", "ops_manager", director)
    app_manager = make_employee("app_manager", "app-ops", "ops_manager", director)
    return {
        "mp_manager": mp_manager,
        "mp_specialist": make_employee(
            "mp_specialist", "miniprogram-ops", "ops_specialist", mp_manager
        ),
        "app_manager": app_manager,
        "app_channel": make_employee("app_channel", "app-ops", "channel_manager", app_manager),
    }


@pytest.fixture
def released(crew, people, users):
    """released(login) → that employee's form of last month, released by HR."""
    from django.utils import timezone

    from apps.kpis import jobs

    start, _end = previous_period("monthly", timezone.localdate())
    cycle = services.cycle_open(
        actor=users["hr"], kind="monthly", period_start=start, enqueue=False
    )
    jobs.populate_cycle(cycle.pk)
    calibrators = {"mp_specialist": "mp_manager", "app_channel": "app_manager"}

    def release(login):
        form = AppraisalForm.objects.get(cycle=cycle, employee__user__username=login)
        form = walk_to_calibration(form, users)
        manager = calibrators.get(login, "manager")
        services.form_calibrate(actor=_user(crew, people, manager), form=form)
        services.forms_release(actor=users["hr"], cycle=cycle, forms=[form])
        form.refresh_from_db()
        assert form.state == "released"
        return form

    return release


def _user(crew, people, login):
    return (crew.get(login) or people[login]).user


def _snapshot(form):
    appeal = Appeal.objects.filter(form=form).values("state", "ruled_by", "score_after").first()
    return (
        AppraisalForm.objects.filter(pk=form.pk).values_list("state", "total_score").get(),
        appeal,
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def test_000_the_manager_rules_and_the_ruling_is_final(
    crew, people, released, django_capture_on_commit_callbacks
):
    form = released("mp_specialist")
    specialist, manager, director = (
        crew["mp_specialist"].user,
        crew["mp_manager"].user,
        people["director"].user,
    )
    with django_capture_on_commit_callbacks(execute=True):  # the notification
        appeal = services.appeal_file(actor=specialist, form=form, reason="数据漏算")
    assert (appeal.route, appeal.ruling_department.code, appeal.skip_level) == (
        "manager_final",
        "miniprogram-ops",
        False,
    )
    assert Notification.objects.filter(recipient=manager).exists()
    assert list(selectors.appeals_to_rule(manager)) == [appeal]
    assert list(selectors.appeals_to_rule(director)) == []
    before = _snapshot(form)
    with pytest.raises(PermissionDenied):  # the director does not overrule 000's manager
        services.appeal_rule(actor=director, appeal=appeal, decision="upheld", reason="x")
    assert _snapshot(form) == before
    services.appeal_rule(actor=manager, appeal=appeal, decision="upheld", reason="核实无误")
    appeal.refresh_from_db()
    form.refresh_from_db()
    assert (appeal.state, appeal.ruled_by, form.state) == ("upheld", manager, "locked")
    assert AuditEntry.objects.get(action="appeal.upheld").comment.endswith("(final)")


def test_000_refuses_a_skip_level_appeal_and_files_nothing(crew, released):
    form = released("mp_specialist")
    before = _snapshot(form)
    with pytest.raises(ApplicationError) as error:
        services.appeal_file(
            actor=crew["mp_specialist"].user, form=form, reason="越级", skip_level=True
        )
    assert error.value.field == "skip_level"
    assert _snapshot(form) == before and not Appeal.objects.exists()


def test_002_goes_over_the_manager_to_the_director(
    crew, people, released, django_capture_on_commit_callbacks
):
    form = released("app_channel")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_file(
            actor=crew["app_channel"].user, form=form, reason="目标不合理"
        )
    assert (appeal.route, appeal.skip_level, appeal.ruling_department.code) == (
        "director",
        True,
        "company",
    )
    director = people["director"].user
    assert Notification.objects.filter(recipient=director).exists()
    before = _snapshot(form)
    with pytest.raises(PermissionDenied):
        services.appeal_rule(
            actor=crew["app_manager"].user, appeal=appeal, decision="upheld", reason="x"
        )
    assert _snapshot(form) == before
    services.appeal_rule(
        actor=director, appeal=appeal, decision="adjusted", reason="复核", total_score="85"
    )
    form.refresh_from_db()
    assert (form.state, str(form.total_score)) == ("locked", "85.00")


def test_003_the_manager_rules_and_the_director_only_over_them(people, users, released):
    form = released("specialist")
    appeal = services.appeal_file(actor=users["specialist"], form=form, reason="漏算")
    assert (appeal.route, appeal.ruling_department.code) == ("manager", "wechat")
    before = _snapshot(form)
    with pytest.raises(PermissionDenied):
        services.appeal_rule(actor=users["director"], appeal=appeal, decision="upheld", reason="x")
    assert _snapshot(form) == before
    services.appeal_rule(actor=users["manager"], appeal=appeal, decision="upheld", reason="属实")
    assert Appeal.objects.get(pk=appeal.pk).state == "upheld"


def test_refusals_on_the_page_and_the_api_change_nothing(
    crew, people, released, client_for, api_for
):
    form = released("mp_specialist")
    page = client_for(crew["mp_specialist"].user).get(f"/kpis/forms/{form.pk}/")
    assert 'data-testid="appeal-route"' in page.content.decode()  # no skip-level box
    assert 'id="skip_level"' not in page.content.decode()
    services.appeal_file(actor=crew["mp_specialist"].user, form=form, reason="漏算")
    before = _snapshot(form)
    director = people["director"].user
    response = client_for(director).post(
        f"/kpis/forms/{form.pk}/appeal/rule/",
        {"decision": "upheld", "ruling_reason": "x"},
    )
    assert response.status_code == 403
    response = api_for(director).post(
        f"{API}/forms/{form.pk}/ruling/", {"decision": "upheld", "reason": "x"}, format="json"
    )
    assert response.status_code == 403
    assert _snapshot(form) == before
    ok = api_for(crew["mp_manager"].user).post(
        f"{API}/forms/{form.pk}/ruling/", {"decision": "upheld", "reason": "属实"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["state"] == "locked"
