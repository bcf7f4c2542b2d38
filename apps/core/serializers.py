"""Serializers shared by every app's API (schema only: the bodies are built elsewhere)."""

from rest_framework import serializers


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportRejectedSerializer(serializers.Serializer):
    """A refused import (apps.core.imports.ImportRejected): nothing was written; `errors`
    lists every problem by row and column (empty when the file as a whole was unusable)."""

    detail = serializers.CharField()
    # Not required: a request refused before any row is read (apps.core.input_guard, a
    # body DRF cannot parse) answers 400 with "detail" only.
    errors = ImportErrorSerializer(many=True, required=False)
