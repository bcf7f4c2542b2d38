import pytest
from django.urls import reverse

from apps.content.models import ALL_CHECKS, ContentItem
from apps.content.tests.factories import approve, fresh, make_item, submit

State = ContentItem.State
pytestmark = pytest.mark.django_db


def _pending(users, n, start=0):
    return [submit(make_item(users["copywriter"], title=f"推文{start + i}")) for i in range(n)]


def test_my_items_and_create_and_submit_through_pages(users, client_for, org):
    client = client_for(users["copywriter"])
    assert client.get(reverse("content:my_items")).status_code == 200
    response = client.post(
        reverse("content:create"),
        {"department": org["wechat"].pk, "title": "新品上市", "channel": 1, "format": "article",
         "body": "<p>正文</p>", "origin": "original"},
    )  # fmt: skip
    item = ContentItem.objects.get(title="新品上市")
    assert response.status_code == 302
    page = client.get(reverse("content:detail", args=[item.pk]))
    assert b'data-testid="submit-form"' in page.content
    client.post(reverse("content:submit", args=[item.pk]),
                {"has_self_check": "1", "self_check": list(ALL_CHECKS)})  # fmt: skip
    assert fresh(item).state == State.SUBMITTED
    assert fresh(item).step_number == 2


def test_create_form_shows_errors_next_to_fields(users, client_for, org):
    client = client_for(users["copywriter"])
    response = client.post(reverse("content:create"), {"department": org["wechat"].pk, "title": ""})
    assert response.status_code == 200
    assert b'data-testid="field-error-title"' in response.content
    assert not ContentItem.objects.exists()


def test_create_page_is_denied_without_create_content(users, client_for):
    assert client_for(users["cs"]).get(reverse("content:create")).status_code == 403


def test_other_departments_items_are_not_visible(users, client_for):
    item = make_item(users["copywriter"])
    assert (
        client_for(users["other_manager"])
        .get(reverse("content:detail", args=[item.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(users["other_manager"])
        .get(reverse("content:review", args=[item.pk]))
        .status_code
        == 404
    )


def test_xss_is_stored_and_shown_sanitised(users, client_for):
    item = make_item(
        users["copywriter"],
        body='<p>好文</p><script>alert("x")</script><img src="x.png" onerror="alert(1)">'
        '<a href="javascript:alert(2)">链接</a>',
    )
    item = fresh(item)
    assert "<script" not in item.body
    assert "onerror" not in item.body
    assert "javascript:" not in item.body
    html = client_for(users["copywriter"]).get(reverse("content:detail", args=[item.pk])).content
    assert b"<script>alert" not in html
    assert b"onerror" not in html
    assert "好文".encode() in html


def test_review_queue_filters_and_excludes_own(users, client_for, make_employee):
    mine = submit(make_item(users["specialist"], title="专员自己的"))
    others = _pending(users, 2)
    response = client_for(users["specialist"]).get(reverse("content:queue"))
    body = response.content.decode()
    assert all(f'queue-row-{i.pk}"' in body for i in others)
    assert f'queue-row-{mine.pk}"' not in body
    # the manager sees nothing: 003 has no manager step, the specialist's review is theirs
    response = client_for(users["manager"]).get(reverse("content:queue"))
    assert 'data-testid="queue-empty"' in response.content.decode()
    response = client_for(users["specialist"]).get(reverse("content:queue"), {"due": "overdue"})
    assert 'data-testid="queue-empty"' in response.content.decode()


def test_queue_query_count_is_constant(users, client_for, django_assert_max_num_queries):
    client = client_for(users["specialist"])
    _pending(users, 3)
    client.get(reverse("content:queue"))
    with django_assert_max_num_queries(16):
        small = client.get(reverse("content:queue"))
    _pending(users, 30, start=3)
    with django_assert_max_num_queries(16):
        large = client.get(reverse("content:queue"))
    assert small.status_code == large.status_code == 200
    assert large.content.count(b"queue-row-") == 25


def test_approve_in_place_with_htmx_moves_to_next(users, client_for):
    first, second = _pending(users, 2)
    client = client_for(users["specialist"])
    first = fresh(first)
    response = client.post(
        reverse("content:approve", args=[first.pk]),
        {"version": first.version_number, "step": first.step_number, "checklist": list(ALL_CHECKS)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("content:review", args=[second.pk])
    assert fresh(first).state == State.APPROVED


def test_return_without_comment_shows_error_in_place(users, client_for):
    (item,) = _pending(users, 1)
    item = fresh(item)
    response = client_for(users["specialist"]).post(
        reverse("content:return", args=[item.pk]),
        {"version": item.version_number, "step": item.step_number, "comment": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert b'data-testid="field-error-comment"' in response.content
    assert fresh(item).state == State.SUBMITTED


def test_stale_review_gets_409_page(users, client_for):
    (item,) = _pending(users, 1)
    item = fresh(item)
    approve(item, users["specialist2"])
    response = client_for(users["specialist"]).post(
        reverse("content:approve", args=[item.pk]),
        {"version": item.version_number, "step": 2, "checklist": list(ALL_CHECKS)},
    )
    assert response.status_code == 409


def test_self_approval_is_403(users, client_for):
    item = fresh(submit(make_item(users["specialist"])))
    response = client_for(users["specialist"]).post(
        reverse("content:approve", args=[item.pk]),
        {"version": item.version_number, "step": item.step_number, "checklist": list(ALL_CHECKS)},
    )
    assert response.status_code == 403


def test_bulk_approve_page(users, client_for):
    items = _pending(users, 3)
    client = client_for(users["specialist"])
    response = client.post(reverse("content:bulk_approve"), {"items": [i.pk for i in items]})
    assert response.status_code == 302
    assert all(fresh(i).step_number == 2 for i in items)  # not confirmed: nothing happened
    client.post(reverse("content:bulk_approve"),
                {"items": [i.pk for i in items], "confirm": "1", "comment": "同意"})  # fmt: skip
    assert all(fresh(i).state == State.APPROVED for i in items)


def test_diff_calendar_topics_plans_pages(users, client_for):
    item = submit(make_item(users["copywriter"], body="<p>甲</p><p>乙</p>"))
    from apps.content import services
    from apps.content.tests.factories import give_back

    give_back(item, users["specialist"])
    services.content_item_update(
        actor=users["copywriter"], item=item, body="<p>甲</p><p>丙 <b>&lt;x&gt;</b></p>"
    )
    submit(fresh(item))
    client = client_for(users["copywriter"])
    side = client.get(reverse("content:diff", args=[item.pk]), {"a": 1, "b": 2})
    assert side.status_code == 200
    assert "丙 &lt;x&gt;".encode() in side.content
    inline = client.get(reverse("content:diff", args=[item.pk]), {"a": 1, "b": 2, "mode": "inline"})
    assert b'data-testid="diff-inline"' in inline.content
    assert "+ 丙".encode() in inline.content
    for name in ("content:calendar", "content:topics", "content:plans", "content:metrics_import"):
        assert client.get(reverse(name)).status_code == 200


def test_metrics_import_page_reports_bad_rows(users, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (
        b"item_id,date,reads,shares,likes,comments,followers_gained,followers_lost\n"
        b"1,bad,1,1,1,1,1,1\n"
    )
    response = client_for(users["copywriter"]).post(
        reverse("content:metrics_import"), {"file": SimpleUploadedFile("m.csv", data)}
    )
    assert response.status_code == 400
    assert b'data-testid="import-report"' in response.content


def test_home_panels_show_the_queue_and_my_drafts(users, client_for):
    (item,) = _pending(users, 1)
    draft = make_item(users["copywriter"], title="我的草稿")
    page = client_for(users["specialist"]).get("/").content.decode()
    assert 'data-testid="panel-review-count">1<' in page
    assert item.title in page
    page = client_for(users["copywriter"]).get("/").content.decode()
    assert 'data-testid="panel-content-mine"' in page and draft.title in page


def test_nav_badge_counts_the_queue(users, client_for):
    _pending(users, 2)
    page = client_for(users["specialist"]).get("/content/review/").content.decode()
    assert 'text-bg-danger">2</span>' in page
