from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.org.authorities import Authority, Scope
from apps.org.models import Department, Position


class DateInput(forms.DateInput):
    input_type = "date"


class DepartmentForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100, required=False)
    code = forms.SlugField(
        label=_("Code"), max_length=50, help_text=_("Letters, digits and hyphens; unique.")
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Department.Kind.DEPARTMENT, Department.Kind.DEPARTMENT.label),
            (Department.Kind.GROUP, Department.Kind.GROUP.label),
        ],
    )
    is_partner = forms.BooleanField(label=_("Partner department"), required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AssignmentForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True).order_by("path")
    )
    position = forms.ModelChoiceField(
        label=_("Position"), queryset=Position.objects.filter(is_active=True)
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput)
    end_date = forms.DateField(
        label=_("End date"),
        widget=DateInput,
        required=False,
        help_text=_("Leave empty for an open-ended assignment."),
    )
    is_primary = forms.BooleanField(label=_("Primary position"), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("An assignment cannot end before it starts."))
        return cleaned


class AssignmentEndForm(BootstrapFormMixin, forms.Form):
    end_date = forms.DateField(label=_("End date"), widget=DateInput)


class PostAuthorityForm(BootstrapFormMixin, forms.Form):
    authority = forms.ChoiceField(label=_("Authority"), choices=Authority.choices)
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=[("", _("Revoke it from this post")), *Scope.choices],
        required=False,
        help_text=_(
            "Authorities you do not hold that far yourself wait for the approval of "
            "someone who does."
        ),
    )


class DelegationForm(BootstrapFormMixin, forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"),
        queryset=get_user_model()
        .objects.filter(is_active=True, employee__is_active=True)
        .select_related("employee")
        .order_by("employee__name"),
    )
    authority = forms.ChoiceField(label=_("Authority"), choices=Authority.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].label_from_instance = lambda u: u.display_name


class PowerRequestDecisionForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
