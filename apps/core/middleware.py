import logging

from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.core.request_context import clear_request_id, new_request_id

logger = logging.getLogger(__name__)


class RequestIdMiddleware:
    """Gives each request an id (or keeps the proxy's X-Request-ID) for logs and audit rows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id(request.headers.get("X-Request-ID"))
        try:
            response = self.get_response(request)
        finally:
            clear_request_id()
        response["X-Request-ID"] = request.request_id
        return response


class DomainErrorMiddleware:
    """Pages: a domain error becomes a readable page (or an htmx fragment) with the right
    status, never a 500. The API has its own handler (apps.core.api)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        logger.info("domain error %s: %s", exception.status_code, exception.message)
        titles = {
            400: _("This could not be done"),
            403: _("Not allowed"),
            404: _("Not found"),
            409: _("Someone else acted first"),
        }
        context = {
            "status": exception.status_code,
            "title": titles.get(exception.status_code, titles[400]),
            "message": exception.message,
        }
        template = "core/_error.html" if getattr(request, "htmx", False) else "core/error.html"
        return render(request, template, context, status=exception.status_code)
