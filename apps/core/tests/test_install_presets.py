"""`manage.py install_presets`: a fresh install, with no demo, has the five rulebooks'
presets; a second run changes nothing; it never adds people or activity."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from apps.core.models import AuditEntry
from apps.core.presets import STEPS

PRESET_TABLES = [label for step in STEPS for label in step.models] + [
    "kpis.TemplateSection",
    "kpis.TemplateItem",
]
ACTIVITY_TABLES = [
    "org.Employee",
    "org.Assignment",
    "content.ContentItem",
    "content.Topic",
    "campaigns.Campaign",
    "complaints.Complaint",
    "kpis.AppraisalCycle",
    "kpis.AppraisalForm",
    "training.TrainingPlan",
    "training.Session",
    "core.Notification",
]
FIVE = ("miniprogram-ops", "general-ops", "app-ops", "wechat", "community-ops")


def counts(labels):
    return {label: apps.get_model(label).objects.count() for label in labels}


def install() -> str:
    out = io.StringIO()
    call_command("install_presets", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_fresh_install_has_every_preset_and_a_second_run_changes_nothing():
    # given a migrated database with no demo; when the presets are installed twice
    install()
    first, audited = counts(PRESET_TABLES), AuditEntry.objects.count()
    output = install()
    # then every preset table holds rows, the same after the second run
    assert all(first.values()), {k: v for k, v in first.items() if not v}
    assert counts(PRESET_TABLES) == first
    assert AuditEntry.objects.count() == audited
    assert "nothing to create" in output
    # and no person, log-in or activity exists
    assert not get_user_model().objects.exists()
    assert counts(ACTIVITY_TABLES) == dict.fromkeys(ACTIVITY_TABLES, 0)


@pytest.mark.django_db
def test_each_of_the_five_departments_gets_its_rulebook():
    install()
    Department = apps.get_model("org.Department")
    for code in FIVE:
        department = Department.objects.get(code=code)
        # posts with their authorities, a review chain with steps, a policy with its
        # grade bands, and a template per post
        posts = department.posts.all()
        assert posts.exists() and all(p.authorities.exists() for p in posts), code
        chain = department.review_chains.get(channel__isnull=True)
        assert chain.steps.exists(), code
        policy = apps.get_model("kpis.AppraisalPolicy").objects.get(department=department)
        assert policy.bands.count() == 5, code
        templates = apps.get_model("kpis.AppraisalTemplate").objects.filter(
            department=department, is_active=True
        )
        assert set(templates.values_list("position__code", flat=True)) == set(
            posts.values_list("position__code", flat=True)
        ), code
    assert apps.get_model("complaints.SlaPolicy").objects.count() == 4
    assert apps.get_model("complaints.ComplaintCategory").objects.filter(code="privacy").exists()


@pytest.mark.django_db
def test_created_rows_are_audited_once_as_the_system():
    # given an empty preset table (a flushed database has none at all)
    apps.get_model("complaints.SlaPolicy").objects.all().delete()
    # when installed
    install()
    # then each created SLA policy and review chain has one audit row by nobody (the system)
    entries = AuditEntry.objects.filter(action="preset.install")
    assert entries.filter(object_type="complaints.slapolicy").count() == 4
    assert entries.filter(object_type="content.reviewchain").count() == (
        apps.get_model("content.ReviewChain").objects.count()
    )
    assert not entries.exclude(actor=None).exists()
    # and a department, audited by its service, is not audited twice
    assert not entries.filter(object_type="org.department").exists()
    assert AuditEntry.objects.filter(action="department.create", actor=None).count() == (
        apps.get_model("org.Department").objects.count()
    )


@pytest.mark.django_db
def test_an_edited_preset_is_kept():
    # given HR's own SLA and a preset indicator edited since
    install()
    SlaPolicy = apps.get_model("complaints.SlaPolicy")
    SlaPolicy.objects.filter(severity="urgent").update(hours_to_accept=2)
    Indicator = apps.get_model("kpis.Indicator")
    Indicator.objects.filter(code="skills").update(name="专业技能（本公司）")
    # when the presets are installed again; then the edits stand
    install()
    assert SlaPolicy.objects.get(severity="urgent").hours_to_accept == 2
    assert Indicator.objects.get(code="skills").name == "专业技能（本公司）"
