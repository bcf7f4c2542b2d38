"""Helpers that build content items through the services (the one write path)."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.content import services
from apps.content.models import ALL_CHECKS, Channel, ContentItem
from apps.org.tests.factories import employee_in


def channel(code="wechat-oa"):
    # The channels come from a data migration; transactional tests flush them.
    from apps.content.presets import install_channels

    install_channels()
    return Channel.objects.get(code=code)


def make_item(author, department=None, *, title="春季新品推文", body="<p>第一段</p>", **fields):
    department = department or author.employee.assignments.first().post.department
    return services.content_item_create(
        actor=author,
        department=department,
        channel=fields.pop("channel", None) or channel(),
        title=title,
        body=body,
        **fields,
    )


def submit(item, author=None):
    """Submit (with the author's self-check ticked, when the chain begins with one)."""
    return services.content_item_submit(
        actor=author or item.author, item=item, self_check=list(ALL_CHECKS)
    )


def approve(item, actor, **kwargs):
    item.refresh_from_db()
    return services.content_item_approve(
        actor=actor,
        item=item,
        version=kwargs.pop("version", item.version_number),
        step=kwargs.pop("step", item.step_number),
        checklist=kwargs.pop("checklist", list(ALL_CHECKS)),
        **kwargs,
    )


def give_back(item, actor, comment="标题需要修改"):
    item.refresh_from_db()
    return services.content_item_return(
        actor=actor, item=item, version=item.version_number, step=item.step_number,
        comment=comment,
    )  # fmt: skip


def in_an_hour():
    return timezone.now() + dt.timedelta(hours=1)


def fresh(item) -> ContentItem:
    return ContentItem.objects.select_related("current_step").get(pk=item.pk)


# --- factory_boy ----------------------------------------------------------------------


class ContentItemFactory(DjangoModelFactory):
    """A draft written through `content_item_create` (sanitised body, first version,
    audit row). The author defaults to a new WeChat specialist (needs the `org` fixture);
    move it on with `submit`/`approve` above, as reviewers would."""

    class Meta:
        model = ContentItem

    author = factory.LazyFunction(lambda: employee_in("wechat", "ops_specialist").user)
    department = factory.LazyAttribute(
        lambda item: item.author.employee.assignments.first().post.department
    )
    channel = factory.LazyFunction(channel)
    title = factory.Sequence(lambda n: f"春季新品推文 {n}")
    body = "<p>第一段</p>"

    @classmethod
    def _create(cls, model_class, *args, author, department, channel, title, **fields):
        return services.content_item_create(
            actor=author, department=department, channel=channel, title=title, **fields
        )
