from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from apps.core import (  # noqa: F401  (home_panels registers the panel)
            calendar_navigation,  # the Working calendar's menu entry and warning panel
            home_panels,
            schedules,
            validation,
        )

        validation.install()  # dates, control characters, list sizes: every form and API

        schedules.register(
            schedules.Schedule(
                name="core: worker heartbeat",
                task="apps.core.tasks.record_heartbeat",
                description="Proves a worker runs and reaches the database.",
                every_seconds=600,
            )
        )
        # Written after migrate (django_celery_beat must exist): beat reads these rows.
        post_migrate.connect(_sync_schedules, dispatch_uid="core.sync_schedules")


def _sync_schedules(sender, **kwargs):
    if sender.name != "django_celery_beat":
        return
    from apps.core.schedules import sync_periodic_tasks

    sync_periodic_tasks()
