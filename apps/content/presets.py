"""Shipped presets: the channels and the review chains of rulebooks 000, 003 and 004.
A department without a chain of its own gets the default (author → manager) the first
time one of its items is submitted; every chain is editable in the admin afterwards."""

from apps.content.models import ALL_CHECKS

# code, Chinese, English
CHANNELS = [
    ("wechat-oa", "微信公众号", "WeChat official account"),
    ("mini-program", "小程序", "Mini-program"),
    ("app", "App", "App"),
    ("weibo", "微博", "Weibo"),
    ("douyin", "抖音", "Douyin"),
    ("website", "网站", "Website"),
    ("community", "社群", "Community group"),
]

# Each step: (Chinese, English, kind, position codes, managerial_only, due working days)
MANAGER_STEP = ("经理审核", "Manager review", "review", [], True, 1)
DEFAULT_CHAIN = [MANAGER_STEP]
CHAINS = {
    "miniprogram-ops": [MANAGER_STEP],
    "community-ops": [MANAGER_STEP],
    "wechat": [
        ("文案自审", "Copywriter self-check", "self_check", [], False, 1),
        ("运营专员二审", "Specialist second review", "review", ["ops_specialist"], False, 1),
        (
            "运营经理终审",
            "Manager final approval",
            "review",
            ["ops_manager", "ops_director"],
            True,
            1,
        ),
    ],
}


def install_channels():
    from apps.content.models import Channel

    for order, (code, name, name_en) in enumerate(CHANNELS):
        Channel.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )


def build_chain(department, channel=None):
    """Create the preset chain for `department` (callers hold the transaction)."""
    from apps.content.models import ReviewChain, ReviewStep
    from apps.org.models import Position

    steps = CHAINS.get(department.code, DEFAULT_CHAIN)
    chain = ReviewChain.objects.create(
        department=department, channel=channel, name=f"{department.name} 审核流程"
    )
    for order, (name, name_en, kind, positions, managerial, days) in enumerate(steps, start=1):
        step = ReviewStep.objects.create(
            chain=chain,
            order=order,
            name=name,
            name_en=name_en,
            kind=kind,
            managerial_only=managerial,
            checklist=list(ALL_CHECKS),
            due_working_days=days,
        )
        if positions:
            step.positions.set(Position.objects.filter(code__in=positions))
    return chain


def install() -> None:
    """The channels, and the preset review chain of every department with a rulebook
    that has no default chain yet (the same chain its first submission would build), so
    a fresh install shows each rulebook's chain before any content exists."""
    from django.db import transaction

    from apps.content.models import ReviewChain
    from apps.org.models import Department

    install_channels()
    with_chain = ReviewChain.objects.filter(channel__isnull=True).values("department_id")
    for department in Department.objects.exclude(rulebook="").exclude(pk__in=with_chain):
        with transaction.atomic():
            build_chain(department)
