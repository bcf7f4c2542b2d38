"""Installing the five rulebooks' presets (what a company starts with, no people): one
`install()` per app, in the order their data depends on each other. Every install is
idempotent — it creates what is missing and never overwrites what a company has since
edited — so this runs after every migrate (`manage.py install_presets`) and before the
demo. Each row it creates gets an audit row by the system, unless the app's service
already wrote one (departments, appraisal templates)."""

import importlib
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Max

from apps.core import audit

# A PostgreSQL advisory lock held for the whole run, so two containers starting at once
# do not race on get_or_create. Any number unique to this job will do.
_LOCK_KEY = 20_261_201


@dataclass(frozen=True)
class Step:
    app: str  # apps.<app>.presets.install() is called
    models: tuple[str, ...]  # the tables it fills, as "app_label.Model"
    audited_by_service: tuple[str, ...] = ()


STEPS = (
    Step(
        "org",
        (
            "org.Position",
            "org.PositionAuthority",
            "org.Department",
            "org.Post",
            "org.PostAuthority",
        ),
        audited_by_service=("org.Department",),
    ),
    Step("content", ("content.Channel", "content.ReviewChain", "content.ReviewStep")),
    Step("campaigns", ("campaigns.CampaignType",)),
    Step(
        "complaints",
        ("complaints.ComplaintCategory", "complaints.SlaPolicy", "complaints.ReplyTemplate"),
    ),
    Step(
        "kpis",
        ("kpis.Indicator", "kpis.AppraisalPolicy", "kpis.GradeBand", "kpis.AppraisalTemplate"),
        audited_by_service=("kpis.AppraisalTemplate",),
    ),
    Step("training", ("training.Category",)),
)


@dataclass(frozen=True)
class Installed:
    model: str
    created: int
    total: int


def install_all() -> list[Installed]:
    """Run every app's install in order; returns, per table, the rows created and held."""
    report = []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        for step in STEPS:
            report += _run(step)
    return report


def _run(step: Step) -> list[Installed]:
    models = [apps.get_model(label) for label in step.models]
    # Primary keys only grow, so the rows past each table's last key are the new ones.
    last = {m: m.objects.aggregate(last=Max("pk"))["last"] or 0 for m in models}
    importlib.import_module(f"apps.{step.app}.presets").install()
    report = []
    for label, model in zip(step.models, models, strict=True):
        created = list(model.objects.filter(pk__gt=last[model]).order_by("pk"))
        if created and label not in step.audited_by_service:
            audit.record_many(
                actor=None,
                objs=created,
                action="preset.install",
                comment=f"rulebook presets ({step.app})",
            )
        report.append(Installed(label, len(created), model.objects.count()))
    return report
