"""The appraisal API: every action's allowed and denied paths, bad input as 400 with its
field, visibility and peer anonymity, exports, and list query counts at two sizes."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from apps.kpis import export, jobs
from apps.kpis.models import (
    Appeal,
    AppraisalCycle,
    AppraisalForm,
    ExportJob,
    FormItem,
    Indicator,
    PeerReview,
)
from apps.kpis.tests.conftest import all_scores, qualitative_scores, walk_to_calibration

pytestmark = pytest.mark.django_db
API = "/api/v1/kpis"


def _scores(form, value=80, qualitative_only=True, review=None):
    if qualitative_only:
        scores = qualitative_scores(form, value, review)
    else:
        scores = all_scores(form, value)
    return {str(k): str(v) for k, v in scores.items()}


# --- Configuration ------------------------------------------------------------------------


def test_indicators_hr_writes_others_read(kpi_presets, api_for, users):
    hr, specialist = api_for(users["hr"]), api_for(users["specialist"])
    body = {
        "code": "api-downloads",
        "name": "下载量完成度",
        "name_en": "Download completion",
        "kind": "quantitative",
        "formula": "ratio",
        "rule": "linear",
        "floor": "0.5",
        "cap": "1.2",
    }
    assert specialist.post(f"{API}/indicators/", body, format="json").status_code == 403
    bad = hr.post(f"{API}/indicators/", {**body, "cap": "0.4"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "cap"
    wrong_kind = hr.post(f"{API}/indicators/", {**body, "kind": "vibes"}, format="json")
    assert wrong_kind.status_code == 400 and wrong_kind.json()["field"] == "kind"
    created = hr.post(f"{API}/indicators/", body, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    duplicate = hr.post(f"{API}/indicators/", body, format="json")
    assert duplicate.status_code == 400 and duplicate.json()["field"] == "code"
    renamed = hr.patch(f"{API}/indicators/{pk}/", {"name_en": "Downloads"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name_en"] == "Downloads"
    assert (
        specialist.patch(f"{API}/indicators/{pk}/", {"name": "x"}, format="json").status_code == 403
    )
    listed = specialist.get(f"{API}/indicators/", {"kind": "quantitative"})
    assert listed.status_code == 200
    assert all(row["kind"] == "quantitative" for row in listed.json()["results"])


def test_templates_validate_weights_through_the_service(kpi_presets, api_for, users, org):
    from apps.org.models import Position

    hr, specialist = api_for(users["hr"]), api_for(users["specialist"])
    position = Position.objects.get(code="copywriter")
    body = {
        "department": org["wechat"].pk,
        "position": position.pk,
        "name": "文案考核",
        "sections": [
            {
                "name": "工作业绩",
                "weight": "70",
                "items": [{"indicator": "api-missing", "weight": "70"}],
            }
        ],
    }
    unknown = hr.post(f"{API}/templates/", body, format="json")
    assert unknown.status_code == 400 and unknown.json()["field"].startswith("sections.0.items")
    code = Indicator.objects.filter(kind="qualitative").values_list("code", flat=True)[0]
    body["sections"][0]["items"][0]["indicator"] = code
    short = hr.post(f"{API}/templates/", body, format="json")
    assert short.status_code == 400 and short.json()["field"] == "weights"
    assert "100" in short.json()["detail"]
    body["sections"][0]["weight"] = "100"
    body["sections"][0]["items"][0]["weight"] = "100"
    assert specialist.post(f"{API}/templates/", body, format="json").status_code == 403
    created = hr.post(f"{API}/templates/", body, format="json")
    assert created.status_code == 201, created.json()
    template = created.json()
    assert template["sections"][0]["items"][0]["indicator"] == code
    assert template["sections"][0]["weight"] == "100.00"
    detail = specialist.get(f"{API}/templates/{template['id']}/")
    assert detail.status_code == 200 and detail.json()["is_active"]


def test_policies_and_grade_bands(kpi_presets, api_for, users, org):
    hr, manager = api_for(users["hr"]), api_for(users["manager"])
    body = {
        "department": org["wechat"].pk,
        "appeal_working_days": 4,
        "guide_distribution": {"S": 10, "A": 20, "B": 50, "C": 15, "D": 5},
        "bands": [
            {"grade": "S", "min_score": "90", "bonus_coefficient": "1.5"},
            {"grade": "B", "min_score": "60", "bonus_coefficient": "1.0"},
            {"grade": "D", "min_score": "0", "bonus_coefficient": "0"},
        ],
    }
    assert manager.post(f"{API}/policies/", body, format="json").status_code == 403
    no_floor = {**body, "bands": body["bands"][:2]}
    response = hr.post(f"{API}/policies/", no_floor, format="json")
    assert response.status_code == 400 and response.json()["field"] == "bands"
    guide = hr.post(f"{API}/policies/", {**body, "guide_distribution": {"S": 50}}, format="json")
    assert guide.status_code == 400 and guide.json()["field"] == "guide_distribution"
    saved = hr.post(f"{API}/policies/", body, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["appeal_working_days"] == 4 and len(saved.json()["bands"]) == 3
    bands = manager.get(f"{API}/grade-bands/", {"department": org["wechat"].pk}).json()
    assert [b["grade"] for b in bands["results"]] == ["S", "B", "D"]


# --- Cycles -------------------------------------------------------------------------------


def test_cycle_open_and_hr_actions(monthly_cycle, api_for, users, org):
    hr, specialist = api_for(users["hr"]), api_for(users["specialist"])
    earlier = monthly_cycle.period_start - dt.timedelta(days=20)
    body = {"kind": "monthly", "period_start": earlier.isoformat()}
    assert specialist.post(f"{API}/cycles/", body, format="json").status_code == 403
    bad = hr.post(f"{API}/cycles/", {**body, "kind": "weekly"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "kind"
    future = hr.post(
        f"{API}/cycles/",
        # Next month: no department's policy opens it yet (the current one may be, on
        # its last working days: 次月上旬 departments open before the month ends).
        {
            "kind": "monthly",
            "period_start": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
        },
        format="json",
    )
    assert future.status_code == 400 and future.json()["field"] == "period_start"
    opened = hr.post(f"{API}/cycles/", body, format="json")
    assert opened.status_code == 201 and opened.json()["state"] == "opening"
    again = hr.post(
        f"{API}/cycles/",
        {"kind": "monthly", "period_start": monthly_cycle.period_start.isoformat()},
        format="json",
    )
    assert again.status_code == 409
    # Employees see the cycles of the forms they may open, HR all of them.
    assert len(hr.get(f"{API}/cycles/").json()["results"]) == 2
    assert [c["id"] for c in specialist.get(f"{API}/cycles/").json()["results"]] == [
        monthly_cycle.pk
    ]
    url = f"{API}/cycles/{monthly_cycle.pk}"
    progress = hr.get(f"{url}/progress/")
    assert progress.status_code == 200 and progress.json()["total"] == monthly_cycle.forms_count
    assert specialist.get(f"{url}/progress/").status_code == 403
    for verb in ("aggregate", "release", "remind", "close"):
        assert specialist.post(f"{url}/{verb}/").status_code == 403
    assert hr.post(f"{url}/aggregate/", {}, format="json").json()["count"] == 0
    assert hr.post(f"{url}/release/", {}, format="json").status_code == 409  # nothing approved
    reminded = hr.post(f"{url}/remind/", {"department": org["wechat"].pk}, format="json")
    assert reminded.status_code == 200
    assert hr.post(f"{url}/remind/", {"department": 999999}, format="json").status_code == 400
    assert hr.post(f"{url}/close/").status_code == 409  # forms still in progress


# --- The form flow ------------------------------------------------------------------------


def test_the_whole_flow_through_the_api(form_of, people, users, api_for):
    form = form_of(people["specialist"])
    url = f"{API}/forms/{form.pk}"
    me, peer = api_for(users["specialist"]), api_for(users["specialist2"])
    manager, hr = api_for(users["manager"]), api_for(users["hr"])
    item = form.items.filter(indicator__kind="qualitative").first()

    # Self-assessment: only the employee; a score off the scale is refused on its field.
    outside = me.post(
        f"{url}/self-assessment/", {"tasks": "t", "scores": {str(item.pk): "150"}}, format="json"
    )
    assert outside.status_code == 400 and outside.json()["field"] == f"score_{item.pk}"
    assert not item.ratings.exists()
    assert manager.post(f"{url}/self-assessment/", {"tasks": "t"}, format="json").status_code == 403
    early = me.post(f"{url}/self-assessment/", {"tasks": "t", "submit": True}, format="json")
    assert early.status_code == 400 and early.json()["field"] == "tasks"
    submitted = me.post(
        f"{url}/self-assessment/",
        {"tasks": "任务", "results": "成果", "scores": _scores(form), "submit": True},
        format="json",
    )
    assert submitted.status_code == 200 and submitted.json()["state"] == "peer"
    assert submitted.json()["total_score"] is None

    # Peers: chosen by the supervisor, never by the employee or a colleague.
    choose = {"reviewers": [people["specialist2"].pk], "anonymous": True}
    assert me.post(f"{url}/peers/", choose, format="json").status_code == 403
    assert peer.post(f"{url}/peers/", choose, format="json").status_code == 404
    empty = manager.post(f"{url}/peers/", {"reviewers": []}, format="json")
    assert empty.status_code == 400 and empty.json()["field"] == "reviewers"
    assert manager.post(f"{url}/peers/", choose, format="json").status_code == 200
    review = PeerReview.objects.get(form=form)
    review_url = f"{API}/peer-reviews/{review.pk}"
    mine = peer.get(f"{API}/peer-reviews/", {"pending": "true"}).json()["results"]
    assert [r["id"] for r in mine] == [review.pk]
    assert (
        me.post(f"{review_url}/submit/", {"scores": _scores(form)}, format="json").status_code
        == 404
    )
    missing = peer.post(f"{review_url}/submit/", {"scores": {}}, format="json")
    assert missing.status_code == 400 and missing.json()["field"] == "scores"
    done = peer.post(
        f"{review_url}/submit/",
        {"scores": _scores(form, 70, review=review), "comment": "配合好"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["state"] == "submitted"
    again = peer.post(f"{review_url}/submit/", {"scores": _scores(form, 70)}, format="json")
    assert again.status_code == 409

    # The supervisor scores; the employee and HR may not.
    scores = {"scores": _scores(form, 85, qualitative_only=False), "comment": "好", "submit": True}
    assert me.post(f"{url}/score/", scores, format="json").status_code == 403
    assert hr.post(f"{url}/score/", scores, format="json").status_code == 403
    scored = manager.post(f"{url}/score/", scores, format="json")
    assert scored.status_code == 200 and scored.json()["state"] == "aggregation"

    # HR aggregates; the manager confirms or adjusts with a reason.
    assert hr.post(f"{API}/cycles/{form.cycle_id}/aggregate/").json()["count"] >= 1
    no_reason = manager.post(f"{url}/calibrate/", {"total_score": "91"}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    assert me.post(f"{url}/calibrate/", {}, format="json").status_code == 403
    adjusted = manager.post(
        f"{url}/calibrate/", {"total_score": "91", "reason": "超额完成"}, format="json"
    )
    assert adjusted.status_code == 200 and adjusted.json()["total_score"] == "91.00"
    assert manager.post(f"{url}/calibrate/", {}, format="json").status_code == 409

    # Released: the employee now sees results, the anonymous reviewer stays hidden.
    released = hr.post(f"{API}/cycles/{form.cycle_id}/release/", {}, format="json")
    assert released.status_code == 200 and released.json()["count"] >= 1
    body = me.get(f"{url}/").json()
    assert body["total_score"] == "91.00" and body["grade"]
    assert body["peer_reviews"] and body["peer_reviews"][0]["reviewer"] is None
    assert body["peer_reviews"][0]["comment"] == "配合好"
    listed = me.get(f"{API}/peer-reviews/", {"form": form.pk}).json()["results"]
    assert listed and all(r["reviewer"] is None for r in listed)
    assert me.get(f"{review_url}/").json()["reviewer"] is None
    assert manager.get(f"{review_url}/").json()["reviewer"]["id"] == people["specialist2"].pk
    assert "specialist2" not in str(me.get(f"{url}/").content)

    # Interview: the supervisor, not the employee; both fields required.
    interview = {"notes": "谈了", "improvement_plan": "改进"}
    assert me.post(f"{url}/interview/", interview, format="json").status_code == 403
    blank = manager.post(f"{url}/interview/", {**interview, "improvement_plan": ""}, format="json")
    assert blank.status_code == 400 and blank.json()["field"] == "improvement_plan"
    assert manager.post(f"{url}/interview/", interview, format="json").status_code == 200

    # Appeal: only the employee, with a reason; a ruling by the appellant is refused.
    assert manager.post(f"{url}/appeal/", {"reason": "x"}, format="json").status_code == 403
    no_text = me.post(f"{url}/appeal/", {"reason": " "}, format="json")
    assert no_text.status_code == 400 and no_text.json()["field"] == "reason"
    appealed = me.post(f"{url}/appeal/", {"reason": "评分偏低"}, format="json")
    assert appealed.status_code == 201 and appealed.json()["appeal"]["state"] == "open"
    assert me.post(f"{url}/appeal/", {"reason": "再次"}, format="json").status_code == 409
    ruling = {"decision": "adjusted", "reason": "复核", "total_score": "93"}
    assert me.post(f"{url}/ruling/", ruling, format="json").status_code == 403
    assert hr.post(f"{url}/ruling/", ruling, format="json").status_code == 403
    bad = manager.post(f"{url}/ruling/", {**ruling, "decision": "maybe"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "decision"
    ruled = manager.post(f"{url}/ruling/", ruling, format="json")
    assert ruled.status_code == 200 and ruled.json()["state"] == "locked"
    assert ruled.json()["total_score"] == "93.00"
    assert manager.post(f"{url}/ruling/", ruling, format="json").status_code == 409
    assert Appeal.objects.get(form=form).state == "adjusted"


def test_an_appeal_after_the_window_is_refused(form_of, people, users, api_for):
    form = walk_to_calibration(form_of(people["specialist"]), users, peer=people["specialist2"])
    manager, me = api_for(users["manager"]), api_for(users["specialist"])
    assert manager.post(f"{API}/forms/{form.pk}/calibrate/", {}, format="json").status_code == 200
    api_for(users["hr"]).post(f"{API}/cycles/{form.cycle_id}/release/", {}, format="json")
    AppraisalForm.objects.filter(pk=form.pk).update(
        appeal_deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    late = me.post(f"{API}/forms/{form.pk}/appeal/", {"reason": "晚了"}, format="json")
    assert late.status_code == 400 and late.json()["field"] == "reason"
    no_appeal = manager.post(
        f"{API}/forms/{form.pk}/ruling/", {"decision": "upheld", "reason": "x"}, format="json"
    )
    assert no_appeal.status_code == 404


def test_actuals_by_the_supervisor_only(form_of, people, users, api_for):
    form = form_of(people["specialist"])
    item = form.items.filter(indicator__kind="quantitative", indicator__components=[]).first()
    assert item is not None  # the 003 specialist template has campaign effect
    url = f"{API}/forms/{form.pk}/actual/"
    assert (
        api_for(users["specialist"]).post(url, {"item": item.pk, "actual": "5"}, format="json")
    ).status_code == 403
    bad = api_for(users["manager"]).post(url, {"item": item.pk, "actual": "-1"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "actual"
    ok = api_for(users["manager"]).post(url, {"item": item.pk, "actual": "5"}, format="json")
    assert ok.status_code == 200
    assert FormItem.objects.get(pk=item.pk).actual == 5
    # A composite takes each sub-measure's figure, every one of them.
    composite = form.items.get(indicator__code="wx_ops_metrics")
    parts = {"followers": "500", "reads": "50000", "shares": "2000", "likes": "3000"}
    body = {"item": composite.pk, "parts": parts}
    short = api_for(users["manager"]).post(url, body, format="json")
    assert short.status_code == 400 and short.json()["field"] == "parts.comments"
    body["parts"]["comments"] = "500"
    done = api_for(users["manager"]).post(url, body, format="json")
    row = next(i for i in done.json()["items"] if i["id"] == composite.pk)
    assert (row["completion_rate"], row["formula_score"]) == ("100.00", "100.00")


VISIBLE = {
    "specialist": 200,
    "specialist2": 404,
    "manager": 200,
    "other_manager": 404,
    "hr": 200,
    "director": 200,
}


@pytest.mark.parametrize(("login", "status"), VISIBLE.items())
def test_form_visibility_matches_the_pages(form_of, people, users, api_for, login, status):
    form = form_of(people["specialist"])
    client = api_for(users[login])
    assert client.get(f"{API}/forms/{form.pk}/").status_code == status
    ids = {row["id"] for row in client.get(f"{API}/forms/", {"page_size": 200}).json()["results"]}
    assert (form.pk in ids) == (status == 200)


def test_bad_filters_are_400_not_500(monthly_cycle, api_for, users):
    hr = api_for(users["hr"])
    response = hr.get(f"{API}/forms/", {"cycle": "abc"})
    assert response.status_code == 400 and response.json()["field"] == "cycle"
    assert hr.get(f"{API}/forms/", {"state": "nonsense"}).status_code == 200


# --- Exports ------------------------------------------------------------------------------


def test_export_start_poll_download(form_of, people, users, api_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    form = walk_to_calibration(form_of(people["specialist"]), users, peer=people["specialist2"])
    hr, me = api_for(users["hr"]), api_for(users["specialist"])
    cycle = AppraisalCycle.objects.get(pk=form.cycle_id)
    assert me.post(f"{API}/exports/", {"cycle": cycle.pk}, format="json").status_code == 403
    assert hr.post(f"{API}/exports/", {"cycle": 999999}, format="json").json()["field"] == "cycle"
    started = hr.post(f"{API}/exports/", {"cycle": cycle.pk}, format="json")
    assert started.status_code == 202 and started.json()["state"] == "pending"
    pk = started.json()["id"]
    assert hr.get(f"{API}/exports/{pk}/download/").status_code == 404  # not ready
    export.run_export(pk)  # what the worker runs (tested on a real worker in test_jobs)
    polled = hr.get(f"{API}/exports/{pk}/").json()
    assert polled["state"] == "done" and polled["percent"] == 100
    assert polled["download_url"].endswith(f"/exports/{pk}/download/")
    assert me.get(f"{API}/exports/{pk}/").status_code == 404
    assert me.get(f"{API}/exports/{pk}/download/").status_code == 404
    download = hr.get(polled["download_url"])
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    [row] = [r for r in book.active.iter_rows(values_only=True) if people["specialist"].name in r]
    assert not any(people["specialist2"].name in str(cell) for cell in row)  # no reviewer names
    assert [j["id"] for j in hr.get(f"{API}/exports/").json()["results"]] == [pk]
    assert ExportJob.objects.get(pk=pk).requested_by == users["hr"]


# --- Query counts -------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 12])
def test_list_query_counts_do_not_grow(
    monthly_cycle, make_employee, people, users, api_for, django_assert_max_num_queries, extra
):
    for i in range(extra):
        make_employee(f"api{extra}_{i}", "wechat", "ops_specialist", people["manager"])
    jobs.populate_cycle(monthly_cycle.pk)
    forms = list(
        AppraisalForm.objects.filter(cycle=monthly_cycle).exclude(employee=people["manager"])
    )
    assert len(forms) >= 7 + extra
    from apps.kpis import services

    for form in forms[: 3 + extra]:
        services.peer_reviewers_assign(
            actor=users["hr"], form=form, reviewers=[people["manager"]], anonymous=True
        )
    hr, manager = api_for(users["hr"]), api_for(users["manager"])
    for client, url in (
        (hr, f"{API}/forms/?page_size=100"),
        (manager, f"{API}/forms/?page_size=100"),
        (manager, f"{API}/peer-reviews/?page_size=100"),
        (hr, f"{API}/cycles/"),
        (hr, f"{API}/templates/?page_size=100"),
        (hr, f"{API}/indicators/?page_size=100"),
        (hr, f"{API}/policies/"),
        (hr, f"{API}/grade-bands/"),
        (hr, f"{API}/exports/"),
    ):
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200, url
