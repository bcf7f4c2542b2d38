"""CalendarDay rows become HR's overrides over the chinesecalendar package's public
holidays. Migration 0003 typed in the 2026 holidays by hand; the package now gives the
same days, so those rows are removed where they still say exactly what the package
says (a row HR changed since, or added, stays: it is an override)."""

from django.db import migrations, models


def drop_hand_made_2026(apps, schema_editor):
    from chinese_calendar import constants

    CalendarDay = apps.get_model("core", "CalendarDay")
    redundant = [
        row.pk
        for row in CalendarDay.objects.filter(date__year=2026)
        if (row.kind == "holiday" and row.date in constants.holidays)
        or (row.kind == "workday" and row.date in constants.workdays)
    ]
    CalendarDay.objects.filter(pk__in=redundant).delete()


def restore_hand_made_2026(apps, schema_editor):
    # Put back what 0003 loaded, so migrating back leaves the calendar as it was.
    import importlib

    importlib.import_module(
        "apps.core.migrations.0003_audit_append_only_and_holidays"
    ).load_holidays(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_refuses_truncate")]

    operations = [
        migrations.AlterModelOptions(
            name="calendarday",
            options={
                "ordering": ["date"],
                "verbose_name": "calendar override",
                "verbose_name_plural": "working-calendar overrides",
            },
        ),
        migrations.AlterField(
            model_name="calendarday",
            name="name",
            field=models.CharField(
                blank=True,
                help_text="Why, e.g. “公司年会” or “国庆节调休”.",
                max_length=100,
                verbose_name="name",
            ),
        ),
        migrations.RunPython(drop_hand_made_2026, restore_hand_made_2026),
    ]
