"""API shapes of training. Input serializers (…Input) check shapes only; the services
check the rules. Output serializers are read-only."""

from rest_framework import serializers

from apps.org.models import Department, Employee, Position
from apps.training.models import (
    AssessmentResult,
    CareerConversation,
    Category,
    Course,
    DevelopmentGoal,
    DevelopmentPlan,
    Enrolment,
    Feedback,
    Method,
    Session,
    Technique,
    TrainingAssignment,
    TrainingPlan,
)


class TrainingCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "name_en"]


class TrainingCourseSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    audience_positions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    audience_people = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "plan",
            "title",
            "description",
            "category",
            "method",
            "technique",
            "trainer_employee",
            "trainer_external",
            "audience_positions",
            "audience_people",
            "budget",
            "planned_start",
            "planned_end",
            "planned_sessions",
            "planned_hours",
        ]


class TrainingPlanSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    courses = TrainingCourseSerializer(many=True, read_only=True)

    class Meta:
        model = TrainingPlan
        fields = [
            "id",
            "department",
            "year",
            "title",
            "goals",
            "state",
            "author",
            "submitted_at",
            "decided_at",
            "decision_comment",
            "courses",
        ]


class TrainingPlanListSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    budget_total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    course_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingPlan
        fields = ["id", "department", "year", "title", "state", "budget_total", "course_count"]


class TrainingPlanInput(serializers.Serializer):
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.filter(is_active=True)
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200)
    goals = serializers.CharField(required=False, allow_blank=True, default="")


class TrainingCourseInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(is_active=True)
    )
    method = serializers.ChoiceField(choices=Method.choices)
    technique = serializers.ChoiceField(choices=Technique.choices, default=Technique.LECTURE)
    trainer_employee = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.filter(is_active=True), required=False, allow_null=True
    )
    trainer_external = serializers.CharField(required=False, allow_blank=True, default="")
    audience_positions = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Position.objects.all(), required=False
    )
    audience_people = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Employee.objects.filter(is_active=True), required=False
    )
    budget = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    planned_start = serializers.DateField()
    planned_end = serializers.DateField()
    planned_sessions = serializers.IntegerField(min_value=1, default=1)
    planned_hours = serializers.DecimalField(max_digits=6, decimal_places=1, min_value=0)


class TrainingDecisionInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TrainingSessionSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    seats_taken = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "department",
            "course",
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "capacity",
            "seats_taken",
            "hours",
            "state",
            "trainer_employee",
            "trainer_external",
        ]

    def get_seats_taken(self, session) -> int:
        """Annotated by the list's selector; counted here for a single session (its page,
        or the answer of an action), so the field is always there."""
        taken = getattr(session, "seats_taken", None)
        if taken is None:
            taken = session.enrolments.filter(state=Enrolment.State.ENROLLED).count()
        return taken


class TrainingSessionInput(serializers.Serializer):
    course = serializers.PrimaryKeyRelatedField(
        queryset=Course.objects.all(), required=False, allow_null=True
    )
    department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, min_value=0)
    capacity = serializers.IntegerField(min_value=1, default=20)
    location = serializers.CharField(required=False, allow_blank=True, default="")
    cost = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)
    trainer_employee = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.filter(is_active=True), required=False, allow_null=True
    )
    trainer_external = serializers.CharField(required=False, allow_blank=True, default="")


class TrainingFeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ["rating", "comments", "created_at"]


class TrainingResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentResult
        fields = ["outcome", "score", "hours", "certificate_no", "recorded_at"]


class TrainingEnrolmentSerializer(serializers.ModelSerializer):
    employee_name = serializers.CharField(source="employee.name", read_only=True)
    feedback = TrainingFeedbackSerializer(read_only=True)
    result = TrainingResultSerializer(read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "session",
            "employee",
            "employee_name",
            "state",
            "attended",
            "queued_at",
            "feedback",
            "result",
        ]


class TrainingEnrolInput(serializers.Serializer):
    employee = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.all(),
        required=False,
        allow_null=True,
        help_text="Omit to enrol yourself; a team member's id to assign them.",
    )


class TrainingAttendanceInput(serializers.Serializer):
    attended = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


class TrainingFeedbackInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comments = serializers.CharField(required=False, allow_blank=True, default="")


class TrainingResultInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AssessmentResult.Outcome.choices)
    score = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
    )
    hours = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, required=False, allow_null=True
    )
    certificate_no = serializers.CharField(required=False, allow_blank=True, default="")


class TrainingAssignmentSerializer(serializers.ModelSerializer):
    employee_name = serializers.CharField(source="employee.name", read_only=True)

    class Meta:
        model = TrainingAssignment
        fields = [
            "id",
            "employee",
            "employee_name",
            "reason",
            "title",
            "details",
            "due_on",
            "state",
            "source_label",
            "created_at",
            "completed_at",
        ]


class TrainingGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = DevelopmentGoal
        fields = ["id", "title", "starts_on", "due_on", "state", "achieved_on"]


class TrainingConversationSerializer(serializers.ModelSerializer):
    supervisor = serializers.CharField(source="supervisor.username", read_only=True)

    class Meta:
        model = CareerConversation
        fields = ["id", "held_on", "supervisor", "notes", "agreed_actions", "next_on"]


class TrainingDevelopmentPlanSerializer(serializers.ModelSerializer):
    goals = TrainingGoalSerializer(many=True, read_only=True)
    conversations = TrainingConversationSerializer(many=True, read_only=True)
    path_steps = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = DevelopmentPlan
        fields = [
            "id",
            "employee",
            "current_role",
            "path",
            "path_steps",
            "target_role",
            "competencies",
            "courses",
            "goals",
            "conversations",
            "updated_at",
        ]


class TrainingDevelopmentPlanInput(serializers.Serializer):
    current_role = serializers.CharField(max_length=100)
    path = serializers.CharField(max_length=300)
    target_role = serializers.CharField(max_length=100)
    competencies = serializers.CharField(required=False, allow_blank=True, default="")
    courses = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Course.objects.all(), required=False, default=list
    )


class TrainingGoalInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    due_on = serializers.DateField()


class TrainingConversationInput(serializers.Serializer):
    held_on = serializers.DateField()
    notes = serializers.CharField()
    agreed_actions = serializers.CharField(required=False, allow_blank=True, default="")
    next_on = serializers.DateField(required=False, allow_null=True, default=None)
