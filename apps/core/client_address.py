"""The address of the person making a request, as rate limits and log-in lockouts see it.

Behind the TLS proxy every request comes from the proxy's address, so the client's own
address has to be read from X-Forwarded-For; but anyone can send that header, so it is
believed only when the connection itself comes from a proxy listed in TRUSTED_PROXIES
(env DJANGO_TRUSTED_PROXIES: comma-separated IPs or CIDR networks; empty = trust nobody
and use REMOTE_ADDR). The header is then read from the right, skipping our own proxies:
the first hop not in the list is the client (nginx's real_ip_recursive, Rails' RemoteIp).
Everything to its left was written by the client or by proxies we do not run.

python-ipware (under django-ipware 8) parses the header: IPv6, ports, brackets,
IPv4-mapped addresses. Its get_client_ip() is not used as it stands: it never looks at
the socket peer before believing the header (a forged "X, 10.0.0.1" passes its proxy
list), its proxy list is positional (one entry per hop, in order) rather than a set of
networks, and for the usual one-hop proxy (header = "client") it returns no address.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from python_ipware.modern.parsers import parse_ip, split_proxy_chain

UNKNOWN = "unknown"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR network"
            ) from error
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    """The configured networks; a bad entry fails loudly rather than trusting anything."""
    entries = getattr(settings, "TRUSTED_PROXIES", ()) or ()
    return _networks(tuple(e for e in entries if e.strip()))


def _is_trusted(ip, networks) -> bool:
    return any(ip.version == net.version and ip in net for net in networks)


def client_address(request) -> str:
    """The client's IP address as a string, or "unknown" when the request has none."""
    peer = parse_ip(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return UNKNOWN
    networks = trusted_proxies()
    if not _is_trusted(peer, networks):
        return str(peer)
    # strict: a header with a token that is not an address is not believed at all.
    chain = split_proxy_chain(request.headers.get("x-forwarded-for", ""), strict=True)
    if not chain:
        return str(peer)  # the proxy itself, or a proxy that did not say who it serves
    for hop in reversed(chain):
        if not _is_trusted(hop, networks):
            return str(hop)
    return str(chain[0])  # every hop is ours: the left-most is the closest we know
