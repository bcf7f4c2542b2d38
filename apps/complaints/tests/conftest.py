import pytest
from django.core.cache import cache

from apps.complaints import intake


@pytest.fixture(autouse=True)
def _fresh_intake_window():
    """Loopback submissions of earlier runs must not rate-limit this test."""
    cache.delete(intake._window_key("127.0.0.1"))
    yield
    cache.delete(intake._window_key("127.0.0.1"))
