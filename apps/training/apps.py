from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "apps.training"
    label = "training"
    verbose_name = _("Training and development")

    def ready(self):
        from apps.core import schedules
        from apps.training import navigation  # noqa: F401  (menu entries, home panels, profile)

        schedules.register(
            schedules.Schedule(
                name="training: reminders for tomorrow's sessions",
                task="training.send_session_reminders",
                description="Remind everyone holding a seat the day before a session.",
                crontab={"minute": "0", "hour": "9,15"},
            )
        )
        schedules.register(
            schedules.Schedule(
                name="training: feedback requests after sessions",
                task="training.send_feedback_requests",
                description="Ask attendees of held sessions for feedback, once.",
                every_seconds=3600,
            )
        )
        schedules.register(
            schedules.Schedule(
                name="training: required training from appraisal results",
                task="training.training_from_appraisal_results",
                description=(
                    "Below-standard annual or repeated monthly results → required training; "
                    "excellence → development."
                ),
                crontab={"minute": "30", "hour": "3"},
            )
        )
