import datetime as dt
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from apps.complaints.models import Complaint
from apps.complaints.tests.factories import accepted, file_complaint

pytestmark = pytest.mark.django_db
BASE = "/api/v1/complaints/"


def _fresh_address():
    """An address of its own: rate-limit windows live in Redis across test runs."""
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def test_public_submit_anonymously_and_track_by_token(org):
    client = APIClient(REMOTE_ADDR=_fresh_address())
    response = client.post(
        f"{BASE}public/",
        {
            "category": "billing",
            "description": "I was charged twice for one order.",
            "contact_name": "王五",
            "contact_email": "wang@example.com",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    token = response.json()["tracking_token"]
    complaint = Complaint.objects.get(code=response.json()["code"])
    assert complaint.channel == "api"
    tracked = client.get(f"{BASE}track/{token}/").json()
    assert tracked["state"] == "new" and "owner" not in tracked
    assert client.get(f"{BASE}track/wrong/").status_code == 404


def test_public_submit_refuses_bad_input_with_field_and_rate_limits(org, settings):
    settings.COMPLAINTS_INTAKE_RATE_LIMIT = 2
    client = APIClient(REMOTE_ADDR=_fresh_address())
    bad = client.post(
        f"{BASE}public/",
        {
            "category": "billing",
            "description": "<script>x</script> twice",
            "contact_name": "A",
            "contact_phone": "138",
        },
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "description"
    wrong_file = client.post(
        f"{BASE}public/",
        {
            "category": "billing",
            "description": "Charged twice, see file.",
            "contact_name": "A",
            "contact_phone": "13800000000",
            "attachments": [SimpleUploadedFile("a.txt", b"hello")],
        },
        format="multipart",
    )
    assert wrong_file.status_code == 400 and wrong_file.json()["field"] == "attachments"
    limited = client.post(f"{BASE}public/", {}, format="json")
    assert limited.status_code == 429
    assert Complaint.objects.count() == 0


def test_anonymous_cannot_list(org):
    assert APIClient().get(BASE).status_code in (401, 403)


def test_list_masks_contact_for_people_not_handling(users, api_for):
    file_complaint()
    full = api_for(users["cs"]).get(BASE).json()["results"][0]
    masked = api_for(users["copywriter"]).get(BASE).json()["results"][0]
    assert full["contact_phone"] == "13812341234" and not full["contact_masked"]
    assert masked["contact_phone"] == "138****1234" and masked["contact_masked"]
    assert api_for(users["other_manager"]).get(BASE).json()["count"] == 0


def test_actions_through_the_api(users, org, api_for):
    complaint, token = file_complaint()
    cs = api_for(users["cs"])
    url = f"{BASE}{complaint.pk}/"
    assert cs.post(f"{url}accept/", {}, format="json").json()["state"] == "accepted"
    assert cs.post(f"{url}accept/", {}, format="json").status_code == 409
    task = cs.post(
        f"{url}tasks/",
        {
            "department": "tech",
            "title": "Check logs",
            "due_date": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        },
        format="json",
    ).json()
    refused = cs.post(f"{url}resolve/", {}, format="json")
    assert refused.status_code == 400 and "detail" in refused.json()
    assert (
        api_for(users["designer"])
        .post(f"{BASE}tasks/{task['id']}/close/", {"note": "x"}, format="json")
        .status_code
        == 403
    )
    tech = api_for(users["tech"])
    assert [t["id"] for t in tech.get(f"{BASE}tasks/").json()["results"]] == [task["id"]]
    assert (
        tech.post(f"{BASE}tasks/{task['id']}/close/", {"note": "Fixed"}, format="json").status_code
        == 200
    )
    assert cs.post(f"{url}reply/", {"body": "Fixed now"}, format="json").status_code == 201
    assert cs.post(f"{url}note/", {"body": "internal"}, format="json").status_code == 201
    assert (
        cs.post(f"{url}resolve/", {"summary": "Done"}, format="json").json()["state"] == "resolved"
    )
    anon = APIClient()
    public = anon.get(f"{BASE}track/{token}/").json()
    assert "internal" not in str(public["messages"])
    reopened = anon.post(
        f"{BASE}track/{token}/not-satisfied/", {"body": "Still broken"}, format="json"
    )
    assert reopened.json()["state"] == "reopened"
    cs.post(f"{url}start/", {}, format="json")
    cs.post(f"{url}resolve/", {}, format="json")
    assert (
        anon.post(f"{BASE}track/{token}/confirm/", {"rating": 9}, format="json").status_code == 400
    )
    closed = anon.post(f"{BASE}track/{token}/confirm/", {"rating": 4}, format="json")
    assert closed.json()["state"] == "closed"


def test_merge_into_itself_via_api(users, api_for):
    complaint, _ = accepted(users)
    response = api_for(users["cs"]).post(
        f"{BASE}{complaint.pk}/merge/", {"into": complaint.code}, format="json"
    )
    assert response.status_code == 400 and response.json()["field"] == "into"


def test_staff_create_and_stats(users, api_for):
    cs = api_for(users["cs"])
    response = cs.post(
        BASE,
        {
            "channel": "wechat",
            "category": "service",
            "description": "Rude answer in the group.",
            "contact_name": "赵六",
            "contact_phone": "13700000000",
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["channel"] == "wechat"
    denied = api_for(users["copywriter"]).post(
        BASE,
        {
            "category": "service",
            "description": "Rude answer in the group.",
            "contact_name": "赵六",
            "contact_phone": "13700000000",
        },
        format="json",
    )
    assert denied.status_code == 403
    figures = api_for(users["manager"]).get(f"{BASE}stats/").json()
    assert figures["total"] == 1
    assert api_for(users["copywriter"]).get(f"{BASE}stats/").status_code == 403


def test_list_query_count_is_constant(users, api_for, django_assert_max_num_queries):
    for _ in range(3):
        file_complaint()
    client = api_for(users["cs"])
    with django_assert_max_num_queries(10) as small:
        client.get(BASE)
    for _ in range(20):
        file_complaint()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(BASE)


def test_schema_lists_complaint_endpoints(users, api_for):
    schema = api_for(users["cs"]).get("/api/schema/").content.decode()
    for path in (
        "/api/v1/complaints/public/",
        "/api/v1/complaints/{id}/resolve/",
        "/api/v1/complaints/tasks/{id}/close/",
        "/api/v1/complaints/track/{token}/confirm/",
    ):
        assert path in schema
