"""The audit log refuses TRUNCATE too. The row trigger of 0003 stops UPDATE and DELETE,
but TRUNCATE fires no row triggers: it needs its own statement-level one.

PostgreSQL only. A role that owns the table can still disable the trigger, so production
runs the app as a role that owns nothing (README, "Database roles"). The test suite,
whose transactional tests flush every table with TRUNCATE, disables this one trigger in
its own database (conftest.py, django_db_setup)."""

from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION core_auditentry_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditentry is append-only: TRUNCATE is refused';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;
CREATE TRIGGER core_auditentry_no_truncate
    BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditentry_no_truncate();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_no_truncate();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_append_only_and_holidays")]

    operations = [migrations.RunPython(add_trigger, drop_trigger, elidable=False)]
