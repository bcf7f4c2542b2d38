"""Demo content: a few dozen items across the five operations departments in every
state, some waiting for `designer` (the designer's self-check of WeChat design work) or
for `specialist` (the WeChat second review, the last 003 step) and some overdue, plus
topics, plans and metrics. Idempotent: an item that exists (by author and title) is
left alone."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.content import permissions as policy
from apps.content import services
from apps.content.models import ALL_CHECKS, Channel, ContentItem, ContentPlan, Topic
from apps.org.models import Department

BODY = (
    "<h3>{title}</h3><p>本期为大家带来{title}的详细介绍。</p>"
    "<p>活动时间：本周五至周日。参与方式：关注公众号并回复关键词。</p>"
    "<ul><li>亮点一：限时优惠</li><li>亮点二：会员专享</li></ul>"
)

# department, author, channel, state, titles
PLAN = [
    ("wechat", "copywriter", "wechat-oa", "draft", ["双十二预热推文", "会员日长图文"]),
    ("wechat", "copywriter", "wechat-oa", "submitted", ["冬季新品图文", "年终盘点（上）"]),
    ("wechat", "wechat.huang", "wechat-oa", "waiting_specialist",
     ["品牌故事：十年坚守", "冬至节气海报文案", "新年活动规则说明", "用户故事征集",
      "周末福利推文"]),
    ("wechat", "copywriter", "wechat-oa", "returned", ["618复盘长文"]),
    ("wechat", "wechat.huang", "wechat-oa", "approved", ["员工风采专栏"]),
    ("wechat", "copywriter", "wechat-oa", "scheduled", ["圣诞节活动预告", "元旦贺岁推文"]),
    ("wechat", "copywriter", "wechat-oa", "published", ["十一月月报", "双十一战报"]),
    ("wechat", "wechat.huang", "wechat-oa", "withdrawn", ["旧版会员权益说明"]),
    ("wechat", "copywriter", "wechat-oa", "archived", ["国庆活动回顾"]),
    ("miniprogram-ops", "mp.he", "mini-program", "draft", ["小程序签到有礼"]),
    ("miniprogram-ops", "mp.he", "mini-program", "submitted", ["积分商城上新公告", "拼团玩法说明"]),
    ("miniprogram-ops", "mp.luo", "mini-program", "returned", ["新人礼包页面文案"]),
    ("miniprogram-ops", "mp.luo", "mini-program", "scheduled", ["小程序周年庆"]),
    ("miniprogram-ops", "mp.he", "mini-program", "published", ["版本更新说明 3.2"]),
    ("general-ops-marketing", "ops.deng", "weibo", "submitted",
     ["微博话题#冬日暖心#", "品牌联名预告"]),
    ("general-ops-marketing", "ops.xu", "douyin", "draft", ["抖音短视频脚本：开箱"]),
    ("general-ops-customer", "ops.song", "website", "approved", ["帮助中心：退款流程"]),
    ("general-ops-customer", "ops.tang", "website", "published", ["常见问题更新"]),
    ("app-ops", "app.liang", "app", "submitted", ["App 开屏文案", "推送文案：周末特惠"]),
    ("app-ops", "app.liang", "app", "returned", ["App 商店更新描述"]),
    ("app-ops", "app.lin", "app", "published", ["App 会员体系介绍"]),
    ("app-ops", "app.liang", "app", "withdrawn", ["App 旧版引导页"]),
    ("community-ops", "community.zhu", "community", "submitted", ["社群早安问候模板", "群规更新"]),
    ("community-ops", "community.qin", "community", "draft", ["社群打卡活动"]),
    ("community-ops", "community.zhu", "community", "scheduled", ["社群周年福利"]),
    ("community-ops", "community.qin", "community", "published", ["社群答疑汇总"]),
    ("community-ops", "community.zhu", "community", "archived", ["社群秋季活动回顾"]),
]  # fmt: skip

# Items whose current step is made overdue (by title).
OVERDUE = {
    "冬季新品图文",
    "品牌故事：十年坚守",
    "冬至节气海报文案",
    "积分商城上新公告",
    "群规更新",
}


def _reviewer(item):
    item = ContentItem.objects.select_related("current_step", "department").get(pk=item.pk)
    people = policy.reviewers_for(item, item.current_step)
    people.sort(key=lambda u: (u.username != "manager", u.username != "specialist", u.username))
    return item, people[0]


def _approve_until(item, *, stop_before_last=False, publish_at=None):
    item = ContentItem.objects.get(pk=item.pk)
    while item.state in ContentItem.PENDING_STATES:
        if stop_before_last and item.step_number == item.step_total:
            return item
        item, reviewer = _reviewer(item)
        last = item.step_number == item.step_total
        services.content_item_approve(
            actor=reviewer,
            item=item,
            version=item.version_number,
            step=item.step_number,
            checklist=list(ALL_CHECKS),
            comment="同意" if last else "",
            publish_at=publish_at if last else None,
        )
        item = ContentItem.objects.get(pk=item.pk)
    return item


def _drive(item, state, author, now, index):
    if state == "draft":
        return
    services.content_item_submit(actor=author, item=item, self_check=list(ALL_CHECKS))
    if state == "submitted":
        return
    if state == "waiting_specialist":
        _approve_until(item, stop_before_last=True)
    elif state == "returned":
        item, reviewer = _reviewer(item)
        services.content_item_return(
            actor=reviewer, item=item, version=item.version_number, step=item.step_number,
            comment="请核对文中数据并补充图片来源。",
        )  # fmt: skip
    elif state == "withdrawn":
        services.content_item_withdraw(actor=author, item=item, comment="选题调整")
    elif state == "approved":
        _approve_until(item)
    elif state == "scheduled":
        _approve_until(item, publish_at=now + dt.timedelta(days=2 + index, hours=2))
    elif state in ("published", "archived"):
        when = now - dt.timedelta(days=3 + index)
        _approve_until(item, publish_at=when)
        services.content_item_publish(item_id=item.pk, now=when + dt.timedelta(minutes=1))
        services.metrics_record(
            actor=author, item=ContentItem.objects.get(pk=item.pk),
            date=timezone.localtime(when).date() + dt.timedelta(days=1),
            reads=1200 + 137 * index, shares=40 + index, likes=85 + 3 * index,
            comments=12 + index, followers_gained=20 + index, followers_lost=index % 4,
        )  # fmt: skip
        if state == "archived":
            services.content_item_archive(actor=author, item=ContentItem.objects.get(pk=item.pk))


def load(stdout=None) -> None:
    User = get_user_model()
    users = {u.username: u for u in User.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    channels = {c.code: c for c in Channel.objects.all()}
    now = timezone.now()
    created = 0
    index = 0
    for dept_code, login, channel_code, state, titles in PLAN:
        author = users.get(login)
        if author is None or dept_code not in departments:
            continue
        for title in titles:
            index += 1
            if ContentItem.objects.filter(author=author, title=title).exists():
                continue
            with transaction.atomic():
                item = services.content_item_create(
                    actor=author,
                    department=departments[dept_code],
                    channel=channels[channel_code],
                    title=title,
                    body=BODY.format(title=title),
                    designer=users.get("designer") if dept_code == "wechat" else None,
                )
                _drive(item, state, author, now, index)
                if title in OVERDUE:
                    ContentItem.objects.filter(pk=item.pk).update(
                        step_due_at=now - dt.timedelta(days=2)
                    )
            created += 1
    copywriter, manager = users.get("copywriter"), users.get("manager")
    if copywriter and manager and not Topic.objects.exists():
        for title, status in [("春节系列选题", "accepted"), ("行业白皮书解读", "parked"),
                              ("竞品对比测评", "rejected"), ("用户共创计划", None)]:  # fmt: skip
            topic = services.topic_propose(
                actor=copywriter, department=departments["wechat"], title=title,
                proposal=f"{title}：目标用户、传播渠道与预期效果。", channel=channels["wechat-oa"],
            )  # fmt: skip
            if status:
                services.topic_decide(actor=manager, topic=topic, status=status, notes="选题会决议")
    if copywriter and not ContentPlan.objects.exists():
        today = timezone.localdate()
        services.plan_create(
            actor=copywriter, department=departments["wechat"], channel=channels["wechat-oa"],
            theme="每周品牌故事", format="article", frequency="每周两次",
            planned_dates=[today + dt.timedelta(days=d) for d in (1, 4, 8, 11, 15, 18)],
        )  # fmt: skip
        if users.get("community.zhu"):
            services.plan_create(
                actor=users["community.zhu"], department=departments["community-ops"],
                channel=channels["community"], theme="社群周末活动", format="poster",
                frequency="每周一次",
                planned_dates=[today + dt.timedelta(days=d) for d in (5, 12, 19)],
            )  # fmt: skip
    if stdout:
        stdout.write(f"content: {created} demo items created\n")
