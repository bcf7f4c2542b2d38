"""HR's template pages: the list (constant queries), a template, and the editor that
saves a new version — with the weights checked and nothing saved when they are off."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import AuditEntry
from apps.kpis.models import AppraisalTemplate, Indicator
from apps.org.models import Position

pytestmark = pytest.mark.django_db


def _errors(response):
    return re.findall(r'(?:data-testid="(?:form-error|field-error-[^"]+)")[^>]*>(.+?)</div>',
                      response.content.decode())  # fmt: skip


def _a_wechat_template(org):
    return AppraisalTemplate.objects.filter(is_active=True, department=org["wechat"]).first()


def _post_data(template, sections, items, **header):
    """The editor's POST body: sections [(name, weight)], items [(section no, code, weight)],
    as the browser sends it: editing, the rows shown from the template are initial forms."""
    editing = template is not None
    data = {
        "name": header.get("name", "微信部专员考核表"),
        "name_en": "",
        "self_scored": "on",
        "sections-TOTAL_FORMS": len(sections),
        "sections-INITIAL_FORMS": len(sections) if editing else 0,
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": len(items) if editing else 0,
    }
    if template is None:
        data.update(department=header["department"], position=header["position"])
    for i, (name, weight) in enumerate(sections):
        data.update({
            f"sections-{i}-name": name, f"sections-{i}-weight": weight,
            f"sections-{i}-supervisor_share": 70, f"sections-{i}-peer_share": 20,
            f"sections-{i}-self_share": 10,
        })  # fmt: skip
    for i, (section, code, weight) in enumerate(items):
        indicator = Indicator.objects.get(code=code)
        data.update({
            f"items-{i}-section": section,
            f"items-{i}-indicator": indicator.pk,
            f"items-{i}-weight": weight,
        })  # fmt: skip
        if indicator.components:  # a composite needs a target per sub-measure
            targets = {part["key"]: 100 for part in indicator.components}
            data[f"items-{i}-part_targets"] = json.dumps(targets)
    return data


@pytest.mark.parametrize("login", ["specialist", "manager", "director", "cs"])
def test_only_hr_sees_the_template_pages(kpi_presets, org, users, client_for, login):
    client = client_for(users[login])
    template = _a_wechat_template(org)
    for url in ("/kpis/templates/", f"/kpis/templates/{template.pk}/",
                f"/kpis/templates/{template.pk}/edit/", "/kpis/templates/new/"):  # fmt: skip
        assert client.get(url).status_code == 403, url


def test_the_list_shows_every_active_template_in_constant_queries(
    kpi_presets, org, users, client_for
):
    client = client_for(users["hr"])
    client.get("/kpis/templates/")  # warm the session and caches

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/kpis/templates/").status_code == 200
        return len(captured)

    before = queries()
    template = _a_wechat_template(org)
    for position in Position.objects.exclude(pk=template.position_id)[:5]:
        AppraisalTemplate.objects.create(
            department=org["community-ops"], position=position, name="x"
        )
    assert queries() == before
    page = client.get("/kpis/templates/").content.decode()
    assert template.name in page


def test_hr_saves_a_new_version_and_the_old_one_stays_for_its_forms(
    kpi_presets, org, users, client_for
):
    template = _a_wechat_template(org)
    data = _post_data(
        template,
        sections=[("工作业绩", 70), ("工作能力", 30)],
        items=[(1, "wx_ops_metrics", 50), (1, "wx_campaign_effect", 20), (2, "skills", 30)],
    )
    response = client_for(users["hr"]).post(f"/kpis/templates/{template.pk}/edit/", data)
    assert response.status_code == 302, _errors(response)
    saved = AppraisalTemplate.objects.get(
        is_active=True, department=template.department, position=template.position
    )
    assert saved.pk != template.pk and response.url == f"/kpis/templates/{saved.pk}/"
    template.refresh_from_db()
    assert not template.is_active
    assert [(s.name, s.weight, s.items.count()) for s in saved.sections.order_by("order")] == [
        ("工作业绩", 70, 2), ("工作能力", 30, 1),
    ]  # fmt: skip
    assert AuditEntry.objects.filter(action="template.saved", object_id=str(saved.pk)).exists()


@pytest.mark.parametrize(
    ("sections", "items", "message"),
    [
        ([("工作业绩", 60), ("工作能力", 30)], [(1, "wx_ops_metrics", 60), (2, "skills", 30)],
         "total 90"),
        ([("工作业绩", 100)], [(1, "wx_ops_metrics", 80)], "weigh 80"),
        ([("工作业绩", 100)], [(2, "wx_ops_metrics", 100)], "section 2"),
        ([("工作业绩", 100)], [(1, "skills", 50), (1, "skills", 50)], "twice"),
    ],
)  # fmt: skip
def test_bad_weights_are_refused_with_a_message_and_nothing_saved(
    kpi_presets, org, users, client_for, sections, items, message
):
    template = _a_wechat_template(org)
    before = AppraisalTemplate.objects.count()
    response = client_for(users["hr"]).post(
        f"/kpis/templates/{template.pk}/edit/",
        _post_data(template, sections, items),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert AppraisalTemplate.objects.count() == before
    template.refresh_from_db()
    assert template.is_active
    # what was typed is still there
    assert 'value="工作业绩"' in response.content.decode()


def test_a_new_template_for_a_department_and_position(kpi_presets, org, users, client_for):
    designer = Position.objects.get(code="designer")
    data = _post_data(
        None,
        sections=[("设计质量", 100)],
        items=[(1, "skills", 100)],
        department=org["design"].pk,
        position=designer.pk,
        name="设计师考核表",
    )
    response = client_for(users["hr"]).post("/kpis/templates/new/", data)
    assert response.status_code == 302
    assert (
        AppraisalTemplate.objects.get(
            is_active=True, department=org["design"], position=designer
        ).name
        == "设计师考核表"
    )
