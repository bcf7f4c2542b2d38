"""Sections of the employee page that other apps contribute (appraisal history,
training, the development plan …), shown side by side under the org facts. A section
decides whether the viewer may see it and builds its own context from its app's
selectors; org's employee page only lays them out. Like home.py, for one person."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: Callable  # (request, employee) -> dict | None; None hides the section
    order: int = 100
    width: int = 6  # Bootstrap columns out of 12


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.key] = section


def sections_for(request, employee) -> list[dict]:
    shown = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        context = section.context(request, employee)
        if context is not None:
            shown.append(
                {
                    "key": section.key,
                    "template": section.template,
                    "width": section.width,
                    "context": context,
                }
            )
    return shown
