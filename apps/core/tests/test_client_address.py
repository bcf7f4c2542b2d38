"""The client's address for throttles: X-Forwarded-For is believed only from our proxies."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from apps.core.client_address import client_address

PROXY = "10.0.0.5"
CLIENT = "203.0.113.7"


def _request(remote_addr=PROXY, forwarded_for=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_connection_address_counts(settings):
    # given no proxy configured (the default); when a request says it forwards someone
    settings.TRUSTED_PROXIES = []
    # then the header is ignored: everyone behind a proxy is the proxy
    assert client_address(_request(PROXY, CLIENT)) == PROXY
    assert client_address(_request(CLIENT)) == CLIENT


def test_behind_a_trusted_proxy_the_forwarded_client_counts(settings):
    # given our proxy configured as a network; when it forwards a client
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # then that client is the address, and two clients behind it are two addresses
    assert client_address(_request(PROXY, CLIENT)) == CLIENT
    assert client_address(_request(PROXY, "198.51.100.9")) == "198.51.100.9"


def test_a_forged_header_from_an_untrusted_peer_is_ignored(settings):
    # given our proxy configured; when someone reaching the app directly claims to be a
    # proxy forwarding another address (even one whose chain ends in our proxy's address)
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    for forged in ("198.51.100.9", f"198.51.100.9, {PROXY}"):
        # then their own address counts
        assert client_address(_request(CLIENT, forged)) == CLIENT


def test_a_client_cannot_prepend_addresses_through_the_proxy(settings):
    # given our proxy appends the address it saw to whatever the client sent
    settings.TRUSTED_PROXIES = [PROXY]
    # when the client sends its own X-Forwarded-For; then the hop our proxy saw counts
    assert client_address(_request(PROXY, f"1.2.3.4, 5.6.7.8, {CLIENT}")) == CLIENT


def test_several_proxies_of_ours_are_skipped_from_the_right(settings):
    # given a load balancer and the TLS proxy, both ours
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    # when the header lists the client then our inner proxy; then the client counts
    assert client_address(_request(PROXY, f"{CLIENT}, 10.1.2.3")) == CLIENT
    assert client_address(_request("2001:db8::1", f"{CLIENT}, 2001:db8::2")) == CLIENT
    # and when every hop is ours (an internal caller), the left-most one counts
    assert client_address(_request(PROXY, "10.9.9.9, 10.1.2.3")) == "10.9.9.9"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", PROXY),  # the proxy itself (health checks)
        ("not-an-ip", PROXY),  # a malformed header is not believed at all
        (f"{CLIENT}, garbage", PROXY),
        ("[2001:db8:1::7]:443", "2001:db8:1::7"),  # IPv6 with a port
        ("::ffff:203.0.113.7", CLIENT),  # IPv4-mapped IPv6
    ],
)
def test_header_forms_from_a_trusted_proxy(settings, header, expected):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_address(_request(PROXY, header)) == expected


def test_no_address_at_all_is_unknown(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("")) == "unknown"


def test_a_bad_trusted_proxy_entry_fails_loudly(settings):
    # given a typo in DJANGO_TRUSTED_PROXIES; then nothing is trusted silently
    settings.TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured, match=r"10\.0\.0\.0/33"):
        client_address(_request(PROXY, CLIENT))
