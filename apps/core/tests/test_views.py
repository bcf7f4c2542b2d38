"""The shell: log-in (and its throttle), health check, home page, language switch, and
readable error pages for domain errors."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from apps.core.testing import DEMO_PASSWORD


@pytest.fixture
def clean_cache():
    """The failure counts live in the cache (Redis in CI): start and end each test empty."""
    cache.clear()
    yield
    cache.clear()


def _log_in(client, password, login="manager"):
    return client.post(reverse("login"), {"username": login, "password": password})


def _error_codes(response) -> list[str]:
    return [e.code for e in response.context["form"].errors.as_data().get("__all__", [])]


@pytest.mark.django_db
def test_log_in_and_out(client, users, clean_cache):
    # given the manager's password; when they log in
    response = _log_in(client, DEMO_PASSWORD)
    # then they land on the home page, in their language (cookie set)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert client.get(reverse("home")).status_code == 200
    # when they log out; then they are back on the log-in page and logged out
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_ten_times_is_throttled(client, users, clean_cache):
    limit = settings.LOGIN_FAILURE_LIMIT
    assert limit < 10
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # to read the English message
    # given someone trying wrong passwords ten times
    responses = [_log_in(client, f"wrong-{i}") for i in range(10)]
    # then every attempt is refused on the page (200, no redirect): the first ones as a
    # wrong password and, from the limit on, as throttled
    assert {r.status_code for r in responses} == {200}
    assert [_error_codes(r) for r in responses] == [["invalid_login"]] * limit + [["throttled"]] * (
        10 - limit
    )
    assert "Too many failed attempts" in responses[-1].content.decode()
    assert 'data-testid="login-error"' in responses[-1].content.decode()
    # when the right password comes next; then it is refused too, with the same message
    right = _log_in(client, DEMO_PASSWORD)
    assert right.status_code == 200
    assert _error_codes(right) == ["throttled"]
    assert "Too many failed attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_throttle_is_per_login(client, users, clean_cache):
    # given the manager locked out by failures
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        _log_in(client, f"wrong-{i}")
    # when another person logs in from the same address; then they are not affected
    response = _log_in(client, DEMO_PASSWORD, login="specialist")
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count(client, users, clean_cache):
    # given failures one short of the limit, then a success
    for i in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _log_in(client, f"wrong-{i}")
    assert _log_in(client, DEMO_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    # when the person mistypes once more; then they are not locked out
    _log_in(client, "wrong-again")
    assert _log_in(client, DEMO_PASSWORD).status_code == 302


# --- Health check ---------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    # given the app with its database and broker; when a deploy probes /healthz
    response = client.get("/healthz")
    # then both answer, without logging in
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


# --- Pages of the shell -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["manager", "specialist", "hr", "director", "tech"])
def test_home_page_opens_for_every_role(client_for, users, login):
    # given a person in a role; when they open the home page
    response = client_for(users[login]).get(reverse("home"))
    # then it renders, greeting them by name
    assert response.status_code == 200
    assert users[login].employee.name in response.content.decode()


@pytest.mark.django_db
def test_the_menu_follows_authorities(client_for, users):
    # given HR (view_audit_log company-wide) and a specialist
    hr = client_for(users["hr"]).get(reverse("home"))
    specialist = client_for(users["specialist"]).get(reverse("home"))

    # then the audit log is in HR's menu only (inside the organisation dropdown)
    def keys(items):
        return {i["key"] for i in items} | {c["key"] for i in items for c in i["children"]}

    assert "audit" in keys(hr.context["nav_items"])
    assert "audit" not in keys(specialist.context["nav_items"])
    # and so are requests for powers (HR asks for them; a specialist neither asks nor decides)
    assert "power_requests" in keys(hr.context["nav_items"])
    assert "power_requests" not in keys(specialist.context["nav_items"])


def test_grouped_menu_entries_become_one_dropdown():
    # given a group with two entries and one ungrouped entry
    from apps.core import navigation

    registry, groups = dict(navigation._registry), dict(navigation._groups)
    try:
        navigation._registry.clear()
        navigation._groups.clear()
        navigation.register_group(navigation.NavGroup(key="g", label="G", icon="x"))
        badge = lambda user: 2  # noqa: E731
        for key, order, group in [("a", 1, ""), ("b", 2, "g"), ("c", 3, "g")]:
            navigation.register(
                navigation.NavItem(
                    key=key,
                    label=key,
                    url_name="home",
                    icon="x",
                    order=order,
                    group=group,
                    badge=badge,
                )
            )
        # when the menu is built
        items = navigation.items_for(user=None)
    finally:
        navigation._registry.clear()
        navigation._registry.update(registry)
        navigation._groups.clear()
        navigation._groups.update(groups)
    # then the grouped entries sit in one dropdown, badges summed, in order
    assert [i["key"] for i in items] == ["a", "g"]
    assert [c["key"] for c in items[1]["children"]] == ["b", "c"]
    assert items[1]["badge"] == 4


@pytest.mark.django_db
def test_switching_language_is_remembered(client_for, users):
    # given the manager reading Chinese
    browser = client_for(users["manager"])
    assert '<html lang="zh-hans">' in browser.get(reverse("home")).content.decode()
    # when they switch to English
    response = browser.post(reverse("switch_language"), {"language": "en", "next": "/org/people/"})
    # then they are back where they were, in English, and the choice is stored
    assert response["Location"] == "/org/people/"
    assert '<html lang="en">' in browser.get(reverse("home")).content.decode()
    users["manager"].refresh_from_db()
    assert users["manager"].preferred_language == "en"


@pytest.mark.django_db
def test_switching_language_refuses_other_sites_and_unknown_languages(client_for, users):
    browser = client_for(users["manager"])
    # given a "next" pointing off-site and an unknown language
    response = browser.post(
        reverse("switch_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    # then the redirect stays on the site and nothing changes
    assert response["Location"] == "/"
    users["manager"].refresh_from_db()
    assert users["manager"].preferred_language == "zh-hans"


@pytest.mark.django_db
def test_a_domain_error_on_a_page_is_a_readable_page_with_its_status(client_for, users, org):
    # given a manager opening another department's page (PermissionDenied in the view)
    response = client_for(users["other_manager"]).get(
        reverse("org:department_detail", args=[org["wechat"].pk])
    )
    # then a 403 page with the policy's message, not a 500
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-message"' in html
    assert response.context["message"]


@pytest.mark.django_db
def test_a_domain_error_in_htmx_is_a_fragment(client_for, users, org):
    response = client_for(users["other_manager"]).get(
        reverse("org:department_detail", args=[org["wechat"].pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert "<html" not in response.content.decode()


@pytest.mark.django_db
def test_the_api_schema_and_docs_are_served(client_for, users):
    browser = client_for(users["manager"])
    schema = browser.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/org/employees/" in schema.content
    assert browser.get("/api/docs/").status_code == 200


def test_the_api_schema_is_valid_and_has_no_warnings(tmp_path):
    """Every view documents its shapes, and enum names are readable (no hash suffixes):
    the same check as `manage.py spectacular --validate --fail-on-warn`."""
    from django.core.management import call_command

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert "Enum" in (tmp_path / "schema.yaml").read_text()
