"""Org services: the rules of the organisation, bad input refused with a message
(and nothing stored half), every write audited."""

import datetime as dt

import pytest

from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.models import AuditEntry
from apps.org import services
from apps.org.models import Assignment, Department, Employee, Position, Post


def position(code):
    return Position.objects.get(code=code)


# --- Assignments ---------------------------------------------------------------------


@pytest.mark.django_db
def test_an_assignment_cannot_end_before_it_starts(people, org):
    # given HR; when an assignment would end before it starts
    with pytest.raises(ApplicationError) as caught:
        services.assignment_create(
            actor=people["hr"].user,
            employee=people["specialist"],
            department=org["wechat"],
            position=position("copywriter"),
            start_date=dt.date(2026, 3, 10),
            end_date=dt.date(2026, 3, 9),
        )
    # then it is refused on end_date and nothing is stored
    assert caught.value.status_code == 400
    assert caught.value.field == "end_date"
    assert people["specialist"].assignments.count() == 1


@pytest.mark.django_db
def test_a_one_day_assignment_is_allowed(people, org):
    assignment = services.assignment_create(
        actor=people["hr"].user,
        employee=people["specialist"],
        department=org["wechat"],
        position=position("copywriter"),
        start_date=dt.date(2026, 3, 10),
        end_date=dt.date(2026, 3, 10),
    )
    assert assignment.is_active_on(dt.date(2026, 3, 10))


@pytest.mark.django_db
def test_a_position_outside_its_department_is_refused(people, org):
    # given WeChat, which offers no community-manager post
    assert not Post.objects.filter(
        department=org["wechat"], position__code="community_manager"
    ).exists()
    # when HR assigns someone there as community manager
    with pytest.raises(ApplicationError) as caught:
        services.assignment_create(
            actor=people["hr"].user,
            employee=people["specialist"],
            department=org["wechat"],
            position=position("community_manager"),
            start_date=dt.date(2026, 3, 10),
        )
    # then it is refused on the position, naming the department and the position
    assert caught.value.field == "position"
    assert org["wechat"].label in str(caught.value.message)
    assert position("community_manager").label in str(caught.value.message)
    # and once the department offers it, the same assignment works
    services.post_add(
        actor=people["hr"].user, department=org["wechat"], position=position("community_manager")
    )
    services.assignment_create(
        actor=people["hr"].user,
        employee=people["specialist"],
        department=org["wechat"],
        position=position("community_manager"),
        start_date=dt.date(2026, 3, 10),
    )


@pytest.mark.django_db
def test_an_overlapping_assignment_to_the_same_post_is_refused(people, org):
    # given the specialist holding WeChat's specialist post since 2020
    # when HR adds the same post again from 2026
    with pytest.raises(ApplicationError):
        services.assignment_create(
            actor=people["hr"].user,
            employee=people["specialist"],
            department=org["wechat"],
            position=position("ops_specialist"),
            start_date=dt.date(2026, 1, 1),
        )
    # then nothing changes
    assert people["specialist"].assignments.count() == 1


@pytest.mark.django_db
def test_assignments_to_an_inactive_department_or_a_leaver_are_refused(people, org):
    hr = people["hr"].user
    group = services.department_create(
        actor=hr, parent=org["wechat"], name="旧小组", code="old", kind="group"
    )
    services.post_add(actor=hr, department=group, position=position("designer"))
    Department.objects.filter(pk=group.pk).update(is_active=False)
    group.refresh_from_db()
    with pytest.raises(ApplicationError) as caught:
        services.assignment_create(
            actor=hr,
            employee=people["designer"],
            department=group,
            position=position("designer"),
            start_date=dt.date(2026, 1, 1),
        )
    assert caught.value.field == "department"
    services.employee_deactivate(actor=hr, employee=people["cs"])
    people["cs"].refresh_from_db()
    with pytest.raises(ApplicationError):
        services.assignment_create(
            actor=hr,
            employee=people["cs"],
            department=org["wechat"],
            position=position("designer"),
            start_date=dt.date(2026, 1, 1),
        )


@pytest.mark.django_db
def test_a_new_primary_assignment_demotes_the_previous_one(people, org):
    # given the specialist's primary post; when HR makes a new post primary
    new = services.assignment_create(
        actor=people["hr"].user,
        employee=people["specialist"],
        department=org["wechat"],
        position=position("copywriter"),
        start_date=dt.date(2026, 3, 1),
        is_primary=True,
    )
    # then exactly one open primary remains: the new one; the old post stays, secondary
    primaries = people["specialist"].assignments.filter(is_primary=True, end_date__isnull=True)
    assert list(primaries) == [new]
    assert people["specialist"].assignments.count() == 2


@pytest.mark.django_db
def test_ending_an_assignment_before_it_started_is_refused(people):
    assignment = people["specialist"].assignments.get()
    with pytest.raises(ApplicationError) as caught:
        services.assignment_end(
            actor=people["hr"].user, assignment=assignment, end_date=dt.date(2019, 12, 31)
        )
    assert caught.value.field == "end_date"
    assignment.refresh_from_db()
    assert assignment.end_date is None


@pytest.mark.django_db
def test_ending_an_ended_assignment_again_is_a_conflict(people):
    # given an assignment that ended in 2024
    assignment = people["specialist"].assignments.get()
    services.assignment_end(
        actor=people["hr"].user, assignment=assignment, end_date=dt.date(2024, 12, 31)
    )
    # when it is ended again; then it is a conflict, not a second transition
    with pytest.raises(ConflictError):
        services.assignment_end(
            actor=people["hr"].user, assignment=assignment, end_date=dt.date(2025, 6, 30)
        )
    assignment.refresh_from_db()
    assert assignment.end_date == dt.date(2024, 12, 31)
    assert AuditEntry.objects.filter(action="assignment.end").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["manager", "director", "specialist", "other_manager"])
def test_only_org_managers_write_assignments(people, org, login):
    # given someone without manage_org; when they add or end an assignment
    # then both are refused
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            actor=people[login].user,
            employee=people["specialist"],
            department=org["wechat"],
            position=position("copywriter"),
            start_date=dt.date(2026, 3, 1),
        )
    with pytest.raises(PermissionDenied):
        services.assignment_end(
            actor=people[login].user,
            assignment=people["specialist"].assignments.get(),
            end_date=dt.date(2026, 3, 1),
        )


# --- Departments -----------------------------------------------------------------------


@pytest.mark.django_db
def test_deleting_a_department_that_still_has_people_is_refused(people, org):
    # given WeChat with six people in post; when HR deletes it
    with pytest.raises(ApplicationError) as caught:
        services.department_delete(actor=people["hr"].user, department=org["wechat"])
    # then it is refused with the count, and nothing changes
    assert "6" in str(caught.value.message)
    assert Department.objects.get(pk=org["wechat"].pk).is_active


@pytest.mark.django_db
def test_deleting_a_department_whose_group_has_people_is_refused(people, org, make_employee):
    # given general-ops, empty itself, with a person in one of its groups
    make_employee("grouped", "general-ops-product", "data_analyst")
    # when HR deletes general-ops; then the person in the group blocks it
    with pytest.raises(ApplicationError):
        services.department_delete(actor=people["hr"].user, department=org["general-ops"])


@pytest.mark.django_db
def test_deleting_a_department_with_groups_is_refused(people, org):
    # given general-ops with three empty groups; when HR deletes it
    with pytest.raises(ApplicationError) as caught:
        services.department_delete(actor=people["hr"].user, department=org["general-ops"])
    # then the groups must go first
    assert "3" in str(caught.value.message)


@pytest.mark.django_db
def test_the_company_cannot_be_deleted(people, org):
    with pytest.raises(ApplicationError):
        services.department_delete(actor=people["hr"].user, department=org["company"])


@pytest.mark.django_db
def test_deleting_an_empty_department_removes_it_with_its_posts(people, org):
    # given an empty group with a post
    group = services.department_create(
        actor=people["hr"].user, parent=org["wechat"], name="直播小组", code="live", kind="group"
    )
    services.post_add(actor=people["hr"].user, department=group, position=position("designer"))
    # when HR deletes it
    outcome = services.department_delete(actor=people["hr"].user, department=group)
    # then it and its post are gone, and the deletion is audited
    assert outcome == "deleted"
    assert not Department.objects.filter(pk=group.pk).exists()
    assert not Post.objects.filter(department_id=group.pk).exists()
    assert AuditEntry.objects.filter(
        action="department.delete", object_id=str(group.pk), actor=people["hr"].user
    ).exists()


@pytest.mark.django_db
def test_deleting_a_department_with_history_deactivates_it(people, org):
    # given a group where the designer held a post that ended
    hr = people["hr"].user
    group = services.department_create(
        actor=hr, parent=org["wechat"], name="直播小组", code="live", kind="group"
    )
    services.post_add(actor=hr, department=group, position=position("designer"))
    services.assignment_create(
        actor=hr,
        employee=people["designer"],
        department=group,
        position=position("designer"),
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2024, 12, 31),
    )
    # when HR deletes it
    outcome = services.department_delete(actor=hr, department=group)
    # then it is deactivated, and its history is kept
    assert outcome == "deactivated"
    group.refresh_from_db()
    assert not group.is_active
    assert Assignment.objects.filter(post__department=group).count() == 1


@pytest.mark.django_db
def test_department_create_checks_its_input(people, org):
    hr = people["hr"].user
    with pytest.raises(ApplicationError) as taken:
        services.department_create(
            actor=hr, parent=org["wechat"], name="x", code="wechat", kind="group"
        )
    assert taken.value.field == "code"
    group = services.department_create(
        actor=hr, parent=org["wechat"], name="小组", code="g1", kind="group"
    )
    with pytest.raises(ApplicationError) as nested:
        services.department_create(actor=hr, parent=group, name="x", code="g2", kind="group")
    assert nested.value.field == "parent"
    with pytest.raises(ApplicationError) as orphan:
        services.department_create(actor=hr, parent=None, name="x", code="g3", kind="department")
    assert orphan.value.field == "parent"
    assert not Department.objects.filter(code__in=["g2", "g3"]).exists()


@pytest.mark.django_db
def test_department_create_needs_manage_org_in_the_parent(people, org):
    with pytest.raises(PermissionDenied):
        services.department_create(
            actor=people["manager"].user, parent=org["wechat"], name="x", code="x", kind="group"
        )


@pytest.mark.django_db
def test_department_update_refuses_structural_fields(people, org):
    with pytest.raises(ApplicationError):
        services.department_update(actor=people["hr"].user, department=org["wechat"], path="/")
    assert Department.objects.get(pk=org["wechat"].pk).path == org["wechat"].path


# --- People ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_supervisor_loop_is_refused(people):
    # given director ← manager ← specialist; when the manager would report to the specialist
    with pytest.raises(ApplicationError) as caught:
        services.employee_set_supervisor(
            actor=people["hr"].user, employee=people["manager"], supervisor=people["specialist"]
        )
    # then it is refused on the supervisor field, and nothing changed
    assert caught.value.field == "supervisor"
    people["manager"].refresh_from_db()
    assert people["manager"].supervisor == people["director"]


@pytest.mark.django_db
def test_a_longer_supervisor_loop_is_refused(people):
    # when the director would report to the specialist (director ← manager ← specialist)
    with pytest.raises(ApplicationError):
        services.employee_set_supervisor(
            actor=people["hr"].user, employee=people["director"], supervisor=people["specialist"]
        )


@pytest.mark.django_db
def test_nobody_is_their_own_supervisor(people):
    with pytest.raises(ApplicationError) as caught:
        services.employee_set_supervisor(
            actor=people["hr"].user, employee=people["cs"], supervisor=people["cs"]
        )
    assert caught.value.field == "supervisor"


@pytest.mark.django_db
def test_changing_a_supervisor_is_audited(people):
    employee = services.employee_set_supervisor(
        actor=people["hr"].user, employee=people["cs"], supervisor=people["director"]
    )
    assert employee.supervisor == people["director"]
    row = AuditEntry.objects.get(action="employee.supervisor")
    assert (row.from_state, row.to_state) == ("王建国", "赵立新")


@pytest.mark.django_db
def test_employee_create_refuses_taken_logins_and_numbers(people):
    hr = people["hr"].user
    with pytest.raises(ApplicationError) as login:
        services.employee_create(
            actor=hr, username="manager", name="x", employee_no="Z1", hire_date=dt.date.today()
        )
    assert login.value.field == "username"
    with pytest.raises(ApplicationError) as number:
        services.employee_create(
            actor=hr,
            username="fresh",
            name="x",
            employee_no=people["cs"].employee_no,
            hire_date=dt.date.today(),
        )
    assert number.value.field == "employee_no"
    assert not Employee.objects.filter(user__username="fresh").exists()


@pytest.mark.django_db
def test_a_leaver_loses_their_posts_and_login(people):
    # given the customer-service person; when HR records them leaving
    services.employee_deactivate(
        actor=people["hr"].user, employee=people["cs"], end_date=dt.date(2026, 3, 31)
    )
    # then their open assignment ends that day and the login is disabled
    cs = Employee.objects.select_related("user").get(pk=people["cs"].pk)
    assert not cs.is_active
    assert not cs.user.is_active
    assert cs.assignments.get().end_date == dt.date(2026, 3, 31)


# --- Presets ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_presets_install_the_tree_and_are_idempotent(org):
    # given the presets installed once; when installed again
    again = services.org_presets_install()
    # then nothing is duplicated, and the tree is as the rulebooks say
    assert {k: v.pk for k, v in again.items()} == {k: v.pk for k, v in org.items()}
    assert Department.objects.filter(kind="company").count() == 1
    assert set(org["general-ops"].children.values_list("code", flat=True)) == {
        "general-ops-marketing",
        "general-ops-customer",
        "general-ops-product",
    }
    assert org["general-ops-product"].path.startswith(org["general-ops"].path)
    assert org["general-ops-product"].depth == 2
    assert {org[c].rulebook for c in ("miniprogram-ops", "general-ops", "app-ops")} == {
        "000",
        "001",
        "002",
    }


@pytest.mark.django_db
def test_deleting_a_deactivated_department_again_is_a_conflict(people, org):
    # given a group deactivated because of its history
    hr = people["hr"].user
    group = services.department_create(
        actor=hr, parent=org["wechat"], name="直播小组", code="live", kind="group"
    )
    services.post_add(actor=hr, department=group, position=position("designer"))
    services.assignment_create(
        actor=hr,
        employee=people["designer"],
        department=group,
        position=position("designer"),
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2024, 12, 31),
    )
    assert services.department_delete(actor=hr, department=group) == "deactivated"
    # when it is deleted again; then it is a conflict, not a second transition
    with pytest.raises(ConflictError):
        services.department_delete(actor=hr, department=group)
    assert (
        AuditEntry.objects.filter(action="department.deactivate", object_id=str(group.pk)).count()
        == 1
    )


@pytest.mark.django_db
def test_no_department_is_created_under_a_deactivated_one(people, org):
    # given a deactivated department
    hr = people["hr"].user
    old = services.department_create(
        actor=hr, parent=org["company"], name="旧部门", code="old", kind="department"
    )
    Department.objects.filter(pk=old.pk).update(is_active=False)
    old.refresh_from_db()
    # when HR adds a group under it; then it is refused on the parent
    with pytest.raises(ApplicationError) as caught:
        services.department_create(actor=hr, parent=old, name="x", code="old-g", kind="group")
    assert caught.value.field == "parent"
    assert not Department.objects.filter(code="old-g").exists()


@pytest.mark.django_db
def test_a_leavers_fixed_term_assignment_ends_when_they_leave(people, org):
    # given the specialist with a second post running until the end of 2027
    hr = people["hr"].user
    later = services.assignment_create(
        actor=hr,
        employee=people["specialist"],
        department=org["wechat"],
        position=position("copywriter"),
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )
    # when they leave on 2026-03-31
    services.employee_deactivate(
        actor=hr, employee=people["specialist"], end_date=dt.date(2026, 3, 31)
    )
    # then that post ends on the leaving day too, so they are no longer "in post" anywhere
    later.refresh_from_db()
    assert later.end_date == dt.date(2026, 3, 31)
    assert not people["specialist"].assignments.active_on(dt.date(2026, 4, 1)).exists()
