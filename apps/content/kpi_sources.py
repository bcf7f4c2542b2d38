"""The content app's sources of automatic KPI actuals (apps.kpis.sources), registered
when this module is imported (ContentConfig.ready). No per-author selector in
apps.content fits, so each source runs one aggregate query over content's own models."""

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from apps.content.models import ContentItem, ContentMetrics
from apps.kpis.sources import by_user, moments, register, users_of

# --- content (no per-author selector in apps.content: one aggregate query) -------------


@register("content.items_published", _("Content items published"))
def content_items_published(employee_ids, start, end):
    users = users_of(employee_ids)
    lo, hi = moments(start, end)
    rows = (
        ContentItem.objects.filter(
            author_id__in=users,
            publication__status="published",
            publication__published_at__gte=lo,
            publication__published_at__lt=hi,
        )
        .values("author_id")
        .annotate(n=Count("pk"))
        .values_list("author_id", "n")
    )
    return by_user(rows, users)


@register("content.reads", _("Reads of own published content"))
def content_reads(employee_ids, start, end):
    users = users_of(employee_ids)
    rows = (
        ContentMetrics.objects.filter(item__author_id__in=users, date__gte=start, date__lte=end)
        .values("item__author_id")
        .annotate(n=Sum("reads"))
        .values_list("item__author_id", "n")
    )
    return by_user(rows, users)


def _content_sum(field: str):
    """Sum of one ContentMetrics figure over the author's items in the period."""

    def batch(employee_ids, start, end):
        users = users_of(employee_ids)
        rows = (
            ContentMetrics.objects.filter(item__author_id__in=users, date__gte=start, date__lte=end)
            .values("item__author_id")
            .annotate(n=Sum(field))
            .values_list("item__author_id", "n")
        )
        return by_user(rows, users)

    return batch


# The sub-measures of 003's official-account metric (粉丝增长数、阅读量、转发量、点赞数、
# 评论数), each a source of its own so a composite indicator can weigh them.
for _code, _field, _label in (
    ("content.followers_gained", "followers_gained", _("Followers gained by own content")),
    ("content.shares", "shares", _("Shares of own published content")),
    ("content.likes", "likes", _("Likes of own published content")),
    ("content.comments", "comments", _("Comments on own published content")),
):
    register(_code, _label)(_content_sum(_field))
