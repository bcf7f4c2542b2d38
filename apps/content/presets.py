"""Shipped presets: the channels and the review chains of the rulebooks. A department
without a chain of its own gets its rulebook's preset (Department.rulebook; author →
manager unless the rulebook says otherwise) the first time one of its items is
submitted; every chain is editable in the admin afterwards (a department can add a
manager step there, for instance)."""

from apps.content.models import Checklist as C

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

# The reviewer's checklist (SPEC §2: accuracy, legality and platform rules, positioning
# and audience, originality/attribution, layout, images matching the copy).
REVIEW_CHECKS = [C.ACCURACY, C.LEGALITY, C.POSITIONING, C.ORIGINALITY, C.LAYOUT, C.IMAGES]
# 003 §3.1.4: the copywriter checks 准确性、完整性和逻辑性 before the specialist's review.
SELF_CHECKS = [C.ACCURACY, C.COMPLETENESS, C.LOGIC]
# 003 §3.1.4: the designer checks the work fits the copy and the visual rules.
DESIGN_CHECKS = [C.LAYOUT, C.IMAGES]

# Each step: (Chinese, English, kind, position codes, managerial_only, checklist,
# due working days)
MANAGER_STEP = ("经理审核", "Manager review", "review", [], True, REVIEW_CHECKS, 1)
DEFAULT_CHAIN = [MANAGER_STEP]
# By rulebook (Department.rulebook). 003 has no manager step: the specialist's review
# is the last, and the specialist publishes on schedule (003 §3.1.4–5).
CHAINS = {
    "000": [MANAGER_STEP],
    "003": [
        ("文案自审", "Copywriter self-check", "self_check", [], False, SELF_CHECKS, 1),
        ("设计师自审", "Designer self-check", "designer_check", [], False, DESIGN_CHECKS, 1),
        (
            "运营专员二审",
            "Specialist second review",
            "review",
            ["ops_specialist"],
            False,
            REVIEW_CHECKS,
            1,
        ),
    ],
    "004": [MANAGER_STEP],
}


def install_channels():
    from apps.content.models import Channel

    for order, (code, name, name_en) in enumerate(CHANNELS):
        Channel.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )


def chain_preset(department) -> list:
    return CHAINS.get(department.rulebook or "", DEFAULT_CHAIN)


def build_chain(department, channel=None):
    """Create the preset chain for `department` (callers hold the transaction)."""
    from apps.content.models import ReviewChain, ReviewStep
    from apps.org.models import Position

    chain = ReviewChain.objects.create(
        department=department, channel=channel, name=f"{department.name} 审核流程"
    )
    for order, (name, name_en, kind, positions, managerial, checks, days) in enumerate(
        chain_preset(department), start=1
    ):
        step = ReviewStep.objects.create(
            chain=chain,
            order=order,
            name=name,
            name_en=name_en,
            kind=kind,
            managerial_only=managerial,
            checklist=[str(code) for code in checks],
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
