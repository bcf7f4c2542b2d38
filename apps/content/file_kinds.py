"""The content app's files served by apps.core.files: covers, authorisations and
images, to whoever may see their item (apps.content.permissions.can_view_item)."""

from apps.core import uploads
from apps.core.files import Served, register_kind


def _item_file(field: str, label: str):
    def find(user, pk):
        from apps.content import permissions as policy
        from apps.content.models import ContentItem

        item = ContentItem.objects.select_related("department").filter(pk=pk).first()
        if item is None or not policy.can_view_item(user, item):
            return None
        file = getattr(item, field)
        return Served(file, f"{label}-{item.pk}{uploads.extension_of(file.name)}")

    return find


def _image(user, pk):
    from apps.content import permissions as policy
    from apps.content.models import ContentImage

    image = ContentImage.objects.select_related("item__department").filter(pk=pk).first()
    if image is None or not policy.can_view_item(user, image.item):
        return None
    return Served(image.file, f"image-{image.pk}{uploads.extension_of(image.file.name)}")


def register() -> None:
    register_kind("content-cover", _item_file("cover", "cover"))
    register_kind("content-authorisation", _item_file("authorisation", "authorisation"))
    register_kind("content-image", _image)
