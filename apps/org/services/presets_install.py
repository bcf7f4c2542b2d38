"""Installing the seed organisation (a system action, idempotent)."""

from django.db import transaction

from apps.core import audit
from apps.org.models import (
    Department,
    Position,
    PositionAuthority,
    PostAuthority,
)
from apps.org.presets import DEPARTMENTS
from apps.org.services.departments import _insert_department
from apps.org.services.posts import _ensure_post


@transaction.atomic
def org_presets_install() -> dict[str, Department]:
    """Create the five seed departments, partner departments, groups and their posts
    (with per-department authority overrides). Idempotent; a system action."""
    from apps.org.presets import install_positions

    install_positions(Position, PositionAuthority)
    positions = {p.code: p for p in Position.objects.all()}
    departments: dict[str, Department] = {}
    for code, name, name_en, kind, parent_code, partner, rulebook, posts, overrides in DEPARTMENTS:
        department = Department.objects.filter(code=code).first()
        if department is None:
            department = _insert_department(
                parent=departments.get(parent_code),
                code=code,
                name=name,
                name_en=name_en,
                kind=kind,
                is_partner=partner,
                rulebook=rulebook,
                sort_order=len(departments) * 10,
            )
            audit.record(
                actor=None,
                obj=department,
                action="department.create",
                to_state=kind,
                comment="preset",
            )
        departments[code] = department
        for position_code in posts:
            post, created = _ensure_post(department, positions[position_code])
            if created:
                for authority, scope in overrides.get(position_code, []):
                    PostAuthority.objects.update_or_create(
                        post=post, authority=authority, defaults={"scope": scope}
                    )
    return departments
