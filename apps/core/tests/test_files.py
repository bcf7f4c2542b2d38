"""Every stored file goes out through /files/<kind>/<pk>/ after its app's permission
check, with production settings (DEBUG off): the allowed user gets it with safe headers;
anyone else, and anonymous visitors, get 404 as if it did not exist."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from apps.core import files
from apps.core.tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    assert settings.DEBUG is False  # production-like: nothing serves MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path
    settings.FILE_SERVE_HEADER = ""
    return tmp_path


# --- One stored file of each kind ------------------------------------------------------


def content_item(users):
    from apps.content.tests.factories import make_item

    return make_item(
        users["copywriter"],
        cover=samples.upload("封面.png", samples.png()),
        origin="repost",
        source="人民日报",
        authorisation=samples.upload("授权书.pdf", samples.pdf()),
    )


def content_image(users):
    from apps.content import services
    from apps.content.tests.factories import make_item

    item = make_item(users["copywriter"], designer=users["designer"])
    return services.content_image_add(
        actor=users["designer"], item=item, file=samples.upload("a.jpg", samples.jpeg())
    )


def complaint_attachment(users):
    from apps.complaints import services
    from apps.complaints.models import Channel, ComplaintCategory

    complaint, _token = services.complaint_submit(
        channel=Channel.WEB,
        category=ComplaintCategory.objects.get(code="technical"),
        description="The app crashes when I open my orders page.",
        contact_name="张三",
        contact_phone="13812341234",
        attachments=[samples.upload("截图.pdf", samples.pdf())],
    )
    return complaint.attachments.get()


def campaign_attachment(users):
    from apps.campaigns import services
    from apps.campaigns.tests.factories import running_campaign

    entry = services.log_entry_add(
        actor=users["specialist"],
        campaign=running_campaign(users),
        kind="progress",
        happened_on=dt.date.today(),
        text="推文发布",
        files=[samples.upload("数据.xlsx", samples.xlsx())],
    )
    return entry.attachments.get()


def kpi_export(users, requested_by="hr"):
    from apps.kpis import presets, services
    from apps.kpis.models import ExportJob
    from apps.kpis.policies import previous_period

    presets.install()
    start, _end = previous_period("monthly", timezone.localdate())
    cycle = services.cycle_open(
        actor=users["hr"], kind="monthly", period_start=start, enqueue=False
    )
    job = ExportJob.objects.create(
        cycle=cycle, requested_by=users[requested_by], state=ExportJob.State.DONE
    )
    job.file.save("appraisal.xlsx", ContentFile(samples.xlsx()), save=True)
    return job


# kind → (make the record, its pk's file field, who may open it, who may not,
#         content type, inline?, readable file name)
CASES = {
    "content-cover": (
        content_item, "cover", "manager", "other_manager", "image/png", True, "cover-{pk}.png"
    ),
    "content-authorisation": (
        content_item, "authorisation", "copywriter", "other_manager", "application/pdf", False,
        "authorisation-{pk}.pdf",
    ),
    "content-image": (
        content_image, "file", "designer", "other_specialist", "image/jpeg", True, "image-{pk}.jpg"
    ),
    "complaint-attachment": (
        complaint_attachment, "file", "cs", "other_specialist", "application/pdf", False,
        "截图.pdf",
    ),
    "campaign-attachment": (
        campaign_attachment, "file", "manager", "other_specialist",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False, "数据.xlsx",
    ),
    "kpi-export": (
        kpi_export, "file", "hr", "director",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False, None,
    ),
}  # fmt: skip


def stored(kind, users):
    make, field, *_ = CASES[kind]
    record = make(users)
    return record, getattr(record, field)


@pytest.mark.parametrize("kind", CASES)
def test_allowed_user_gets_the_file_with_safe_headers(users, client_for, kind):
    _make, _field, allowed, _denied, content_type, inline, name = CASES[kind]
    record, file = stored(kind, users)
    response = client_for(users[allowed]).get(files.file_url(kind, record.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == file.open("rb").read()
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline" if inline else "attachment")
    assert response["Content-Security-Policy"] == "sandbox"
    if name:
        expected = name.format(pk=record.pk)
        assert (
            f'filename="{expected}"' in disposition
            or f"filename*=utf-8''{quote(expected)}" in disposition
        )
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("kind", CASES)
def test_others_and_anonymous_get_404_and_nothing_else(users, client_for, kind):
    _make, _field, _allowed, denied, *_ = CASES[kind]
    record, _file = stored(kind, users)
    url = files.file_url(kind, record.pk)
    for client in (client_for(users[denied]), Client()):
        response = client.get(url)
        assert response.status_code == 404
        assert not hasattr(response, "streaming_content")
        assert b"PK" not in response.content[:2] and b"%PDF" not in response.content


def test_the_denied_users_really_lack_the_right(users):
    """The 404s above are the policy's answer, not a missing row: check the policy."""
    from apps.campaigns import permissions as campaigns
    from apps.complaints import permissions as complaints
    from apps.content import permissions as content
    from apps.kpis import permissions as kpis

    item = content_item(users)
    assert content.can_view_item(users["manager"], item)
    assert not content.can_view_item(users["other_manager"], item)
    attachment = complaint_attachment(users)
    assert complaints.can_view(users["cs"], attachment.complaint)
    assert not complaints.can_view(users["other_specialist"], attachment.complaint)
    log = campaign_attachment(users)
    assert campaigns.can_view(users["manager"], log.entry.campaign)
    assert not campaigns.can_view(users["other_specialist"], log.entry.campaign)
    job = kpi_export(users)
    assert kpis.can_download_export(users["hr"], job)
    assert not kpis.can_download_export(users["director"], job)


def test_unknown_kind_missing_row_and_missing_file_are_404(users, client_for, media):
    record, file = stored("complaint-attachment", users)
    client = client_for(users["cs"])
    assert client.get(reverse("file", args=["nonsense", record.pk])).status_code == 404
    assert client.get(files.file_url("complaint-attachment", record.pk + 1000)).status_code == 404
    (media / file.name).unlink()
    assert client.get(files.file_url("complaint-attachment", record.pk)).status_code == 404


def test_only_get_and_head(users, client_for):
    record, _file = stored("complaint-attachment", users)
    client = client_for(users["cs"])
    url = files.file_url("complaint-attachment", record.pk)
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_media_url_serves_nothing_any_more(users, client_for):
    _record, file = stored("complaint-attachment", users)
    response = client_for(users["cs"]).get(f"/media/{file.name}")
    assert response.status_code == 404


def test_kpi_export_is_for_its_requester_only_while_they_may_export(users, client_for):
    from apps.kpis.models import ExportJob

    job = kpi_export(users)
    url = files.file_url("kpi-export", job.pk)
    assert client_for(users["hr"]).get(url).status_code == 200
    # The page and the API download go through the same check and name the file so.
    page = client_for(users["hr"]).get(reverse("kpis:export_download", args=[job.pk]))
    assert page.status_code == 200
    readable = f"appraisal-sheet-{job.cycle.period_start:%Y%m}-{job.pk}.xlsx"
    assert page["Content-Disposition"] == f'attachment; filename="{readable}"'
    assert page["X-Content-Type-Options"] == "nosniff"
    # Not ready yet: nothing to download.
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING)
    assert client_for(users["hr"]).get(url).status_code == 404


def test_kpi_export_is_refused_once_the_requester_lost_the_right(users, client_for, people):
    from apps.org.models import Assignment

    job = kpi_export(users)
    Assignment.objects.filter(employee=people["hr"]).update(end_date=dt.date(2021, 1, 1))
    assert client_for(users["hr"]).get(files.file_url("kpi-export", job.pk)).status_code == 404


def test_stored_names_are_random_and_say_nothing(users):
    item = content_item(users)
    export = kpi_export(users)
    for name in (item.cover.name, item.authorisation.name, export.file.name):
        stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        assert len(stem) >= 20
        assert "封面" not in name and "授权书" not in name and "appraisal" not in stem


def test_api_token_clients_follow_the_campaign_log_urls(users, api_for):
    attachment = campaign_attachment(users)
    entry = attachment.entry
    log = api_for(users["manager"]).get(f"/api/v1/campaigns/{entry.campaign_id}/log/").json()
    [row] = log["results"][0]["attachments"] if "results" in log else log[0]["attachments"]
    assert row["url"] == files.file_url("campaign-attachment", attachment.pk)
    token = Token.objects.create(user=users["manager"])
    response = Client(headers={"authorization": f"Token {token.key}"}).get(row["url"])
    assert response.status_code == 200
    other = Token.objects.create(user=users["other_specialist"])
    assert (
        Client(headers={"authorization": f"Token {other.key}"}).get(row["url"]).status_code == 404
    )
    assert Client(headers={"authorization": "Token not-a-token"}).get(row["url"]).status_code == 404


def test_x_accel_redirect_hands_the_file_to_the_proxy(users, client_for, settings):
    settings.FILE_SERVE_HEADER = "X-Accel-Redirect"
    settings.FILE_SERVE_INTERNAL_URL = "/internal-media/"
    record, file = stored("complaint-attachment", users)
    response = client_for(users["cs"]).get(files.file_url("complaint-attachment", record.pk))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/internal-media/{quote(file.name)}"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    denied = client_for(users["other_specialist"]).get(
        files.file_url("complaint-attachment", record.pk)
    )
    assert denied.status_code == 404 and "X-Accel-Redirect" not in denied


def test_x_sendfile_names_the_path(users, client_for, settings):
    settings.FILE_SERVE_HEADER = "X-Sendfile"
    record, file = stored("complaint-attachment", users)
    response = client_for(users["cs"]).get(files.file_url("complaint-attachment", record.pk))
    assert response.status_code == 200
    assert response["X-Sendfile"] == quote(file.path)
    assert response["X-Sendfile"].isascii()


def test_pages_link_the_checked_view_not_media(users, client_for):
    from apps.content.models import ContentImage

    item = content_item(users)
    image = content_image(users)
    for record in (item, image.item):
        body = client_for(users["copywriter"]).get(reverse("content:detail", args=[record.pk]))
        assert body.status_code == 200
        assert "/media/" not in body.content.decode()
    body = client_for(users["copywriter"]).get(reverse("content:detail", args=[item.pk]))
    assert files.file_url("content-cover", item.pk) in body.content.decode()
    assert files.file_url("content-authorisation", item.pk) in body.content.decode()
    body = client_for(users["copywriter"]).get(reverse("content:detail", args=[image.item_id]))
    assert files.file_url("content-image", ContentImage.objects.get().pk) in body.content.decode()
    attachment = complaint_attachment(users)
    body = client_for(users["cs"]).get(reverse("complaints:detail", args=[attachment.complaint_id]))
    assert files.file_url("complaint-attachment", attachment.pk) in body.content.decode()
    assert "/media/" not in body.content.decode()
    log = campaign_attachment(users)
    body = client_for(users["manager"]).get(
        reverse("campaigns:detail", args=[log.entry.campaign_id])
    )
    assert files.file_url("campaign-attachment", log.pk) in body.content.decode()
    assert "/media/" not in body.content.decode()
