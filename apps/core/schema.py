"""The OpenAPI schema class of the API (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]): what
drf-spectacular infers, corrected where the answers say otherwise."""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import relations, serializers

from apps.core.validation import list_max_items

LISTS = (serializers.ListField, serializers.ListSerializer, relations.ManyRelatedField)


def answers_null(field) -> bool:
    """Whether an output field can come out as null although it does not allow null:
    DRF writes None for any field whose value is None, or whose source runs through an
    empty relation (`owner.username` of a complaint nobody owns, `feedback` of an
    enrolment without one), or that defaults to None."""
    if field.default is None:
        return True
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    attrs = getattr(field, "source_attrs", None) or []
    for attr in attrs:
        if model is None:
            return False
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return False  # a property or method: only the serializer can say
        if getattr(model_field, "null", False):
            return True
        if model_field.one_to_one and model_field.auto_created and not model_field.concrete:
            return True  # the reverse side of a one-to-one: there may be no row
        if model_field.many_to_many or model_field.one_to_many:
            return False  # a list, never None
        model = model_field.related_model if model_field.is_relation else None
    return False


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, LISTS)
            and isinstance(schema, dict)
            and schema.get("type") == "array"
        ):
            # The cap apps.core.validation puts on every list sent to the API.
            schema.setdefault("maxItems", getattr(field, "max_length", None) or list_max_items())
        return schema

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if direction == "response" and "nullable" not in meta and answers_null(field):
            meta["nullable"] = True
        return meta

    def _get_paginator(self):
        """An extra action's list is documented as a page only when the action says it
        is one (`@action(..., pagination_class=Pagination)`): most answer a plain array,
        and drf-spectacular would otherwise wrap every list in the viewset's pagination."""
        action = getattr(self.view, "action", None)
        if action and action != "list":
            handler = getattr(self.view, action, None)
            if "pagination_class" not in getattr(handler, "kwargs", {}):
                return None
        return super()._get_paginator()
