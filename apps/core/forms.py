from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from apps.core import login_throttle
from apps.core.client_address import client_address
from apps.core.validation import validate_single_line


class ThrottledLoginMixin:
    """Refuses to check a password once login_throttle says this user name or address
    has failed too often; counts wrong passwords and clears the count on success.

    Shared by the app's and the admin site's log-in forms, so neither is a way around
    the other's lockout."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed attempts. Wait %(minutes)d minutes and try again, or ask HR "
            "to reset your password."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username", "")
        address = client_address(self.request)
        if login_throttle.is_locked(username, address):
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            # Only a wrong password counts: the right one refused for being inactive or
            # not staff (admin) is no guess.
            if self.user_cache is None:
                login_throttle.record_failure(username, address)
            raise
        if self.user_cache is not None:  # None: a field was empty, nothing was checked
            login_throttle.record_success(username, address)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    """Django's log-in form with the failure throttle."""


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin site's log-in form (staff only) with the same throttle."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": ThrottledLoginMixin.error_messages["throttled"],
    }


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
        subclass's __init__ (it adds nothing twice). A one-line text box (a name, a title)
        also refuses line breaks and tabs, which its widget cannot type."""
        for field in self.fields.values():
            widget = field.widget
            if (
                isinstance(field, forms.CharField)
                and getattr(widget, "input_type", None) == "text"
                and validate_single_line not in field.validators
            ):
                field.validators.append(validate_single_line)
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
