"""Refusing log-in attempts after repeated failures, for the app's and the admin's log-in.

Three failure counts, each a fixed window of LOGIN_LOCKOUT_SECONDS from its first failure:

- per user name from one address (LOGIN_FAILURE_LIMIT, 5): one guesser, one account.
  Locks only that pair, so a stranger's typing cannot lock the owner out elsewhere.
- per address over all user names (LOGIN_ADDRESS_FAILURE_LIMIT, 20): one guesser spraying
  a common password over many accounts.
- per user name from every address (LOGIN_USERNAME_FAILURE_LIMIT, 20): guessing spread over
  many addresses. This one could let an attacker lock the owner out, so it is not applied
  from an address where that person logged in successfully within LOGIN_KNOWN_ADDRESS_DAYS
  (their desk, their phone): the owner keeps working while the attacker is refused.

A success clears its user name's counts but never the address count: otherwise a sprayer
could reset it by logging in to an account of their own between guesses.

Addresses are the client's real one (apps.core.client_address, TRUSTED_PROXIES), so
people behind the proxy do not share one count. Counts live in the cache (Redis in
production) so every web process sees them.
"""

from django.conf import settings
from django.core.cache import cache


def _name(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _pair_key(username: str, address: str) -> str:
    return f"login-failures:{_name(username)}:{address}"


def _address_key(address: str) -> str:
    return f"login-failures-address:{address}"


def _username_key(username: str) -> str:
    return f"login-failures-user:{_name(username)}"


def _known_key(username: str, address: str) -> str:
    return f"login-known-address:{_name(username)}:{address}"


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def is_locked(username: str, address: str) -> bool:
    counts = cache.get_many(
        [_pair_key(username, address), _address_key(address), _username_key(username)]
    )
    if counts.get(_pair_key(username, address), 0) >= settings.LOGIN_FAILURE_LIMIT:
        return True
    if counts.get(_address_key(address), 0) >= _limit("LOGIN_ADDRESS_FAILURE_LIMIT", 20):
        return True
    if counts.get(_username_key(username), 0) >= _limit("LOGIN_USERNAME_FAILURE_LIMIT", 20):
        return not cache.get(_known_key(username, address), False)
    return False


def _count(key: str) -> int:
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        return 1


def record_failure(username: str, address: str) -> None:
    _count(_pair_key(username, address))
    _count(_address_key(address))
    _count(_username_key(username))


def record_success(username: str, address: str) -> None:
    """Clear this user name's counts and remember the address as one of theirs."""
    cache.delete_many([_pair_key(username, address), _username_key(username)])
    days = _limit("LOGIN_KNOWN_ADDRESS_DAYS", 30)
    cache.set(_known_key(username, address), True, timeout=days * 24 * 3600)
