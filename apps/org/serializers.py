from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.org.authorities import Authority, Scope
from apps.org.models import (
    Assignment,
    Department,
    Employee,
    Position,
    PositionAuthority,
    Post,
    PowerRequest,
)


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "kind",
            "parent",
            "is_partner",
            "rulebook",
            "description",
            "path",
            "depth",
            "is_active",
        ]
        read_only_fields = fields


class DepartmentCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    name_en = serializers.CharField(max_length=100, required=False, allow_blank=True)
    code = serializers.SlugField(max_length=50)
    kind = serializers.ChoiceField(choices=[Department.Kind.DEPARTMENT, Department.Kind.GROUP])
    parent = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(is_active=True))
    is_partner = serializers.BooleanField(required=False, default=False)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class DepartmentUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    name_en = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    is_partner = serializers.BooleanField(required=False)


class AuthoritySerializer(serializers.Serializer):
    authority = serializers.ChoiceField(choices=Authority.choices)
    scope = serializers.ChoiceField(choices=Scope.choices)


class PositionSerializer(serializers.ModelSerializer):
    default_authorities = serializers.SerializerMethodField()

    class Meta:
        model = Position
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "description",
            "is_managerial",
            "default_authorities",
        ]

    def get_default_authorities(self, position) -> list[dict]:
        rows: list[PositionAuthority] = position.default_authorities.all()
        return [{"authority": r.authority, "scope": r.scope} for r in rows]


class AssignmentSerializer(serializers.ModelSerializer):
    department = serializers.IntegerField(source="post.department_id", read_only=True)
    department_name = serializers.CharField(source="post.department.name", read_only=True)
    position = serializers.IntegerField(source="post.position_id", read_only=True)
    position_name = serializers.CharField(source="post.position.name", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "employee",
            "department",
            "department_name",
            "position",
            "position_name",
            "start_date",
            "end_date",
            "is_primary",
        ]
        read_only_fields = fields


class AssignmentCreateSerializer(serializers.Serializer):
    employee = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.all())
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    position = serializers.PrimaryKeyRelatedField(queryset=Position.objects.all())
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    is_primary = serializers.BooleanField(required=False, default=False)


class AssignmentEndSerializer(serializers.Serializer):
    end_date = serializers.DateField()


class EmployeeSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    # Text, not "format: email": people without an address have "".
    email = serializers.CharField(source="user.email", read_only=True)
    current_assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = Employee
        fields = [
            "id",
            "username",
            "name",
            "employee_no",
            "email",
            "hire_date",
            "is_active",
            "supervisor",
            "current_assignments",
        ]
        read_only_fields = fields


class EmployeeCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    name = serializers.CharField(max_length=50)
    employee_no = serializers.CharField(max_length=20)
    hire_date = serializers.DateField()
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    supervisor = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.all(), required=False, allow_null=True, default=None
    )


class PostSerializer(serializers.ModelSerializer):
    authorities = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "department", "position", "headcount", "authorities"]
        read_only_fields = fields

    def get_authorities(self, post) -> list[dict]:
        return [{"authority": a.authority, "scope": a.scope} for a in post.authorities.all()]


class PostAuthoritySetSerializer(serializers.Serializer):
    authority = serializers.ChoiceField(choices=Authority.choices)
    scope = serializers.ChoiceField(
        choices=Scope.choices, allow_null=True, help_text="null revokes the authority"
    )


class DelegationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    authority = serializers.CharField(source="permission.codename", read_only=True)
    department = serializers.IntegerField(source="object_pk", read_only=True)


class DelegationCreateSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())
    authority = serializers.ChoiceField(choices=Authority.choices)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())


class PowerRequestSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True, default=None
    )
    summary = serializers.CharField(read_only=True)

    class Meta:
        model = PowerRequest
        fields = [
            "id",
            "kind",
            "state",
            "summary",
            "requested_by",
            "created_at",
            "department",
            "post",
            "position",
            "employee",
            "user",
            "authority",
            "scope",
            "start_date",
            "end_date",
            "is_primary",
            "excess",
            "decided_by",
            "decided_at",
            "comment",
        ]
        read_only_fields = fields


class PowerRequestDecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
