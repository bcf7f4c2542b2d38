from django.db import migrations


def install_categories(apps, schema_editor):
    from apps.training.presets import install

    install(apps.get_model("training", "Category"))


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(install_categories, migrations.RunPython.noop)]
