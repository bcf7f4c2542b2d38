from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

DASH = "—"


@register.filter
def campaign_percent(value):
    """A ratio from apps.campaigns.formulas as a percentage; None → "—"."""
    if value is None:
        return DASH
    return f"{number_format(Decimal(value) * 100, 2)}%"


@register.filter
def campaign_figure(value):
    """A figure that may be missing; None → "—"."""
    if value is None:
        return DASH
    return number_format(value, 2)


@register.filter
def yuan(value):
    if value is None:
        return DASH
    return f"¥{Decimal(value):,.2f}"
