import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation

from apps.campaigns import services
from apps.campaigns.models import (
    BudgetIncrease,
    Campaign,
    DepartmentBudgetPolicy,
    MetricSnapshot,
    Spend,
)
from apps.campaigns.tests.factories import (
    approved_campaign,
    make_campaign,
    plan_data,
    running_campaign,
)
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.imports import ImportRejected
from apps.core.models import AuditEntry
from apps.core.tests import samples
from apps.org.permissions import delegation_grant_row

S = Campaign.State
pytestmark = pytest.mark.django_db


# --- Plan -----------------------------------------------------------------------------


def test_specialist_creates_a_draft_plan_with_its_parts(users, org):
    campaign = make_campaign(users["specialist"])
    assert campaign.state == S.DRAFT
    assert campaign.department == org["wechat"]
    assert campaign.prizes.count() == 1
    assert services.plan_total(campaign) == Decimal("10000")
    assert AuditEntry.objects.filter(action="campaign.create", object_id=str(campaign.pk)).exists()


def test_end_before_start_is_refused(users):
    with pytest.raises(ApplicationError) as error:
        make_campaign(users["specialist"], ends_on=dt.date(2026, 9, 30))
    assert error.value.field == "ends_on"
    assert not Campaign.objects.exists()


def test_database_refuses_end_before_start_too(users):
    campaign = make_campaign(users["specialist"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(ends_on=dt.date(2020, 1, 1))


@pytest.mark.parametrize("amount", ["0", "-10", "abc", "1.001"])
def test_zero_negative_or_bad_budget_amounts_are_refused(users, amount):
    lines = [{"category": "ads", "description": "", "amount": amount}]
    with pytest.raises(ApplicationError) as error:
        make_campaign(users["specialist"], budget_lines=lines)
    assert error.value.field == "budget_lines"


def test_zero_prize_value_and_negative_expected_benefit_are_refused(users):
    with pytest.raises(ApplicationError):
        make_campaign(users["specialist"], prizes=[{"name": "x", "quantity": 1, "unit_value": 0}])
    with pytest.raises(ApplicationError) as error:
        make_campaign(users["specialist"], expected_benefit=Decimal("-1"))
    assert error.value.field == "expected_benefit"


def test_risk_without_contingency_is_refused(users):
    with pytest.raises(ApplicationError) as error:
        make_campaign(users["specialist"], risks=[{"description": "下雨", "contingency": ""}])
    assert error.value.field == "risks"


def test_planning_in_another_department_is_refused(users, org):
    with pytest.raises(PermissionDenied):
        make_campaign(users["specialist"], department=org["community-ops"])
    with pytest.raises(PermissionDenied):
        make_campaign(users["copywriter"])


def test_only_the_owner_edits_and_only_while_draft(users):
    campaign = make_campaign(users["specialist"])
    with pytest.raises(PermissionDenied):
        services.campaign_update(
            actor=users["specialist2"], campaign=campaign, data=plan_data(theme="x")
        )
    services.campaign_update(
        actor=users["specialist"], campaign=campaign, data=plan_data(theme="新主题")
    )
    services.campaign_submit(actor=users["specialist"], campaign=campaign)
    with pytest.raises(ConflictError):
        services.campaign_update(actor=users["specialist"], campaign=campaign, data=plan_data())


# --- Approval ---------------------------------------------------------------------------


def test_submit_then_manager_approves_freezing_the_budget(users):
    campaign = make_campaign(users["specialist"])
    services.campaign_submit(actor=users["specialist"], campaign=campaign)
    with pytest.raises(ConflictError):
        services.campaign_submit(actor=users["specialist"], campaign=campaign)
    campaign = services.campaign_approve(actor=users["manager"], campaign=campaign)
    assert campaign.state == S.APPROVED
    assert campaign.approved_budget == Decimal("10000")
    with pytest.raises(ConflictError):
        services.campaign_approve(actor=users["manager"], campaign=campaign)


def test_submit_needs_budget_and_targets(users):
    campaign = make_campaign(users["specialist"], targets=[])
    with pytest.raises(ApplicationError):
        services.campaign_submit(actor=users["specialist"], campaign=campaign)


def test_nobody_approves_their_own_plan(users, org):
    # The specialist also holds approve_campaign (a delegation), yet not for their own plan.
    delegation_grant_row(users["specialist"], "approve_campaign", org["wechat"])
    campaign = make_campaign(users["specialist"])
    services.campaign_submit(actor=users["specialist"], campaign=campaign)
    with translation.override("en"), pytest.raises(PermissionDenied) as error:
        services.campaign_approve(actor=users["specialist"], campaign=campaign)
    assert "own plan" in str(error.value.message)
    services.campaign_approve(actor=users["manager"], campaign=campaign)


@pytest.mark.parametrize("login", ["other_manager", "specialist2", "hr"])
def test_approval_from_another_department_or_without_authority_is_refused(users, login):
    campaign = make_campaign(users["specialist"])
    services.campaign_submit(actor=users["specialist"], campaign=campaign)
    with pytest.raises(PermissionDenied):
        services.campaign_approve(actor=users[login], campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.state == S.SUBMITTED


def test_return_needs_a_comment_and_goes_back_to_the_owner(users):
    campaign = make_campaign(users["specialist"])
    services.campaign_submit(actor=users["specialist"], campaign=campaign)
    with pytest.raises(ApplicationError) as error:
        services.campaign_return(actor=users["manager"], campaign=campaign, comment=" ")
    assert error.value.field == "comment"
    campaign = services.campaign_return(
        actor=users["manager"], campaign=campaign, comment="预算拆细一些"
    )
    assert campaign.state == S.RETURNED
    assert campaign.approvals.get().comment == "预算拆细一些"
    services.campaign_submit(actor=users["specialist"], campaign=campaign)


def test_above_the_threshold_the_director_approves_too(users, org):
    DepartmentBudgetPolicy.objects.create(
        department=org["wechat"], director_threshold=Decimal("5000")
    )
    campaign = make_campaign(users["specialist"])
    services.campaign_submit(actor=users["specialist"], campaign=campaign)
    campaign = services.campaign_approve(actor=users["manager"], campaign=campaign)
    assert campaign.state == S.SUBMITTED
    assert campaign.approval_step == Campaign.Step.DIRECTOR
    with pytest.raises(PermissionDenied):
        services.campaign_approve(actor=users["manager"], campaign=campaign)
    campaign = services.campaign_approve(actor=users["director"], campaign=campaign)
    assert campaign.state == S.APPROVED
    assert list(campaign.approvals.values_list("step", flat=True)) == ["manager", "director"]


def test_below_the_default_threshold_one_step_is_enough(users):
    campaign = approved_campaign(users)
    assert campaign.approvals.count() == 1


# --- Running ------------------------------------------------------------------------------


def test_preparing_checklist_must_be_complete_before_running(users):
    campaign = approved_campaign(users)
    campaign = services.campaign_prepare(actor=users["specialist"], campaign=campaign)
    kinds = set(campaign.checklist.values_list("kind", flat=True))
    assert kinds == {"materials", "prizes", "guests", "rehearsal"}  # online: no venue
    with pytest.raises(ApplicationError):
        services.campaign_start(actor=users["specialist"], campaign=campaign)
    for item in campaign.checklist.all():
        services.checklist_item_set(actor=users["specialist"], item=item, done=True)
    campaign = services.campaign_start(actor=users["specialist"], campaign=campaign)
    assert campaign.state == S.RUNNING
    with pytest.raises(ConflictError):
        services.campaign_start(actor=users["specialist"], campaign=campaign)


def test_outsiders_cannot_move_the_campaign(users):
    campaign = approved_campaign(users)
    with pytest.raises(PermissionDenied):
        services.campaign_prepare(actor=users["other_specialist"], campaign=campaign)


def test_finish_and_close_out_need_every_actual(users):
    campaign = running_campaign(users)
    campaign = services.campaign_finish(actor=users["specialist"], campaign=campaign)
    first, second = campaign.targets.all()
    with pytest.raises(ApplicationError) as error:
        services.campaign_close_out(
            actor=users["specialist"],
            campaign=campaign,
            actuals={first.pk: "1200"},
            actual_benefit="15000",
            what_worked="转发抽奖",
            what_did_not="",
            lessons="早预热",
        )
    assert error.value.field == f"actual_{second.pk}"
    campaign = services.campaign_close_out(
        actor=users["specialist"],
        campaign=campaign,
        actuals={first.pk: "1200", second.pk: "2500"},
        actual_benefit="15000",
        what_worked="转发抽奖",
        what_did_not="线下引流弱",
        lessons="早预热",
    )
    assert campaign.state == S.EVALUATED
    first.refresh_from_db()
    assert first.actual_value == Decimal("1200")
    assert first.met


@pytest.mark.parametrize("state_maker", ["draft", "approved", "running"])
def test_cancel_from_an_open_state_needs_a_reason(users, state_maker):
    campaign = {
        "draft": lambda: make_campaign(users["specialist"]),
        "approved": lambda: approved_campaign(users),
        "running": lambda: running_campaign(users),
    }[state_maker]()
    with pytest.raises(ApplicationError):
        services.campaign_cancel(actor=users["specialist"], campaign=campaign, reason="")
    campaign = services.campaign_cancel(
        actor=users["specialist"], campaign=campaign, reason="场地取消"
    )
    assert campaign.state == S.CANCELLED
    with pytest.raises(ConflictError):
        services.campaign_cancel(actor=users["specialist"], campaign=campaign, reason="again")


def test_an_evaluated_campaign_cannot_be_cancelled(users):
    campaign = running_campaign(users)
    services.campaign_finish(actor=users["specialist"], campaign=campaign)
    campaign.state = S.EVALUATED
    Campaign.objects.filter(pk=campaign.pk).update(state=S.EVALUATED)
    with pytest.raises(ConflictError):
        services.campaign_cancel(actor=users["manager"], campaign=campaign, reason="x")


def test_copy_starts_a_new_draft_from_an_old_plan(users):
    old = running_campaign(users)
    copy = services.campaign_copy(actor=users["specialist2"], source=old)
    assert copy.state == S.DRAFT
    assert copy.owner == users["specialist2"]
    assert copy.copied_from == old
    assert copy.targets.count() == 2
    assert copy.budget_lines.count() == 2
    assert copy.spent_total == 0


# --- Money --------------------------------------------------------------------------------


def test_spend_within_budget_is_recorded(users):
    campaign = approved_campaign(users)
    line = campaign.budget_lines.first()
    services.spend_record(
        actor=users["manager"],  # spend_budget: the budget holder records spend
        campaign=campaign,
        budget_line=line,
        amount="400.50",
        spent_on=dt.date(2026, 10, 1),
    )
    campaign.refresh_from_db()
    assert campaign.spent_total == Decimal("400.50")


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_zero_or_negative_spend_is_refused(users, amount):
    campaign = approved_campaign(users)
    with pytest.raises(ApplicationError) as error:
        services.spend_record(
            actor=users["manager"],
            campaign=campaign,
            budget_line=campaign.budget_lines.first(),
            amount=amount,
            spent_on=dt.date.today(),
        )
    assert error.value.field == "amount"


def test_over_budget_spend_is_refused_until_an_increase_is_approved(users):
    campaign = approved_campaign(users)
    line = campaign.budget_lines.first()
    services.spend_record(
        actor=users["manager"],  # spend_budget: the budget holder records spend
        campaign=campaign,
        budget_line=line,
        amount="9000",
        spent_on=dt.date.today(),
    )
    with pytest.raises(ApplicationError) as error:
        services.spend_record(
            actor=users["manager"],
            campaign=campaign,
            budget_line=line,
            amount="1500",
            spent_on=dt.date.today(),
        )
    assert "10500" in str(error.value.message)
    assert "10000" in str(error.value.message)
    assert Spend.objects.count() == 1
    increase = services.budget_increase_request(
        actor=users["specialist"], campaign=campaign, amount="2000", reason="加投广告"
    )
    with pytest.raises(ConflictError):
        services.budget_increase_request(
            actor=users["specialist"], campaign=campaign, amount="1", reason="again"
        )
    with pytest.raises(PermissionDenied):
        services.budget_increase_approve(actor=users["specialist"], increase=increase)
    with pytest.raises(PermissionDenied):
        services.budget_increase_approve(actor=users["other_manager"], increase=increase)
    services.budget_increase_approve(actor=users["manager"], increase=increase)
    increase.refresh_from_db()
    assert increase.state == BudgetIncrease.State.APPROVED
    services.spend_record(
        actor=users["manager"],  # spend_budget: the budget holder records spend
        campaign=campaign,
        budget_line=line,
        amount="1500",
        spent_on=dt.date.today(),
    )
    campaign.refresh_from_db()
    assert campaign.approved_budget == Decimal("12000")
    assert campaign.spent_total == Decimal("10500")


def test_budget_increase_above_threshold_takes_the_director(users, org):
    DepartmentBudgetPolicy.objects.create(
        department=org["wechat"], director_threshold=Decimal("11000")
    )
    campaign = approved_campaign(users)
    increase = services.budget_increase_request(
        actor=users["specialist"], campaign=campaign, amount="2000", reason="加投"
    )
    services.budget_increase_approve(actor=users["manager"], increase=increase)
    increase.refresh_from_db()
    assert increase.state == BudgetIncrease.State.PENDING
    assert increase.approval_step == Campaign.Step.DIRECTOR
    services.budget_increase_approve(actor=users["director"], increase=increase)
    campaign.refresh_from_db()
    assert campaign.approved_budget == Decimal("12000")


def test_returning_an_increase_needs_a_comment(users):
    campaign = approved_campaign(users)
    increase = services.budget_increase_request(
        actor=users["specialist"], campaign=campaign, amount="2000", reason="加投"
    )
    with pytest.raises(ApplicationError):
        services.budget_increase_return(actor=users["manager"], increase=increase, comment="")
    services.budget_increase_return(actor=users["manager"], increase=increase, comment="不需要")
    campaign.refresh_from_db()
    assert campaign.approved_budget == Decimal("10000")


def test_spend_before_approval_is_refused(users):
    campaign = make_campaign(users["specialist"])
    with pytest.raises(ConflictError):
        services.spend_record(
            actor=users["manager"],
            campaign=campaign,
            budget_line=campaign.budget_lines.first(),
            amount="1",
            spent_on=dt.date.today(),
        )


# --- Log, prizes, metrics --------------------------------------------------------------------


def test_team_logs_progress_and_incidents_with_attachments(users):
    campaign = running_campaign(users)
    entry = services.log_entry_add(
        actor=users["specialist"],
        campaign=campaign,
        kind="progress",
        happened_on=dt.date.today(),
        text="推文发布",
        files=[SimpleUploadedFile("shot.png", samples.png(), content_type="image/png")],
    )
    assert entry.attachments.get().name == "shot.png"
    with pytest.raises(ApplicationError) as error:
        services.log_entry_add(
            actor=users["specialist"],
            campaign=campaign,
            kind="incident",
            happened_on=dt.date.today(),
            text="抽奖页面宕机",
        )
    assert error.value.field == "handling"


def test_attachments_are_limited_by_type_and_size(users):
    campaign = running_campaign(users)
    for upload in (
        SimpleUploadedFile("run.exe", b"MZ"),
        SimpleUploadedFile("big.pdf", b"x" * (services.MAX_ATTACHMENT_BYTES + 1)),
    ):
        with pytest.raises(ApplicationError) as error:
            services.log_entry_add(
                actor=users["specialist"],
                campaign=campaign,
                kind="progress",
                happened_on=dt.date.today(),
                text="x",
                files=[upload],
            )
        assert error.value.field == "attachments"
    assert not campaign.log_entries.exists()


def test_people_outside_the_team_and_department_cannot_log(users):
    campaign = running_campaign(users)
    with pytest.raises(PermissionDenied):
        services.log_entry_add(
            actor=users["other_specialist"],
            campaign=campaign,
            kind="progress",
            happened_on=dt.date.today(),
            text="x",
        )


def test_prizes_never_go_beyond_their_quantity(users):
    campaign = running_campaign(users)
    prize = campaign.prizes.get()
    services.prize_distribute(
        actor=users["specialist"],
        prize=prize,
        recipient="用户A",
        quantity=8,
        distributed_on=dt.date.today(),
    )
    with pytest.raises(ApplicationError) as error:
        services.prize_distribute(
            actor=users["specialist"],
            prize=prize,
            recipient="用户B",
            quantity=3,
            distributed_on=dt.date.today(),
        )
    assert "2" in str(error.value.message)
    services.prize_distribute(
        actor=users["specialist"],
        prize=prize,
        recipient="用户B",
        quantity=2,
        distributed_on=dt.date.today(),
    )
    prize.refresh_from_db()
    assert prize.distributed == prize.quantity == 10


def test_metrics_by_hand_replace_the_days_snapshot(users):
    campaign = running_campaign(users)
    for clicks in (10, 20):
        services.metrics_record(
            actor=users["specialist"],
            campaign=campaign,
            channel="wechat",
            taken_on=dt.date(2026, 10, 1),
            impressions=1000,
            clicks=clicks,
            conversions=5,
            new_followers=3,
            cost="100",
        )
    assert MetricSnapshot.objects.get().clicks == 20
    with pytest.raises(ApplicationError) as error:
        services.metrics_record(
            actor=users["specialist"],
            campaign=campaign,
            channel="wechat",
            taken_on=dt.date(2026, 10, 2),
            impressions=10,
            clicks=20,
            conversions=0,
            new_followers=0,
            cost="0",
        )
    assert error.value.field == "clicks"


def _csv(text):
    return SimpleUploadedFile("m.csv", text.encode(), content_type="text/csv")


HEADER = "channel,taken_on,impressions,clicks,conversions,new_followers,cost\n"


def test_csv_import_stores_every_row(users):
    campaign = running_campaign(users)
    count = services.metrics_import_csv(
        actor=users["specialist"],
        campaign=campaign,
        upload=_csv(HEADER + "wechat,2026-10-01,1000,50,5,3,100\nweibo,2026-10-01,500,10,1,0,0\n"),
    )
    assert count == 2
    assert MetricSnapshot.objects.count() == 2


def test_a_bad_csv_row_rejects_the_whole_file_with_a_report(users):
    campaign = running_campaign(users)
    body = (
        HEADER
        + "wechat,2026-10-01,1000,50,5,3,100\n"
        + "tiktok,2026-10-01,1,0,0,0,0\n"
        + "weibo,01/10/2026,1,0,0,0,0\n"
        + "weibo,2026-10-02,1,0,0,0,-3\n"
    )
    with pytest.raises(ImportRejected) as error:
        services.metrics_import_csv(actor=users["specialist"], campaign=campaign, upload=_csv(body))
    rows = error.value.extra["errors"]
    assert [r["row"] for r in rows] == [3, 4, 5]
    assert [r["column"] for r in rows] == ["channel", "taken_on", "cost"]
    assert not MetricSnapshot.objects.exists()
