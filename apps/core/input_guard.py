"""Refuse requests no view can read, before any view (or the session lookup) tries.

- A NUL byte anywhere a view or the database would see it (the path, query and form
  parameters, uploaded file names, cookies, headers): PostgreSQL refuses NUL in text,
  so it would surface as a 500 from whichever query met it first. Answered 400.
- A body larger than the limits: DATA_UPLOAD_MAX_MEMORY_SIZE for bodies without files
  (Django checks it only when it parses the body itself, and DRF's parsers read the
  stream directly), REQUEST_BODY_MAX_BYTES for multipart bodies with their files.
  Answered 413; a form Django cannot parse is answered 400.

The API gets {"detail": …} JSON, pages the site's error page with the same message.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

NUL = "\x00"
DEFAULT_BODY_MAX_BYTES = 32 * 1024 * 1024


def _has_nul(mapping) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in mapping)


def _content_length(request) -> int:
    try:
        return int(request.headers.get("content-length") or 0)
    except ValueError:
        return 0


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self._too_big(request) or self._nul(request)
        return refusal or self.get_response(request)

    def _too_big(self, request):
        size = _content_length(request)
        multipart = request.content_type == "multipart/form-data"
        limit = (
            getattr(settings, "REQUEST_BODY_MAX_BYTES", DEFAULT_BODY_MAX_BYTES)
            if multipart
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if limit is not None and size > limit:
            return self._refuse(request, 413, _too_big_message(limit))
        return None

    def _nul(self, request):
        if NUL in request.path_info or _has_nul(request.GET.lists()):
            return self._refuse(request, 400, _("The address contains a character not allowed."))
        headers = [value for key, value in request.META.items() if key.startswith("HTTP_")]
        cookies = list(request.COOKIES.values())  # "\\000" in a quoted cookie decodes to NUL
        if any(isinstance(value, str) and NUL in value for value in headers + cookies):
            return self._refuse(request, 400, _("A header contains a character not allowed."))
        if request.method != "POST":
            return None
        try:
            fields, files = request.POST, request.FILES
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return self._refuse(request, 413, _too_big_message(limit))
        except (TooManyFieldsSent, TooManyFilesSent):
            return self._refuse(request, 400, _("The form sent has too many fields or files."))
        except MultiPartParserError:
            return self._refuse(request, 400, _("The form sent could not be read."))
        names = ((key, [f.name or "" for f in items]) for key, items in files.lists())
        if _has_nul(fields.lists()) or _has_nul(names):
            return self._refuse(request, 400, _("The form contains a character not allowed."))
        return None

    def _refuse(self, request, status, message):
        logger.info("refused %s %s: %s", request.method, request.path_info[:200], message)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": str(message)}, status=status)
        titles = {400: _("This could not be done"), 413: _("Too much was sent")}
        context = {"status": status, "title": titles[status], "message": message}
        template = "core/_error.html" if request.headers.get("HX-Request") else "core/error.html"
        return render(request, template, context, status=status)


def _too_big_message(limit: int) -> str:
    return _("The request is too large: at most %(size)s MB may be sent at once.") % {
        "size": f"{limit / (1024 * 1024):.1f}".removesuffix(".0")
    }
