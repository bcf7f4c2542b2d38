from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "apps.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from apps.complaints import (  # noqa: F401  (modules that register on import)
            file_kinds,
            kpi_sources,  # automatic KPI actuals (apps.kpis.sources)
            navigation,  # menu entries, home panels
        )
        from apps.core import schedules

        file_kinds.register()  # its files under /files/<kind>/<pk>/ (apps.core.files)

        schedules.register(
            schedules.Schedule(
                name="complaints: escalate SLA breaches",
                task="complaints.escalate_breaches",
                description="Every 5 minutes: notify managers of complaints past their SLA.",
                every_seconds=300,
            )
        )
        schedules.register(
            schedules.Schedule(
                name="complaints: close unconfirmed resolved complaints",
                task="complaints.close_unconfirmed",
                description=(
                    "Hourly: close resolved complaints the complainant did not answer within "
                    "COMPLAINTS_CONFIRM_WINDOW_DAYS (7) days, as closed without confirmation."
                ),
                crontab={"minute": "17"},
            )
        )
