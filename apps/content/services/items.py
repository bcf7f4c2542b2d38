"""Items and their versions: create, edit (a new version once reviewed), add images."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.content import permissions as policy
from apps.content.models import ContentImage, ContentItem, ReviewAction
from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.org import permissions as org_policy
from apps.org.authorities import Authority

from ._common import Decision, State, _lock, _log
from .review import _enter_review
from .sanitising import sanitize_body


def _validate_fields(item: ContentItem):
    try:
        item.full_clean(
            exclude=["state", "chain", "current_step", "author", "department", "channel"]
        )
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(messages[0], field=name if name != "__all__" else None) from error


def _validate_links(item: ContentItem):
    """A topic and a plan are the department's own; a plan is for the item's channel."""
    if item.topic_id and item.topic.department_id != item.department_id:
        raise ApplicationError(_("Choose a topic of this item's department."), field="topic")
    if item.plan_id:
        if item.plan.department_id != item.department_id:
            raise ApplicationError(_("Choose a content plan of this item's department."),
                                   field="plan")  # fmt: skip
        if item.plan.channel_id != item.channel_id:
            raise ApplicationError(_("That content plan is for another channel."), field="plan")


EDITABLE_FIELDS = (
    "title", "body", "cover", "channel", "format", "designer", "topic", "plan",
    "publish_at", "origin", "source", "authorisation",
)  # fmt: skip


@transaction.atomic
def content_item_create(*, actor, department, channel, title, **fields) -> ContentItem:
    """Start a draft item in a department and channel, its body sanitised. Refused without
    the authority to create content there, for an unknown field, without a title, for
    fields the model rejects, or for a topic or plan that is not the department's own (or a
    plan of another channel)."""
    if not policy.can_create_in(actor, department):
        org_policy.require_authority(actor, Authority.CREATE_CONTENT, department)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown field."), field=sorted(unknown)[0])
    item = ContentItem(author=actor, department=department, channel=channel, title=title)
    for name, value in fields.items():
        setattr(item, name, value)
    item.body = sanitize_body(item.body)
    if not item.title.strip():
        raise ApplicationError(_("Give the item a title."), field="title")
    _validate_fields(item)
    _validate_links(item)
    item.save()
    _log(item, actor=actor, decision=Decision.CREATED)
    return item


@transaction.atomic
def content_item_update(*, actor, item: ContentItem, **fields) -> ContentItem:
    """Edit an item. Approved or scheduled content goes back to review (a new version, the
    chain from step 1). Refused to anyone but the author, while in review (a conflict), for
    an unknown field, without a title, or for invalid fields and links as in
    content_item_create."""
    item = _lock(item)
    if item.author_id != actor.pk:
        raise PermissionDenied(_("Only the author edits an item."))
    if item.state not in ContentItem.EDITABLE_STATES:
        raise ConflictError(
            _("An item in review cannot be edited; withdraw it first or wait for the review.")
        )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown field."), field=sorted(unknown)[0])
    before = {name: str(getattr(item, name)) for name in fields}
    for name, value in fields.items():
        setattr(item, name, value)
    item.body = sanitize_body(item.body)
    if not item.title.strip():
        raise ApplicationError(_("Give the item a title."), field="title")
    _validate_fields(item)
    _validate_links(item)
    after = {name: str(getattr(item, name)) for name in fields}
    from_state = item.state
    item.save()
    ReviewAction.objects.create(
        item=item, version_number=item.version_number, actor=actor, decision=Decision.EDITED
    )
    audit.record(
        actor=actor,
        obj=item,
        action="content.edited",
        from_state=from_state,
        to_state=item.state,
        changes=audit.diff(before, after),
    )
    if from_state in (State.APPROVED, State.SCHEDULED):
        _enter_review(item, actor=actor, from_state=from_state)
    return item


@transaction.atomic
def content_image_add(*, actor, item: ContentItem, file, caption="") -> ContentImage:
    """Attach an image (type and size checked). Adding an image to approved content sends
    it back to review like any other edit. Refused to anyone but the author or the
    designer, while in review (a conflict), and for a file the image checks reject."""
    item = _lock(item)
    if item.author_id != actor.pk and item.designer_id != actor.pk:
        raise PermissionDenied(_("Only the author or the designer adds images."))
    if item.state not in ContentItem.EDITABLE_STATES:
        raise ConflictError(
            _("An item in review cannot be edited; withdraw it first or wait for the review.")
        )
    image = ContentImage(item=item, file=file, caption=caption[:200])
    try:
        image.full_clean(exclude=["item"])
    except ValidationError as error:
        raise ApplicationError(error.messages[0], field="file") from error
    image.save()
    from_state = item.state
    ReviewAction.objects.create(
        item=item, version_number=item.version_number, actor=actor, decision=Decision.EDITED,
        comment=caption,
    )  # fmt: skip
    audit.record(actor=actor, obj=item, action="content.image_added", from_state=from_state,
                 to_state=item.state, comment=image.file.name)  # fmt: skip
    if from_state in (State.APPROVED, State.SCHEDULED):
        _enter_review(item, actor=actor, from_state=from_state)
    return image
