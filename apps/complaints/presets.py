"""Shipped complaint categories, SLA policies and reply templates. Installing is
idempotent and never overwrites what a company has since edited (admin)."""

from decimal import Decimal

# code, Chinese, English, default severity
CATEGORIES = [
    ("content", "内容问题", "Content", "normal"),
    ("product", "产品功能", "Product function", "normal"),
    ("service", "服务态度", "Service attitude", "high"),
    ("campaign", "活动/奖品", "Campaign / prize", "normal"),
    ("technical", "技术故障", "Technical fault", "high"),
    ("billing", "费用/账单", "Billing", "high"),
    ("privacy", "隐私", "Privacy", "urgent"),
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
    if ComplaintCategory is None:
        from apps.complaints.models import ComplaintCategory, ReplyTemplate, SlaPolicy
    for order, (code, name, name_en, severity) in enumerate(CATEGORIES):
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
