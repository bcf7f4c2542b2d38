"""Demo campaigns: every state, with logs, spend and metrics, in several departments —
including one whose spend reached its budget and waits for an approved increase. Goes
through the real services, acting as the demo people. Idempotent: a campaign whose
theme already exists is left alone."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.campaigns import services
from apps.campaigns.models import Campaign, CampaignType
from apps.campaigns.services import PlanData

D = Decimal

# theme, owner, approver, type, state, start offset (days from today), length, budget
# lines [(category, amount)], targets [(metric, target, unit, actual)], benefit
CAMPAIGNS = [
    (
        "国庆关注有礼",
        "specialist",
        "manager",
        "lottery",
        "evaluated",
        -60,
        7,
        [("prizes", "3000"), ("ads", "9000")],
        [("新增关注", "3000", "人", "3400"), ("参与人数", "8000", "人", "7200")],
        "30000",
    ),
    (
        "双十一小程序秒杀",
        "mp.he",
        "mp.manager",
        "holiday",
        "evaluated",
        -40,
        3,
        [("ads", "20000"), ("materials", "2000")],
        [("订单数", "1500", "单", "1820"), ("转化率", "5", "%", "6.1")],
        "60000",
    ),
    (
        "用户满意度调研",
        "wechat.zhang",
        "manager",
        "research",
        "finished",
        -20,
        10,
        [("prizes", "1500"), ("other", "500")],
        [("有效问卷", "1000", "份", None)],
        "0",
    ),
    (
        "年终感恩抽奖",
        "specialist",
        "manager",
        "lottery",
        "running",
        -3,
        10,
        [("prizes", "6000"), ("ads", "4000")],
        [("新增关注", "2000", "人", None), ("抽奖参与", "10000", "人次", None)],
        "25000",
    ),
    (
        "社群冬季打卡挑战",
        "community.zhu",
        "community.manager",
        "contest",
        "running",
        -5,
        21,
        [("prizes", "2000"), ("ads", "1000")],
        [("打卡人数", "600", "人", None)],
        "8000",
    ),
    (
        "新品线下体验会",
        "ops.deng",
        "ops.manager",
        "meetup",
        "preparing",
        7,
        1,
        [("venue", "8000"), ("materials", "3000"), ("prizes", "2000")],
        [("到场人数", "120", "人", None), ("现场转化", "30", "单", None)],
        "20000",
    ),
    (
        "春节品牌大促",
        "specialist",
        "manager",
        "holiday",
        "approved",
        30,
        14,
        [("ads", "50000"), ("prizes", "12000"), ("materials", "6000")],
        [("销售额", "300000", "元", None), ("新增关注", "8000", "人", None)],
        "300000",
    ),
    (
        "运营数据分析讲座",
        "wechat.zhang",
        "manager",
        "lecture",
        "submitted",
        14,
        1,
        [("venue", "2000"), ("other", "800")],
        [("报名人数", "200", "人", None)],
        "0",
    ),
    (
        "元宵灯谜问答",
        "specialist",
        "manager",
        "vote",
        "returned",
        40,
        3,
        [("prizes", "1200")],
        [("参与人数", "3000", "人", None)],
        "5000",
    ),
    (
        "小程序会员日",
        "mp.luo",
        "mp.manager",
        "holiday",
        "draft",
        20,
        2,
        [("ads", "5000")],
        [("新会员", "800", "人", None)],
        "12000",
    ),
    (
        "户外徒步见面会",
        "community.qin",
        "community.manager",
        "meetup",
        "cancelled",
        10,
        1,
        [("venue", "3000"), ("materials", "1000")],
        [("报名人数", "80", "人", None)],
        "2000",
    ),
    (
        "直播带货首秀",
        "ops.xu",
        "ops.manager",
        "holiday",
        "over_budget",
        -2,
        5,
        [("ads", "15000"), ("prizes", "3000")],
        [("成交额", "100000", "元", None)],
        "90000",
    ),
]

CHANNELS = {
    "wechat": (20000, 900, 120, 300),
    "miniprogram": (12000, 700, 150, 80),
    "community": (3000, 400, 60, 50),
}


def _user(login):
    return get_user_model().objects.filter(username=login).first()


def _department_of(user):
    assignment = user.employee.assignments.active_on().filter(is_primary=True).first()
    return assignment.post.department


def _running_log(campaign, owner, start, today):
    days = max(1, min((today - start).days + 1, 6))
    for i in range(days):
        day = start + dt.timedelta(days=i)
        services.log_entry_add(
            actor=owner,
            campaign=campaign,
            kind="progress",
            happened_on=day,
            text=f"第{i + 1}天：推送完成，参与人数稳步增长。",
        )
        for channel, (imp, clicks, conv, fans) in list(CHANNELS.items())[:2]:
            services.metrics_record(
                actor=owner,
                campaign=campaign,
                channel=channel,
                taken_on=day,
                impressions=imp + 1000 * i,
                clicks=clicks + 60 * i,
                conversions=conv + 9 * i,
                new_followers=fans + 20 * i,
                cost=D("300") + 20 * i,
            )
    services.log_entry_add(
        actor=owner,
        campaign=campaign,
        kind="incident",
        happened_on=start,
        text="活动页面访问高峰时短暂卡顿。",
        handling="技术支持临时扩容，十分钟内恢复。",
    )


def _drive(spec, campaign_type, today):
    (theme, owner_login, approver_login, _t, state, offset, length, lines, targets, benefit) = spec
    owner, approver = _user(owner_login), _user(approver_login)
    start = today + dt.timedelta(days=offset)
    data = PlanData(
        theme=theme,
        purpose=f"通过“{theme}”提升用户活跃与转化。",
        campaign_type=campaign_type,
        mode="offline" if campaign_type.code == "meetup" else "online",
        starts_on=start,
        ends_on=start + dt.timedelta(days=length - 1),
        place="公司一楼活动厅" if campaign_type.code == "meetup" else "",
        rules="关注公众号并转发活动海报即可参与，每人限一次。",
        channels=["wechat", "miniprogram"],
        expected_benefit=D(benefit),
        prizes=[{"name": "定制礼盒", "quantity": 50, "unit_value": D("40")}],
        budget_lines=[{"category": c, "description": "", "amount": D(a)} for c, a in lines],
        targets=[{"metric": m, "target_value": D(v), "unit": u} for m, v, u, _a in targets],
        risks=[{"description": "参与人数不及预期", "contingency": "追加社群推送与朋友圈广告"}],
        resources=[{"kind": "people", "description": "设计师一名", "quantity": 1}],
    )
    campaign = services.campaign_create(actor=owner, department=_department_of(owner), data=data)
    if state == "draft":
        return campaign
    services.campaign_submit(actor=owner, campaign=campaign)
    if state == "submitted":
        return campaign
    if state == "returned":
        services.campaign_return(
            actor=approver, campaign=campaign, comment="请补充奖品发放规则和预算明细。"
        )
        return campaign
    campaign = services.campaign_approve(actor=approver, campaign=campaign, comment="同意。")
    if campaign.state == Campaign.State.SUBMITTED:  # above the threshold: the director too
        campaign = services.campaign_approve(
            actor=_user("director"), campaign=campaign, comment="预算较大，注意投放节奏。"
        )
    if state == "approved":
        return campaign
    if state == "cancelled":
        return services.campaign_cancel(
            actor=owner, campaign=campaign, reason="场地临时不可用，活动取消。"
        )
    services.campaign_prepare(actor=owner, campaign=campaign)
    items = list(campaign.checklist.all())
    for item in items if state != "preparing" else items[:2]:
        services.checklist_item_set(actor=owner, item=item, done=True)
    if state == "preparing":
        services.log_entry_add(
            actor=owner,
            campaign=campaign,
            kind="progress",
            happened_on=today,
            text="物料设计稿已确认，等待印刷。",
        )
        return campaign
    services.campaign_start(actor=owner, campaign=campaign)
    _running_log(campaign, owner, start, today)
    budget_lines = list(campaign.budget_lines.all())
    prize = campaign.prizes.first()
    services.prize_distribute(
        actor=owner, prize=prize, recipient="用户 138****0001", quantity=3, distributed_on=start
    )
    campaign.refresh_from_db()
    if state == "over_budget":
        services.spend_record(
            actor=approver,  # the manager holds spend_budget
            campaign=campaign,
            budget_line=budget_lines[0],
            amount=campaign.approved_budget - D("200"),
            spent_on=start,
            note="直播投流",
        )
        services.budget_increase_request(
            actor=owner,
            campaign=campaign,
            amount=D("6000"),
            reason="直播效果超预期，追加投流 6000 元以延长曝光。",
        )
        return campaign
    share = D("0.85") if state == "evaluated" else D("0.45")
    for line in budget_lines:
        services.spend_record(
            actor=approver,
            campaign=campaign,
            budget_line=line,
            amount=(line.amount * share).quantize(D("0.01")),
            spent_on=start,
            note="按合同付款",
        )
    if state == "running":
        return campaign
    services.campaign_finish(actor=owner, campaign=campaign)
    if state == "finished":
        return campaign
    actuals = {
        t.pk: D(actual)
        for t, (_m, _v, _u, actual) in zip(campaign.targets.all(), targets, strict=True)
    }
    return services.campaign_close_out(
        actor=owner,
        campaign=campaign,
        actuals=actuals,
        actual_benefit=D(benefit) * D("1.1"),
        what_worked="转发抽奖与社群联动带来大量新关注。",
        what_did_not="首日活动页卡顿，部分用户流失。",
        lessons="上线前压测；奖品发放提前公示规则。",
    )


def load(stdout=None) -> None:
    today = timezone.localdate()
    types = {t.code: t for t in CampaignType.objects.all()}
    created = 0
    for spec in CAMPAIGNS:
        if Campaign.objects.filter(theme=spec[0]).exists() or _user(spec[1]) is None:
            continue
        _drive(spec, types[spec[3]], today)
        created += 1
    if stdout:
        stdout.write(f"  campaigns: {created} created, {Campaign.objects.count()} in all")
