"""API shapes. Input serializers (what a client sends) are separate from output ones;
neither holds business rules — the services do."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.campaigns import formulas
from apps.campaigns.models import (
    Approval,
    BudgetIncrease,
    BudgetLine,
    Campaign,
    CampaignType,
    Channel,
    ChecklistItem,
    LogEntry,
    MetricSnapshot,
    Prize,
    PrizeDistribution,
    ResourceRequest,
    Risk,
    Spend,
    Target,
)
from apps.core.files import file_url
from apps.org.models import Department, Position

# --- Output -------------------------------------------------------------------------


class CampaignTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignType
        fields = ["id", "code", "name", "name_en"]


class PrizeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Prize
        fields = ["id", "name", "quantity", "unit_value", "distributed"]


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["id", "category", "description", "amount"]


class TargetSerializer(serializers.ModelSerializer):
    completion_rate = serializers.SerializerMethodField()
    met = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Target
        fields = ["id", "metric", "target_value", "unit", "actual_value", "completion_rate", "met"]

    def get_completion_rate(self, obj) -> str | None:
        value = formulas.completion_rate(obj.actual_value, obj.target_value)
        return None if value is None else str(value)


class RiskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Risk
        fields = ["id", "description", "contingency"]


class ResourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResourceRequest
        fields = ["id", "kind", "description", "quantity", "position"]


class ApprovalSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username")

    class Meta:
        model = Approval
        fields = ["id", "step", "decision", "decided_by", "comment", "decided_at", "increase"]


class BudgetIncreaseSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username")

    class Meta:
        model = BudgetIncrease
        fields = [
            "id",
            "campaign",
            "amount",
            "reason",
            "state",
            "approval_step",
            "requested_by",
            "requested_at",
            "decided_at",
        ]


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "kind", "done", "done_at", "note"]


class CampaignListSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username")
    campaign_type = serializers.CharField(source="campaign_type.code")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "theme",
            "campaign_type",
            "mode",
            "department",
            "owner",
            "starts_on",
            "ends_on",
            "state",
            "approval_step",
            "approved_budget",
            "spent_total",
        ]


class CampaignSerializer(CampaignListSerializer):
    team = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    prizes = PrizeSerializer(many=True, read_only=True)
    budget_lines = BudgetLineSerializer(many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    risks = RiskSerializer(many=True, read_only=True)
    resources = ResourceSerializer(many=True, read_only=True)
    approvals = ApprovalSerializer(many=True, read_only=True)
    checklist = ChecklistItemSerializer(many=True, read_only=True)
    roi = serializers.SerializerMethodField()

    class Meta(CampaignListSerializer.Meta):
        fields = [
            *CampaignListSerializer.Meta.fields,
            "purpose",
            "place",
            "rules",
            "channels",
            "expected_benefit",
            "team",
            "prizes",
            "budget_lines",
            "targets",
            "risks",
            "resources",
            "approvals",
            "checklist",
            "cancel_reason",
            "actual_benefit",
            "what_worked",
            "what_did_not",
            "lessons",
            "roi",
            "copied_from",
        ]

    def get_roi(self, obj) -> str | None:
        value = formulas.roi(obj.actual_benefit, obj.spent_total)
        return None if value is None else str(value)


class LogEntrySerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = LogEntry
        fields = [
            "id",
            "kind",
            "happened_on",
            "text",
            "handling",
            "author",
            "created_at",
            "attachments",
        ]

    def get_attachments(self, obj) -> list[dict]:
        # The permission-checked download, never the storage's own URL (apps.core.files).
        return [
            {"name": a.name, "size": a.size, "url": file_url("campaign-attachment", a.pk)}
            for a in obj.attachments.all()
        ]


class SpendSerializer(serializers.ModelSerializer):
    class Meta:
        model = Spend
        fields = ["id", "budget_line", "amount", "spent_on", "note", "created_at"]


class PrizeDistributionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PrizeDistribution
        fields = ["id", "prize", "recipient", "quantity", "distributed_on"]


class MetricSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricSnapshot
        fields = [
            "id",
            "channel",
            "taken_on",
            "impressions",
            "clicks",
            "conversions",
            "new_followers",
            "cost",
        ]


# --- Input -------------------------------------------------------------------------------


class PrizeInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    quantity = serializers.IntegerField(min_value=1)
    unit_value = serializers.DecimalField(max_digits=14, decimal_places=2)


class BudgetLineInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=BudgetLine.Category.choices)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class TargetInput(serializers.Serializer):
    metric = serializers.CharField(max_length=100)
    target_value = serializers.DecimalField(max_digits=16, decimal_places=2)
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True)


class RiskInput(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    contingency = serializers.CharField()


class ResourceInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ResourceRequest.Kind.choices)
    description = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1, default=1)
    position = serializers.PrimaryKeyRelatedField(
        queryset=Position.objects.all(), required=False, allow_null=True
    )


class PlanInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    theme = serializers.CharField(max_length=200)
    purpose = serializers.CharField()
    campaign_type = serializers.SlugRelatedField(
        slug_field="code", queryset=CampaignType.objects.filter(is_active=True)
    )
    mode = serializers.ChoiceField(choices=Campaign.Mode.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    rules = serializers.CharField(required=False, allow_blank=True, default="")
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), required=False, default=list
    )
    expected_benefit = serializers.DecimalField(max_digits=14, decimal_places=2, default=0)
    team = serializers.SlugRelatedField(
        slug_field="username",
        many=True,
        required=False,
        default=list,
        queryset=get_user_model().objects.filter(is_active=True),
    )
    prizes = PrizeInput(many=True, required=False, default=list)
    budget_lines = BudgetLineInput(many=True, required=False, default=list)
    targets = TargetInput(many=True, required=False, default=list)
    risks = RiskInput(many=True, required=False, default=list)
    resources = ResourceInput(many=True, required=False, default=list)


class CommentInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class CloseOutInput(serializers.Serializer):
    actuals = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2),
        help_text="target id → actual value",
    )
    actual_benefit = serializers.DecimalField(max_digits=14, decimal_places=2)
    what_worked = serializers.CharField()
    what_did_not = serializers.CharField(required=False, allow_blank=True, default="")
    lessons = serializers.CharField()


class ChecklistInput(serializers.Serializer):
    done = serializers.BooleanField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class LogEntryInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LogEntry.Kind.choices)
    happened_on = serializers.DateField()
    text = serializers.CharField()
    handling = serializers.CharField(required=False, allow_blank=True, default="")
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class SpendInput(serializers.Serializer):
    budget_line = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    spent_on = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class IncreaseInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    reason = serializers.CharField()


class DistributionInput(serializers.Serializer):
    prize = serializers.IntegerField()
    recipient = serializers.CharField(max_length=100)
    quantity = serializers.IntegerField(min_value=1)
    distributed_on = serializers.DateField()


class MetricsInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    taken_on = serializers.DateField()
    impressions = serializers.IntegerField(min_value=0, default=0)
    clicks = serializers.IntegerField(min_value=0, default=0)
    conversions = serializers.IntegerField(min_value=0, default=0)
    new_followers = serializers.IntegerField(default=0)
    cost = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, default=0)


class MetricsImportInput(serializers.Serializer):
    file = serializers.FileField()
