"""The org factories build rows that pass the models' own validation and behave like
the ones HR's services make: a department sits in the tree, a seated employee holds
their post's authorities and logs in with the demo password."""

import pytest

from apps.core.testing import DEMO_PASSWORD
from apps.org.authorities import Authority
from apps.org.models import Department
from apps.org.permissions import has_authority
from apps.org.tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    EmployeeFactory,
    PostFactory,
    employee_in,
)

pytestmark = pytest.mark.django_db


def test_a_department_hangs_under_the_company_with_its_path(org):
    department = DepartmentFactory()
    group = DepartmentFactory(parent=department, kind=Department.Kind.GROUP)
    for row in (department, group):
        row.full_clean()
    assert department.parent == org["company"]
    assert department.path == f"{org['company'].path}{department.pk}/"
    assert group.is_within(department) and group.depth == department.depth + 1


def test_without_presets_the_factory_makes_its_own_company():
    department = DepartmentFactory()
    assert department.parent.kind == Department.Kind.COMPANY
    assert department.parent.parent is None and department.path.startswith(department.parent.path)


def test_an_employee_in_a_new_post_is_valid_and_logs_in(org):
    assignment = AssignmentFactory()
    for row in (assignment.employee.user, assignment.employee, assignment.post, assignment):
        row.full_clean()
    user = assignment.employee.user
    assert user.check_password(DEMO_PASSWORD)
    assert assignment.employee.assignments.active_on().get() == assignment
    assert EmployeeFactory().employee_no != assignment.employee.employee_no
    post = assignment.post
    assert PostFactory(department=post.department, position=post.position) == post  # one per pair


def test_a_person_seated_in_a_preset_post_holds_its_authorities(org):
    specialist = employee_in("wechat", "ops_specialist", name="李测试")
    user = specialist.user
    assert has_authority(user, Authority.CREATE_CONTENT, org["wechat"])
    assert not has_authority(user, Authority.MANAGE_ORG)
    assert not has_authority(EmployeeFactory().user, Authority.CREATE_CONTENT, org["wechat"])
