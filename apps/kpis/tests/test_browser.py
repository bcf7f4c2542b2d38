"""The monthly flow in Chromium: HR opens a cycle → the specialist writes their summary
and self-assessment → a peer reviews → the manager scores → HR aggregates, the manager
confirms, HR releases → the specialist appeals → the manager rules → HR exports the
XLSX, and the file's totals are checked."""

from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from apps.core.testing import TRANSACTIONAL_DB, log_in, wait_for
from apps.kpis import presets
from apps.kpis.models import AppraisalCycle, AppraisalForm
from apps.kpis.policies import previous_period


def _as(page, login, path):
    page.context.clear_cookies()
    log_in(page, login)
    page.goto(f"{page.base_url}{path}")


def _fill_all(page, testid, value):
    boxes = page.locator(f"[data-testid={testid}]")
    for i in range(boxes.count()):
        boxes.nth(i).fill(str(value))


@pytest.mark.browser
@pytest.mark.worker
def test_monthly_appraisal_flow(browser_page, celery_worker_process, people, tmp_path):
    page = browser_page
    presets.install()
    start, _end = previous_period("monthly", timezone.localdate())

    _as(page, "hr", "/kpis/cycles/")
    page.select_option("#kind", "monthly")
    page.fill("#period", f"{start:%Y-%m}")
    page.click("[data-testid=open-cycle]")
    cycle = wait_for(
        lambda: AppraisalCycle.objects.filter(period_start=start, state="open").first(), timeout=60
    )
    form = AppraisalForm.objects.get(cycle=cycle, employee=people["specialist"])

    _as(page, "specialist", "/kpis/")
    page.click("[data-testid=my-form-link]")
    page.fill("#tasks", "公众号日更，策划双十一活动")
    page.fill("#results", "阅读量同比增长 20%")
    page.fill("#problems", "配图排期紧张，已与设计约定提前两天交稿")
    _fill_all(page, "self-score", 85)
    page.click("[data-testid=self-submit]")
    page.wait_for_selector("[data-testid=form-state]")
    assert AppraisalForm.objects.get(pk=form.pk).state == "peer"

    _as(page, "manager", f"/kpis/forms/{form.pk}/")
    page.select_option("#reviewers", str(people["specialist2"].pk))
    page.click("[data-testid=assign-submit]")
    page.wait_for_load_state()

    _as(page, "specialist2", "/kpis/")
    page.click("[data-testid=peer-review-link]")
    _fill_all(page, "peer-score", 80)
    page.fill("#comment", "协作积极")
    page.click("[data-testid=peer-submit]")
    page.wait_for_load_state()
    assert AppraisalForm.objects.get(pk=form.pk).state == "supervisor"

    _as(page, "manager", "/kpis/")
    page.click("[data-testid=score-link]")
    _fill_all(page, "supervisor-score", 90)
    page.click("[data-testid=score-submit]")
    page.wait_for_load_state()
    assert AppraisalForm.objects.get(pk=form.pk).state == "aggregation"

    _as(page, "hr", f"/kpis/cycles/{cycle.pk}/")
    page.click("[data-testid=aggregate]")
    page.wait_for_load_state()
    form.refresh_from_db()
    # 003 preset, raters per indicator (self 85, peer 80, supervisor 90; no actuals, so the
    # supervisor's 90 stands in for the data indicators):
    #   ops metrics 30 + campaign effect 20 + rules 2, by data → 90          = 46.80
    #   collaboration, skills, learning 10 each; responsibility, initiative 5
    #   each; confidentiality 2 — section mix 0.7·90 + 0.2·80 + 0.1·85 = 87.5 = 37.625
    #   teamwork 5, by team members only → 80                                 =  4.00
    #   ethics 1, peers + supervisor, no self → (63 + 16) / 0.9 = 87.78       =  0.8778
    assert form.total_score == Decimal("88.43") and form.state == "calibration"

    _as(page, "manager", f"/kpis/forms/{form.pk}/")
    page.click("[data-testid=calibrate-submit]")
    page.wait_for_load_state()
    _as(page, "hr", f"/kpis/cycles/{cycle.pk}/")
    page.click("[data-testid=release]")
    page.wait_for_load_state()

    _as(page, "specialist", f"/kpis/forms/{form.pk}/")
    assert page.inner_text("[data-testid=total-score]").strip() == "88.43"
    assert "张雨婷" not in page.inner_text("[data-testid=peer-review-list]")  # anonymous
    page.fill("#appeal-reason", "双十一活动转化数据未计入")
    page.click("[data-testid=appeal-submit]")
    page.wait_for_selector("[data-testid=appeal-state]")

    _as(page, "manager", "/kpis/")
    page.click("[data-testid=appeal-link]")
    page.select_option("#decision", "adjusted")
    page.fill("#rule-total", "92")
    page.fill("#investigation", "核对活动后台数据")
    page.fill("#ruling_reason", "补录活动转化后上调")
    page.click("[data-testid=rule-submit]")
    page.wait_for_load_state()
    form.refresh_from_db()
    assert (form.state, form.total_score, form.grade) == ("locked", Decimal("92.00"), "S")

    _as(page, "hr", f"/kpis/cycles/{cycle.pk}/?department={form.department_id}")
    page.click("[data-testid=export]")
    page.wait_for_selector("[data-testid=export-download]", timeout=60_000)
    with page.expect_download() as download:
        page.click("[data-testid=export-download]")
    path = tmp_path / "sheet.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[3]]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    row = rows["李晓明"]
    # four identity columns, the 003 template's eleven indicators, and a completion-rate
    # column beside its formula indicator (the composite operations metric)
    after = 4 + 11 + 1
    collaboration = header.index("业务协作贡献")
    assert row[collaboration] == 87.5
    assert (row[after], row[after + 1], row[after + 2]) == (92, "S", 1.5)
    assert len(rows) == 6  # the WeChat department


@pytest.mark.browser
@TRANSACTIONAL_DB
def test_hr_edits_a_template_in_the_browser(browser_page, people):
    """HR adds an indicator row in place, is told the section no longer adds up, fixes
    it, and saves a new version."""
    from apps.kpis.models import AppraisalTemplate, Indicator

    page = browser_page
    presets.install()
    template = AppraisalTemplate.objects.get(
        is_active=True, department__code="wechat", position__code="ops_specialist"
    )
    _as(page, "hr", "/kpis/")
    page.click("[data-testid=templates-link]")
    page.click(f"text={template.name}")
    page.click("[data-testid=edit-template]")
    rows = int(page.input_value("#id_items-TOTAL_FORMS"))
    page.click("[data-testid=add-row-items]")
    page.fill(f"#id_items-{rows}-section", "1")
    page.select_option(
        f"#id_items-{rows}-indicator", str(Indicator.objects.get(code="innovation").pk)
    )
    page.fill(f"#id_items-{rows}-weight", "5")
    page.click("[data-testid=save-template]")
    assert "工作业绩" in page.inner_text("[data-testid=form-error]")
    # take the 5 from the first indicator of that section, and save
    first = page.locator("#id_items-0-weight")
    first.fill(str(Decimal(first.input_value()) - 5))
    page.click("[data-testid=save-template]")
    page.wait_for_selector("[data-testid=edit-template]")
    saved = AppraisalTemplate.objects.get(is_active=True, pk__gt=template.pk,
                                          department=template.department,
                                          position=template.position)  # fmt: skip
    assert saved.sections.first().items.filter(indicator__code="innovation").exists()
    template.refresh_from_db()
    assert not template.is_active
