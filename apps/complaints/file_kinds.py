"""The complaint app's files served by apps.core.files: attachments, to whoever may see
their complaint (apps.complaints.permissions.can_view)."""

from apps.core.files import Served, register_kind


def _attachment(user, pk):
    from apps.complaints import permissions as policy
    from apps.complaints.models import ComplaintAttachment

    attachment = (
        ComplaintAttachment.objects.select_related("complaint__department").filter(pk=pk).first()
    )
    if attachment is None or not policy.can_view(user, attachment.complaint):
        return None
    return Served(attachment.file, attachment.original_name)


def register() -> None:
    register_kind("complaint-attachment", _attachment)
