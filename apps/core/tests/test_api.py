"""The API's one exception handler: domain errors become 400/403/404/409 JSON with
{"detail", "field"}; Django's own errors are mapped too."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from apps.core.api import exception_handler
from apps.core.errors import ApplicationError, ConflictError, NotFound, PermissionDenied


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ApplicationError("坏的输入"), 400),
        (PermissionDenied("不允许"), 403),
        (NotFound("找不到"), 404),
        (ConflictError("别人先改了"), 409),
    ],
)
def test_domain_errors_map_to_their_status(error, status):
    # given a domain error raised by a service; when the API handler sees it
    response = exception_handler(error, {})
    # then its status and message come back as JSON
    assert response.status_code == status
    assert response.data == {"detail": str(error.message)}


def test_a_field_error_names_the_field():
    # given an error about one field
    response = exception_handler(ApplicationError("结束早于开始", field="end_date"), {})
    # then the field is named, and also keyed as DRF's own field errors are
    assert response.status_code == 400
    assert response.data == {
        "detail": "结束早于开始",
        "field": "end_date",
        "end_date": ["结束早于开始"],
    }


def test_default_messages_are_used_without_one():
    response = exception_handler(ConflictError(), {})
    assert response.status_code == 409
    assert response.data["detail"]


def test_django_validation_errors_are_400():
    response = exception_handler(ValidationError({"code": ["taken"]}), {})
    assert response.status_code == 400
    assert response.data == {"code": ["taken"]}
    plain = exception_handler(ValidationError("bad"), {})
    assert plain.status_code == 400
    assert plain.data == {"detail": ["bad"]}


def test_http404_is_404_json():
    response = exception_handler(Http404(), {})
    assert response.status_code == 404
    assert response.data["detail"]


@pytest.mark.django_db
def test_a_repeated_action_is_a_conflict_mapped_to_409(users, people):
    from apps.org import services

    # given someone who has left (their assignment ended, their login disabled)
    services.employee_deactivate(actor=users["hr"], employee=people["cs"])
    # when HR deactivates them again through the service the API would call
    with pytest.raises(ConflictError) as caught:
        services.employee_deactivate(actor=users["hr"], employee=people["cs"])
    # then it is a conflict, which the handler turns into 409
    assert exception_handler(caught.value, {}).status_code == 409
