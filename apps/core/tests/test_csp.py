"""Content-Security-Policy: every page carries the policy, and no page or template needs
'unsafe-inline' for scripts — no inline <script> (json_script's JSON is data, not
script) and no on…= handler attribute."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from apps.campaigns.tests.factories import approved_campaign
from apps.complaints.tests.factories import file_complaint
from apps.content.tests.factories import make_item, submit

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def directives(header: str) -> dict:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return dict(parts)


class InlineScriptFinder(HTMLParser):
    """Collects every <script> without src that is not JSON data, and every on…=
    attribute, from rendered HTML."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self.problems.append(f"inline <script> at line {self.getpos()[0]}")
        handlers = [name for name in attrs if name.startswith("on")]
        if handlers:
            self.problems.append(f"<{tag} {' '.join(handlers)}> at line {self.getpos()[0]}")


def inline_scripts(html: str) -> list[str]:
    finder = InlineScriptFinder()
    finder.feed(html)
    return finder.problems


@pytest.mark.django_db
def test_a_page_carries_the_policy(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == POLICY


def test_the_finder_catches_what_it_must():
    # the check below would pass vacuously if it could not see these
    assert inline_scripts("<script>alert(1)</script>")
    assert inline_scripts('<button onclick="go()">x</button>')
    assert inline_scripts('<script type="module">x()</script>')
    assert not inline_scripts('<script id="d" type="application/json">{"a": 1}</script>')
    assert not inline_scripts('<script src="/static/js/app.js" defer></script>')


PAGES = {
    "director": [
        "/",
        "/campaigns/",
        "/campaigns/dashboard/",
        "/complaints/",
        "/complaints/reports/",
        "/training/plans/",
        "/org/departments/",
    ],
    "manager": ["/", "/content/review/", "/training/team/", "/kpis/"],
    "hr": ["/", "/audit/", "/kpis/cycles/", "/kpis/indicators/", "/kpis/policies/"],
    "specialist": ["/", "/content/", "/training/mine/", "/notifications/", "/no-such-page/"],
    "cs": ["/", "/complaints/", "/complaints/enter/"],
}


@pytest.mark.django_db
def test_rendered_pages_have_no_inline_script_and_carry_the_policy(users, client_for, client):
    campaign = approved_campaign(users)
    complaint, _token = file_complaint()
    item = submit(make_item(users["copywriter"]))
    pages = [(login, url) for login, urls in PAGES.items() for url in urls] + [
        ("director", reverse("campaigns:detail", args=[campaign.pk])),
        ("cs", reverse("complaints:detail", args=[complaint.pk])),
        ("manager", reverse("content:review", args=[item.pk])),
        ("manager", reverse("org:department_detail", args=[campaign.department.pk])),
    ]
    checked = 0
    for login, url in pages:
        response = client_for(users[login]).get(url)
        assert response.status_code in (200, 404), (login, url, response.status_code)
        assert "Content-Security-Policy" in response, url
        assert inline_scripts(response.content.decode()) == [], (login, url)
        checked += 1
    for url in ["/accounts/login/", "/complaints/new/"]:  # public pages
        response = client.get(url)
        assert response.status_code == 200
        assert inline_scripts(response.content.decode()) == [], url
    assert checked == len(pages)


def _templates():
    roots = [
        Path(settings.BASE_DIR) / "templates",
        *Path(settings.BASE_DIR).glob("apps/*/templates"),
    ]
    return sorted(path for root in roots for path in root.rglob("*.html"))


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


def test_no_template_has_an_inline_script_or_handler():
    """Every template, including pages the test above cannot reach without more data."""
    templates = _templates()
    assert len(templates) > 50
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in templates
        if INLINE_SCRIPT.search(text := path.read_text()) or HANDLER.search(text)
    ]
    assert offenders == []
