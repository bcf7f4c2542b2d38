"""factory_boy factories for the org app: users, departments, positions, posts, employees
and their assignments.

These rows are master data that HR's services create without business state of their
own, so the factories write them directly (as the `make_employee` fixture does); a
department goes through the same insert as `department_create`, which derives its
materialised path. Posts of the preset departments need the `org` fixture (presets);
`employee_in("wechat", "ops_specialist")` seats a new person in one.
"""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory, Password

from apps.core.testing import DEMO_PASSWORD
from apps.org import services
from apps.org.models import Assignment, Department, Employee, Position, Post

HIRED_ON = dt.date(2020, 1, 1)


class UserFactory(DjangoModelFactory):
    """A login with the demo password."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = Password(DEMO_PASSWORD)
    preferred_language = "zh-hans"


def _company() -> Department:
    """The root of the org tree: the preset company when installed, else a new one."""
    root = Department.objects.filter(kind=Department.Kind.COMPANY, parent=None).first()
    return root or DepartmentFactory(kind=Department.Kind.COMPANY, parent=None)


class DepartmentFactory(DjangoModelFactory):
    """A department under the company (or under `parent`), with its path and depth."""

    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试部门{n}")
    name_en = factory.Sequence(lambda n: f"Test department {n}")
    code = factory.Sequence(lambda n: f"test-dept-{n}")
    kind = Department.Kind.DEPARTMENT
    parent = factory.LazyFunction(_company)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The path ("/1/4/9/") needs the row's id: the service's insert computes both.
        return services._insert_department(**kwargs)


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_position_{n}")
    name = factory.Sequence(lambda n: f"测试岗位{n}")
    name_en = factory.Sequence(lambda n: f"Test position {n}")


class PostFactory(DjangoModelFactory):
    """A position offered in a department (one post per pair)."""

    class Meta:
        model = Post
        django_get_or_create = ("department", "position")

    department = factory.SubFactory(DepartmentFactory)
    position = factory.SubFactory(PositionFactory)


class EmployeeFactory(DjangoModelFactory):
    class Meta:
        model = Employee

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"员工{n}")
    # "F…" keeps clear of make_employee's "T…" numbers in the same test.
    employee_no = factory.Sequence(lambda n: f"F{n:05d}")
    hire_date = HIRED_ON


class AssignmentFactory(DjangoModelFactory):
    """Someone holding a post, open-ended from the hire date, as their primary post."""

    class Meta:
        model = Assignment

    employee = factory.SubFactory(EmployeeFactory)
    post = factory.SubFactory(PostFactory)
    start_date = HIRED_ON
    is_primary = True


def preset_post(department_code: str, position_code: str) -> Post:
    """The post of a preset position in a preset department (needs the `org` fixture)."""
    return Post.objects.get(department__code=department_code, position__code=position_code)


def employee_in(department_code: str, position_code: str, **employee_fields) -> Employee:
    """A new employee seated in a preset post, holding its authorities from now on."""
    employee = EmployeeFactory(**employee_fields)
    AssignmentFactory(employee=employee, post=preset_post(department_code, position_code))
    return employee
