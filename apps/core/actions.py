"""One error contract for pages: run a service from a form and turn its refusal into the
same answer everywhere.

A refusal (ApplicationError, 400; ConflictError, 409) re-renders the form with the user's
input kept and the message at the top of the form (role="alert", focused by app.js) and,
when the error names a field of the form, beside that field too. PermissionDenied (403)
and NotFound (404) are not refusals of the input: they propagate, and
apps.core.middleware.DomainErrorMiddleware answers with the real error page. Success is a
message (toast) and a redirect.

The API needs none of this: apps.core.api.exception_handler maps the same errors to JSON.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from apps.core.errors import ApplicationError

# Errors that say "not you" or "not here", never "fix your input": the error page answers.
_PROPAGATE = (403, 404)


@dataclass(frozen=True)
class Outcome:
    """What became of a service call: its value, or the refusal and its HTTP status."""

    ok: bool
    value: Any = None
    error: ApplicationError | None = None

    @property
    def status(self) -> int:
        return 200 if self.ok else self.error.status_code

    @property
    def message(self) -> str:
        return "" if self.ok else str(self.error.message)


def show_refusal(form, error) -> None:
    """Put a refusal on `form`: always at the top (non-field errors), and beside the
    field too when the error names one of the form's fields."""
    message = str(error.message)
    if error.field and error.field in form.fields:
        form.add_error(error.field, message)
    if message not in form.non_field_errors():
        form.add_error(None, message)


def attempt(call, form=None) -> Outcome:
    """Run `call()`. A refusal (400/409) is caught, put on `form` when given, and
    returned as a failed Outcome; 403 and 404 propagate to the error page."""
    try:
        return Outcome(ok=True, value=call())
    except ApplicationError as error:
        if error.status_code in _PROPAGATE:
            raise
        if form is not None:
            show_refusal(form, error)
        return Outcome(ok=False, error=error)


def _resolve(value, result):
    return value(result) if callable(value) else value


def run_form_action(
    request,
    form,
    service_call,
    *,
    success_message,
    redirect_to,
    template,
    context=None,
    invalid_status=400,
):
    """The whole page flow of one form: GET renders it; POST validates it, calls
    `service_call(form.cleaned_data)` and, on success, adds `success_message` and
    redirects to `redirect_to`; both may be callables taking the service's result.

    An invalid form is re-rendered with status `invalid_status`; a refusal with the
    message at the top and beside its field, status 400 (409 for a conflict)."""
    context = {"form": form, **(context or {})}
    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=invalid_status)
    outcome = attempt(lambda: service_call(form.cleaned_data), form)
    if not outcome.ok:
        return render(request, template, context, status=outcome.status)
    message = _resolve(success_message, outcome.value)
    if message:
        messages.success(request, message)
    return redirect(_resolve(redirect_to, outcome.value))


def run_button_action(request, service_call, *, success_message, redirect_to):
    """A form with nothing to fill in (a button: publish, cancel, close): call the
    service; success or refusal, the answer is a message and a redirect back, because
    there is no input to keep. 403/404 propagate to the error page."""
    outcome = attempt(service_call)
    if outcome.ok:
        message = _resolve(success_message, outcome.value)
        if message:
            messages.success(request, message)
    else:
        messages.error(request, outcome.message)
    return redirect(_resolve(redirect_to, outcome.value))


def as_validation_error(call):
    """Run a domain validator inside a form's clean_<field>(): its refusal becomes the
    form's ValidationError, so the form shows it beside the field like any other."""
    try:
        return call()
    except ApplicationError as error:
        raise forms.ValidationError(str(error.message)) from error
