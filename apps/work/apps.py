from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "apps.work"
    label = "work"
    verbose_name = _("Work")

    def ready(self):
        from apps.core import schedules
        from apps.work import navigation  # noqa: F401  (menu entries)

        schedules.register(
            schedules.Schedule(
                name="work: remind overdue suggestion replies",
                task="work.remind_overdue_suggestions",
                description="Remind a supervisor, once, of a suggestion past its reply date.",
                crontab={"minute": "0", "hour": "9"},
            )
        )
