"""合理化建议权 and 对上级指令有提出改进权 (seed 002): a holder sends a suggestion or an
improvement to an instruction to their supervisor, who alone replies (adopt, decline,
noted) by a due date in working days; an overdue one reminds the supervisor once."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from apps.core import calendar
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.models import AuditEntry, Notification
from apps.work import services, tasks
from apps.work.models import Suggestion, SuggestionPolicy

pytestmark = pytest.mark.django_db

# A Monday in 2026: the Mid-Autumn Festival (Fri 25 Sept) is a holiday, so five
# working days on is Tuesday the 29th, not Monday the 28th.
MONDAY = dt.datetime(2026, 9, 21, 10, 0, tzinfo=dt.UTC)


def _suggest(user, kind="suggestion", **extra):
    values = {"title": "简化周报模板", "body": "周报字段太多，建议合并三项。", **extra}
    return services.suggestion_submit(actor=user, kind=kind, **values)


def test_a_holder_sends_a_suggestion_to_their_supervisor_due_in_five_working_days(
    app_users, app_ops
):
    with time_machine.travel(MONDAY, tick=False):
        suggestion = _suggest(app_users["new_media"])
    assert suggestion.recipient == app_users["head"]
    assert suggestion.department == app_ops["head"].assignments.get().post.department
    assert suggestion.state == Suggestion.State.OPEN
    assert suggestion.reply_due_on == dt.date(2026, 9, 29)
    assert suggestion.reply_due_on == calendar.add_working_days(dt.date(2026, 9, 21), 5)
    assert AuditEntry.objects.filter(action="suggestion.suggestion").count() == 1
    assert Notification.objects.filter(recipient=app_users["head"]).count() == 1


def test_the_reply_time_comes_from_the_department_policy_in_working_days(app_users, org):
    SuggestionPolicy.objects.create(department=org["app-ops"], reply_working_days=10)
    with time_machine.travel(MONDAY, tick=False):
        suggestion = _suggest(app_users["channel"])
    # 10 working days from 21 Sept 2026 skip the National Day holiday (1-7 Oct).
    assert suggestion.reply_due_on == calendar.add_working_days(dt.date(2026, 9, 21), 10)
    assert suggestion.reply_due_on > dt.date(2026, 10, 7)


def test_an_improvement_names_the_instruction_it_improves(app_users):
    with pytest.raises(ApplicationError) as error:
        _suggest(app_users["content"], kind="improvement")
    assert error.value.field == "regarding"
    proposal = _suggest(app_users["content"], kind="improvement", regarding="9月选题会安排")
    assert proposal.kind == Suggestion.Kind.IMPROVEMENT


def test_without_the_right_a_suggestion_is_refused_and_nothing_is_written(users, counts):
    before = counts()
    for kind in Suggestion.Kind.values:
        with pytest.raises(PermissionDenied):
            _suggest(users["specialist"], kind=kind, regarding="x" * 5)
    assert counts() == before


def test_without_the_right_the_page_and_the_api_answer_403(users, client_for, api_for, counts):
    before = counts()
    client = client_for(users["specialist"])
    assert client.get(reverse("work:suggestion_create")).status_code == 403
    response = client.post(
        reverse("work:suggestion_create"),
        {"kind": "suggestion", "title": "标题标题", "body": "内容内容内容"},
    )
    assert response.status_code == 403
    response = api_for(users["specialist"]).post(
        "/api/v1/work/suggestions/",
        {"kind": "suggestion", "title": "标题标题", "body": "内容内容内容"},
        format="json",
    )
    assert response.status_code == 403
    assert counts() == before


def test_the_supervisor_replies_and_the_author_is_told(app_users):
    suggestion = _suggest(app_users["user_ops"])
    services.suggestion_reply(
        actor=app_users["head"], suggestion=suggestion, decision="adopted", reply="下周起执行"
    )
    suggestion.refresh_from_db()
    assert suggestion.state == Suggestion.State.ADOPTED
    assert suggestion.reply == "下周起执行"
    assert suggestion.replied_at is not None
    assert Notification.objects.filter(recipient=app_users["user_ops"]).count() == 1
    with pytest.raises(ConflictError):
        services.suggestion_reply(
            actor=app_users["head"], suggestion=suggestion, decision="declined", reply="改主意"
        )


@pytest.mark.parametrize("who", ["author", "colleague", "other_manager", "director"])
def test_replying_to_a_suggestion_not_addressed_to_you_changes_nothing(
    app_users, users, counts, who
):
    suggestion = _suggest(app_users["new_media"])
    actor = {
        "author": app_users["new_media"],
        "colleague": app_users["channel"],
        "other_manager": users["manager"],
        "director": users["director"],
    }[who]
    before = counts()
    with pytest.raises(PermissionDenied):
        services.suggestion_reply(
            actor=actor, suggestion=suggestion, decision="declined", reply="不采纳"
        )
    suggestion.refresh_from_db()
    assert suggestion.state == Suggestion.State.OPEN
    assert suggestion.reply == ""
    assert counts() == before


def test_replying_on_the_page_or_api_when_not_addressed_is_403(
    app_users, client_for, api_for, counts
):
    suggestion = _suggest(app_users["new_media"])
    before = counts()
    page = client_for(app_users["new_media"]).post(
        reverse("work:suggestion_detail", args=[suggestion.pk]),
        {"decision": "adopted", "reply": "自己采纳"},
    )
    assert page.status_code == 403
    api = api_for(app_users["channel"]).post(
        f"/api/v1/work/suggestions/{suggestion.pk}/reply/",
        {"decision": "adopted", "reply": "同事采纳"},
        format="json",
    )
    assert api.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.state == Suggestion.State.OPEN
    assert counts() == before


def test_the_page_flow_submit_then_reply(app_users, client_for):
    author = client_for(app_users["campaign"])
    response = author.post(
        reverse("work:suggestion_create"),
        {"kind": "suggestion", "title": "活动复盘模板", "body": "建议统一复盘模板。"},
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    head = client_for(app_users["head"])
    page = head.get(reverse("work:suggestion_detail", args=[suggestion.pk]))
    assert page.status_code == 200
    assert b'data-testid="reply-form"' in page.content
    response = head.post(
        reverse("work:suggestion_detail", args=[suggestion.pk]),
        {"decision": "noted", "reply": "已知悉"},
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == Suggestion.State.NOTED


def test_the_api_flow_submit_then_reply(app_users, api_for):
    response = api_for(app_users["channel"]).post(
        "/api/v1/work/suggestions/",
        {
            "kind": "improvement",
            "title": "调整拓展日报",
            "body": "改为周报即可。",
            "regarding": "日报",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = api_for(app_users["head"]).post(
        f"/api/v1/work/suggestions/{pk}/reply/",
        {"decision": "declined", "reply": "日报仍需保留"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "declined"


def test_lists_show_what_the_policy_allows(app_users, users, client_for, api_for):
    suggestion = _suggest(app_users["new_media"])
    for user, sees in [
        (app_users["new_media"], True),  # author
        (app_users["head"], True),  # recipient, supervises the department
        (users["director"], True),  # supervises the company's subtree
        (app_users["channel"], False),  # a colleague
        (users["manager"], False),  # another department's manager
    ]:
        page = client_for(user).get(reverse("work:suggestions"))
        assert (suggestion in page.context["page"].object_list) is sees, user
        api = api_for(user).get("/api/v1/work/suggestions/")
        assert (suggestion.pk in [r["id"] for r in api.json()["results"]]) is sees, user
        detail = api_for(user).get(f"/api/v1/work/suggestions/{suggestion.pk}/")
        assert detail.status_code == (200 if sees else 403)


def test_list_queries_do_not_grow_with_rows(
    app_users, client_for, api_for, django_assert_max_num_queries
):
    _suggest(app_users["new_media"])
    head = client_for(app_users["head"])
    api = api_for(app_users["head"])
    with django_assert_max_num_queries(30) as small_page:
        head.get(reverse("work:suggestions"))
    with django_assert_max_num_queries(15) as small_api:
        api.get("/api/v1/work/suggestions/")
    for key in ("channel", "content", "user_ops", "campaign"):
        for _ in range(3):
            _suggest(app_users[key])
    with django_assert_max_num_queries(len(small_page.captured_queries)):
        head.get(reverse("work:suggestions"))
    with django_assert_max_num_queries(len(small_api.captured_queries)):
        api.get("/api/v1/work/suggestions/")


def test_an_overdue_suggestion_reminds_the_supervisor_once(app_users):
    with time_machine.travel(MONDAY, tick=False):
        overdue = _suggest(app_users["new_media"])
        _suggest(app_users["channel"])
    with time_machine.travel(dt.datetime(2026, 9, 28, 2, 0, tzinfo=dt.UTC), tick=False):
        on_time = _suggest(app_users["user_ops"])  # due after the National Day holiday
    answered = _suggest(app_users["campaign"])
    Suggestion.objects.filter(pk=answered.pk).update(reply_due_on=dt.date(2026, 9, 1))
    services.suggestion_reply(
        actor=app_users["head"], suggestion=answered, decision="noted", reply="已阅"
    )
    Notification.objects.all().delete()
    with time_machine.travel(dt.datetime(2026, 9, 30, 2, 0, tzinfo=dt.UTC), tick=False):
        assert tasks.remind_overdue_suggestions() == 2
        assert tasks.remind_overdue_suggestions() == 0  # idempotent
    assert Notification.objects.filter(recipient=app_users["head"]).count() == 2
    overdue.refresh_from_db()
    on_time.refresh_from_db()
    assert overdue.reminded_at is not None
    assert on_time.reminded_at is None
    assert AuditEntry.objects.filter(action="suggestion.remind").count() == 2


def test_someone_without_a_supervisor_is_told_so(make_employee, counts):
    lone = make_employee("lone", "app-ops", "new_media_manager").user
    before = counts()
    with pytest.raises(ApplicationError) as error:
        _suggest(lone)
    assert error.value.status_code == 400
    assert counts() == before
