"""KPI presets per position (issue 12): every preset template's weights and raters are
what docs/rulebooks/NNN.md says, sections total 100, 001's groups get their own
indicators, 003's and 000's composites weigh their sub-measures, 004 has a conversion
rate."""

from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings

from apps.kpis import presets, scoring
from apps.kpis.models import AppraisalTemplate, Indicator, TemplateItem
from apps.kpis.policies import Resolver
from apps.org.models import Department, Position

pytestmark = pytest.mark.django_db
DOCS = Path(settings.BASE_DIR) / "docs" / "rulebooks"


def _table(rulebook: str, kind: str) -> list[list[str]]:
    rows = []
    for line in (DOCS / f"{rulebook}.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == kind:
            rows.append(cells[1:])
    return rows


def _documented(rulebook):
    """{(department, position, indicator): (section, section weight, weight, raters)}"""
    result = {}
    for department, positions, section, indicator, weight, raters in _table(rulebook, "preset"):
        name, section_weight = section.rsplit(" ", 1)
        for position in positions.split(", "):
            result[(department, position, indicator)] = (
                name,
                D(section_weight),
                D(weight),
                "" if raters == "section" else raters,
            )
    return result


def _installed(rulebook):
    items = TemplateItem.objects.filter(
        section__template__rulebook=rulebook, section__template__is_active=True
    ).select_related("section__template__department", "section__template__position", "indicator")
    return {
        (
            i.section.template.department.code,
            i.section.template.position.code,
            i.indicator.code,
        ): (i.section.name, i.section.weight, i.weight, i.raters)
        for i in items
    }


@pytest.mark.parametrize("rulebook", ["000", "001", "002", "003", "004"])
def test_each_preset_weight_is_what_its_rulebook_doc_says(org, rulebook):
    presets.install()
    documented = _documented(rulebook)

    assert documented, f"docs/rulebooks/{rulebook}.md lists no preset weights"
    assert _installed(rulebook) == documented
    for template in AppraisalTemplate.objects.filter(rulebook=rulebook, is_active=True):
        sections = [
            {
                "name": s.name,
                "weight": s.weight,
                "supervisor_share": s.supervisor_share,
                "peer_share": s.peer_share,
                "self_share": s.self_share,
                "items": [{"weight": i.weight} for i in s.items.all()],
            }
            for s in template.sections.all()
        ]
        scoring.check_weights(sections)  # sections total 100, items their section


def test_composite_sub_measures_are_what_the_docs_say(org):
    presets.install()
    for rulebook, code in (("003", "wx_ops_metrics"), ("000", "mp_user_interaction")):
        indicator = Indicator.objects.get(code=code)
        documented = [row[1:] for row in _table(rulebook, "part") if row[0] == code]
        installed = [[p["key"], str(p["weight"]), p["source"]] for p in indicator.components]
        assert installed == documented
        assert sum(D(str(p["weight"])) for p in indicator.components) == 100
    keys = [p["key"] for p in Indicator.objects.get(code="wx_ops_metrics").components]
    assert keys == ["followers", "reads", "shares", "likes", "comments"]
    assert [p["key"] for p in Indicator.objects.get(code="mp_user_interaction").components] == [
        "reply_rate",
        "satisfaction",
    ]


def test_001_groups_get_their_own_indicators(org):
    presets.install()
    resolver = Resolver()
    specialist = Position.objects.get(code="ops_specialist")
    expected = {
        "general-ops-marketing": {"go_sales", "go_new_customers", "go_brand_awareness"},
        "general-ops-customer": {"cu_satisfaction", "cu_loyalty", "cu_repurchase"},
        "general-ops-product": {"pd_optimisation", "pd_ux", "pd_sales_growth"},
    }
    for group, codes in expected.items():
        template_id = resolver.template_for(Department.objects.get(code=group).pk, specialist.pk)
        performance = TemplateItem.objects.filter(
            section__template_id=template_id, section__name="工作业绩"
        ).values_list("indicator__code", flat=True)
        assert set(performance) == codes
    # The department itself keeps the general template (promotion targets).
    department_template = resolver.template_for(
        Department.objects.get(code="general-ops").pk, specialist.pk
    )
    assert TemplateItem.objects.filter(
        section__template_id=department_template, indicator__code="go_target_completion"
    ).exists()


def test_004_has_a_conversion_rate(org):
    presets.install()
    item = TemplateItem.objects.get(
        section__template__department__code="community-ops",
        section__template__position__code="community_specialist",
        indicator__code="cm_conversion",
    )
    assert (item.weight, item.target, item.section.weight) == (D("10"), D("5"), D("60"))
    assert item.indicator.needs_target


def test_000_templates_score_no_self_assessment_and_others_do(org):
    presets.install()
    templates = AppraisalTemplate.objects.filter(is_active=True)
    assert {t.self_scored for t in templates.filter(rulebook="000")} == {False}
    assert {t.self_scored for t in templates.exclude(rulebook="000")} == {True}
