"""apps.org.holders: who holds an authority in a department today, through posts (by
scope) and delegations, active people only — and in a constant number of queries."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.org import permissions as policy
from apps.org.authorities import Authority
from apps.org.holders import holders, holders_by_department, holders_of
from apps.org.models import Assignment, Department

A = Authority


@pytest.fixture
def hand_built(people, org, make_employee):
    """The demo people, plus: specialist2 holds a delegation of assign_work on WeChat;
    a former WeChat manager whose assignment ended yesterday; a deactivated manager of
    WeChat; a delegation on community-ops (not WeChat)."""
    policy.delegation_grant_row(people["specialist2"].user, A.ASSIGN_WORK, org["wechat"])
    policy.delegation_grant_row(people["cs"].user, A.ASSIGN_WORK, org["community-ops"])
    former = make_employee("former", "wechat", "ops_manager")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Assignment.objects.filter(employee=former).update(end_date=yesterday, is_primary=False)
    gone = make_employee("gone", "wechat", "ops_manager")
    gone.user.is_active = False
    gone.user.save(update_fields=["is_active"])
    return people


def logins(users):
    return sorted(u.username for u in users)


@pytest.mark.django_db
def test_holders_of_counts_posts_by_scope_and_delegations(hand_built, org):
    # when asked who may assign work in WeChat
    found = logins(holders_of(A.ASSIGN_WORK, org["wechat"]))
    # then: the manager (subtree of WeChat), the director (subtree of the company) and
    # the delegate; not the former manager (ended), the deactivated one, nor the
    # delegate of community-ops
    assert found == ["director", "manager", "specialist2"]


@pytest.mark.django_db
def test_holders_of_reaches_groups_below_and_company_scope(hand_built, org):
    group = Department.objects.filter(path__startswith=org["general-ops"].path).exclude(
        pk=org["general-ops"].pk
    )[0]
    # a subtree grant (the director's) reaches a group; HR's company-wide grant too
    assert "director" in logins(holders_of(A.ASSIGN_WORK, group))
    assert "hr" in logins(holders_of(A.MANAGE_ORG, group))
    # a department-scoped grant does not leave its department
    assert "specialist" in logins(holders_of(A.CREATE_CONTENT, org["wechat"]))
    assert "specialist" not in logins(holders_of(A.CREATE_CONTENT, org["community-ops"]))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authority", [A.ASSIGN_WORK, A.VIEW_DEPARTMENT, A.HANDLE_COMPLAINT, A.MANAGE_ORG]
)
def test_holders_agree_with_has_authority(hand_built, org, authority):
    # every active non-superuser: a holder exactly when the policy says they hold it
    people = get_user_model().objects.filter(is_active=True, is_superuser=False)
    for department in org.values():
        expected = sorted(
            u.username
            for u in people
            if policy.has_authority(get_user_model().objects.get(pk=u.pk), authority, department)
        )
        assert logins(holders_of(authority, department)) == expected, department.code
        batched = holders_by_department(authority, [department])[department.pk]
        assert logins(batched) == expected, department.code


@pytest.mark.django_db
def test_nearest_keeps_the_closest_holders(hand_built, org):
    # the director (company subtree) is further away than WeChat's own manager and its
    # delegate, who both sit on WeChat itself
    assert logins(holders(A.ASSIGN_WORK, org["wechat"], nearest=True)) == [
        "manager",
        "specialist2",
    ]
    assert logins(holders(A.ASSIGN_WORK, org["wechat"])) == ["director", "manager", "specialist2"]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_departments(hand_built, org, django_assert_num_queries):
    ContentType.objects.get_for_model(Department)  # cached for the process, as in production
    departments = list(org.values())
    with django_assert_num_queries(2):
        result = holders_by_department(A.ASSIGN_WORK, departments)
    assert set(result) == {d.pk for d in departments}
    with django_assert_num_queries(2):
        holders_by_department(A.ASSIGN_WORK, departments[:1])
    with django_assert_num_queries(1):
        list(holders_of(A.ASSIGN_WORK, org["wechat"]))


@pytest.mark.django_db
def test_no_departments_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert holders_by_department(A.ASSIGN_WORK, []) == {}


@pytest.mark.django_db
def test_campaign_approvers_come_from_holders_and_include_a_delegate(people, org):
    # given a WeChat campaign and a delegation of approve_campaign on WeChat
    from apps.campaigns import permissions as campaign_policy
    from apps.campaigns.tests.factories import make_campaign

    campaign = make_campaign(people["specialist"].user)
    policy.delegation_grant_row(people["specialist2"].user, A.APPROVE_CAMPAIGN, org["wechat"])
    # when the manager step's approvers are asked for
    approvers = campaign_policy.approvers_of(campaign, "manager")
    # then they are exactly the holders over WeChat, the delegate included, the owner not
    expected = [u for u in holders_of(A.APPROVE_CAMPAIGN, org["wechat"]) if u != campaign.owner]
    assert list(approvers) == expected
    assert "specialist2" in logins(approvers)
    assert "specialist" not in logins(approvers)
    for user in approvers:
        assert policy.has_authority(
            get_user_model().objects.get(pk=user.pk), A.APPROVE_CAMPAIGN, org["wechat"]
        )
