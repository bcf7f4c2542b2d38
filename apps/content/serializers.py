from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.content.models import (
    Channel,
    Checklist,
    ContentItem,
    ContentMetrics,
    ContentVersion,
    Format,
)
from apps.org.models import Department


@extend_schema_field({"type": "string", "enum": list(Checklist.values)})
class CheckField(serializers.CharField):
    """A checklist item code (one inline enum, shared by self-check and review)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value not in Checklist.values:
            raise serializers.ValidationError(f"Unknown checklist item {value!r}.")
        return value


class ItemSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", read_only=True)
    channel = serializers.CharField(source="channel.code", read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    current_step = serializers.CharField(source="current_step.label", default=None, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ContentItem
        fields = [
            "id", "title", "body", "channel", "format", "department", "author", "designer",
            "publish_at", "origin", "source", "state", "version_number", "step_number",
            "step_total", "current_step", "step_due_at", "is_overdue", "publish_error",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ItemCreateSerializer(serializers.Serializer):
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.filter(is_active=True)
    )
    channel = serializers.SlugRelatedField(
        slug_field="code", queryset=Channel.objects.filter(is_active=True)
    )
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    format = serializers.ChoiceField(choices=Format.choices, default=Format.ARTICLE)
    publish_at = serializers.DateTimeField(required=False, allow_null=True)
    origin = serializers.ChoiceField(choices=ContentItem.Origin.choices, default="original")
    source = serializers.CharField(required=False, allow_blank=True, max_length=300)
    authorisation = serializers.FileField(required=False)
    cover = serializers.FileField(required=False)


class ItemUpdateSerializer(serializers.Serializer):
    channel = serializers.SlugRelatedField(
        slug_field="code", queryset=Channel.objects.filter(is_active=True), required=False
    )
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(required=False, allow_blank=True)
    format = serializers.ChoiceField(choices=Format.choices, required=False)
    publish_at = serializers.DateTimeField(required=False, allow_null=True)
    origin = serializers.ChoiceField(choices=ContentItem.Origin.choices, required=False)
    source = serializers.CharField(required=False, allow_blank=True, max_length=300)
    authorisation = serializers.FileField(required=False)
    cover = serializers.FileField(required=False)


class SubmitSerializer(serializers.Serializer):
    # The author's self-check (when the chain starts with one): the ticked items.
    checklist = serializers.ListField(child=CheckField(), required=False, allow_null=True)


class ReviewSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The version number you reviewed")
    step = serializers.IntegerField(min_value=1, help_text="The step number you acted on")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveSerializer(ReviewSerializer):
    checklist = serializers.ListField(child=CheckField(), required=False, default=list)
    publish_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ReturnSerializer(ReviewSerializer):
    comment = serializers.CharField()


class WithdrawSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ScheduleSerializer(serializers.Serializer):
    publish_at = serializers.DateTimeField()


class BulkApproveSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=500)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class BulkResultSerializer(serializers.Serializer):
    approved = serializers.ListField(child=serializers.IntegerField())
    failed = serializers.ListField(child=serializers.DictField())


class VersionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = ContentVersion
        fields = ["number", "title", "body", "created_by", "created_at"]
        read_only_fields = fields


class DiffRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    left = serializers.CharField()
    right = serializers.CharField()
    left_no = serializers.IntegerField(allow_null=True)
    right_no = serializers.IntegerField(allow_null=True)


class DiffSerializer(serializers.Serializer):
    old = serializers.IntegerField(allow_null=True)
    new = serializers.IntegerField()
    rows = DiffRowSerializer(many=True)


class MetricsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContentMetrics
        fields = [
            "date", "reads", "shares", "likes", "comments", "followers_gained",
            "followers_lost", "source",
        ]  # fmt: skip
        read_only_fields = ["source"]


class MetricsImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImportReportSerializer(serializers.Serializer):
    applied = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())  # always empty on success
