"""Load the demo story on top of the rulebook presets: `install_presets` first, then
every installed app's `demo.load()` in INSTALLED_APPS order, which adds only people and
activity. Idempotent: running it again adds nothing twice."""

import importlib

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        call_command("install_presets", stdout=self.stdout)
        for config in apps.get_app_configs():
            if not config.name.startswith("apps."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.load(stdout=self.stdout)
        from apps.org.demo import DEMO_LOGINS, DEMO_PASSWORD

        self.stdout.write(
            self.style.SUCCESS(f"\nDemo data is loaded. Log in at {settings.SITE_URL} as:")
        )
        for login, role in DEMO_LOGINS:
            self.stdout.write(f"  {login:<12} {role}")
        self.stdout.write(self.style.SUCCESS(f"Password for every demo login: {DEMO_PASSWORD}"))
