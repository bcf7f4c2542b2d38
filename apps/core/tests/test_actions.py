"""The shared page error contract (apps.core.actions)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory
from django.urls import reverse

from apps.core import actions
from apps.core.errors import ApplicationError, ConflictError, NotFound, PermissionDenied

TEMPLATE = "core/_form_fields.html"  # renders the form's errors and fields, nothing else


class NameForm(forms.Form):
    name = forms.CharField(max_length=20)
    note = forms.CharField(required=False)


def _request(method="post", data=None):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _run(request, service, **kwargs):
    form = NameForm(request.POST if request.method == "POST" else None)
    response = actions.run_form_action(
        request,
        form,
        service,
        success_message=kwargs.pop("success_message", "Saved."),
        redirect_to=kwargs.pop("redirect_to", "/done/"),
        template=TEMPLATE,
        **kwargs,
    )
    return form, response


def _refuse(error):
    def service(data):
        raise error

    return service


def test_get_renders_the_empty_form_and_calls_nothing():
    called = []
    form, response = _run(_request("get"), called.append)
    assert response.status_code == 200
    assert called == []
    assert not form.is_bound


def test_success_adds_a_message_and_redirects_with_the_service_result():
    request = _request(data={"name": "Ada"})
    _form, response = _run(
        request,
        lambda data: data["name"].upper(),
        success_message=lambda result: f"Hello {result}",
        redirect_to=lambda result: f"/people/{result}/",
    )
    assert response.status_code == 302
    assert response["Location"] == "/people/ADA/"
    assert [str(m) for m in get_messages(request)] == ["Hello ADA"]


def test_invalid_form_is_400_and_the_service_is_not_called():
    called = []
    request = _request(data={"name": "x" * 30, "note": "kept"})
    _form, response = _run(request, called.append)
    assert response.status_code == 400
    assert called == []
    assert 'value="kept"' in response.content.decode()
    assert list(get_messages(request)) == []


def test_refusal_keeps_input_and_shows_message_at_top_and_beside_its_field():
    request = _request(data={"name": "Ada", "note": "my note"})
    form, response = _run(request, _refuse(ApplicationError("Name taken.", field="name")))
    html = response.content.decode()
    assert response.status_code == 400
    assert form.errors["name"] == ["Name taken."]
    assert form.non_field_errors() == ["Name taken."]
    assert 'data-testid="field-error-name"' in html
    # The top message is an alert that takes the focus (app.js focuses [data-focus-alert]).
    assert 'role="alert" tabindex="-1" data-focus-alert data-testid="form-error"' in html
    assert 'value="Ada"' in html and 'value="my note"' in html
    assert list(get_messages(request)) == []  # no success toast


def test_refusal_naming_no_field_of_the_form_goes_only_to_the_top():
    request = _request(data={"name": "Ada"})
    form, response = _run(request, _refuse(ApplicationError("Closed.", field="elsewhere")))
    assert response.status_code == 400
    assert form.non_field_errors() == ["Closed."]
    assert "name" not in form.errors


def test_conflict_is_409_with_the_form_kept():
    request = _request(data={"name": "Ada"})
    form, response = _run(request, _refuse(ConflictError()))
    assert response.status_code == 409
    assert form.non_field_errors() == [str(ConflictError.default_message)]
    assert 'value="Ada"' in response.content.decode()


@pytest.mark.parametrize("error", [PermissionDenied(), NotFound()])
def test_permission_and_not_found_are_not_refusals_of_the_input(error):
    """They propagate so DomainErrorMiddleware answers with a real 403/404 page."""
    request = _request(data={"name": "Ada"})
    with pytest.raises(type(error)):
        _run(request, _refuse(error))


@pytest.mark.django_db
def test_permission_denied_through_a_page_is_a_real_403(client, django_user_model):
    """End to end: the middleware turns the propagated error into the 403 page."""
    user = django_user_model.objects.create_user(username="plain", password="x")
    client.force_login(user)
    response = client.get(reverse("working_calendar"))
    assert response.status_code == 403


def test_button_action_refusal_is_an_error_message_and_a_redirect():
    request = _request()
    response = actions.run_button_action(
        request,
        lambda: _refuse(ApplicationError("Not now."))(None),
        success_message="Done.",
        redirect_to="/back/",
    )
    assert response.status_code == 302 and response["Location"] == "/back/"
    assert [(m.level_tag, str(m)) for m in get_messages(request)] == [("error", "Not now.")]


def test_attempt_returns_the_value_or_the_refusal():
    assert actions.attempt(lambda: 5).value == 5
    outcome = actions.attempt(lambda: (_ for _ in ()).throw(ConflictError("Late.")))
    assert (outcome.ok, outcome.status, outcome.message) == (False, 409, "Late.")
