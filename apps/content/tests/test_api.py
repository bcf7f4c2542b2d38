import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.content import services
from apps.content.models import ALL_CHECKS, ContentItem
from apps.content.tests.factories import fresh, make_item, submit

State = ContentItem.State
pytestmark = pytest.mark.django_db
BASE = "/api/v1/content"


def test_create_submit_review_schedule_through_the_api(users, api_for):
    writer = api_for(users["copywriter"])
    response = writer.post(
        f"{BASE}/items/",
        {"department": "wechat", "channel": "wechat-oa", "title": "API 推文",
         "body": "<p>正文</p><script>x</script>"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    item_id = response.json()["id"]
    assert "<script" not in response.json()["body"]
    response = writer.post(
        f"{BASE}/items/{item_id}/submit/", {"checklist": ALL_CHECKS}, format="json"
    )
    assert response.json()["state"] == "submitted"
    assert response.json()["step_number"] == 2

    specialist = api_for(users["specialist"])
    queue = specialist.get(f"{BASE}/review-queue/").json()
    assert [row["id"] for row in queue["results"]] == [item_id]
    body = {"version": 1, "step": 2, "checklist": ALL_CHECKS}
    response = specialist.post(
        f"{BASE}/items/{item_id}/return/", {"version": 1, "step": 2, "comment": ""}, format="json"
    )
    assert response.status_code == 400
    assert "comment" in response.json()
    response = specialist.post(
        f"{BASE}/items/{item_id}/return/", {"version": 1, "step": 2, "comment": "改标题"},
        format="json",
    )  # fmt: skip
    assert response.json()["state"] == "returned"
    again = specialist.post(f"{BASE}/items/{item_id}/approve/", body, format="json")
    assert again.status_code == 409
    assert again.json()["detail"]
    writer.patch(f"{BASE}/items/{item_id}/", {"title": "API 推文 v2"}, format="json")
    writer.post(f"{BASE}/items/{item_id}/submit/", {"checklist": ALL_CHECKS}, format="json")
    versions = writer.get(f"{BASE}/items/{item_id}/versions/").json()
    assert [v["number"] for v in versions] == [1, 2]
    diff = writer.get(f"{BASE}/items/{item_id}/diff/", {"a": 1, "b": 2}).json()
    assert {"kind": "replace", "left": "API 推文", "right": "API 推文 v2", "left_no": 1,
            "right_no": 1} in diff["rows"]  # fmt: skip

    # the specialist's second review is the last 003 step: no manager after it
    response = specialist.post(
        f"{BASE}/items/{item_id}/approve/", {**body, "version": 2}, format="json"
    )
    assert response.json()["state"] == "approved"
    when = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = writer.post(f"{BASE}/items/{item_id}/schedule/", {"publish_at": when}, format="json")
    assert response.json()["state"] == "scheduled"
    response = writer.post(f"{BASE}/items/{item_id}/withdraw/", {}, format="json")
    assert response.json()["state"] == "withdrawn"


def test_refusals_through_the_api(users, api_for):
    item = fresh(submit(make_item(users["specialist"])))
    own = api_for(users["specialist"]).post(
        f"{BASE}/items/{item.pk}/approve/",
        {"version": 1, "step": item.step_number, "checklist": ALL_CHECKS},
        format="json",
    )
    assert own.status_code == 403
    other = api_for(users["other_manager"]).post(
        f"{BASE}/items/{item.pk}/approve/", {"version": 1, "step": 2}, format="json"
    )
    assert other.status_code == 404
    bad = api_for(users["copywriter"]).post(f"{BASE}/items/", {"title": ""}, format="json")
    assert bad.status_code == 400
    assert "department" in bad.json()
    assert api_for(None).get(f"{BASE}/items/").status_code == 403


def test_repost_without_authorisation_through_the_api(users, api_for):
    item = make_item(users["copywriter"], origin="repost", source="某报")
    response = api_for(users["copywriter"]).post(
        f"{BASE}/items/{item.pk}/submit/", {}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "authorisation"


def test_list_query_count_is_constant(users, api_for, django_assert_max_num_queries):
    client = api_for(users["manager"])
    for i in range(3):
        submit(make_item(users["copywriter"], title=f"a{i}"))
    with django_assert_max_num_queries(10):
        small = client.get(f"{BASE}/items/")
        small_queue = client.get(f"{BASE}/review-queue/")
    for i in range(30):
        submit(make_item(users["copywriter"], title=f"b{i}"))
    with django_assert_max_num_queries(10):
        large = client.get(f"{BASE}/items/")
        large_queue = client.get(f"{BASE}/review-queue/")
    assert small.json()["count"] == 3
    assert large.json()["count"] == 33
    assert len(large.json()["results"]) == 25
    assert small_queue.status_code == large_queue.status_code == 200


def test_bulk_approve_and_metrics_through_the_api(users, api_for):
    items = [submit(make_item(users["copywriter"], title=f"批{i}")) for i in range(2)]
    result = (
        api_for(users["specialist"])
        .post(
            f"{BASE}/items/bulk-approve/",
            {"items": [i.pk for i in items] + [999999]},
            format="json",
        )
        .json()
    )
    assert sorted(result["approved"]) == sorted(i.pk for i in items)
    assert [f["id"] for f in result["failed"]] == [999999]

    item = items[0]
    services.content_item_schedule(
        actor=users["specialist"], item=item, publish_at=timezone.now() + dt.timedelta(seconds=5)
    )
    services.content_publish_due(now=timezone.now() + dt.timedelta(minutes=1))
    writer = api_for(users["copywriter"])
    response = writer.post(
        f"{BASE}/items/{item.pk}/metrics/", {"date": "2026-11-01", "reads": 50}, format="json"
    )
    assert response.status_code == 201
    assert writer.get(f"{BASE}/items/{item.pk}/metrics/").json()[0]["reads"] == 50
    csv = (
        "item_id,date,reads,shares,likes,comments,followers_gained,followers_lost\n"
        f"{item.pk},2026-11-02,80,1,2,3,4,0\n{item.pk},not-a-date,1,1,1,1,1,1\n"
    )
    response = writer.post(
        f"{BASE}/items/metrics-import/",
        {"file": SimpleUploadedFile("m.csv", csv.encode())},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 3
    assert item.metrics.count() == 1


def test_schema_lists_the_content_endpoints(client, users):
    client.force_login(users["manager"])
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/content/items/{id}/approve/", "/api/v1/content/review-queue/",
                 "/api/v1/content/items/metrics-import/"):  # fmt: skip
        assert path in schema
