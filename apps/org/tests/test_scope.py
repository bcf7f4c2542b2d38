"""The one representation of "which departments": DepartmentScope and department_q.

The defect these pin: "everywhere" used to be an empty `Q()`, which Django drops from
`|`, so HR's and the superuser's lists shrank to their own rows."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from apps.org import permissions as policy
from apps.org.authorities import Authority
from apps.org.models import Department

A = Authority


@pytest.mark.django_db
def test_company_wide_scope_survives_being_or_ed_with_a_narrower_condition(users, org):
    every_department = set(Department.objects.values_list("pk", flat=True))

    for user in (users["hr"], get_user_model().objects.create_superuser("root", "r@x.io", "pw")):
        condition = policy.department_q(user, A.VIEW_DEPARTMENT, field="") | Q(pk__in=[])
        shown = set(Department.objects.filter(condition).values_list("pk", flat=True))
        assert shown == every_department, user.username

        narrower = policy.department_q(user, A.VIEW_DEPARTMENT, field="") | Q(code="none")
        assert Department.objects.filter(narrower).count() == len(every_department)


@pytest.mark.django_db
def test_several_authorities_are_one_union(users, org):
    manager = users["manager"]

    union = set(
        Department.objects.filter(
            policy.department_q(manager, A.VIEW_DEPARTMENT, A.ASSIGN_WORK, field="")
        ).values_list("code", flat=True)
    )
    separately = set(
        Department.objects.filter(
            policy.department_q(manager, A.VIEW_DEPARTMENT, field="")
        ).values_list("code", flat=True)
    ) | set(
        Department.objects.filter(
            policy.department_q(manager, A.ASSIGN_WORK, field="")
        ).values_list("code", flat=True)
    )
    assert union == separately
    assert "wechat" in union
    assert "community-ops" not in union


@pytest.mark.django_db
def test_nobody_anonymous_or_inactive_has_an_empty_scope_that_matches_nothing(users, org):
    from django.contrib.auth.models import AnonymousUser

    specialist = users["specialist"]
    specialist.is_active = False

    for user in (AnonymousUser(), specialist):
        scope = policy.scope_of(user, A.VIEW_DEPARTMENT)
        assert scope.is_empty
        combined = policy.department_q(user, A.VIEW_DEPARTMENT, field="") | Q(code="wechat")
        assert list(Department.objects.filter(combined).values_list("code", flat=True)) == [
            "wechat"
        ]


def test_scope_union_and_cover():
    wechat = Department(pk=5, path="/1/5/")
    group = Department(pk=9, path="/1/5/9/")
    other = Department(pk=7, path="/1/7/")

    subtree = policy.DepartmentScope(subtree_paths=frozenset({"/1/5/"}))
    single = policy.DepartmentScope(department_ids=frozenset({7}))

    assert subtree.covers(group) and subtree.covers(wechat) and not subtree.covers(other)
    assert (subtree | single).covers(other)
    assert (single | policy.EVERYWHERE) is policy.EVERYWHERE
    assert policy.NOWHERE.is_empty and not policy.EVERYWHERE.is_empty
