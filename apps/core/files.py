"""Every stored file goes out through here, after its app's policy said yes.

Nothing under MEDIA_ROOT is served as a static folder (not by Django, not by the proxy):
a link to a file is `/files/<kind>/<pk>/`, and the view asks the owning app's
permissions module whether the user may see the record the file belongs to. A file
someone may not see answers 404 like a file that does not exist, so ids reveal nothing.

How the bytes go out is a setting, FILE_SERVE_HEADER:
- "" (default, also `make run`): Django streams the file (FileResponse);
- "X-Accel-Redirect" (nginx): the response names FILE_SERVE_INTERNAL_URL + the stored
  name and nginx sends the file from a location marked `internal`;
- "X-Sendfile" (Apache mod_xsendfile): the response names the file's path.

Both names are percent-encoded (stored names may be Chinese); nginx and mod_xsendfile
decode them.

Either way the headers are Django's: images are shown inline, everything else is a
download (Content-Disposition: attachment with a readable name), always with
`Content-Security-Policy: sandbox` and `X-Content-Type-Options: nosniff`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from apps.core import uploads
from apps.core.errors import NotFound


@dataclass(frozen=True)
class Served:
    file: FieldFile
    filename: str  # what the browser saves it as


# --- Kinds: which record a file belongs to and who may see it --------------------------
# Each app registers a finder per kind from its AppConfig.ready() (its file_kinds module):
# core imports no domain app. A finder returns the file when `user` may see it, None
# otherwise (or when there is no such file); the rule itself is the app's permissions
# module.

KINDS: dict[str, Callable] = {}


def register_kind(kind: str, finder: Callable) -> None:
    """Serve files of `kind` at /files/<kind>/<pk>/; finder(user, pk) -> Served | None."""
    KINDS[kind] = finder


def file_url(kind: str, pk: int) -> str:
    return reverse("file", args=[kind, pk])


# --- Serving ---------------------------------------------------------------------------


def _user_of(request):
    """The session's user, or an API token's (API clients follow `url`s they are given)."""
    user = request.user
    if user.is_authenticated:
        return user
    try:
        result = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return user
    return result[0] if result else user


def serve_kind(request, kind: str, pk: int) -> HttpResponse:
    """The file of `kind` `pk` when the request's user may see it; 404 otherwise."""
    find = KINDS.get(kind)
    user = _user_of(request)
    served = find(user, pk) if find and user.is_authenticated else None
    if served is None or not served.file:
        raise NotFound(_("There is no file here you may open."))
    return respond(served.file, filename=served.filename)


@require_safe
def download(request, kind, pk):
    return serve_kind(request, kind, pk)


def respond(file: FieldFile, *, filename: str) -> HttpResponse:
    """Send `file` (the stored name) under `filename`, with the headers that keep a
    browser from running it."""
    extension = uploads.extension_of(file.name)
    inline = extension in uploads.IMAGE_EXTENSIONS
    content_type = uploads.content_type_for(file.name)
    mode = getattr(settings, "FILE_SERVE_HEADER", "")
    if mode == "X-Accel-Redirect":
        response = HttpResponse(content_type=content_type)
        prefix = settings.FILE_SERVE_INTERNAL_URL.rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(file.name)}"
    elif mode == "X-Sendfile":
        response = HttpResponse(content_type=content_type)
        # Headers are ASCII: the path is percent-encoded, which mod_xsendfile decodes
        # (XSendFileUnescape, on by default).
        response["X-Sendfile"] = quote(file.path)
    elif not mode:
        try:
            stream = file.open("rb")
        except FileNotFoundError as error:
            raise NotFound(_("There is no file here you may open.")) from error
        response = FileResponse(stream, content_type=content_type)
    else:
        raise ImproperlyConfigured(
            f"FILE_SERVE_HEADER must be '', 'X-Accel-Redirect' or 'X-Sendfile', not {mode!r}"
        )
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, a file is a document: no origin, no scripts (images shown inline
    # above all; a download opened from the browser's list too). Overrides the site policy.
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response
