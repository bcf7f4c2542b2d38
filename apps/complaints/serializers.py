"""API shapes. Input serializers are separate from output ones; no logic here — the
services decide. Contact fields are masked unless the reader handles the complaint."""

from rest_framework import serializers

from apps.complaints import permissions as policy
from apps.complaints.masking import mask_contact
from apps.complaints.models import (
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintMessage,
    CoordinationTask,
    Severity,
    SlaPolicy,
)
from apps.org.models import Department


class CategorySerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ComplaintCategory
        fields = [
            "id", "code", "name", "name_en", "label", "rulebook", "department", "default_severity",
        ]  # fmt: skip


class SlaPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaPolicy
        fields = ["severity", "hours_to_accept", "hours_to_resolve", "notify_only"]


class ComplaintSerializer(serializers.ModelSerializer):
    category = CategorySerializer(read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True, default=None)
    merged_into = serializers.CharField(source="merged_into.code", read_only=True, default=None)
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    contact_email = serializers.SerializerMethodField()
    contact_masked = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)
    current_due_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "code",
            "state",
            "channel",
            "category",
            "severity",
            "department",
            "description",
            "contact_name",
            "contact_phone",
            "contact_email",
            "contact_masked",
            "owner",
            "merged_into",
            "received_at",
            "accept_due_at",
            "accepted_at",
            "resolve_due_at",
            "resolved_at",
            "closed_at",
            "current_due_at",
            "is_overdue",
            "paused_hours",
            "cycle",
            "reopen_count",
            "is_escalated",
            "rating",
            "satisfaction_comment",
        ]

    def _full(self, obj) -> bool:
        request = self.context.get("request")
        return request is not None and policy.can_see_contact(request.user, obj)

    def _contact(self, obj, value):
        return value if self._full(obj) else mask_contact(value)

    def get_contact_name(self, obj) -> str:
        return self._contact(obj, obj.contact_name)

    def get_contact_phone(self, obj) -> str:
        return self._contact(obj, obj.contact_phone)

    def get_contact_email(self, obj) -> str:
        return self._contact(obj, obj.contact_email)

    def get_contact_masked(self, obj) -> bool:
        return not self._full(obj)


class PublicComplaintSerializer(serializers.ModelSerializer):
    """What the complainant sees by tracking token: no owner names, no notes."""

    category = serializers.CharField(source="category.label")
    messages = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = ["code", "state", "category", "description", "received_at", "rating", "messages"]

    def get_messages(self, obj) -> list[dict]:
        return [
            {"kind": m.kind, "body": m.body, "created_at": m.created_at}
            for m in obj.messages.filter(kind__in=ComplaintMessage.PUBLIC_KINDS).order_by(
                "created_at", "pk"
            )
        ]


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", default=None, read_only=True)

    class Meta:
        model = ComplaintMessage
        fields = ["id", "kind", "author", "body", "created_at"]


class TaskSerializer(serializers.ModelSerializer):
    complaint = serializers.CharField(source="complaint.code", read_only=True)
    complaint_id = serializers.IntegerField(read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)

    class Meta:
        model = CoordinationTask
        fields = [
            "id",
            "complaint",
            "complaint_id",
            "department",
            "title",
            "due_date",
            "state",
            "created_at",
            "closed_at",
            "close_note",
        ]


# --- Input ----------------------------------------------------------------------------


class ComplaintCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=ComplaintCategory.objects.filter(is_active=True)
    )
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, default="")
    description = serializers.CharField(max_length=5000)
    contact_name = serializers.CharField(max_length=100)
    contact_phone = serializers.CharField(max_length=30, required=False, default="")
    contact_email = serializers.EmailField(required=False, default="")
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class PublicComplaintCreateSerializer(ComplaintCreateSerializer):
    """What the public endpoint accepts: the complaint, the honeypot, and the captcha
    (key from POST public/captcha/ and the characters in its image) once one is asked for."""

    website = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Leave empty. Anything here marks the request as a bot's and nothing is stored.",
    )
    captcha_key = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    captcha_answer = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=32
    )


class PublicCaptchaSerializer(serializers.Serializer):
    captcha_key = serializers.CharField()
    image_url = serializers.CharField()
    required = serializers.BooleanField(
        help_text="Whether your next complaint from this address must carry the answer."
    )


class PublicCreatedSerializer(serializers.Serializer):
    code = serializers.CharField()
    tracking_token = serializers.CharField()
    tracking_url = serializers.CharField()


class OwnerSerializer(serializers.Serializer):
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=Complaint._meta.get_field("owner").related_model.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )


class TextSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)


class ResolveSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=5000, required=False, default="")


class MergeSerializer(serializers.Serializer):
    into = serializers.CharField(help_text="Tracking code of the complaint to merge into.")


class TransferSerializer(serializers.Serializer):
    to_department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.filter(is_active=True),
        help_text="Code of the department to transfer to (one that handles complaints).",
    )
    reason = serializers.CharField(max_length=1000, help_text="Why it goes there (required).")


class TaskCreateSerializer(serializers.Serializer):
    department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=CoordinationTask._meta.get_field("department").related_model.objects.all(),
    )
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField()


class TaskCloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class ConfirmSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)
