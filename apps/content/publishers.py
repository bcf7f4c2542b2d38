"""The channel publisher interface. A channel names a publisher class by dotted path
(Channel.publisher); empty means the shipped RecordingPublisher, which records the
publication with a reference URL so a real channel API can be plugged in later."""

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string


class PublishError(Exception):
    """The channel refused or failed; the job records it and retries later."""


@dataclass(frozen=True)
class PublishResult:
    url: str
    reference: str


class ChannelPublisher(Protocol):
    def publish(self, item) -> PublishResult: ...


class RecordingPublisher:
    """Records the publication; the item's own page is its reference URL."""

    def publish(self, item) -> PublishResult:
        base = getattr(settings, "SITE_URL", "").rstrip("/")
        return PublishResult(
            url=f"{base}{reverse('content:detail', args=[item.pk])}"
            if base
            else f"https://ops.invalid{reverse('content:detail', args=[item.pk])}",
            reference=f"{item.channel.code}-{item.pk}-v{item.version_number}",
        )


def publisher_for(channel) -> ChannelPublisher:
    if channel.publisher:
        try:
            return import_string(channel.publisher)()
        except ImportError as error:
            raise PublishError(f"Publisher {channel.publisher} cannot be loaded") from error
    return RecordingPublisher()
