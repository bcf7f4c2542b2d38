import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from apps.content import services
from apps.content.models import ContentItem, Publication, ReviewAction
from apps.content.tests.factories import approve, fresh, give_back, in_an_hour, make_item, submit
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.imports import ImportRejected
from apps.core.models import AuditEntry, Notification
from apps.core.tests import samples

State = ContentItem.State
pytestmark = pytest.mark.django_db


def test_create_sanitises_body_and_records_history(users):
    item = make_item(users["copywriter"], body='<p onclick="x()">你好</p><script>alert(1)</script>')
    assert item.state == State.DRAFT
    assert "<script" not in item.body
    assert "onclick" not in item.body
    assert "你好" in item.body
    assert AuditEntry.objects.filter(object_id=str(item.pk), action="content.created").exists()


def test_create_needs_create_content_authority(users, org):
    with pytest.raises(PermissionDenied):
        make_item(users["cs"], org["wechat"])
    with pytest.raises(PermissionDenied):
        make_item(users["copywriter"], org["community-ops"])


def test_wechat_chain_submit_runs_self_check_then_waits_for_specialist(users):
    item = submit(make_item(users["copywriter"]))
    item = fresh(item)
    assert item.state == State.SUBMITTED
    assert (item.step_number, item.step_total) == (2, 2)
    assert item.version_number == 1
    assert item.step_due_at is not None
    decisions = list(item.actions.values_list("decision", flat=True))
    assert decisions == ["created", "submitted", "self_checked"]
    # The specialists (both) are told; the manager has no step in 003's chain.
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"specialist", "specialist2"} <= told
    assert "manager" not in told


def test_submit_without_self_check_waits_for_the_author(users):
    item = make_item(users["copywriter"])
    services.content_item_submit(actor=users["copywriter"], item=item)
    item = fresh(item)
    assert item.step_number == 1
    assert item.current_step.kind == "self_check"
    # the author does the self-check from the review page
    approve(item, users["copywriter"])
    assert fresh(item).step_number == 2


def test_self_check_incomplete_is_refused(users):
    item = make_item(users["copywriter"])
    with pytest.raises(ApplicationError) as error:
        services.content_item_submit(actor=users["copywriter"], item=item, self_check=["accuracy"])
    assert error.value.field == "self_check"
    assert fresh(item).state == State.DRAFT


def test_full_wechat_chain_to_published(users):
    item = submit(make_item(users["copywriter"]))
    when = in_an_hour()
    approve(item, users["specialist"], publish_at=when)
    item = fresh(item)
    assert not Notification.objects.filter(recipient=users["manager"]).exists()
    assert item.state == State.SCHEDULED
    assert item.publish_at == when
    assert item.current_step is None
    assert Notification.objects.filter(
        recipient=users["copywriter"], url=f"/content/{item.pk}/", title__contains=item.title
    ).exists()
    outcome = services.content_publish_due(now=when + dt.timedelta(seconds=1))
    assert outcome["published"] == 1
    item = fresh(item)
    assert item.state == State.PUBLISHED
    assert item.publication.url
    assert item.publication.reference


def test_the_specialists_review_is_the_last_003_step(users):
    """No manager step after the specialist: a second approval finds nothing to act on."""
    item = submit(make_item(users["copywriter"]))
    approve(item, users["specialist"])
    assert fresh(item).state == State.APPROVED
    with pytest.raises(ConflictError):
        approve(item, users["specialist2"], step=3)


def test_manager_cannot_act_on_the_specialist_step(users):
    item = submit(make_item(users["copywriter"]))
    with pytest.raises(PermissionDenied):
        approve(item, users["manager"])
    assert fresh(item).step_number == 2


def test_nobody_approves_their_own_item(users):
    item = submit(make_item(users["specialist"]))
    item = fresh(item)
    assert item.step_number == 2
    with translation.override("en"), pytest.raises(PermissionDenied, match="own item"):
        approve(item, users["specialist"])


def test_wrong_department_is_refused(users, people, make_employee):
    writer = make_employee("mp_writer", "miniprogram-ops", "ops_specialist")
    item = submit(make_item(writer.user))
    item = fresh(item)
    assert item.state == State.SUBMITTED
    assert item.step_total == 1
    with pytest.raises(PermissionDenied):
        approve(item, users["manager"])  # WeChat's manager
    with pytest.raises(PermissionDenied):
        approve(item, users["other_manager"])  # community-ops manager
    approve(item, users["director"])  # the director oversees every department
    assert fresh(item).state == State.APPROVED


def test_miniprogram_specialist_cannot_review_without_managerial_post(users, make_employee):
    writer = make_employee("mp_writer", "miniprogram-ops", "ops_specialist")
    item = submit(make_item(writer.user))
    with pytest.raises(PermissionDenied):
        approve(item, users["other_specialist"])


def test_stale_version_and_wrong_step_conflict(users):
    item = submit(make_item(users["copywriter"]))
    item = fresh(item)
    with pytest.raises(ConflictError):
        approve(item, users["specialist"], version=item.version_number - 1)
    with pytest.raises(ConflictError):
        approve(item, users["specialist"], step=3)
    approve(item, users["specialist"])
    # a second specialist acting on the step that was already taken
    with pytest.raises(ConflictError):
        approve(item, users["specialist2"], step=2)
    assert ReviewAction.objects.filter(item=item, decision="approved").count() == 1


def test_checklist_must_be_complete(users):
    item = submit(make_item(users["copywriter"]))
    with pytest.raises(ApplicationError) as error:
        approve(item, users["specialist"], checklist=["accuracy"])
    assert error.value.field == "checklist"


def test_return_needs_comment_and_tells_earlier_approvers(users):
    """Design work: the designer's self-check came before the specialist's return."""
    item = submit(make_item(users["copywriter"], designer=users["designer"]))
    approve(item, users["designer"])
    with pytest.raises(ApplicationError) as error:
        give_back(item, users["specialist"], comment="  ")
    assert error.value.field == "comment"
    Notification.objects.all().delete()
    give_back(item, users["specialist"], comment="第二段数据有误")
    item = fresh(item)
    assert item.state == State.RETURNED
    assert item.current_step is None
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"copywriter", "designer"}
    assert Notification.objects.filter(body="第二段数据有误").count() == 2


def test_resubmission_restarts_the_chain_with_a_new_version(users):
    item = submit(make_item(users["copywriter"]))
    give_back(item, users["specialist"])
    services.content_item_update(actor=users["copywriter"], item=item, title="春季新品推文（修订）")
    submit(fresh(item))
    item = fresh(item)
    assert item.version_number == 2
    assert item.step_number == 2  # the specialist's second review again, after the self-check
    assert list(item.versions.values_list("title", flat=True)) == [
        "春季新品推文",
        "春季新品推文（修订）",
    ]


def test_in_review_item_cannot_be_edited_and_cannot_be_resubmitted(users):
    item = submit(make_item(users["copywriter"]))
    with pytest.raises(ConflictError):
        services.content_item_update(actor=users["copywriter"], item=item, title="x")
    with pytest.raises(ConflictError):
        submit(fresh(item))


def test_only_the_author_edits_or_submits(users):
    item = make_item(users["copywriter"])
    with pytest.raises(PermissionDenied):
        services.content_item_update(actor=users["specialist"], item=item, title="x")
    with pytest.raises(PermissionDenied):
        submit(item, users["specialist"])


def test_editing_approved_content_sends_it_back_to_review(users):
    item = submit(make_item(users["copywriter"]))
    approve(item, users["specialist"])
    assert fresh(item).state == State.APPROVED
    services.content_item_update(actor=users["copywriter"], item=item, body="<p>改过的</p>")
    item = fresh(item)
    assert item.state == State.SUBMITTED
    assert item.step_number == 1  # waiting for the copywriter's own self-check
    assert item.version_number == 2


def test_repost_needs_source_and_authorisation_at_submit(users):
    item = make_item(users["copywriter"], origin="repost")
    with pytest.raises(ApplicationError) as error:
        submit(item)
    assert error.value.field == "source"
    services.content_item_update(actor=users["copywriter"], item=item, source="人民日报")
    with pytest.raises(ApplicationError) as error:
        submit(fresh(item))
    assert error.value.field == "authorisation"
    assert fresh(item).state == State.DRAFT
    proof = SimpleUploadedFile("proof.pdf", samples.pdf(), content_type="application/pdf")
    services.content_item_update(actor=users["copywriter"], item=fresh(item), authorisation=proof)
    submit(fresh(item))
    assert fresh(item).state == State.SUBMITTED


def test_upload_type_and_size_are_limited(users):
    fake = SimpleUploadedFile("cover.png", b"not an image at all", content_type="image/png")
    with pytest.raises(ApplicationError) as error:
        make_item(users["copywriter"], cover=fake)
    assert error.value.field == "cover"
    exe = SimpleUploadedFile("cover.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ApplicationError):
        make_item(users["copywriter"], cover=exe)
    big = SimpleUploadedFile("cover.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024 + 1))
    with pytest.raises(ApplicationError, match="5 MB"):
        make_item(users["copywriter"], cover=big)


def test_withdraw_and_resubmit(users):
    item = submit(make_item(users["copywriter"]))
    with pytest.raises(PermissionDenied):
        services.content_item_withdraw(actor=users["specialist"], item=item)
    services.content_item_withdraw(actor=users["copywriter"], item=item)
    assert fresh(item).state == State.WITHDRAWN
    with pytest.raises(ConflictError):
        services.content_item_withdraw(actor=users["copywriter"], item=item)
    submit(fresh(item))
    assert fresh(item).version_number == 2


def test_schedule_and_archive(users):
    item = submit(make_item(users["copywriter"]))
    approve(item, users["specialist"])
    with pytest.raises(PermissionDenied):
        services.content_item_schedule(actor=users["cs"], item=item, publish_at=in_an_hour())
    with pytest.raises(ApplicationError):
        services.content_item_schedule(
            actor=users["copywriter"], item=item, publish_at=in_an_hour() - dt.timedelta(days=1)
        )
    services.content_item_schedule(actor=users["copywriter"], item=item, publish_at=in_an_hour())
    assert fresh(item).state == State.SCHEDULED
    with pytest.raises(ConflictError):
        services.content_item_archive(actor=users["copywriter"], item=item)
    services.content_item_withdraw(actor=users["copywriter"], item=item)
    services.content_item_archive(actor=users["copywriter"], item=item)
    assert fresh(item).state == State.ARCHIVED


def test_acting_on_an_item_not_in_review_conflicts(users):
    item = make_item(users["copywriter"])
    with pytest.raises(ConflictError):
        approve(item, users["specialist"])


def test_bulk_approve_reports_failures_and_approves_the_rest(users, make_employee):
    writer = make_employee("mp_writer", "miniprogram-ops", "ops_specialist")
    mine = [submit(make_item(users["copywriter"], title=f"推文{i}")) for i in range(3)]
    elsewhere = submit(make_item(writer.user, title="小程序"))
    result = services.content_items_bulk_approve(
        actor=users["specialist"], item_ids=[i.pk for i in mine] + [elsewhere.pk], comment="好"
    )
    assert sorted(result.approved) == sorted(i.pk for i in mine)
    assert [f[0] for f in result.failed] == [elsewhere.pk]
    assert all(fresh(i).state == State.APPROVED for i in mine)
    assert AuditEntry.objects.filter(action="content.approved").count() == 3


def test_due_time_uses_working_days(users, settings):
    import time_machine
    from django.utils import timezone

    # Friday 2026-11-20 10:00 in Shanghai → due Monday 2026-11-23 at the end of the day.
    with time_machine.travel(
        dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        item = fresh(submit(make_item(users["copywriter"])))
    due = timezone.localtime(item.step_due_at)
    assert (due.date(), due.hour) == (dt.date(2026, 11, 23), settings.WORKDAY_END_HOUR)


def test_overdue_reminder_once_per_day(users):
    import time_machine

    item = fresh(submit(make_item(users["copywriter"])))
    Notification.objects.all().delete()
    later = item.step_due_at + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        assert services.content_remind_overdue() == 1
        assert services.content_remind_overdue() == 0
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"specialist", "specialist2"}
    with time_machine.travel(later + dt.timedelta(days=1), tick=False):
        assert services.content_remind_overdue() == 1


def test_publish_job_twice_publishes_once_and_waits_for_its_time(users):
    import time_machine

    item = submit(make_item(users["copywriter"]))
    when = in_an_hour()
    approve(item, users["specialist"], publish_at=when)
    with time_machine.travel(when - dt.timedelta(minutes=1), tick=False):
        assert services.content_publish_due()["published"] == 0
        assert fresh(item).state == State.SCHEDULED
    with time_machine.travel(when + dt.timedelta(minutes=1), tick=False):
        assert services.content_publish_due()["published"] == 1
        assert services.content_publish_due()["published"] == 0
        assert services.content_item_publish(item_id=item.pk) == "skipped"
    assert Publication.objects.filter(item=item).count() == 1
    assert ReviewAction.objects.filter(item=item, decision="published").count() == 1


def test_publish_failure_is_recorded_and_retried(users, monkeypatch):
    from apps.content import publishers

    item = submit(make_item(users["copywriter"]))
    approve(item, users["specialist"], publish_at=in_an_hour())
    later = in_an_hour() + dt.timedelta(hours=1)

    class Down:
        def publish(self, item):
            raise publishers.PublishError("channel API unavailable")

    monkeypatch.setattr(publishers, "publisher_for", lambda channel: Down())
    assert services.content_publish_due(now=later)["failed"] == 1
    item = fresh(item)
    assert item.state == State.SCHEDULED
    assert item.publish_error == "channel API unavailable"
    assert item.publish_attempts == 1
    monkeypatch.undo()
    # the next run within the back-off leaves it alone; the one after it publishes
    assert services.content_publish_due(now=later + dt.timedelta(seconds=30)) == {
        "published": 0, "failed": 0, "skipped": 0,
    }  # fmt: skip
    assert services.content_publish_due(now=later + dt.timedelta(minutes=1))["published"] == 1
    item = fresh(item)
    assert item.state == State.PUBLISHED
    assert item.publish_error == ""
    assert item.publication.attempts == 2


def test_publish_retries_back_off_then_stop_and_tell_the_author(users, monkeypatch):
    from apps.content import publishers

    item = submit(make_item(users["copywriter"]))
    approve(item, users["specialist"], publish_at=in_an_hour())

    class Down:
        def publish(self, item):
            raise publishers.PublishError("channel API unavailable")

    monkeypatch.setattr(publishers, "publisher_for", lambda channel: Down())
    now = in_an_hour() + dt.timedelta(minutes=1)
    waits = []
    for _ in range(services.MAX_PUBLISH_ATTEMPTS):
        assert services.content_publish_due(now=now)["failed"] == 1
        retry_at = fresh(item).publish_retry_at
        waits.append(round((retry_at - now).total_seconds() / 60))
        now = retry_at
    assert waits == [1, 5, 15, 60, 60]
    # five failures: no more attempts, and the author is told once
    assert services.content_publish_due(now=now + dt.timedelta(days=1))["failed"] == 0
    assert (
        Notification.objects.filter(
            recipient=users["copywriter"], title__startswith="发布失败"
        ).count()
        == 1
    )


def _published(users):
    item = submit(make_item(users["copywriter"]))
    approve(item, users["specialist"], publish_at=in_an_hour())
    services.content_publish_due(now=in_an_hour() + dt.timedelta(hours=1))
    return fresh(item)


def test_metrics_by_hand(users):
    item = _published(users)
    services.metrics_record(
        actor=users["copywriter"], item=item, date=dt.date(2026, 11, 1), reads=10
    )
    services.metrics_record(
        actor=users["copywriter"], item=item, date=dt.date(2026, 11, 1), reads=12
    )
    assert item.metrics.get().reads == 12
    with pytest.raises(PermissionDenied):
        services.metrics_record(actor=users["cs"], item=item, date=dt.date(2026, 11, 1))
    draft = make_item(users["copywriter"])
    with pytest.raises(ApplicationError):
        services.metrics_record(actor=users["copywriter"], item=draft, date=dt.date(2026, 11, 1))


def test_metrics_csv_bad_row_rejects_the_whole_file(users):
    item = _published(users)
    header = "item_id,date,reads,shares,likes,comments,followers_gained,followers_lost\n"
    bad = (
        header
        + f"{item.pk},2026-11-01,100,5,9,2,3,1\n"
        + f"{item.pk},2026-11-02,-4,0,0,0,0,0\n"
        + "999999,2026-11-03,1,1,1,1,1,1\n"
    )
    with pytest.raises(ImportRejected) as refused:
        services.metrics_import_csv(actor=users["copywriter"], data=bad.encode())
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "reads"), (4, "item_id")]
    assert item.metrics.count() == 0
    good = header + f"{item.pk},2026-11-01,100,5,9,2,3,1\n{item.pk},2026-11-02,150,7,10,4,2,0\n"
    assert services.metrics_import_csv(actor=users["copywriter"], data=good.encode()) == 2
    assert item.metrics.count() == 2


def test_topics_and_plans(users, org):
    topic = services.topic_propose(
        actor=users["copywriter"], department=org["wechat"], title="双十一选题"
    )
    with pytest.raises(PermissionDenied):
        services.topic_decide(actor=users["copywriter"], topic=topic, status="accepted")
    services.topic_decide(actor=users["manager"], topic=topic, status="accepted", notes="通过")
    topic.refresh_from_db()
    assert topic.status == "accepted"
    assert topic.decided_by == users["manager"]
    with pytest.raises(ConflictError):
        services.topic_decide(actor=users["manager"], topic=topic, status="accepted")
    plan = services.plan_create(
        actor=users["copywriter"], department=org["wechat"], channel=fresh_channel(),
        theme="冬季", format="article", frequency="每周两次", planned_dates=[dt.date(2026, 12, 1)],
    )  # fmt: skip
    assert plan.planned_dates == ["2026-12-01"]


def fresh_channel():
    from apps.content.tests.factories import channel

    return channel()


def test_images_are_checked_and_editing_approved_content_reviews_again(users):
    png = samples.png()
    item = make_item(users["copywriter"], designer=users["designer"])
    services.content_image_add(
        actor=users["designer"], item=item, file=SimpleUploadedFile("a.png", png), caption="主图"
    )
    assert item.images.count() == 1
    with pytest.raises(ApplicationError) as error:
        services.content_image_add(
            actor=users["designer"], item=item, file=SimpleUploadedFile("a.png", b"GIF89a")
        )
    assert error.value.field == "file"
    with pytest.raises(PermissionDenied):
        services.content_image_add(
            actor=users["cs"], item=item, file=SimpleUploadedFile("b.png", png)
        )
    submit(item)
    approve(item, users["designer"])  # design work: the designer's self-check first
    approve(item, users["specialist"])
    services.content_image_add(
        actor=users["copywriter"], item=fresh(item), file=SimpleUploadedFile("c.png", png)
    )
    assert fresh(item).state == State.SUBMITTED and fresh(item).version_number == 2
