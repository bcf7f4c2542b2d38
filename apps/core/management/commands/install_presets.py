"""Install the five rulebooks' presets (idempotent): departments, positions and post
authorities, review chains, the KPI indicator library, templates, appraisal policies,
grade bands, SLA policies, complaint categories. Run after every `migrate`; `load_demo`
runs it first. A second run creates nothing and says so."""

from django.core.management.base import BaseCommand

from apps.core.presets import install_all


class Command(BaseCommand):
    help = "Install the rulebook presets (idempotent); never adds people or activity."

    def handle(self, *args, **options):
        report = install_all()
        created = sum(row.created for row in report)
        for row in report:
            if row.created or options["verbosity"] > 1:
                self.stdout.write(
                    f"  {row.model:<32} created {row.created:>4}, {row.total:>4} in all"
                )
        if created:
            self.stdout.write(self.style.SUCCESS(f"Presets installed: {created} rows created."))
        else:
            self.stdout.write(
                self.style.SUCCESS("Presets are installed: nothing to create (edits kept).")
            )
