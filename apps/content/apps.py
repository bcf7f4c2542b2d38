from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "apps.content"
    label = "content"
    verbose_name = _("Content")

    def ready(self):
        from apps.content import (  # noqa: F401  (modules that register on import)
            file_kinds,
            kpi_sources,  # automatic KPI actuals (apps.kpis.sources)
            navigation,  # menu entries, home panels
            panels,  # the overseers' content-output home panel
        )
        from apps.core import schedules

        file_kinds.register()  # its files under /files/<kind>/<pk>/ (apps.core.files)

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
