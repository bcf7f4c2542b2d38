"""Forms of the work pages. They only read input; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.campaigns.models import Campaign
from apps.content.models import Channel
from apps.core.forms import BootstrapFormMixin
from apps.org.models import Department
from apps.work.models import CoordinationRequest, Suggestion

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SuggestionForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Suggestion.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    regarding = forms.CharField(
        label=_("About (instruction or matter)"),
        max_length=200,
        required=False,
        help_text=_("Required for an improvement: the instruction you propose to improve."),
    )
    body = forms.CharField(label=_("Suggestion"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [c for c in Suggestion.Kind.choices if c[0] in kinds]


class ReplyForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(s.value, s.label) for s in Suggestion.REPLY_STATES],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))


class CoordinationForm(BootstrapFormMixin, forms.Form):
    from_department = forms.ModelChoiceField(
        label=_("From"), queryset=Department.objects.none(), required=False
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign (for its execution)"),
        queryset=Campaign.objects.none(),
        required=False,
        help_text=_("Leave empty to ask for work coordination between departments."),
    )
    to_department = forms.ModelChoiceField(
        label=_("To department"), queryset=Department.objects.filter(is_active=True)
    )
    title = forms.CharField(label=_("What is needed"), max_length=200)
    body = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    due_on = forms.DateField(label=_("Due date"), widget=DATE)

    def __init__(self, *args, from_departments=None, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if from_departments is not None:
            self.fields["from_department"].queryset = from_departments
        if campaigns is not None:
            self.fields["campaign"].queryset = campaigns


class AnswerForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (CoordinationRequest.State.DONE.value, CoordinationRequest.State.DONE.label),
            (CoordinationRequest.State.DECLINED.value, CoordinationRequest.State.DECLINED.label),
        ],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class BookingForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    channel = forms.ModelChoiceField(
        label=_("Channel"), queryset=Channel.objects.filter(is_active=True)
    )
    starts_at = forms.DateTimeField(label=_("From"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Until"), widget=DATETIME)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["department"].queryset = departments
