import datetime as dt

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.complaints import intake
from apps.complaints.models import STAFF_CHANNELS, ComplaintCategory, Severity
from apps.core.actions import as_validation_error
from apps.core.forms import BootstrapFormMixin
from apps.org.models import Department


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class _ComplaintFields(BootstrapFormMixin, forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=ComplaintCategory.objects.filter(is_active=True)
    )
    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Plain text. Tell us when and where it happened and what you expect."),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=100)
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    attachments = MultipleFileField(
        label=_("Attachments"),
        help_text=_("Optional: up to 3 JPG, PNG or PDF files, 5 MB each."),
    )

    def clean_description(self):
        return as_validation_error(
            lambda: intake.validate_plain_text(
                self.cleaned_data["description"], field="description", min_length=10
            )
        )

    def clean_contact_name(self):
        return as_validation_error(
            lambda: intake.validate_plain_text(
                self.cleaned_data["contact_name"], field="contact_name", max_length=100
            )
        )

    def clean_attachments(self):
        return as_validation_error(
            lambda: intake.validate_attachments(self.cleaned_data.get("attachments") or [])
        )

    def clean(self):
        cleaned = super().clean()
        missing = not cleaned.get("contact_phone") and not cleaned.get("contact_email")
        if missing and "contact_phone" not in self.errors and "contact_email" not in self.errors:
            self.add_error(
                "contact_phone", _("Leave a phone number or an e-mail address so we can reply.")
            )
        return cleaned


class PublicComplaintForm(_ComplaintFields):
    # Honeypot: hidden from people (CSS + aria-hidden); bots fill it in.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    field_order = [
        "category",
        "description",
        "contact_name",
        "contact_phone",
        "contact_email",
        "attachments",
    ]

    def __init__(self, *args, captcha: bool = False, **kwargs):
        """`captcha`: this address has filed its share without one (intake.captcha_required)."""
        super().__init__(*args, **kwargs)
        if captcha:
            self.fields["captcha"] = CaptchaField(
                label=_("Characters in the picture"),
                help_text=_(
                    "Several complaints came from your network recently: type the characters "
                    "you see, so we know you are not a program. A wrong answer shows a new picture."
                ),
                error_messages={
                    "required": _("Type the characters in the picture."),
                    "invalid": _("The characters did not match. Try the new picture."),
                },
                widget=CaptchaTextInput(),
            )
            self.fields["captcha"].widget.template_name = "complaints/_captcha_widget.html"
            self.style()

    def visible_fields(self):
        # The honeypot is rendered on its own, inside a visually hidden block.
        return [field for field in super().visible_fields() if field.name != "website"]

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class StaffComplaintForm(_ComplaintFields):
    channel = forms.ChoiceField(label=_("Came in by"), choices=STAFF_CHANNELS)
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=[("", _("By category"))] + list(Severity.choices),
        required=False,
    )
    field_order = ["channel", "category", "severity", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_name"].label = _("Complainant's name")
        self.fields["description"].help_text = _("Plain text, in the complainant's words.")


class TaskForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True, kind=Department.Kind.DEPARTMENT),
    )
    title = forms.CharField(label=_("What is needed"), max_length=200)
    due_date = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if complaint is not None:
            self.fields["department"].queryset = (
                self.fields["department"]
                .queryset.exclude(pk=complaint.department_id)
                .order_by("-is_partner", "sort_order", "pk")
            )
        self.fields["due_date"].initial = timezone.localdate() + dt.timedelta(days=2)


class TextForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ConfirmForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=[(5, "5 ★★★★★"), (4, "4 ★★★★"), (3, "3 ★★★"), (2, "2 ★★"), (1, "1 ★")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons, not text boxes: the mixin gives every non-select widget form-control.
        invalid = " is-invalid" if self.is_bound and "rating" in self.errors else ""
        self.fields["rating"].widget.attrs["class"] = "form-check-input" + invalid
