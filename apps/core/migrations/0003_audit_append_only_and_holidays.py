"""Make the audit log append-only in PostgreSQL itself, and load the 2026 public
holidays and make-up workdays of mainland China (editable in the admin)."""

import datetime as dt

from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_append_only();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


def _days(start, end):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


HOLIDAYS_2026 = [
    ("元旦", dt.date(2026, 1, 1), dt.date(2026, 1, 3)),
    ("春节", dt.date(2026, 2, 15), dt.date(2026, 2, 23)),
    ("清明节", dt.date(2026, 4, 4), dt.date(2026, 4, 6)),
    ("劳动节", dt.date(2026, 5, 1), dt.date(2026, 5, 5)),
    ("端午节", dt.date(2026, 6, 19), dt.date(2026, 6, 21)),
    ("中秋节", dt.date(2026, 9, 25), dt.date(2026, 9, 27)),
    ("国庆节", dt.date(2026, 10, 1), dt.date(2026, 10, 7)),
]
MAKEUP_WORKDAYS_2026 = [
    ("元旦调休", dt.date(2026, 1, 4)),
    ("春节调休", dt.date(2026, 2, 14)),
    ("春节调休", dt.date(2026, 2, 28)),
    ("劳动节调休", dt.date(2026, 5, 9)),
    ("国庆节调休", dt.date(2026, 9, 20)),
    ("国庆节调休", dt.date(2026, 10, 10)),
]


def load_holidays(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for name, start, end in HOLIDAYS_2026:
        for day in _days(start, end):
            CalendarDay.objects.get_or_create(date=day, defaults={"kind": "holiday", "name": name})
    for name, day in MAKEUP_WORKDAYS_2026:
        CalendarDay.objects.get_or_create(date=day, defaults={"kind": "workday", "name": name})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [
        migrations.RunPython(add_trigger, drop_trigger),
        migrations.RunPython(load_holidays, migrations.RunPython.noop),
    ]
