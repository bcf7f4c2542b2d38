from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from apps.core import login_throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's log-in form, refusing to try once an account has failed too often."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed attempts. Wait %(minutes)d minutes and try again, or ask HR "
            "to reset your password."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username", "")
        address = login_throttle.client_address(self.request)
        if login_throttle.is_locked(username, address):
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_throttle.record_failure(username, address)
            raise
        login_throttle.clear(username, address)
        return cleaned


class BootstrapFormMixin:
    """Gives widgets Bootstrap classes and marks invalid fields, so templates can render
    any form with core/_form_fields.html and errors sit next to their field.

    Validation stays lazy: subclasses may still narrow querysets or disable fields after
    calling super().__init__(), and the rules they set are the ones checked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def style(self):
        """Give every field its Bootstrap class; call it again after adding fields in a
        subclass's __init__ (it adds nothing twice)."""
        for field in self.fields.values():
            widget = field.widget
            if getattr(widget, "input_type", None) == "checkbox":
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            classes = widget.attrs.get("class", "").split()
            if css not in classes:
                widget.attrs["class"] = " ".join([*classes, css])

    def add_error(self, field, error):
        """Every error, from validation or a service, marks its field's widget invalid."""
        super().add_error(field, error)
        for name in self._errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", "").split():
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


def apply_service_error(form, error) -> None:
    """Show a domain error from a service next to its field (or above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))
