"""API plumbing shared by every app: pagination and the one exception handler.
(Routers are in apps.core.routers, the schema class in apps.core.schema: DRF imports
this module while it loads its own generic views, which they build on.)"""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from apps.core.errors import ApplicationError

logger = logging.getLogger(__name__)


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


def _bad_input(exc, context):
    """A value the view could not read (a query parameter cast to int or date, a number
    out of the column's range): the client's mistake, answered 400. Logged with its
    traceback so a genuine bug hiding behind the same exception stays visible."""
    view = context.get("view")
    logger.warning(
        "bad input to %s: %s: %s", type(view).__name__, type(exc).__name__, exc, exc_info=exc
    )
    set_rollback()
    return Response(
        {"detail": _("Some of the values sent cannot be read. Check them and try again.")},
        status=status.HTTP_400_BAD_REQUEST,
    )


def exception_handler(exc, context):
    """Domain errors → 400/403/404/409 with {"detail", "field"}; unreadable values → 400;
    the rest as DRF does."""
    if isinstance(exc, ApplicationError):
        body = {"detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
            body[exc.field] = [str(exc.message)]
        set_rollback()
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        set_rollback()
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response({"detail": str(exc) or "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, (ValueError, TypeError, OverflowError, DataError)):
        return _bad_input(exc, context)
    return drf_exception_handler(exc, context)
