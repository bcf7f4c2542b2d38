"""Domain errors. Services raise these; one handler each for pages and the API turns
them into 400/403/404/409 with the message a person can act on."""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """Bad input or a rule of the business refused the request (HTTP 400)."""

    status_code = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, field=None, extra=None):
        self.message = message or self.default_message
        self.field = field  # the form/API field the message belongs to, if any
        self.extra = extra or {}
        super().__init__(str(self.message))


class PermissionDenied(ApplicationError):
    """The actor lacks the authority for this action here (HTTP 403)."""

    status_code = 403
    default_message = _("You do not have permission to do this.")


class NotFound(ApplicationError):
    status_code = 404
    default_message = _("Not found.")


class ConflictError(ApplicationError):
    """The object changed under the request: someone else acted first (HTTP 409)."""

    status_code = 409
    default_message = _("Someone else changed this first. Reload and try again.")
