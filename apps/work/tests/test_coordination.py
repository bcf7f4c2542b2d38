"""工作协同权 (渠道拓展经理) and 活动执行协同权 (活动运营经理), seed 002: who may open a
coordination request to another department, or on a campaign's execution; the
receiving department answers. Refusals change nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.campaigns import services as campaign_services
from apps.campaigns.tests.factories import make_campaign
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.models import Notification
from apps.work import services
from apps.work.models import CoordinationRequest

pytestmark = pytest.mark.django_db


def _due():
    return timezone.localdate() + dt.timedelta(days=7)


def _open(actor, to_department, **extra):
    return services.coordination_request_open(
        actor=actor, to_department=to_department, title="提供渠道物料设计", due_on=_due(), **extra
    )


def _approved_002_campaign(app_users, make_employee):
    """A campaign of App运营部 planned by the 活动运营经理, approved by its head."""
    campaign = make_campaign(app_users["campaign"])
    campaign_services.campaign_submit(actor=app_users["campaign"], campaign=campaign)
    campaign_services.campaign_approve(actor=app_users["head"], campaign=campaign)
    campaign.refresh_from_db()
    return campaign


def test_a_work_coordination_holder_asks_another_department(app_users, org, make_employee):
    designer = make_employee("designer_z", "design", "designer").user
    request = _open(app_users["channel"], org["design"])
    assert request.kind == CoordinationRequest.Kind.WORK
    assert request.from_department == org["app-ops"]
    # Design's staff receive coordination: they are told, and one of them answers.
    assert Notification.objects.filter(recipient=designer).count() == 1
    services.coordination_request_answer(
        actor=designer, request=request, outcome="done", answer="已交付设计稿"
    )
    request.refresh_from_db()
    assert request.state == CoordinationRequest.State.DONE
    assert Notification.objects.filter(recipient=app_users["channel"]).count() == 1


@pytest.mark.parametrize("who", ["specialist", "manager", "new_media", "campaign"])
def test_without_work_coordination_a_request_is_refused(app_users, users, org, counts, who):
    actor = {**users, **app_users}[who]
    before = counts()
    with pytest.raises(PermissionDenied):
        _open(actor, org["design"], from_department=org["app-ops"])
    assert counts() == before


def test_coordination_is_asked_of_another_department(app_users, org, counts):
    before = counts()
    with pytest.raises(ApplicationError) as error:
        _open(app_users["channel"], org["app-ops"])
    assert error.value.field == "to_department"
    assert counts() == before


def test_the_campaign_execution_holder_asks_for_a_part_in_a_running_campaign(
    app_users, make_employee, org
):
    campaign = _approved_002_campaign(app_users, make_employee)
    request = _open(app_users["campaign"], org["tech"], campaign=campaign)
    assert request.kind == CoordinationRequest.Kind.CAMPAIGN
    assert request.from_department == org["app-ops"]


def test_campaign_coordination_needs_its_right_and_an_executing_campaign(
    app_users, make_employee, org, counts
):
    campaign = _approved_002_campaign(app_users, make_employee)
    before = counts()
    for actor in (app_users["channel"], app_users["new_media"], app_users["head"]):
        with pytest.raises(PermissionDenied):
            _open(actor, org["tech"], campaign=campaign)
    draft = make_campaign(app_users["campaign"], theme="草稿活动")
    before = counts()
    with pytest.raises(ConflictError):
        _open(app_users["campaign"], org["tech"], campaign=draft)
    assert counts() == before


def test_only_the_receiving_department_answers(app_users, users, org, counts, make_employee):
    design = make_employee("designer_x", "design", "designer").user
    request = _open(app_users["channel"], org["design"])
    assert Notification.objects.filter(recipient=design).count() == 1
    before = counts()
    for actor in (app_users["channel"], app_users["head"], users["manager"]):
        with pytest.raises(PermissionDenied):
            services.coordination_request_answer(
                actor=actor, request=request, outcome="done", answer="代为关闭"
            )
    request.refresh_from_db()
    assert request.state == CoordinationRequest.State.OPEN
    assert counts() == before
    services.coordination_request_answer(
        actor=design, request=request, outcome="declined", answer="本周排期已满"
    )
    request.refresh_from_db()
    assert request.state == CoordinationRequest.State.DECLINED


def test_pages_and_api_refuse_without_the_right(users, client_for, api_for, org, counts):
    before = counts()
    client = client_for(users["specialist"])
    assert client.get(reverse("work:coordination_create")).status_code == 403
    response = api_for(users["specialist"]).post(
        "/api/v1/work/coordination/",
        {
            "to_department": org["design"].pk,
            "from_department": org["wechat"].pk,
            "title": "需要设计支持",
            "due_on": _due().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 403
    assert counts() == before


def test_page_flow_and_constant_list_queries(
    app_users, client_for, org, make_employee, django_assert_max_num_queries
):
    design = make_employee("designer_y", "design", "designer").user
    client = client_for(app_users["channel"])
    response = client.post(
        reverse("work:coordination_create"),
        {"to_department": org["design"].pk, "title": "渠道海报", "due_on": _due().isoformat()},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    with django_assert_max_num_queries(30) as few:
        client_for(design).get(reverse("work:coordination") + "?box=incoming")
    for _ in range(5):
        _open(app_users["channel"], org["design"])
    receiver = client_for(design)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = receiver.get(reverse("work:coordination") + "?box=incoming")
    assert len(page.context["page"].object_list) == 6
