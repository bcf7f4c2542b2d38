"""Unit tests of the org policy (apps.org.permissions): grants by scope, SQL filters,
delegations held by django-guardian, and the superuser rule."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from apps.core.errors import ApplicationError, PermissionDenied
from apps.org import permissions as policy
from apps.org import services
from apps.org.authorities import Authority
from apps.org.models import Department, Employee

A = Authority


def fresh(user):
    """The same user loaded again, so no grants are cached on it."""
    return get_user_model().objects.get(pk=user.pk)


# --- has_authority by scope ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "authority", "department_code", "expected"),
    [
        # department scope: the specialist's 知情权 reaches WeChat only
        ("specialist", A.VIEW_DEPARTMENT, "wechat", True),
        ("specialist", A.VIEW_DEPARTMENT, "community-ops", False),
        ("specialist", A.VIEW_DEPARTMENT, "company", False),
        ("specialist", A.CREATE_CONTENT, "wechat", True),
        ("specialist", A.ASSIGN_WORK, "wechat", False),
        # WeChat's override: its ops specialists also review content (003 second review)
        ("specialist", A.REVIEW_CONTENT, "wechat", True),
        ("other_specialist", A.REVIEW_CONTENT, "miniprogram-ops", False),
        ("other_specialist", A.HANDLE_COMPLAINT, "miniprogram-ops", True),
        # subtree scope: a manager reaches their department and its groups, not siblings
        ("manager", A.ASSIGN_WORK, "wechat", True),
        ("manager", A.ASSIGN_WORK, "community-ops", False),
        ("manager", A.ASSIGN_WORK, "company", False),
        ("other_manager", A.ASSIGN_WORK, "community-ops", True),
        ("other_manager", A.ASSIGN_WORK, "wechat", False),
        # the director's subtree is the company: every department below it
        ("director", A.ASSIGN_WORK, "wechat", True),
        ("director", A.ASSIGN_WORK, "general-ops-marketing", True),
        ("director", A.MANAGE_ORG, "wechat", False),
        # company scope: HR manages the org and sees every department
        ("hr", A.MANAGE_ORG, "wechat", True),
        ("hr", A.MANAGE_ORG, "company", True),
        ("hr", A.VIEW_DEPARTMENT, "general-ops-product", True),
        ("hr", A.ASSIGN_WORK, "wechat", False),
        # a partner department's person holds nothing in operations
        ("tech", A.VIEW_DEPARTMENT, "wechat", False),
        ("tech", A.COORDINATE_TASK, "tech", True),
    ],
)
def test_has_authority_follows_post_and_scope(
    people, org, login, authority, department_code, expected
):
    # given a person holding their post today
    user = people[login].user
    # when the policy is asked about one department
    answer = policy.has_authority(user, authority, org[department_code])
    # then the answer follows the post's authorities and their scope
    assert answer is expected


@pytest.mark.django_db
def test_subtree_grant_reaches_groups_of_the_department(people, org):
    # given a manager of general-ops (which has three groups)
    manager = services.employee_create(
        actor=people["hr"].user,
        username="go_manager",
        name="郑伟",
        employee_no="G0001",
        hire_date=dt.date(2021, 1, 1),
    )
    # (appointing a manager takes a second person: the superuser acts alone)
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    services.assignment_create(
        actor=root,
        employee=manager,
        department=org["general-ops"],
        position=org["general-ops"].posts.get(position__code="ops_manager").position,
        start_date=dt.date(2021, 1, 1),
    )
    user = fresh(manager.user)
    # when asked about a group of general-ops, and about a sibling department
    # then the subtree covers the group but not the sibling
    assert policy.has_authority(user, A.SUPERVISE, org["general-ops-customer"])
    assert not policy.has_authority(user, A.SUPERVISE, org["app-ops"])


@pytest.mark.django_db
def test_has_authority_without_department_means_anywhere(people):
    # given a manager; when asked whether they hold an authority somewhere
    # then held authorities answer yes and missing ones no
    assert policy.has_authority(people["manager"].user, A.APPRAISE)
    assert not policy.has_authority(people["manager"].user, A.MANAGE_ORG)


@pytest.mark.django_db
def test_anonymous_and_inactive_users_hold_nothing(people, org):
    from django.contrib.auth.models import AnonymousUser

    # given an anonymous visitor and a deactivated employee
    leaver = people["specialist2"]
    services.employee_deactivate(actor=people["hr"].user, employee=leaver)
    leaver_user = fresh(leaver.user)
    # then neither holds any authority, and their filters select nothing
    assert not policy.has_authority(AnonymousUser(), A.VIEW_DEPARTMENT, org["wechat"])
    assert not policy.has_authority(leaver_user, A.VIEW_DEPARTMENT, org["wechat"])
    assert not policy.departments_where(AnonymousUser(), A.VIEW_DEPARTMENT).exists()
    assert not policy.visible_employees(AnonymousUser()).exists()


@pytest.mark.django_db
def test_an_ended_assignment_no_longer_grants(people, org):
    # given a manager whose post ended yesterday
    manager = people["manager"]
    assignment = manager.assignments.get()
    services.assignment_end(
        actor=people["hr"].user,
        assignment=assignment,
        end_date=dt.date.today() - dt.timedelta(days=1),
    )
    # when the policy is asked afresh
    user = fresh(manager.user)
    # then the post's authorities are gone
    assert not policy.has_authority(user, A.ASSIGN_WORK, org["wechat"])


@pytest.mark.django_db
def test_require_authority_raises_permission_denied_with_a_message(people, org):
    # given a specialist; when a manage_org check is required in WeChat
    with pytest.raises(PermissionDenied) as caught:
        policy.require_authority(people["specialist"].user, A.MANAGE_ORG, org["wechat"])
    # then the error is a 403 naming the department
    assert caught.value.status_code == 403
    assert org["wechat"].label in str(caught.value.message)


# --- department_q and the list filters -----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "included", "excluded"),
    [
        ("specialist", {"wechat"}, {"company", "community-ops", "general-ops"}),
        ("manager", {"wechat"}, {"company", "community-ops", "tech"}),
        ("other_manager", {"community-ops"}, {"wechat", "company"}),
        (
            "director",
            {"company", "wechat", "community-ops", "general-ops-product", "hr"},
            set(),
        ),
        ("hr", {"company", "wechat", "community-ops", "general-ops-product", "tech"}, set()),
        ("tech", {"tech"}, {"wechat", "company"}),
    ],
)
def test_department_q_filters_departments_in_sql(people, org, login, included, excluded):
    # given a person; when departments are filtered with their 知情权
    codes = set(
        Department.objects.filter(
            policy.department_q(people[login].user, A.VIEW_DEPARTMENT, field="")
        ).values_list("code", flat=True)
    )
    # then exactly the departments their grants cover are selected
    assert included <= codes
    assert not (excluded & codes)


@pytest.mark.django_db
def test_department_q_filters_by_a_foreign_key(people, org):
    from apps.org.models import Assignment

    # given assignments across departments; when filtered through post__department
    q = policy.department_q(people["manager"].user, A.VIEW_DEPARTMENT, field="post__department")
    departments = set(Assignment.objects.filter(q).values_list("post__department__code", flat=True))
    # then only WeChat's assignments remain
    assert departments == {"wechat"}


@pytest.mark.django_db
def test_department_q_for_an_authority_not_held_selects_nothing(people, org):
    # given a specialist without manage_org
    q = policy.department_q(people["specialist"].user, A.MANAGE_ORG, field="")
    # then the filter selects no department
    assert not Department.objects.filter(q).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "sees", "does_not_see"),
    [
        ("specialist", {"specialist", "manager", "cs"}, {"other_manager", "hr", "director"}),
        ("manager", {"specialist", "cs", "designer"}, {"other_manager", "other_specialist"}),
        ("other_manager", {"other_manager"}, {"specialist", "manager", "cs"}),
        ("hr", {"specialist", "other_manager", "director", "tech"}, set()),
        ("director", {"specialist", "other_manager", "hr", "tech", "director"}, set()),
    ],
)
def test_visible_employees(people, login, sees, does_not_see):
    # given the org; when asking whom a person may see
    visible = set(
        policy.visible_employees(people[login].user).values_list("user__username", flat=True)
    )
    # then their department's people (or everyone, company-wide) and nobody else
    assert sees <= visible
    assert not (does_not_see & visible)


@pytest.mark.django_db
def test_a_supervisor_sees_a_report_in_another_department(people):
    # given another department's manager who supervises a miniprogram-ops specialist
    report = people["other_specialist"]
    Employee.objects.filter(pk=report.pk).update(supervisor=people["other_manager"])
    # then the supervisor may see the report, though not the report's department
    boss = fresh(people["other_manager"].user)
    assert policy.can_view_employee(boss, report)
    assert not policy.can_view_department(boss, report.assignments.get().post.department)


# --- Delegations (django-guardian) --------------------------------------------------


@pytest.mark.django_db
def test_a_delegation_gives_authority_in_the_department_and_its_groups(people, org):
    # given HR delegating 知情权 and manage_training in general-ops to the WeChat manager
    # (HR holds both company-wide: one may only hand out what one holds, issue 10)
    hr, stand_in = people["hr"].user, fresh(people["manager"].user)
    assert not policy.has_authority(stand_in, A.MANAGE_TRAINING, org["general-ops"])
    for authority in (A.VIEW_DEPARTMENT, A.MANAGE_TRAINING):
        services.delegation_grant(
            actor=hr, user=stand_in, authority=authority, department=org["general-ops"]
        )
    # then the stand-in holds it there and in its groups, not in sibling departments
    assert policy.has_authority(stand_in, A.MANAGE_TRAINING, org["general-ops"])
    assert policy.has_authority(stand_in, A.MANAGE_TRAINING, org["general-ops-product"])
    assert not policy.has_authority(stand_in, A.MANAGE_TRAINING, org["app-ops"])
    # and the list filters follow
    codes = set(
        policy.departments_where(stand_in, A.VIEW_DEPARTMENT).values_list("code", flat=True)
    )
    assert {"wechat", "general-ops", "general-ops-marketing"} <= codes
    # and the delegation is audited and listed on the department
    assert [d.user_id for d in policy.delegations_in(org["general-ops"])] == [stand_in.pk] * 2
    from apps.core.models import AuditEntry

    assert (
        AuditEntry.objects.filter(
            action="delegation.grant", object_id=str(org["general-ops"].pk), actor=hr
        ).count()
        == 2
    )


@pytest.mark.django_db
def test_revoking_a_delegation_removes_the_authority(people, org):
    # given a delegation of manage_training in general-ops
    hr, stand_in = people["hr"].user, fresh(people["manager"].user)
    services.delegation_grant(
        actor=hr, user=stand_in, authority=A.MANAGE_TRAINING, department=org["general-ops"]
    )
    assert policy.has_authority(stand_in, A.MANAGE_TRAINING, org["general-ops"])
    # when it is revoked
    services.delegation_revoke(
        actor=hr, user=stand_in, authority=A.MANAGE_TRAINING, department=org["general-ops"]
    )
    # then the authority is gone, on this object and on a freshly loaded one
    assert not policy.has_authority(stand_in, A.MANAGE_TRAINING, org["general-ops"])
    assert not policy.has_authority(fresh(stand_in), A.MANAGE_TRAINING, org["general-ops-product"])


@pytest.mark.django_db
def test_only_org_managers_delegate_and_nobody_to_themselves(people, org):
    # given a manager without manage_org, and HR
    # when the manager tries to delegate, or HR to delegate to themselves
    # then both are refused
    with pytest.raises(PermissionDenied):
        services.delegation_grant(
            actor=people["manager"].user,
            user=people["specialist"].user,
            authority=A.ASSIGN_WORK,
            department=org["wechat"],
        )
    with pytest.raises(ApplicationError):  # a rule on the delegate typed in: 400
        services.delegation_grant(
            actor=people["hr"].user,
            user=people["hr"].user,
            authority=A.ASSIGN_WORK,
            department=org["wechat"],
        )
    assert not policy.delegations_in(org["wechat"]).exists()


# --- The superuser and the audit log --------------------------------------------------


@pytest.mark.django_db
def test_the_superuser_holds_every_authority_everywhere(org):
    # given a superuser without any post
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    # then every authority is held in every department, and nothing is filtered out
    for authority in Authority:
        assert policy.has_authority(admin, authority, org["wechat"])
    assert policy.departments_where(admin, A.VIEW_DEPARTMENT).count() == Department.objects.count()
    assert policy.can_view_audit_log(admin)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("hr", True),
        ("director", True),
        ("manager", False),
        ("specialist", False),
        ("other_manager", False),
    ],
)
def test_the_audit_log_takes_a_company_wide_grant(people, login, expected):
    # given a person; then only a company-wide view_audit_log opens the audit log
    assert policy.can_view_audit_log(people[login].user) is expected


@pytest.mark.django_db
def test_a_department_scoped_audit_grant_is_not_enough(people, org):
    # given a delegation of view_audit_log in WeChat only
    services.delegation_grant(
        actor=people["hr"].user,
        user=people["manager"].user,
        authority=A.VIEW_AUDIT_LOG,
        department=org["wechat"],
    )
    # then the audit log (which spans every department) stays closed
    assert not policy.can_view_audit_log(fresh(people["manager"].user))


@pytest.mark.django_db
def test_grants_are_cached_per_user_object(people, django_assert_num_queries):
    # given a user whose grants were read once
    user = fresh(people["manager"].user)
    policy.grants_of(user)
    # when asked again
    with django_assert_num_queries(0):
        policy.has_authority(user, A.ASSIGN_WORK)
    # then no query is made; forgetting the grants reads them again: posts, delegations
    ContentType.objects.get_for_model(Department)  # warm Django's own cache
    policy.forget_grants(user)
    with django_assert_num_queries(2):
        policy.grants_of(user)
