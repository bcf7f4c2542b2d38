"""Routers for every app's API: DRF's, with ids that are digits."""

from rest_framework.routers import DefaultRouter, SimpleRouter

# Primary keys are integers: anything else in an id's place of a URL is no such page.
NUMERIC_LOOKUP = r"[0-9]+"


class _NumericLookup:
    """Routes a viewset's detail URLs by digits only (`/items/abc/submit/` is a 404, not
    a query with "abc" for an integer) unless the viewset looks rows up by another field
    or names its own `lookup_value_regex`."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        field = getattr(viewset, "lookup_field", "pk")
        if field in ("pk", "id") and getattr(viewset, "lookup_value_regex", None) is None:
            kwarg = getattr(viewset, "lookup_url_kwarg", None) or field
            value = NUMERIC_LOOKUP if self._use_regex else "int"  # path converters
            return self._base_pattern.format(
                lookup_prefix=lookup_prefix, lookup_url_kwarg=kwarg, lookup_value=value
            )
        return super().get_lookup_regex(viewset, lookup_prefix)


class Router(_NumericLookup, DefaultRouter):
    """DRF's DefaultRouter (with the API root view) whose ids are digits."""


class PlainRouter(_NumericLookup, SimpleRouter):
    """DRF's SimpleRouter whose ids are digits."""
