"""Rulebook 003 reviews in two steps: the copywriter's self-check (accuracy, completeness,
logic) → the ops specialist's second review; design work also gets the designer's
self-check. Chains are created on first use, so a database may hold the earlier 003
preset (self-check → specialist → manager's final approval). This migration rewrites
such a chain only while it is exactly that preset (a chain a company edited is left
alone) and no item waits at the manager's step (that item finishes on the chain it
started on; the admin can change the chain afterwards)."""

from django.db import migrations, models

OLD_STEPS = [
    ("self_check", "文案自审"),
    ("review", "运营专员二审"),
    ("review", "运营经理终审"),
]
PENDING = ("submitted", "in_review")
DESIGN_FORMATS = ("image", "poster")


def forwards(apps, schema_editor):
    from apps.content.presets import DESIGN_CHECKS, SELF_CHECKS

    ReviewChain = apps.get_model("content", "ReviewChain")
    ReviewStep = apps.get_model("content", "ReviewStep")
    ContentItem = apps.get_model("content", "ContentItem")
    for chain in ReviewChain.objects.filter(department__rulebook="003"):
        steps = list(ReviewStep.objects.filter(chain=chain).order_by("order"))
        if [(s.kind, s.name) for s in steps] != OLD_STEPS or [s.order for s in steps] != [1, 2, 3]:
            continue
        self_check, specialist, manager = steps
        pending = ContentItem.objects.filter(chain=chain, state__in=PENDING)
        if pending.filter(current_step=manager).exists():
            continue
        self_check.checklist = [str(c) for c in SELF_CHECKS]
        self_check.save(update_fields=["checklist"])
        manager.delete()
        specialist.order = 3
        specialist.save(update_fields=["order"])
        ReviewStep.objects.create(
            chain=chain,
            order=2,
            name="设计师自审",
            name_en="Designer self-check",
            kind="designer_check",
            checklist=[str(c) for c in DESIGN_CHECKS],
            due_working_days=1,
        )
        # Step k of n counts the steps an item goes through: the designer's check for
        # design work that has not passed the self-check yet; two steps otherwise.
        for item in pending:
            design = bool(item.designer_id) or item.format in DESIGN_FORMATS
            if item.current_step_id == self_check.pk:
                item.step_total = 3 if design else 2
            else:
                item.step_number = item.step_total = 2
            item.save(update_fields=["step_number", "step_total"])


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0006_files_checked_random_names"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reviewstep",
            name="kind",
            field=models.CharField(
                choices=[
                    ("self_check", "Author's self-check"),
                    ("designer_check", "Designer's self-check"),
                    ("review", "Review"),
                ],
                default="review",
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
