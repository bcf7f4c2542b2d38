from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "apps.content"
    label = "content"
    verbose_name = _("Content")

    def ready(self):
        from apps.content import navigation  # noqa: F401  (menu entries, home panels)
        from apps.core import schedules

        schedules.register(
            schedules.Schedule(
                name="content: publish scheduled items",
                task="content.publish_due",
                description="Publish approved content whose publish time has passed.",
                every_seconds=60,
            )
        )
        schedules.register(
            schedules.Schedule(
                name="content: remind overdue reviewers",
                task="content.remind_overdue",
                description="Remind reviewers of overdue review steps, once a day per step.",
                crontab={"minute": "30", "hour": "9-17", "day_of_week": "1-5"},
            )
        )
