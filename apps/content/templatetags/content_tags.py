from django import template
from django.utils.safestring import mark_safe

from apps.content.services import sanitize_body

register = template.Library()

PHONE_CHANNELS = {"wechat-oa", "mini-program", "app", "weibo", "douyin", "community"}


@register.filter
def sanitized(body):
    """Render a stored body: it was cleaned when saved and is cleaned again here, so
    markup from any older path cannot reach the page."""
    return mark_safe(sanitize_body(body))


@register.filter
def frame_class(channel) -> str:
    return "content-phone" if channel.code in PHONE_CHANNELS else "content-web"
