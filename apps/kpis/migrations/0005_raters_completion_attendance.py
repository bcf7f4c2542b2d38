"""Who rates each indicator (raters on template and form items, team-member reviews),
composite indicators and completion rates, self-assessment as summary only, and HR's
attendance records (issue 12)."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

RATERS = [
    ("", "As the section's rater mix"),
    ("supervisor", "Supervisor"),
    ("self", "The employee (self-assessment)"),
    ("peers", "Peers (colleagues)"),
    ("team", "Team members"),
    ("peers_supervisor", "Peers and supervisor (no self-assessment)"),
    ("data", "From data (attendance, metrics)"),
]
COLLEAGUES = ["peer", "team"]


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0004_export_random_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="appraisaltemplate",
            name="self_scored",
            field=models.BooleanField(
                default=True,
                help_text="Off: the self-assessment is a written work summary only and no "
                "self score counts (seed 000).",
                verbose_name="self-assessment is scored",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="components",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='[{"key": "reads", "name": "…", "name_en": "…", "weight": 30, '
                '"source": "…"}, …]: a composite indicator\'s completion rate is the weighted '
                "mean of its sub-measures' completion rates.",
                verbose_name="sub-measures",
            ),
        ),
        migrations.AddField(
            model_name="templateitem",
            name="part_targets",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='{"reads": 50000, …}',
                verbose_name="sub-measure targets",
            ),
        ),
        migrations.AddField(
            model_name="templateitem",
            name="raters",
            field=models.CharField(
                blank=True, choices=RATERS, default="", max_length=20, verbose_name="scored by"
            ),
        ),
        migrations.AddField(
            model_name="formitem",
            name="part_targets",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="formitem",
            name="raters",
            field=models.CharField(
                blank=True, choices=RATERS, default="", max_length=20, verbose_name="scored by"
            ),
        ),
        migrations.AddField(
            model_name="formitem",
            name="part_actuals",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="formitem",
            name="completion_rate",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=12,
                null=True,
                verbose_name="completion rate (%)",
            ),
        ),
        migrations.AddField(
            model_name="peerreview",
            name="relation",
            field=models.CharField(
                choices=[("peer", "Peer"), ("team", "Team member")],
                default="peer",
                max_length=4,
                verbose_name="relation",
            ),
        ),
        migrations.RemoveConstraint(model_name="rating", name="kpis_rating_once"),
        migrations.RemoveConstraint(model_name="rating", name="kpis_peer_rating_once"),
        migrations.RemoveConstraint(model_name="rating", name="kpis_rating_peer_review"),
        migrations.AlterField(
            model_name="rating",
            name="role",
            field=models.CharField(
                choices=[
                    ("self", "Self-assessment"),
                    ("peer", "Peer review"),
                    ("team", "Team members' review"),
                    ("supervisor", "Supervisor review"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="rating",
            constraint=models.UniqueConstraint(
                condition=~models.Q(role__in=COLLEAGUES),
                fields=("item", "role"),
                name="kpis_rating_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="rating",
            constraint=models.UniqueConstraint(
                condition=models.Q(role__in=COLLEAGUES),
                fields=("item", "peer_review"),
                name="kpis_peer_rating_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="rating",
            constraint=models.CheckConstraint(
                condition=models.Q(role__in=COLLEAGUES, peer_review__isnull=False)
                | (~models.Q(role__in=COLLEAGUES) & models.Q(peer_review__isnull=True)),
                name="kpis_rating_peer_review",
            ),
        ),
        migrations.CreateModel(
            name="AttendanceRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "absences",
                    models.DecimalField(
                        decimal_places=1,
                        default=Decimal("0"),
                        max_digits=4,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="days absent without leave",
                    ),
                ),
                (
                    "late_arrivals",
                    models.PositiveSmallIntegerField(default=0, verbose_name="late arrivals"),
                ),
                (
                    "early_departures",
                    models.PositiveSmallIntegerField(default=0, verbose_name="early departures"),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "entered_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "form",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendance",
                        to="kpis.appraisalform",
                    ),
                ),
            ],
            options={
                "verbose_name": "attendance record",
                "verbose_name_plural": "attendance records",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(absences__gte=0), name="kpis_absences_positive"
                    )
                ],
            },
        ),
    ]
