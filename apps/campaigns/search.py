"""Searching past campaigns when planning new ones.

On PostgreSQL: full-text search (django.contrib.postgres SearchVector, 'simple'
configuration) over theme, purpose and the close-out, OR'd with a substring match —
PostgreSQL's parsers do not split Chinese words, so "国庆" must still find
"国庆关注有礼". On SQLite: the substring match alone. django.contrib.postgres is imported
only inside the PostgreSQL branch, so this module imports safely anywhere and the app
needs no entry in INSTALLED_APPS."""

from django.db import connection
from django.db.models import Q

FIELDS = ("theme", "purpose", "what_worked", "what_did_not", "lessons")


def substring_q(text: str) -> Q:
    q = Q()
    for name in FIELDS:
        q |= Q(**{f"{name}__icontains": text})
    return q


def search(queryset, text: str):
    text = (text or "").strip()[:100]
    if not text:
        return queryset
    if connection.vendor != "postgresql":
        return queryset.filter(substring_q(text))
    from django.contrib.postgres.search import SearchQuery, SearchVector

    vector = SearchVector(*FIELDS, config="simple")
    query = SearchQuery(text, config="simple", search_type="websearch")
    return queryset.annotate(search_vector=vector).filter(
        Q(search_vector=query) | substring_q(text)
    )
