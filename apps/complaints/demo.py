"""Demo complaints: every state, some overdue, some reopened, some with coordination tasks
(技术部 has open ones), and three months of closed history for the reports. Goes through
the real services as `cs` (WeChat customer service) and `tech`; only the history's
timestamps are moved back afterwards. Idempotent: loads once."""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.complaints import permissions as policy
from apps.complaints import services, sla
from apps.complaints.escalation import escalate_breaches
from apps.complaints.models import Complaint, ComplaintCategory
from apps.org.models import Department

MARK = "@demo.example.com"

# category, channel, description, contact name, scenario
CURRENT = [
    (
        "technical",
        "web",
        "小程序支付成功后一直白屏，订单号 DM20260001，重启手机也不行。",
        "林女士",
        "new",
    ),
    (
        "privacy",
        "phone",
        "我没有授权，却收到了你们的营销短信，请说明我的手机号从哪里来的。",
        "陈先生",
        "overdue_new",
    ),
    (
        "campaign",
        "wechat",
        "国庆抽奖活动显示我中奖了，但两周过去了奖品还没有收到。",
        "周同学",
        "accepted",
    ),
    ("technical", "app", "App 更新到 5.2 以后，消息推送全部收不到了。", "黄先生", "tech_task"),
    (
        "product",
        "community",
        "社群里说新版会员权益减少了，购买时并没有告知，希望给个说法。",
        "吴女士",
        "product_task",
    ),
    ("billing", "email", "同一个订单被扣了两次款，请尽快退回多扣的 39 元。", "郑先生", "waiting"),
    ("content", "web", "公众号文章里的活动时间写错了，导致我白跑一趟门店。", "王女士", "resolved"),
    ("service", "phone", "客服电话里态度很差，问题也没解决就挂断了。", "刘先生", "closed_happy"),
    ("technical", "wechat", "公众号菜单的‘查询订单’点进去报错 502。", "孙女士", "reopened"),
    ("technical", "web", "支付后白屏，和之前反馈的一样，订单号 DM20260002。", "林女士", "merged"),
    ("billing", "app", "会员自动续费没有提前提醒，要求退款。", "马先生", "overdue_resolve"),
    (
        "campaign",
        "community",
        "群里的砍价活动链接打不开，活动马上结束了。",
        "何同学",
        "reopened_closed",
    ),
]

CATEGORIES = ["content", "product", "service", "campaign", "technical", "billing", "privacy"]
CHANNELS = ["web", "phone", "wechat", "community", "app", "email", "api"]


def _file(category, channel, description, name, cs, received_at=None, n=0):
    actor = None if channel in ("web", "api") else cs
    complaint, token = services.complaint_submit(
        actor=actor,
        channel=channel,
        category=ComplaintCategory.objects.get(code=category),
        description=description,
        contact_name=name,
        contact_phone=f"139{n:08d}",
        contact_email=f"user{n}{MARK}",
        received_at=received_at,
    )
    return complaint, token


def _play(scenario, complaint, token, cs, tech, departments, others):
    today = timezone.localdate()
    if scenario in ("new", "overdue_new"):
        return
    complaint = services.complaint_accept(actor=cs, complaint=complaint)
    if scenario == "accepted":
        return
    complaint = services.complaint_start(actor=cs, complaint=complaint)
    services.complaint_reply(
        actor=cs, complaint=complaint, body="您好，您的投诉我们已受理，正在处理中，请耐心等待。"
    )
    if scenario == "tech_task":
        services.task_open(
            actor=cs,
            complaint=complaint,
            department=departments["tech"],
            title="排查 5.2 版本推送通道",
            due_date=today + dt.timedelta(days=2),
        )
        services.complaint_add_note(actor=cs, complaint=complaint, body="技术部已确认可复现。")
        return
    if scenario == "product_task":
        done = services.task_open(
            actor=cs,
            complaint=complaint,
            department=departments["design"],
            title="提供会员权益对比图",
            due_date=today + dt.timedelta(days=1),
        )
        designer = others.get("design.jiang")
        if designer is not None and policy.can_close_task(designer, done):
            services.task_close(actor=designer, task=done, note="对比图已上传到共享盘。")
        else:
            services.task_cancel(actor=cs, task=done)
        services.task_open(
            actor=cs,
            complaint=complaint,
            department=departments["product"],
            title="确认会员权益调整的公告时间",
            due_date=today + dt.timedelta(days=3),
        )
        return
    if scenario == "waiting":
        services.complaint_wait(
            actor=cs, complaint=complaint, question="请提供两次扣款的截图或交易单号，方便我们核对。"
        )
        return
    if scenario == "overdue_resolve":
        return
    if scenario == "merged":
        return
    if scenario == "reopened":
        task = services.task_open(
            actor=cs,
            complaint=complaint,
            department=departments["tech"],
            title="修复菜单‘查询订单’502",
            due_date=today + dt.timedelta(days=1),
        )
        services.task_close(actor=tech, task=task, note="网关超时已调整。")
        services.complaint_resolve(actor=cs, complaint=complaint, summary="已修复，请再试一次。")
        services.complaint_not_satisfied(
            complaint=complaint, token=token, comment="今天又出现 502 了。"
        )
        services.task_open(
            actor=cs,
            complaint=complaint,
            department=departments["tech"],
            title="复查 502：检查上游服务",
            due_date=today + dt.timedelta(days=2),
        )
        return
    services.complaint_resolve(actor=cs, complaint=complaint, summary="问题已处理，感谢您的反馈。")
    if scenario == "resolved":
        return
    if scenario == "closed_happy":
        services.complaint_confirm(
            complaint=complaint, token=token, rating=5, comment="处理得很及时。"
        )
        return
    if scenario == "reopened_closed":
        services.complaint_not_satisfied(
            complaint=complaint, token=token, comment="链接还是打不开。"
        )
        complaint = services.complaint_start(actor=cs, complaint=complaint)
        services.complaint_resolve(actor=cs, complaint=complaint, summary="已延长活动并补发链接。")
        services.complaint_confirm(
            complaint=complaint, token=token, rating=3, comment="解决了但太慢。"
        )


def load(stdout=None) -> None:
    if Complaint.objects.filter(contact_email__endswith=MARK).exists():
        if stdout:
            stdout.write("complaints: demo already loaded")
        return
    User = get_user_model()
    cs = User.objects.filter(username="cs").first()
    tech = User.objects.filter(username="tech").first()
    if cs is None or tech is None:
        if stdout:
            stdout.write("complaints: demo people (cs, tech) missing; load the org demo first")
        return
    departments = {d.code: d for d in Department.objects.all()}
    others = {u.username: u for u in User.objects.filter(username__in=["design.jiang"])}
    now = timezone.now()
    with transaction.atomic():
        _history(cs, now)
        made = {}
        for n, (category, channel, text, name, scenario) in enumerate(CURRENT, start=1):
            received = None
            if scenario == "overdue_new":
                received = now - dt.timedelta(days=3)
            elif scenario == "overdue_resolve":
                received = now - dt.timedelta(days=14)
            complaint, token = _file(category, channel, text, name, cs, received, n)
            _play(scenario, complaint, token, cs, tech, departments, others)
            made[scenario] = complaint
        services.complaint_merge(actor=cs, complaint=made["merged"], into=made["new"])
        result = escalate_breaches()
    if stdout:
        stdout.write(
            f"complaints: {Complaint.objects.count()} complaints, "
            f"{result['escalated']} SLA escalations"
        )


def _history(cs, now):
    """Closed complaints of the last three months, for the reports (timestamps backdated)."""
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    for n in range(100, 160):
        days_ago = rng.randint(3, 90)
        received = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 8))
        complaint, token = _file(
            rng.choice(CATEGORIES),
            rng.choice(CHANNELS),
            "历史投诉：用户反馈的问题已在当时处理完毕。",
            "历史用户",
            cs,
            received,
            n,
        )
        complaint = services.complaint_accept(actor=cs, complaint=complaint)
        services.complaint_reply(actor=cs, complaint=complaint, body="您好，已收到，正在处理。")
        reopen = rng.random() < 0.12
        services.complaint_resolve(actor=cs, complaint=complaint)
        if reopen:
            services.complaint_not_satisfied(complaint=complaint, token=token, comment="还没解决。")
            services.complaint_resolve(actor=cs, complaint=complaint)
        rating = rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 3, 6, 9])[0]
        services.complaint_confirm(complaint=complaint, token=token, rating=rating)
        accept_after = dt.timedelta(minutes=rng.randint(10, 600))
        resolve_after = accept_after + dt.timedelta(hours=rng.randint(2, 70))
        resolved_at = received + resolve_after
        Complaint.objects.filter(pk=complaint.pk).update(
            accepted_at=received + accept_after,
            first_resolved_at=resolved_at,
            resolved_at=resolved_at,
            resolved_in_time=sla.met(resolved_at, complaint.resolve_due_at),
            closed_at=resolved_at + dt.timedelta(hours=rng.randint(1, 48)),
        )
