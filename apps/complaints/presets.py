"""Shipped complaint categories, SLA policies and reply templates. Installing is
idempotent and never overwrites what a company has since edited (admin)."""

from decimal import Decimal

# The position that handles complaints under each rulebook: 000 §5.3 运营专员处理用户投诉,
# 003 §2.4 客服人员负责用户咨询和投诉处理, 004 §2.3 社群客服处理用户投诉和纠纷.
HANDLER_POSITIONS = {
    "000": "ops_specialist",
    "003": "customer_service",
    "004": "community_service",
}

# code, Chinese, English, default severity, handling rulebook. WeChat customer service
# (003) takes the general categories, as the company's complaint line; the mini-program
# and the community groups take their own.
CATEGORIES = [
    ("content", "内容问题", "Content", "normal", "003"),
    ("product", "产品功能", "Product function", "normal", "003"),
    ("service", "服务态度", "Service attitude", "high", "003"),
    ("campaign", "活动/奖品", "Campaign / prize", "normal", "003"),
    ("technical", "技术故障", "Technical fault", "high", "003"),
    ("billing", "费用/账单", "Billing", "high", "003"),
    ("privacy", "隐私", "Privacy", "urgent", "003"),
    ("mini-program", "小程序使用问题", "Mini-program", "normal", "000"),
    ("community", "社群纠纷", "Community group dispute", "normal", "004"),
]

# severity, working hours to accept, working hours to resolve
SLA = [
    ("low", Decimal("16"), Decimal("80")),
    ("normal", Decimal("8"), Decimal("40")),
    ("high", Decimal("4"), Decimal("16")),
    ("urgent", Decimal("1"), Decimal("8")),
]

# category code (None: any), title, text
REPLY_TEMPLATES = [
    (
        None,
        "已受理",
        "您好，您的投诉我们已受理，会尽快处理，并在这里向您反馈进展。感谢您的耐心。",
    ),
    (
        "technical",
        "技术排查中",
        "您好，我们已请技术部排查您反馈的问题，预计在约定时间内给您答复。",
    ),
    (
        "campaign",
        "奖品核实",
        "您好，我们正在核实您的中奖与奖品发放记录，核实后会第一时间联系您。",
    ),
    (
        "billing",
        "费用核对",
        "您好，我们已提交财务核对您的费用记录，如有误扣将全额退还。",
    ),
]


def install(ComplaintCategory=None, SlaPolicy=None, ReplyTemplate=None) -> None:
    """A data migration passes its historical models; install_presets the live ones."""
    live = ComplaintCategory is None
    if live:
        from apps.complaints.models import ComplaintCategory, ReplyTemplate, SlaPolicy
    for order, (code, name, name_en, severity, _rulebook) in enumerate(CATEGORIES):
        ComplaintCategory.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "default_severity": severity,
                "sort_order": order * 10,
            },
        )
    for severity, accept, resolve in SLA:
        SlaPolicy.objects.get_or_create(
            severity=severity, defaults={"hours_to_accept": accept, "hours_to_resolve": resolve}
        )
    if not ReplyTemplate.objects.exists():
        for code, title, body in REPLY_TEMPLATES:
            category = ComplaintCategory.objects.filter(code=code).first() if code else None
            ReplyTemplate.objects.create(category=category, title=title, body=body)
    if live:
        from apps.org.models import Position

        install_routing(ComplaintCategory, Position)


def install_routing(ComplaintCategory, Position) -> None:
    """Each preset category's handling rulebook and position (migration 0004 passes its
    historical models). A category still unrouted (no rulebook, department or position)
    gets the preset; one a company has routed is left as it is."""
    positions = {p.code: p for p in Position.objects.filter(code__in=HANDLER_POSITIONS.values())}
    for order, (code, name, name_en, severity, rulebook) in enumerate(CATEGORIES):
        routing = {"rulebook": rulebook, "position": positions.get(HANDLER_POSITIONS[rulebook])}
        category, created = ComplaintCategory.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "default_severity": severity,
                "sort_order": order * 10,
                **routing,
            },
        )
        unrouted = not (category.rulebook or category.department_id or category.position_id)
        if not created and unrouted:
            ComplaintCategory.objects.filter(pk=category.pk).update(**routing)
