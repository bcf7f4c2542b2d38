"""Input rules every form and API field follows, set once for the whole site.

- Dates and times: years INPUT_YEAR_MIN..INPUT_YEAR_MAX (2000..2100). A typo such as
  0202-05-01 or 20255-01-01 is refused with a message instead of scheduling a review in
  the year 202 or overflowing the calendar arithmetic.
- Text: no control characters. Multi-line text keeps tab and line breaks; single-line
  API fields (names, titles, codes, logins) keep none.
- Lists sent to the API (nested objects such as campaign budget lines, ids, values):
  at most INPUT_LIST_MAX_ITEMS (200) items unless the field sets its own max_length;
  checked before any item is, so thousands of ids cost no queries.

`install()` (called from CoreConfig.ready) adds the rules as the default validators of
Django's and DRF's field classes, so every form and serializer of every app has them
without each declaring them; a field's own validators still run as well.
"""

import functools
import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import relations, serializers

TEXT_BREAKS = frozenset("\t\n\r")
# API fields that hold one line: a name, title, code or login never has a line break.
SINGLE_LINE_NAMES = frozenset({"code", "name", "title", "label", "username", "login"})
SINGLE_LINE_SUFFIXES = ("_name", "_title", "_code", "_no")


def year_bounds() -> tuple[int, int]:
    return (
        getattr(settings, "INPUT_YEAR_MIN", 2000),
        getattr(settings, "INPUT_YEAR_MAX", 2100),
    )


def list_max_items() -> int:
    return getattr(settings, "INPUT_LIST_MAX_ITEMS", 200)


def validate_sane_date(value) -> None:
    """A date or datetime within INPUT_YEAR_MIN..INPUT_YEAR_MAX."""
    if value is None:
        return
    low, high = year_bounds()
    if not low <= value.year <= high:
        raise ValidationError(
            _("Enter a date between the years %(low)d and %(high)d."),
            code="date_out_of_range",
            params={"low": low, "high": high},
        )


def _has_control_characters(value: str, allowed=frozenset()) -> bool:
    return any(ch not in allowed and unicodedata.category(ch) == "Cc" for ch in value)


def validate_text(value) -> None:
    """Multi-line text: no control characters but tab and line breaks."""
    if isinstance(value, str) and _has_control_characters(value, TEXT_BREAKS):
        raise ValidationError(
            _("Remove the control characters (invisible characters) from the text."),
            code="control_characters",
        )


def validate_single_line(value) -> None:
    """A name or title: no control characters at all, not even a line break."""
    line_separators = "\u2028\u2029"
    if isinstance(value, str) and (
        _has_control_characters(value) or any(ch in line_separators for ch in value)
    ):
        raise ValidationError(
            _("Use one line of visible characters: no line breaks, tabs or control codes."),
            code="control_characters",
        )


def is_single_line(field_name: str) -> bool:
    return field_name in SINGLE_LINE_NAMES or field_name.endswith(SINGLE_LINE_SUFFIXES)


class ApiTextValidator:
    """DRF's text fields: single-line rules for names and titles (by field name),
    multi-line rules for the rest."""

    requires_context = True

    def __call__(self, value, field):
        name = getattr(field, "field_name", "") or ""
        check = validate_single_line if is_single_line(name) else validate_text
        try:
            check(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code) from None


def _api_date(value) -> None:
    try:
        validate_sane_date(value)
    except ValidationError as error:
        raise serializers.ValidationError(error.messages, code=error.code) from None


def _capped(to_internal_value):
    """Refuse a list longer than the field's max_length (or INPUT_LIST_MAX_ITEMS) before
    any of its items is parsed or looked up."""

    @functools.wraps(to_internal_value)
    def wrapper(self, data):
        limit = getattr(self, "max_length", None) or list_max_items()
        if isinstance(data, list | tuple) and len(data) > limit:
            raise serializers.ValidationError(
                _("Send at most %(limit)d items here (%(count)d were sent).")
                % {"limit": limit, "count": len(data)},
                code="max_length",
            )
        return to_internal_value(self, data)

    wrapper.capped = True
    return wrapper


def install() -> None:
    """Make the rules the default validators of Django's and DRF's field classes."""
    for field_class in (forms.DateField, forms.DateTimeField):
        field_class.default_validators = [validate_sane_date]
    forms.CharField.default_validators = [validate_text]
    for field_class in (serializers.DateField, serializers.DateTimeField):
        field_class.default_validators = [_api_date]
    serializers.CharField.default_validators = [ApiTextValidator()]
    for field_class in (serializers.ListSerializer, serializers.ListField):
        if not getattr(field_class.to_internal_value, "capped", False):
            field_class.to_internal_value = _capped(field_class.to_internal_value)
    many = relations.ManyRelatedField
    if not getattr(many.to_internal_value, "capped", False):
        many.to_internal_value = _capped(many.to_internal_value)
