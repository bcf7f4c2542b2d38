"""Complaint routing by rulebook (000 运营专员, 003 客服, 004 社群客服) and transfer to
another department with a reason: audited, SLA clock kept, new handlers told; a refusal
changes nothing."""

import pytest
from django.urls import reverse

from apps.complaints import routing, services
from apps.complaints.models import Complaint, ComplaintCategory
from apps.complaints.presets import CATEGORIES, HANDLER_POSITIONS
from apps.complaints.tests.factories import accepted, file_complaint
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db
RULEBOOK_DEPARTMENT = {"000": "miniprogram-ops", "003": "wechat", "004": "community-ops"}


@pytest.fixture
def handlers(users, make_employee):
    """One complaint handler per rulebook's handling position."""
    return {
        "000": users["other_specialist"],  # miniprogram-ops 运营专员 (handles complaints there)
        "003": users["cs"],  # WeChat 客服
        "004": make_employee("community_cs", "community-ops", "community_service").user,
    }


def _state(complaint):
    """What a refused action must leave alone."""
    row = Complaint.objects.values().get(pk=complaint.pk)
    return row, AuditEntry.objects.count(), Notification.objects.count()


@pytest.mark.parametrize(("code", "rulebook"), [(row[0], row[4]) for row in CATEGORIES])
def test_each_category_lands_in_its_rulebooks_department(code, rulebook, handlers):
    category = ComplaintCategory.objects.get(code=code)
    assert category.rulebook == rulebook
    assert category.position.code == HANDLER_POSITIONS[rulebook]
    complaint, _token = file_complaint(category=code)  # public intake
    assert complaint.department.code == RULEBOOK_DEPARTMENT[rulebook]
    assert routing.handling_position(complaint).code == HANDLER_POSITIONS[rulebook]
    # the task after intake tells the handling position there, nobody else
    assert services.complaint_notify_handlers(complaint_id=complaint.pk) == 1
    told = Notification.objects.filter(url=f"/complaints/{complaint.pk}/")
    assert [n.recipient for n in told] == [handlers[rulebook]]


def test_staff_intake_routes_by_category_too(handlers):
    complaint, _token = file_complaint(actor=handlers["003"], category="community")
    assert complaint.department.code == "community-ops"
    assert routing.handlers(complaint) == [handlers["004"]]


def test_an_explicit_department_on_the_category_overrides_the_rulebook(org, handlers):
    ComplaintCategory.objects.filter(code="community").update(department=org["wechat"])
    complaint, _token = file_complaint(category="community")
    assert complaint.department.code == "wechat"


def test_transfer_is_audited_keeps_the_sla_and_tells_the_new_handlers(
    users, handlers, django_capture_on_commit_callbacks
):
    complaint, _token = accepted(users)  # technical → WeChat, accepted by cs
    before = Complaint.objects.get(pk=complaint.pk)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_transfer(
            actor=users["cs"],
            complaint=complaint,
            to_department=before.department.__class__.objects.get(code="community-ops"),
            reason="用户反馈的是社群内的纠纷",
        )
    after = Complaint.objects.get(pk=complaint.pk)
    assert after.department.code == "community-ops"
    assert (after.state, after.owner) == (before.state, None)  # cs does not handle there
    assert (after.received_at, after.accept_due_at, after.resolve_due_at) == (
        before.received_at,
        before.accept_due_at,
        before.resolve_due_at,
    )
    entry = AuditEntry.objects.get(object_id=str(complaint.pk), action="complaint.transfer")
    assert entry.actor == users["cs"]
    assert entry.comment == "用户反馈的是社群内的纠纷"
    assert entry.changes == {"department": ["wechat", "community-ops"], "owner": ["cs", None]}
    told = Notification.objects.filter(url=f"/complaints/{complaint.pk}/")
    assert [n.recipient for n in told] == [handlers["004"]]
    # the new department takes it from here; the old handler no longer may
    services.complaint_assign(actor=handlers["004"], complaint=after, owner=handlers["004"])
    with pytest.raises(PermissionDenied):
        services.complaint_start(actor=users["cs"], complaint=after)


def test_the_departments_supervisor_may_transfer(users, org, handlers):
    complaint, _token = file_complaint()
    services.complaint_transfer(
        actor=users["manager"], complaint=complaint, to_department=org["miniprogram-ops"],
        reason="小程序的问题",
    )  # fmt: skip
    assert Complaint.objects.get(pk=complaint.pk).department == org["miniprogram-ops"]


@pytest.mark.parametrize("login", ["other_manager", "copywriter", "hr", "tech", "community_cs"])
def test_outsiders_cannot_transfer_and_nothing_changes(login, users, org, handlers):
    actor = users.get(login) or handlers["004"]
    complaint, _token = file_complaint()
    before = _state(complaint)
    with pytest.raises(PermissionDenied):
        services.complaint_transfer(
            actor=actor, complaint=complaint, to_department=org["community-ops"], reason="转走"
        )
    assert _state(complaint) == before


@pytest.mark.parametrize(
    ("target", "reason", "field"),
    [
        ("community-ops", "", "reason"),
        ("community-ops", "   ", "reason"),
        ("wechat", "同一个部门", "to_department"),
        ("tech", "技术部没有人处理投诉", "to_department"),
    ],
)
def test_bad_transfers_are_refused_and_nothing_changes(target, reason, field, users, org):
    complaint, _token = file_complaint()
    before = _state(complaint)
    with pytest.raises(ApplicationError) as error:
        services.complaint_transfer(
            actor=users["cs"], complaint=complaint, to_department=org[target], reason=reason
        )
    assert error.value.field == field
    assert _state(complaint) == before


def test_a_closed_complaint_is_not_transferred(users, org):
    complaint, token = accepted(users)
    services.complaint_resolve(actor=users["cs"], complaint=complaint, summary="已处理完毕")
    services.complaint_confirm(complaint=complaint, token=token, rating=5)
    before = _state(complaint)
    with pytest.raises(ConflictError):
        services.complaint_transfer(
            actor=users["cs"], complaint=complaint, to_department=org["community-ops"],
            reason="转走",
        )  # fmt: skip
    assert _state(complaint) == before


def test_transfer_page(users, org, handlers, client_for):
    complaint, _token = file_complaint()
    url = reverse("complaints:action", args=[complaint.pk, "transfer"])
    page = client_for(users["cs"]).get(reverse("complaints:detail", args=[complaint.pk]))
    assert b'data-testid="transfer-form"' in page.content
    # no reason: the form answers with the error, nothing changes
    before = _state(complaint)
    response = client_for(users["cs"]).post(
        url, {"to_department": org["community-ops"].pk, "reason": ""}
    )
    assert response.status_code == 400
    assert _state(complaint) == before
    # an outsider: refused, nothing changes
    response = client_for(users["other_manager"]).post(
        url, {"to_department": org["community-ops"].pk, "reason": "转走"}
    )
    assert response.status_code == 403
    assert _state(complaint) == before
    response = client_for(users["cs"]).post(
        url, {"to_department": org["community-ops"].pk, "reason": "社群内的纠纷"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:list")  # cs no longer sees it
    assert Complaint.objects.get(pk=complaint.pk).department == org["community-ops"]


def test_transfer_api(users, org, handlers, api_for):
    complaint, _token = file_complaint()
    url = f"/api/v1/complaints/{complaint.pk}/transfer/"
    before = _state(complaint)
    response = api_for(users["cs"]).post(url, {"to_department": "community-ops"}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    response = api_for(users["other_manager"]).post(
        url, {"to_department": "community-ops", "reason": "转走"}, format="json"
    )
    assert response.status_code in (403, 404)
    assert _state(complaint) == before
    response = api_for(users["cs"]).post(
        url, {"to_department": "community-ops", "reason": "社群内的纠纷"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["department"] == "community-ops"
    assert response.json()["contact_phone"] != "13812341234"  # cs no longer handles it
