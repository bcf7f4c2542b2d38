from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """{{ errors|get:"reason" }} — a dict or QueryDict item, or ""."""
    if not mapping:
        return ""
    return mapping.get(str(key), "") if hasattr(mapping, "get") else ""


STATE_COLOURS = {
    "self": "secondary",
    "peer": "info",
    "supervisor": "primary",
    "aggregation": "warning",
    "calibration": "warning",
    "approved": "success",
    "released": "success",
    "appealed": "danger",
    "locked": "dark",
}


@register.inclusion_tag("kpis/_state_badge.html")
def state_badge(form):
    return {"label": form.get_state_display(), "colour": STATE_COLOURS.get(form.state, "secondary")}
