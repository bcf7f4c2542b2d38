"""API shapes of the work app. Input serializers only read values; the services check."""

from rest_framework import serializers

from apps.campaigns.models import Campaign
from apps.content.models import Channel
from apps.org.models import Department
from apps.work.models import ChannelBooking, CoordinationRequest, Suggestion


class SuggestionSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name", read_only=True)
    recipient = serializers.CharField(source="recipient.display_name", read_only=True)
    department = serializers.CharField(source="department.label", read_only=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "kind",
            "state",
            "title",
            "body",
            "regarding",
            "department",
            "author",
            "recipient",
            "created_at",
            "reply_due_on",
            "reply",
            "replied_at",
        ]
        read_only_fields = fields


class SuggestionInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Suggestion.Kind.choices)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    regarding = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SuggestionReplyInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[s.value for s in Suggestion.REPLY_STATES])
    reply = serializers.CharField()


class CoordinationSerializer(serializers.ModelSerializer):
    from_department = serializers.CharField(source="from_department.label", read_only=True)
    to_department = serializers.CharField(source="to_department.label", read_only=True)
    created_by = serializers.CharField(source="created_by.display_name", read_only=True)

    class Meta:
        model = CoordinationRequest
        fields = [
            "id",
            "kind",
            "state",
            "title",
            "body",
            "from_department",
            "to_department",
            "campaign",
            "due_on",
            "created_by",
            "created_at",
            "answer",
            "answered_at",
        ]
        read_only_fields = fields


class CoordinationInput(serializers.Serializer):
    to_department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    from_department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True)
    due_on = serializers.DateField()


class CoordinationAnswerInput(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[CoordinationRequest.State.DONE, CoordinationRequest.State.DECLINED]
    )
    answer = serializers.CharField()


class BookingSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.label", read_only=True)
    channel = serializers.CharField(source="channel.code", read_only=True)
    booked_by = serializers.CharField(source="booked_by.display_name", read_only=True)

    class Meta:
        model = ChannelBooking
        fields = [
            "id",
            "channel",
            "department",
            "starts_at",
            "ends_at",
            "purpose",
            "state",
            "booked_by",
        ]
        read_only_fields = fields


class BookingInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    channel = serializers.SlugRelatedField(slug_field="code", queryset=Channel.objects.all())
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    purpose = serializers.CharField(max_length=200)
