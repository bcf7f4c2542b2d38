"""Complaint routing (rulebooks 000/003/004): each category names the rulebook whose
department handles it and the position that handles it there; the preset categories
that are still unrouted get the preset routing, and the mini-program and community
categories are added."""

import django.db.models.deletion
from django.db import migrations, models


def install_routing(apps, schema_editor):
    from apps.complaints.presets import install_routing as install

    install(apps.get_model("complaints", "ComplaintCategory"), apps.get_model("org", "Position"))


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_random_attachment_names"),
        ("org", "0002_position_presets"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaintcategory",
            name="position",
            field=models.ForeignKey(
                blank=True,
                help_text="Who handles it there; the department's other complaint handlers too.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.position",
                verbose_name="handling position",
            ),
        ),
        migrations.AddField(
            model_name="complaintcategory",
            name="rulebook",
            field=models.CharField(
                blank=True,
                help_text="The rulebook whose department handles this category (000 mini-program ops, 003 WeChat, 004 community ops). Empty: the default complaint department.",
                max_length=10,
                verbose_name="handling rulebook",
            ),
        ),
        migrations.AlterField(
            model_name="complaintcategory",
            name="department",
            field=models.ForeignKey(
                blank=True,
                help_text="Set only to override the rulebook's department.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.department",
                verbose_name="handling department",
            ),
        ),
        migrations.RunPython(install_routing, migrations.RunPython.noop),
    ]
