"""The main menu. Each app registers its entries in AppConfig.ready(); an entry is shown
when its `visible(user)` says so (a policy function), so the menu follows authorities.
Related entries can share a NavGroup, shown as one dropdown, so the bar stays one line."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # lazy translation
    url_name: str
    icon: str
    order: int = 100
    visible: Callable = field(default=lambda user: True)
    badge: Callable | None = None  # user -> int, shown when > 0
    group: str = ""  # key of a NavGroup: shown inside that dropdown

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str  # lazy translation
    icon: str


_registry: dict[str, NavItem] = {}
_groups: dict[str, NavGroup] = {}


def register(item: NavItem) -> None:
    _registry[item.key] = item


def register_group(group: NavGroup) -> None:
    _groups[group.key] = group


def items_for(user) -> list[dict]:
    """Visible entries in order. Grouped entries become one dropdown entry, placed where
    its first visible child is, with `children` and their badges summed; a group with a
    single visible child shows that child directly."""
    entries, groups = [], {}
    for item in sorted(_registry.values(), key=lambda i: i.order):
        if not item.visible(user):
            continue
        entry = {
            "key": item.key,
            "label": item.label,
            "url": item.url,
            "icon": item.icon,
            "badge": item.badge(user) if item.badge else 0,
            "children": [],
        }
        group = _groups.get(item.group)
        if group is None:
            entries.append(entry)
        elif group.key in groups:
            groups[group.key]["children"].append(entry)
            groups[group.key]["badge"] += entry["badge"]
        else:
            groups[group.key] = {
                "key": group.key,
                "label": group.label,
                "url": "",
                "icon": group.icon,
                "badge": entry["badge"],
                "children": [entry],
            }
            entries.append(groups[group.key])
    return [
        e["children"][0] if e["key"] in groups and len(e["children"]) == 1 else e for e in entries
    ]
