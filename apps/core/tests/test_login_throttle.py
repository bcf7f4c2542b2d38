"""Log-in throttling: per user name and per address separately, on the app's and the
admin's log-in, keyed on the client's real address behind a trusted proxy."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from apps.core.testing import DEMO_PASSWORD

PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def clean_cache(settings):
    """Counts live in the cache (Redis in CI); English messages; small, explicit limits."""
    settings.LANGUAGE_CODE = "en"
    settings.TRUSTED_PROXIES = []
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 6
    cache.clear()
    yield
    cache.clear()


def _client(address="192.0.2.10", forwarded_for=None):
    extra = {"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": "en"}
    if forwarded_for:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    client = Client(**extra)
    client.cookies["django_language"] = "en"
    return client


def _log_in(client, login, password, url="login"):
    return client.post(reverse(url), {"username": login, "password": password})


def _throttled(response) -> bool:
    errors = response.context["form"].errors.as_data().get("__all__", [])
    return [e.code for e in errors] == ["throttled"]


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_user(
        "siteadmin", "siteadmin@example.com", DEMO_PASSWORD, is_staff=True, is_superuser=True
    )


# --- Per address over all user names ---------------------------------------------------


@pytest.mark.django_db
def test_one_address_spraying_many_accounts_is_locked_out(users):
    # given one address failing on five different accounts (each once: no account is near
    # its own limit)
    sprayer = _client("192.0.2.66")
    for login in ["manager", "specialist", "hr", "director", "cs"]:
        assert not _throttled(_log_in(sprayer, login, "Summer2026!"))
    # when it tries again, even with a right password; then it is refused unchecked
    response = _log_in(sprayer, "tech", DEMO_PASSWORD)
    assert response.status_code == 200 and _throttled(response)
    assert "Too many failed attempts" in response.content.decode()
    assert not _logged_in(sprayer)
    # and the same people log in from their own addresses
    owner = _client("192.0.2.20")
    assert _log_in(owner, "tech", DEMO_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_success_does_not_reset_the_address_count(users):
    # given a sprayer who owns an account, one failure short of the address limit
    sprayer = _client("192.0.2.67")
    for login in ["manager", "specialist", "hr", "director"]:
        _log_in(sprayer, login, "wrong")
    # when they log in to their own account in between
    assert _log_in(sprayer, "cs", DEMO_PASSWORD).status_code == 302
    sprayer.post(reverse("logout"))
    # then the next failure still reaches the limit and the address is locked
    _log_in(sprayer, "tech", "wrong")
    assert _throttled(_log_in(sprayer, "cs", DEMO_PASSWORD))


# --- Per user name from many addresses ---------------------------------------------------


@pytest.mark.django_db
def test_guessing_one_account_from_many_addresses_locks_it_but_not_for_its_owner(users):
    # given the manager has logged in from her desk before
    desk = _client("192.0.2.30")
    assert _log_in(desk, "manager", DEMO_PASSWORD).status_code == 302
    desk.post(reverse("logout"))
    # when six addresses each guess her password once (each far below the per-pair limit)
    for i in range(6):
        _log_in(_client(f"198.51.100.{i + 1}"), "manager", "guess")
    # then a seventh address is refused even with the right password
    attacker = _client("198.51.100.99")
    assert _throttled(_log_in(attacker, "manager", DEMO_PASSWORD))
    assert not _logged_in(attacker)
    # but from her desk she still logs in: a stranger cannot lock her out
    assert _log_in(desk, "manager", DEMO_PASSWORD).status_code == 302
    # and other accounts are untouched
    assert _log_in(_client("198.51.100.99"), "hr", DEMO_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_owners_success_clears_the_user_name_count(users):
    desk = _client("192.0.2.31")
    assert _log_in(desk, "hr", DEMO_PASSWORD).status_code == 302
    desk.post(reverse("logout"))
    for i in range(5):
        _log_in(_client(f"198.51.100.{i + 1}"), "hr", "guess")
    # when the owner logs in (from her desk); then the distributed count starts again
    assert _log_in(desk, "hr", DEMO_PASSWORD).status_code == 302
    _log_in(_client("198.51.100.50"), "hr", "guess")
    assert _log_in(_client("198.51.100.51"), "hr", DEMO_PASSWORD).status_code == 302


# --- The admin site -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_log_in_locks_out(admin_user):
    # given someone guessing the admin's password on /admin/login/
    client = _client()
    responses = [_log_in(client, "siteadmin", f"wrong-{i}", url="admin:login") for i in range(4)]
    # then the first three are wrong passwords and the fourth is refused as throttled
    assert [_throttled(r) for r in responses] == [False, False, False, True]
    assert "Too many failed attempts" in responses[-1].content.decode()
    # when the right password comes next; then it is refused too, and no session starts
    right = _log_in(client, "siteadmin", DEMO_PASSWORD, url="admin:login")
    assert right.status_code == 200 and _throttled(right)
    assert not _logged_in(client)
    # while another address still gets in
    other = _client("192.0.2.99")
    assert _log_in(other, "siteadmin", DEMO_PASSWORD, url="admin:login").status_code == 302
    assert _logged_in(other)


@pytest.mark.django_db
def test_the_app_and_admin_log_ins_share_one_count(admin_user):
    # given failures on the app's log-in up to the limit
    client = _client()
    for i in range(3):
        _log_in(client, "siteadmin", f"wrong-{i}")
    # when the same guesser turns to the admin's log-in; then it is locked there too
    assert _throttled(_log_in(client, "siteadmin", DEMO_PASSWORD, url="admin:login"))
    assert not _logged_in(client)


@pytest.mark.django_db
def test_a_right_password_refused_by_the_admin_for_not_being_staff_is_no_failure(users):
    # given a non-staff person logging in to the admin with their right password
    client = _client()
    for _ in range(4):
        response = _log_in(client, "specialist", DEMO_PASSWORD, url="admin:login")
        # then the admin refuses them as not staff, never as throttled
        assert response.status_code == 200 and not _throttled(response)
    # and the app's log-in still lets them in
    assert _log_in(client, "specialist", DEMO_PASSWORD).status_code == 302


# --- Behind the proxy -------------------------------------------------------------------


@pytest.mark.django_db
def test_behind_a_trusted_proxy_one_locked_person_does_not_lock_the_others(users, settings):
    # given the TLS proxy configured; five failures from one client behind it
    settings.TRUSTED_PROXIES = [PROXY]
    guesser = _client(PROXY, "203.0.113.7")
    for login in ["manager", "specialist", "hr", "director", "cs"]:
        _log_in(guesser, login, "wrong")
    assert _throttled(_log_in(guesser, "tech", DEMO_PASSWORD))
    # when another person comes through the same proxy; then they log in
    colleague = _client(PROXY, "203.0.113.8")
    assert _log_in(colleague, "tech", DEMO_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_lockout(users, settings):
    # given no proxy configured and an address locked out
    settings.TRUSTED_PROXIES = []
    for i in range(3):
        _log_in(_client("192.0.2.77", f"203.0.113.{i}"), "manager", "wrong")
    # when it claims to forward yet another address; then it is still locked
    assert _throttled(_log_in(_client("192.0.2.77", "203.0.113.200"), "manager", DEMO_PASSWORD))
