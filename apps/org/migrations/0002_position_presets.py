"""The position catalogue and default authorities from the seeds (SPEC §1)."""

from django.db import migrations


def install(apps, schema_editor):
    from apps.org.presets import install_positions

    install_positions(apps.get_model("org", "Position"), apps.get_model("org", "PositionAuthority"))


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
