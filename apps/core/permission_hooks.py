"""Rights the core needs answered but may not decide: core imports nothing from the
domain apps (org included — org is built on core, not the reverse), so the app that owns
the rule registers it here from its AppConfig.ready(), as menus and home panels do.

A hook nobody registered refuses: without its policy, core grants nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

VIEW_AUDIT_LOG = "core.view_audit_log"  # the audit-log page
MANAGE_CALENDAR = "core.manage_calendar"  # overrides of the working calendar


@dataclass(frozen=True)
class Hook:
    check: Callable  # (user) -> bool
    needs: str = ""  # the authority's name for a refusal message (lazy translation)


_hooks: dict[str, Hook] = {}


def register(name: str, check: Callable, *, needs: str = "") -> None:
    _hooks[name] = Hook(check=check, needs=needs)


def allows(name: str, user) -> bool:
    hook = _hooks.get(name)
    return hook is not None and bool(hook.check(user))


def needs(name: str) -> str:
    """The name of the authority the hook asks for ("" when none was registered)."""
    hook = _hooks.get(name)
    return str(hook.needs) if hook is not None else ""
