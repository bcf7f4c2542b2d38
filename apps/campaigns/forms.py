"""Forms of the campaign pages. They check shapes; the services check the rules and
their errors are put next to the field with apply_service_error."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from apps.campaigns import permissions as policy
from apps.campaigns.models import (
    BudgetLine,
    Campaign,
    CampaignType,
    Channel,
    LogEntry,
    ResourceRequest,
)
from apps.campaigns.services import PlanData
from apps.core.forms import BootstrapFormMixin
from apps.org.models import Position

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class PlanForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=None)
    theme = forms.CharField(label=_("Theme"), max_length=200)
    campaign_type = forms.ModelChoiceField(
        label=_("Type"), queryset=CampaignType.objects.filter(is_active=True)
    )
    mode = forms.ChoiceField(label=_("Online/offline"), choices=Campaign.Mode.choices)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))
    starts_on = forms.DateField(label=_("Start date"), widget=DATE)
    ends_on = forms.DateField(label=_("End date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    rules = forms.CharField(
        label=_("Participation rules"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    channels = forms.MultipleChoiceField(
        label=_("Promotion channels"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expected_benefit = forms.DecimalField(
        label=_("Expected benefit (yuan)"), max_digits=14, decimal_places=2, min_value=0
    )
    team = forms.ModelMultipleChoiceField(
        label=_("Team members"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = policy.planning_departments(user).order_by("path")
        self.fields["department"].queryset = departments
        if not self.is_bound and "department" not in self.initial:
            # most planners plan for one department: start there
            self.initial["department"] = departments.values_list("pk", flat=True).first()
        self.fields["team"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, employee__isnull=False)
            .select_related("employee")
            .order_by("employee__name")
        )
        self.fields["team"].label_from_instance = lambda u: u.display_name
        self.style()
        self.fields["channels"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return cleaned


class PrizeForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Prize"), max_length=100)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    unit_value = forms.DecimalField(
        label=_("Unit value (yuan)"), max_digits=14, decimal_places=2, min_value=0.01
    )


class BudgetLineForm(BootstrapFormMixin, forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "---------"), *BudgetLine.Category.choices]
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=0.01
    )


class TargetForm(BootstrapFormMixin, forms.Form):
    metric = forms.CharField(label=_("Metric"), max_length=100)
    target_value = forms.DecimalField(
        label=_("Target value"), max_digits=16, decimal_places=2, min_value=0.01
    )
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)


class RiskForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(label=_("Risk"), max_length=300)
    contingency = forms.CharField(label=_("Contingency plan"), max_length=1000)


class ResourceForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "---------"), *ResourceRequest.Kind.choices]
    )
    description = forms.CharField(label=_("Description"), max_length=200)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    position = forms.ModelChoiceField(
        label=_("Position"), queryset=Position.objects.filter(is_active=True), required=False
    )


def _formset(form, extra=1):
    return forms.formset_factory(form, extra=extra, can_delete=True)


FORMSETS = {
    "prizes": _formset(PrizeForm),
    "budget_lines": _formset(BudgetLineForm, extra=2),
    "targets": _formset(TargetForm, extra=2),
    "risks": _formset(RiskForm),
    "resources": _formset(ResourceForm),
}
FORMSET_TITLES = {
    "prizes": _("Prizes"),
    "budget_lines": _("Budget"),
    "targets": _("Quantified targets"),
    "risks": _("Risks and contingency plans"),
    "resources": _("Resources requested"),
}


def plan_forms(data=None, *, user, campaign=None):
    """The plan form and its five formsets, filled from `campaign` when editing."""
    initial = {}
    formset_initial = dict.fromkeys(FORMSETS)
    if campaign is not None:
        initial = {
            "department": campaign.department_id,
            "theme": campaign.theme,
            "campaign_type": campaign.campaign_type_id,
            "mode": campaign.mode,
            "purpose": campaign.purpose,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "place": campaign.place,
            "rules": campaign.rules,
            "channels": campaign.channels,
            "expected_benefit": campaign.expected_benefit,
            "team": [u.pk for u in campaign.team.all()],
        }
        formset_initial = {
            "prizes": list(campaign.prizes.values("name", "quantity", "unit_value")),
            "budget_lines": list(campaign.budget_lines.values("category", "description", "amount")),
            "targets": list(campaign.targets.values("metric", "target_value", "unit")),
            "risks": list(campaign.risks.values("description", "contingency")),
            "resources": list(
                campaign.resources.values("kind", "description", "quantity", "position")
            ),
        }
    form = PlanForm(data, user=user, initial=initial)
    formsets = {
        name: formset_class(data, prefix=name, initial=formset_initial[name])
        for name, formset_class in FORMSETS.items()
    }
    return form, formsets


def plan_data_from(form, formsets) -> PlanData:
    data = {k: v for k, v in form.cleaned_data.items() if k != "department"}
    data["team"] = list(data["team"])
    for name, formset in formsets.items():
        data[name] = [row for row in formset.cleaned_data if row and not row.get("DELETE")]
        for row in data[name]:
            row.pop("DELETE", None)
    return PlanData(**data)


class CommentForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2})
    )


class LogEntryForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LogEntry.Kind.choices)
    happened_on = forms.DateField(label=_("Date"), widget=DATE)
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 2}))
    handling = forms.CharField(
        label=_("How it was handled"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Images, PDF, Word, Excel, text or CSV; up to 5 files of 5 MB each."),
    )


class SpendForm(BootstrapFormMixin, forms.Form):
    budget_line = forms.ModelChoiceField(label=_("Budget line"), queryset=BudgetLine.objects.none())
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=0.01
    )
    spent_on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = campaign.budget_lines.all()
        self.style()


class IncreaseForm(BootstrapFormMixin, forms.Form):
    amount = forms.DecimalField(
        label=_("Increase (yuan)"), max_digits=14, decimal_places=2, min_value=0.01
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PrizeDistributionForm(BootstrapFormMixin, forms.Form):
    prize = forms.ModelChoiceField(label=_("Prize"), queryset=None)
    recipient = forms.CharField(label=_("Recipient"), max_length=100)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    distributed_on = forms.DateField(label=_("Date"), widget=DATE)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prize"].queryset = campaign.prizes.all()
        self.style()


class MetricsForm(BootstrapFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    taken_on = forms.DateField(label=_("Date"), widget=DATE)
    impressions = forms.IntegerField(label=_("Impressions"), min_value=0, initial=0)
    clicks = forms.IntegerField(label=_("Clicks"), min_value=0, initial=0)
    conversions = forms.IntegerField(label=_("Conversions"), min_value=0, initial=0)
    new_followers = forms.IntegerField(label=_("New followers"), initial=0)
    cost = forms.DecimalField(
        label=_("Cost (yuan)"), max_digits=14, decimal_places=2, min_value=0, initial=0
    )


class MetricsImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: channel, taken_on (YYYY-MM-DD), impressions, clicks, conversions, "
            "new_followers, cost (English or Chinese names). CSV in UTF-8 or GBK, or XLSX. "
            "One bad row rejects the whole file."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class CloseOutForm(BootstrapFormMixin, forms.Form):
    actual_benefit = forms.DecimalField(
        label=_("Actual benefit (yuan)"), max_digits=14, decimal_places=2, min_value=0
    )
    what_worked = forms.CharField(label=_("What worked"), widget=forms.Textarea(attrs={"rows": 3}))
    what_did_not = forms.CharField(
        label=_("What did not work"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    lessons = forms.CharField(
        label=_("Lessons for next time"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(campaign.targets.all())
        for target in self.targets:
            self.fields[f"actual_{target.pk}"] = forms.DecimalField(
                label=f"{target.metric} ({_('target')} {target.target_value:g} {target.unit})",
                max_digits=16,
                decimal_places=2,
                min_value=0,
            )
        order = [f"actual_{t.pk}" for t in self.targets] + [
            "actual_benefit",
            "what_worked",
            "what_did_not",
            "lessons",
        ]
        self.order_fields(order)
        self.style()

    def actuals(self):
        return {t.pk: self.cleaned_data[f"actual_{t.pk}"] for t in self.targets}
