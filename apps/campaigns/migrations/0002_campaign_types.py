from django.db import migrations


def install_types(apps, schema_editor):
    from apps.campaigns.presets import install

    install(apps.get_model("campaigns", "CampaignType"))


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(install_types, migrations.RunPython.noop)]
