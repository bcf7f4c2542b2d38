"""The campaign app's files served by apps.core.files: log attachments, to whoever may
see their campaign (apps.campaigns.permissions.can_view)."""

from apps.core.files import Served, register_kind


def _attachment(user, pk):
    from apps.campaigns import permissions as policy
    from apps.campaigns.models import LogAttachment

    attachment = (
        LogAttachment.objects.select_related("entry__campaign__department").filter(pk=pk).first()
    )
    if attachment is None or not policy.can_view(user, attachment.entry.campaign):
        return None
    return Served(attachment.file, attachment.name)


def register() -> None:
    register_kind("campaign-attachment", _attachment)
