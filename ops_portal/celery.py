"""The Celery app. Settings come from Django's (namespace CELERY_), tasks from each app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ops_portal.settings.local")

app = Celery("ops_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
