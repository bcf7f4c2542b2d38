"""The home page is a set of panels that apps contribute ("what waits for me" and the
department's charts). A panel decides whether it applies to the user and builds its own
context from its app's selectors; the home view only lays them out."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable  # (request) -> dict | None; None hides the panel
    order: int = 100
    width: int = 6  # Bootstrap columns out of 12


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.key] = panel


def panels_for(request) -> list[dict]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.context(request)
        if context is not None:
            shown.append(
                {
                    "key": panel.key,
                    "template": panel.template,
                    "width": panel.width,
                    "context": context,
                }
            )
    return shown
