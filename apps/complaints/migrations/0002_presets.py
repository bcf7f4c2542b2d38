from django.db import migrations


def install(apps, schema_editor):
    from apps.complaints.presets import install as install_presets

    install_presets(
        apps.get_model("complaints", "ComplaintCategory"),
        apps.get_model("complaints", "SlaPolicy"),
        apps.get_model("complaints", "ReplyTemplate"),
    )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
