"""Settings for the test suite: same stack, fast hashing, real database and broker."""

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, VAR_DIR, filesystem_broker_options

SECRET_KEY = "test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = str(VAR_DIR / "test-media")
# No captcha on the public complaint form unless a test asks for one (test_intake_abuse
# lowers it): the other tests and the bench file many complaints from one address.
COMPLAINTS_CAPTCHA_AFTER = 1_000_000
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a Celery worker process can see the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
(VAR_DIR / "staticfiles").mkdir(exist_ok=True)
if not REDIS_URL:
    # The tests' own queue: a `make run` worker in the same checkout must not take
    # the tasks a test's worker is waiting for.
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(VAR_DIR / "test-celery-broker")
