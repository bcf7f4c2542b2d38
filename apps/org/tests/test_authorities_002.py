"""Seed 002 (App互联网运营部运营制度, 五、岗位权限): each position holds exactly the rights
the seed lists, in the seed's words on the authority catalogue; the data migration
brings existing installs up to date idempotently; and the new authorities go through
the escalation rule like every other (nobody hands out what they do not hold)."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from apps.org import services
from apps.org.authorities import Authority as A
from apps.org.models import Position, PositionAuthority, Post, PostAuthority, PowerRequest
from apps.org.presets import POSITIONS, WORDING

pytestmark = pytest.mark.django_db

# The seed's 岗位权限, read from the seed (simplified), position by position, with the
# authority that carries each right. Kept here on purpose, apart from presets.WORDING.
SEED_002 = {
    "ops_manager": [
        ("对本部门员工有工作分配权", {A.ASSIGN_WORK}),
        ("对本部门员工工作的督导权", {A.SUPERVISE}),
        ("对本部门员工的考核权", {A.APPRAISE}),
        ("对相关信息的知情权", {A.VIEW_DEPARTMENT}),
        ("对本部门预算内资金的支配权", {A.SPEND_BUDGET}),
        ("对本岗位工作的直接执行权", set()),
    ],
    "new_media_manager": [
        ("有提出合理化建议权", {A.SUGGEST}),
        ("对上级指令有提出改进权", {A.PROPOSE_IMPROVEMENT}),
        ("有越级申诉权", {A.SKIP_LEVEL_APPEAL}),
        ("有内容优先使用权", {A.CONTENT_PRIORITY}),
    ],
    "channel_manager": [
        ("有提出合理化建议权", {A.SUGGEST}),
        ("对上级指令有提出改进权", {A.PROPOSE_IMPROVEMENT}),
        ("有越级申诉权", {A.SKIP_LEVEL_APPEAL}),
        ("有工作协同权", {A.WORK_COORDINATION}),
    ],
    "content_planning_manager": [
        ("有提出合理化建议权", {A.SUGGEST}),
        ("对上级指令有提出改进权", {A.PROPOSE_IMPROVEMENT}),
        ("有越级申诉权", {A.SKIP_LEVEL_APPEAL}),
        ("内容审核和采集权", {A.REVIEW_CONTENT, A.CREATE_CONTENT}),
    ],
    "user_ops_manager": [
        ("有提出合理化建议权", {A.SUGGEST}),
        ("对上级指令有提出改进权", {A.PROPOSE_IMPROVEMENT}),
        ("有越级申诉权", {A.SKIP_LEVEL_APPEAL}),
        ("有渠道资源使用权", {A.CHANNEL_RESOURCES}),
    ],
    "campaign_ops_manager": [
        ("有提出合理化建议权", {A.SUGGEST}),
        ("对上级指令有提出改进权", {A.PROPOSE_IMPROVEMENT}),
        ("有越级申诉权", {A.SKIP_LEVEL_APPEAL}),
        ("活动执行协同权", {A.CAMPAIGN_COORDINATION}),
    ],
}
NEW = {
    A.SUGGEST,
    A.PROPOSE_IMPROVEMENT,
    A.CONTENT_PRIORITY,
    A.WORK_COORDINATION,
    A.CHANNEL_RESOURCES,
    A.CAMPAIGN_COORDINATION,
}


def _held(department, position_code) -> set[str]:
    return set(
        PostAuthority.objects.filter(
            post__department=department, post__position__code=position_code
        ).values_list("authority", flat=True)
    )


def test_the_wording_is_the_seeds(org):
    assert set(WORDING["002"]) == set(SEED_002)
    for code, rights in SEED_002.items():
        _title, wording = WORDING["002"][code]
        assert [(w, set(a)) for w, a in wording] == rights, code


@pytest.mark.parametrize("code", sorted(SEED_002))
def test_each_002_post_holds_every_right_the_seed_lists(org, code):
    held = _held(org["app-ops"], code)
    for wording, authorities in SEED_002[code]:
        assert authorities <= held, wording


@pytest.mark.parametrize("authority", sorted(NEW))
def test_the_new_rights_sit_exactly_where_the_seed_puts_them(org, authority):
    expected = {code for code, rights in SEED_002.items() for _, a in rights if authority in a}
    holders = set(
        PostAuthority.objects.filter(authority=authority).values_list(
            "post__position__code", flat=True
        )
    )
    assert holders == expected
    # Only seed 002 grants them: no department with another rulebook holds them.
    assert not PostAuthority.objects.filter(authority=authority).exclude(
        post__department__rulebook="002"
    )
    defaults = {code for code, _n, _e, _m, grants in POSITIONS if authority in dict(grants)}
    assert defaults == expected


def test_the_catalogue_page_shows_the_seeds_words_beside_the_authorities(make_employee, client_for):
    head = make_employee("app_head", "app-ops", "ops_manager")
    response = client_for(head.user).get(reverse("org:authority_catalogue"))
    assert response.status_code == 200
    body = response.content.decode()
    for rights in SEED_002.values():
        for wording, _authorities in rights:
            assert wording in body
    assert "运营总监" in body  # the seed's title of the department's head post
    english = client_for(head.user)
    english.cookies["django_language"] = "en"
    body = english.get(reverse("org:authority_catalogue"), HTTP_ACCEPT_LANGUAGE="en").content
    body = body.decode()
    assert "有内容优先使用权" in body and "Content priority" in body


def test_the_catalogue_shows_only_departments_one_may_see(make_employee, client_for):
    specialist = make_employee("spec", "wechat", "ops_specialist")
    response = client_for(specialist.user).get(reverse("org:authority_catalogue"))
    codes = [d.department.code for d in response.context["catalogue"]]
    assert codes == ["wechat"]
    assert "有内容优先使用权" not in response.content.decode()


def test_the_catalogue_costs_constant_queries(users, client_for, django_assert_max_num_queries):
    client = client_for(users["hr"])  # sees every department
    client.get(reverse("org:authority_catalogue"))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("org:authority_catalogue"))
    assert len(response.context["catalogue"]) > 5


def test_the_data_migration_adds_the_rights_to_existing_posts_once(org):
    migration = importlib.import_module("apps.org.migrations.0005_seed_002_authorities")
    post = Post.objects.get(department=org["app-ops"], position__code="new_media_manager")
    PostAuthority.objects.filter(post=post, authority__in=NEW).delete()
    PositionAuthority.objects.filter(position=post.position, authority__in=NEW).delete()
    # A company that widened a grant keeps its scope.
    channel_post = Post.objects.get(department=org["app-ops"], position__code="channel_manager")
    PostAuthority.objects.filter(post=channel_post, authority=A.WORK_COORDINATION).update(
        scope="subtree"
    )
    before = PostAuthority.objects.count()
    migration.add_grants(django_apps, None)
    migration.add_grants(django_apps, None)
    assert _held(org["app-ops"], "new_media_manager") >= {
        A.SUGGEST,
        A.PROPOSE_IMPROVEMENT,
        A.CONTENT_PRIORITY,
    }
    assert PostAuthority.objects.count() == before + 3
    assert PositionAuthority.objects.filter(position=post.position, authority__in=NEW).count() == 3
    assert (
        PostAuthority.objects.get(post=channel_post, authority=A.WORK_COORDINATION).scope
        == "subtree"
    )


def test_handing_out_a_new_right_one_does_not_hold_waits_for_a_second_person(users, org):
    post = Post.objects.get(department=org["wechat"], position__code="ops_specialist")
    request = services.post_authority_set(
        actor=users["hr"], post=post, authority=A.SUGGEST, scope="department"
    )
    assert isinstance(request, PowerRequest)
    assert request.state == PowerRequest.State.PENDING
    assert not PostAuthority.objects.filter(post=post, authority=A.SUGGEST).exists()


def test_presets_install_is_idempotent_with_the_new_rights(org):
    from apps.org.services import org_presets_install

    before = PostAuthority.objects.count(), PositionAuthority.objects.count()
    org_presets_install()
    assert (PostAuthority.objects.count(), PositionAuthority.objects.count()) == before
    assert Position.objects.filter(code="new_media_manager").exists()
