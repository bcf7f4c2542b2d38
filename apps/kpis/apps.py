from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "apps.kpis"
    label = "kpis"
    verbose_name = _("KPIs and appraisals")

    def ready(self):
        from apps.core import schedules
        from apps.kpis import (
            file_kinds,
            navigation,  # noqa: F401  (menu entry, home panels)
        )

        file_kinds.register()  # its files under /files/<kind>/<pk>/ (apps.core.files)

        for name, task, description, timing in [
            (
                "kpis: open due appraisal cycles",
                "kpis.open_due_cycles",
                "Open last month's (and last quarter's, last year's) appraisal cycle.",
                {"minute": "10", "hour": "1"},
            ),
            (
                "kpis: close appraisal stages at deadlines",
                "kpis.close_stages",
                "Move forms past a stage deadline on; lock results after the appeal window.",
                {"minute": "5"},
            ),
            (
                "kpis: remind before appraisal deadlines",
                "kpis.send_reminders",
                "Remind whoever must act when a stage deadline is near or passed.",
                {"minute": "30", "hour": "9", "day_of_week": "1-5"},
            ),
            (
                "kpis: compute appraisal scores and grades",
                "kpis.compute_scores",
                "Aggregate the forms supervisors handed in: totals, grades, bonus coefficients.",
                {"minute": "*/15"},
            ),
        ]:
            schedules.register(
                schedules.Schedule(name=name, task=task, description=description, crontab=timing)
            )
