"""The authority catalogue (/org/authorities/): for each department's posts, the rights
its rulebook gives the position in the seed's own words (presets.WORDING), each with
the authorities that carry it and whether the post holds them today, and the post's
other authorities. Three queries for the whole company."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from apps.org.authorities import Authority
from apps.org.models import Department, Post, PostAuthority
from apps.org.presets import WORDING


@dataclass
class SeedRight:
    wording: str
    authorities: list  # [(Authority, held today)]

    @property
    def held(self) -> bool:
        return all(held for _, held in self.authorities)


@dataclass
class PostRights:
    post: Post
    seed_title: str = ""
    seed_rights: list[SeedRight] = field(default_factory=list)
    other: list[PostAuthority] = field(default_factory=list)  # beyond the seed's words


@dataclass
class DepartmentRights:
    department: Department
    posts: list[PostRights]


def _post_rights(post: Post, rulebook: str) -> PostRights:
    held = {pa.authority: pa for pa in post.authorities.all()}
    title, rights = WORDING.get(rulebook, {}).get(post.position.code, ("", []))
    covered = set()
    seed_rights = []
    for wording, authorities in rights:
        covered.update(authorities)
        seed_rights.append(SeedRight(wording, [(Authority(a), a in held) for a in authorities]))
    other = [pa for code, pa in sorted(held.items()) if code not in covered]
    return PostRights(post=post, seed_title=title, seed_rights=seed_rights, other=other)


def authority_catalogue(departments=None) -> list[DepartmentRights]:
    """Every active department with posts (or those given), in tree order."""
    departments = departments if departments is not None else Department.objects.all()
    posts = (
        Post.objects.select_related("position")
        .prefetch_related(
            Prefetch("authorities", queryset=PostAuthority.objects.order_by("authority"))
        )
        .order_by("position__sort_order", "position__code")
    )
    rows = []
    for department in (
        departments.filter(is_active=True)
        .prefetch_related(Prefetch("posts", queryset=posts))
        .order_by("path")
    ):
        if department.posts.all():
            rows.append(
                DepartmentRights(
                    department,
                    [_post_rights(post, department.rulebook) for post in department.posts.all()],
                )
            )
    return rows
