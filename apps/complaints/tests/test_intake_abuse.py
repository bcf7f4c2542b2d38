"""Abuse guards of the public intake, on the web form and the API alike: a captcha once an
address has filed its share, the honeypot, and the rate limit keyed on the real address
behind a trusted proxy. Every refusal stores nothing."""

import random
import re

import pytest
from captcha.models import CaptchaStore
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.complaints.models import Complaint, ComplaintCategory
from apps.core.models import AuditEntry

pytestmark = pytest.mark.django_db

API = "/api/v1/complaints/public/"
CAPTCHA_API = "/api/v1/complaints/public/captcha/"
PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.COMPLAINTS_CAPTCHA_AFTER = 2
    settings.COMPLAINTS_INTAKE_RATE_LIMIT = 20
    settings.TRUSTED_PROXIES = []
    settings.LANGUAGE_CODE = "en"


def _address():
    """An address of its own: the windows live in Redis across test runs."""
    return f"203.0.{random.randint(0, 255)}.{random.randint(1, 254)}"


def _web(address=None, forwarded_for=None):
    extra = {"REMOTE_ADDR": address or _address(), "HTTP_ACCEPT_LANGUAGE": "en"}
    if forwarded_for:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    client = Client(**extra)
    client.cookies["django_language"] = "en"
    return client


def _api(address=None, forwarded_for=None):
    extra = {"REMOTE_ADDR": address or _address(), "HTTP_ACCEPT_LANGUAGE": "en"}
    if forwarded_for:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return APIClient(**extra)


def _form(**overrides):
    data = {
        "category": ComplaintCategory.objects.get(code="technical").pk,
        "description": "The mini-program shows a blank page after paying.",
        "contact_name": "张三",
        "contact_phone": "13812341234",
        "contact_email": "",
        "website": "",
    }
    data.update(overrides)
    return data


def _payload(**overrides):
    data = {
        "category": "billing",
        "description": "I was charged twice for one order.",
        "contact_name": "王五",
        "contact_email": "wang@example.com",
    }
    data.update(overrides)
    return data


def _captcha_on(page) -> str | None:
    """The key of the captcha a page shows, or None."""
    found = re.search(r'name="captcha_0" value="([0-9a-f]+)"', page.content.decode())
    return found.group(1) if found else None


def _answer(key) -> str:
    return CaptchaStore.objects.get(hashkey=key).response


def _state():
    return Complaint.objects.count(), AuditEntry.objects.count()


# --- The web form ----------------------------------------------------------------------


def test_the_form_asks_for_a_captcha_after_two_complaints_and_accepts_the_right_answer(org):
    url = reverse("complaints:public_new")
    client = _web()
    # given an address whose first two complaints went through without a challenge
    assert _captcha_on(client.get(url)) is None
    for _ in range(2):
        assert client.post(url, _form()).status_code == 302
    # when it opens the form again; then a captcha is shown, with its image served here
    page = client.get(url)
    key = _captcha_on(page)
    assert key and 'data-testid="captcha-image"' in page.content.decode()
    image = client.get(reverse("captcha-image", kwargs={"key": key}))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    # when it answers right; then the complaint is filed
    response = client.post(url, _form(captcha_0=key, captcha_1=_answer(key)))
    assert response.status_code == 302
    assert Complaint.objects.count() == 3


def test_the_form_refuses_a_missing_or_wrong_captcha_and_stores_nothing(org):
    url = reverse("complaints:public_new")
    client = _web()
    for _ in range(2):
        client.post(url, _form())
    before = _state()
    # when the third complaint comes without the captcha (a bot posting blind)
    missing = client.post(url, _form())
    # then it is refused next to the captcha field, and a captcha is shown
    assert missing.status_code == 400
    assert 'data-testid="field-error-captcha"' in missing.content.decode()
    assert "Type the characters in the picture." in missing.content.decode()
    key = _captcha_on(missing)
    # when the answer is wrong; then it is refused and that captcha is spent
    wrong = client.post(url, _form(captcha_0=key, captcha_1="nope"))
    assert wrong.status_code == 400
    assert "did not match" in wrong.content.decode()
    assert not CaptchaStore.objects.filter(hashkey=key).exists()
    # and the page shows a new picture to try
    assert _captcha_on(wrong) not in (None, key)
    assert _state() == before


def test_another_address_is_not_asked(org):
    url = reverse("complaints:public_new")
    busy = _web()
    for _ in range(2):
        busy.post(url, _form())
    assert _captcha_on(busy.get(url))
    assert _captcha_on(_web().get(url)) is None
    assert _web().post(url, _form()).status_code == 302


def test_behind_a_trusted_proxy_the_captcha_counts_the_real_client(org, settings):
    # given the proxy configured; one person behind it filed two complaints
    settings.TRUSTED_PROXIES = [PROXY]
    url = reverse("complaints:public_new")
    first = _address()
    for _ in range(2):
        assert _web(PROXY, first).post(url, _form()).status_code == 302
    # then that person is asked for a captcha and their neighbour behind the proxy is not
    assert _captcha_on(_web(PROXY, first).get(url))
    assert _captcha_on(_web(PROXY, _address()).get(url)) is None


# --- The API ---------------------------------------------------------------------------


def test_the_api_asks_for_a_captcha_after_two_complaints(org):
    client = _api()
    for _ in range(2):
        assert client.post(API, _payload(), format="json").status_code == 201
    before = _state()
    # when the third comes without a captcha; then a clear 400 says where to get one
    refused = client.post(API, _payload(), format="json")
    assert refused.status_code == 400
    assert refused.json()["field"] == "captcha_answer"
    assert "public/captcha/" in refused.json()["detail"]
    assert _state() == before
    # when the client gets a captcha; then it has a key and an image served by the app
    issued = client.post(CAPTCHA_API)
    assert issued.status_code == 201
    body = issued.json()
    assert body["required"] is True
    assert body["image_url"].startswith("http://testserver/captcha/image/")
    assert client.get(body["image_url"]).status_code == 200
    # when it answers right; then the complaint is filed
    answered = client.post(
        API,
        _payload(captcha_key=body["captcha_key"], captcha_answer=_answer(body["captcha_key"])),
        format="json",
    )
    assert answered.status_code == 201, answered.content
    assert Complaint.objects.count() == before[0] + 1


def test_the_api_refuses_a_wrong_answer_spends_the_captcha_and_stores_nothing(org):
    client = _api()
    for _ in range(2):
        client.post(API, _payload(), format="json")
    key = client.post(CAPTCHA_API).json()["captcha_key"]
    right = _answer(key)
    before = _state()
    # when the answer is wrong; then 400 on captcha_answer
    wrong = client.post(API, _payload(captcha_key=key, captcha_answer="nope"), format="json")
    assert wrong.status_code == 400 and wrong.json()["field"] == "captcha_answer"
    # and the captcha cannot be tried again, not even with the right answer
    retry = client.post(API, _payload(captcha_key=key, captcha_answer=right), format="json")
    assert retry.status_code == 400 and retry.json()["field"] == "captcha_answer"
    assert _state() == before


def test_the_api_captcha_is_not_required_for_a_fresh_address(org):
    client = _api()
    assert client.post(CAPTCHA_API).json()["required"] is False
    assert client.post(API, _payload(), format="json").status_code == 201


def test_the_api_honeypot_stores_nothing(org):
    before = _state()
    response = _api().post(API, _payload(website="http://spam.example"), format="json")
    assert response.status_code == 400
    assert "could not be accepted" in response.json()["detail"]
    assert _state() == before


def test_captchas_are_rate_limited_per_address(org, settings):
    settings.COMPLAINTS_CAPTCHA_ISSUE_LIMIT = 3
    client = _api()
    assert [client.post(CAPTCHA_API).status_code for _ in range(4)] == [201, 201, 201, 429]
    assert _api().post(CAPTCHA_API).status_code == 201


# --- Rate limit behind the proxy ---------------------------------------------------------


def test_behind_a_trusted_proxy_the_rate_limit_keys_on_the_real_client(org, settings):
    # given the proxy configured and a limit of two submissions per window
    settings.TRUSTED_PROXIES = [PROXY]
    settings.COMPLAINTS_INTAKE_RATE_LIMIT = 2
    settings.COMPLAINTS_CAPTCHA_AFTER = 100
    noisy = _address()
    for _ in range(2):
        assert _api(PROXY, noisy).post(API, _payload(), format="json").status_code == 201
    before = _state()
    # when that client sends a third; then 429, nothing stored
    assert _api(PROXY, noisy).post(API, _payload(), format="json").status_code == 429
    assert _web(PROXY, noisy).post(reverse("complaints:public_new"), _form()).status_code == 429
    assert _state() == before
    # and the rest of the public behind the same proxy is served
    assert _api(PROXY, _address()).post(API, _payload(), format="json").status_code == 201


def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_rate_limit(org, settings):
    settings.COMPLAINTS_INTAKE_RATE_LIMIT = 2
    settings.COMPLAINTS_CAPTCHA_AFTER = 100
    sender = _address()
    for _ in range(2):
        _api(sender, _address()).post(API, _payload(), format="json")
    before = _state()
    # when the same sender claims to forward a new address each time; then still limited
    assert _api(sender, _address()).post(API, _payload(), format="json").status_code == 429
    assert _state() == before
