"""Periodic jobs. Apps declare their defaults here (in AppConfig.ready); after every
migrate they are written to django-celery-beat's tables, where beat reads them and
admins can change times or switch a job off. Existing rows are never overwritten."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    description: str
    every_seconds: int | None = None
    crontab: dict | None = None  # minute/hour/day_of_week/day_of_month/month_of_year


_defaults: dict[str, Schedule] = {}


def register(schedule: Schedule) -> None:
    _defaults[schedule.name] = schedule


def registered() -> list[Schedule]:
    return list(_defaults.values())


def sync_periodic_tasks(**_kwargs) -> int:
    """Create the beat rows that are missing. Returns how many were created."""
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = 0
    for schedule in _defaults.values():
        if PeriodicTask.objects.filter(name=schedule.name).exists():
            continue
        timing = {}
        if schedule.every_seconds:
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=schedule.every_seconds, period=IntervalSchedule.SECONDS
            )
            timing["interval"] = interval
        else:
            fields = {
                "minute": "*",
                "hour": "*",
                "day_of_week": "*",
                "day_of_month": "*",
                "month_of_year": "*",
                **(schedule.crontab or {}),
            }
            cron, _ = CrontabSchedule.objects.get_or_create(timezone=settings.TIME_ZONE, **fields)
            timing["crontab"] = cron
        PeriodicTask.objects.create(
            name=schedule.name, task=schedule.task, description=schedule.description, **timing
        )
        created += 1
    return created
