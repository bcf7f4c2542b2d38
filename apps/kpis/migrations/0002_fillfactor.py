"""Leave free space in the pages of form items and forms (PostgreSQL fillfactor), so the
batch jobs' updates of scores, actuals and states are HOT updates that touch no index:
HR aggregation of 10,000 forms × 12 indicators rewrites every item's score."""

from django.db import migrations

TABLES = {"kpis_formitem": 70, "kpis_appraisalform": 80}


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, factor in TABLES.items():
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {factor})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("kpis", "0001_initial")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
