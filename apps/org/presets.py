"""Shipped presets from the five rulebooks (seeds 000–004): the position catalogue
with default authorities, and the department tree. Installing is idempotent: it
creates what is missing and never overwrites what a company has since edited."""

from apps.org.authorities import Authority as A
from apps.org.authorities import Scope as S

EVERYONE = [
    (A.VIEW_DEPARTMENT, S.DEPARTMENT),
    (A.APPEAL, S.DEPARTMENT),
    (A.SKIP_LEVEL_APPEAL, S.DEPARTMENT),
]
MANAGER = [
    (A.VIEW_DEPARTMENT, S.SUBTREE),
    (A.ASSIGN_WORK, S.SUBTREE),
    (A.SUPERVISE, S.SUBTREE),
    (A.APPRAISE, S.SUBTREE),
    (A.SPEND_BUDGET, S.SUBTREE),
    (A.REVIEW_CONTENT, S.SUBTREE),
    (A.APPROVE_CAMPAIGN, S.SUBTREE),
    (A.MANAGE_TRAINING, S.SUBTREE),
    (A.APPEAL, S.DEPARTMENT),
    (A.SKIP_LEVEL_APPEAL, S.DEPARTMENT),
]
SPECIALIST = EVERYONE + [
    (A.CREATE_CONTENT, S.DEPARTMENT),
    (A.PLAN_CAMPAIGN, S.DEPARTMENT),
    (A.IMPORT_METRICS, S.DEPARTMENT),
]
PARTNER = EVERYONE + [(A.COORDINATE_TASK, S.DEPARTMENT)]
# Seed 002 gives each of its five managers 有提出合理化建议权 and 对上级指令有提出改进权.
SEED_002_RIGHTS = [(A.SUGGEST, S.DEPARTMENT), (A.PROPOSE_IMPROVEMENT, S.DEPARTMENT)]

# code, Chinese name, English name, managerial, default authorities
POSITIONS = [
    (
        "ops_director",
        "运营总监",
        "Operations director",
        True,
        [(a, S.SUBTREE) for a, _ in MANAGER]
        + [(A.APPROVE_TRAINING_PLAN, S.SUBTREE), (A.VIEW_AUDIT_LOG, S.COMPANY)],
    ),
    ("ops_manager", "运营经理", "Operations manager", True, MANAGER),
    ("ops_specialist", "运营专员", "Operations specialist", False, SPECIALIST),
    ("tech_support", "技术支持", "Technical support", False, PARTNER),
    (
        "data_analyst",
        "数据分析员",
        "Data analyst",
        False,
        EVERYONE + [(A.IMPORT_METRICS, S.DEPARTMENT)],
    ),
    ("designer", "设计师", "Designer", False, EVERYONE + [(A.CREATE_CONTENT, S.DEPARTMENT)]),
    ("copywriter", "文案策划", "Copywriter", False, EVERYONE + [(A.CREATE_CONTENT, S.DEPARTMENT)]),
    (
        "customer_service",
        "客服",
        "Customer service",
        False,
        EVERYONE + [(A.HANDLE_COMPLAINT, S.DEPARTMENT)],
    ),
    ("community_manager", "社群运营经理", "Community ops manager", True, MANAGER),
    ("community_specialist", "社群运营专员", "Community ops specialist", False, SPECIALIST),
    (
        "community_service",
        "社群客服",
        "Community service",
        False,
        EVERYONE + [(A.HANDLE_COMPLAINT, S.DEPARTMENT)],
    ),
    (
        "new_media_manager",
        "新媒体经理",
        "New-media manager",
        True,
        EVERYONE
        + SEED_002_RIGHTS
        + [
            (A.CONTENT_PRIORITY, S.DEPARTMENT),
            (A.CREATE_CONTENT, S.DEPARTMENT),
            (A.REVIEW_CONTENT, S.DEPARTMENT),
        ],
    ),
    (
        "channel_manager",
        "渠道拓展经理",
        "Channel manager",
        True,
        EVERYONE
        + SEED_002_RIGHTS
        + [
            (A.WORK_COORDINATION, S.DEPARTMENT),
            (A.PLAN_CAMPAIGN, S.DEPARTMENT),
            (A.IMPORT_METRICS, S.DEPARTMENT),
        ],
    ),
    (
        "content_planning_manager",
        "内容策划经理",
        "Content-planning manager",
        True,
        EVERYONE
        + SEED_002_RIGHTS
        + [(A.CREATE_CONTENT, S.DEPARTMENT), (A.REVIEW_CONTENT, S.DEPARTMENT)],
    ),
    (
        "user_ops_manager",
        "用户运营经理",
        "User-ops manager",
        True,
        EVERYONE
        + SEED_002_RIGHTS
        + [
            (A.CHANNEL_RESOURCES, S.DEPARTMENT),
            (A.HANDLE_COMPLAINT, S.DEPARTMENT),
            (A.IMPORT_METRICS, S.DEPARTMENT),
        ],
    ),
    (
        "campaign_ops_manager",
        "活动运营经理",
        "Campaign-ops manager",
        True,
        EVERYONE
        + SEED_002_RIGHTS
        + [(A.CAMPAIGN_COORDINATION, S.DEPARTMENT), (A.PLAN_CAMPAIGN, S.DEPARTMENT)],
    ),
    (
        "hr",
        "人力资源专员",
        "HR",
        False,
        EVERYONE
        + [
            (A.RUN_APPRAISAL_CYCLE, S.COMPANY),
            (A.MANAGE_TRAINING, S.COMPANY),
            (A.MANAGE_ORG, S.COMPANY),
            (A.VIEW_DEPARTMENT, S.COMPANY),
            (A.VIEW_AUDIT_LOG, S.COMPANY),
        ],
    ),
    ("product_manager", "产品经理", "Product manager", False, PARTNER),
    ("sales_rep", "销售专员", "Sales representative", False, PARTNER),
    ("marketing_specialist", "市场专员", "Marketing specialist", False, PARTNER),
]


def _merge(authorities):
    """Later entries for the same authority win (e.g. HR's company-wide 知情权)."""
    return dict(authorities)


# code, Chinese, English, kind, parent code, partner, rulebook, posts, overrides
# overrides: {position code: [(authority, scope)]} added for that department only.
DEPARTMENTS = [
    ("company", "星海科技", "Xinghai Technology", "company", None, False, "", ["ops_director"], {}),
    (
        "miniprogram-ops",
        "小程序运营部",
        "Mini-program Ops",
        "department",
        "company",
        False,
        "000",
        ["ops_manager", "ops_specialist", "tech_support"],
        {"ops_specialist": [(A.HANDLE_COMPLAINT, S.DEPARTMENT)]},
    ),
    (
        "general-ops",
        "运营部",
        "Operations",
        "department",
        "company",
        False,
        "001",
        ["ops_manager", "ops_specialist", "data_analyst"],
        {},
    ),
    (
        "general-ops-marketing",
        "市场推广小组",
        "Market Promotion Group",
        "group",
        "general-ops",
        False,
        "001",
        ["ops_specialist"],
        {},
    ),
    (
        "general-ops-customer",
        "客户运营小组",
        "Customer Ops Group",
        "group",
        "general-ops",
        False,
        "001",
        ["ops_specialist"],
        {},
    ),
    (
        "general-ops-product",
        "产品运营小组",
        "Product Ops Group",
        "group",
        "general-ops",
        False,
        "001",
        ["ops_specialist", "data_analyst"],
        {},
    ),
    (
        "app-ops",
        "App运营部",
        "App Ops",
        "department",
        "company",
        False,
        "002",
        [
            "ops_manager",
            "new_media_manager",
            "channel_manager",
            "content_planning_manager",
            "user_ops_manager",
            "campaign_ops_manager",
        ],
        {},
    ),
    (
        "wechat",
        "微信部",
        "WeChat",
        "department",
        "company",
        False,
        "003",
        ["ops_manager", "ops_specialist", "designer", "copywriter", "customer_service"],
        {"ops_specialist": [(A.REVIEW_CONTENT, S.DEPARTMENT)]},
    ),
    (
        "community-ops",
        "社群运营部",
        "Community Ops",
        "department",
        "company",
        False,
        "004",
        ["community_manager", "community_specialist", "community_service"],
        {},
    ),
    ("tech", "技术部", "Technology", "department", "company", True, "", ["tech_support"], {}),
    (
        "design",
        "设计部",
        "Design",
        "department",
        "company",
        True,
        "",
        ["designer"],
        {"designer": [(A.COORDINATE_TASK, S.DEPARTMENT)]},
    ),
    ("hr", "人力资源部", "Human Resources", "department", "company", True, "", ["hr"], {}),
    ("sales", "销售部", "Sales", "department", "company", True, "", ["sales_rep"], {}),
    (
        "marketing",
        "市场部",
        "Marketing",
        "department",
        "company",
        True,
        "",
        ["marketing_specialist"],
        {},
    ),
    ("product", "产品部", "Product", "department", "company", True, "", ["product_manager"], {}),
]


# The rights each rulebook's 岗位权限 section grants a position, in the seed's words
# (simplified), with the authorities that carry them: the authority catalogue
# (/org/authorities/) shows them beside each post's authorities. A right carried by no
# authority (直接执行权: doing the post's own work) needs no separate check.
# {rulebook: {position code: (the seed's title, [(wording, (authority, …)), …])}}
_SUGGEST = ("有提出合理化建议权", (A.SUGGEST,))
_IMPROVE = ("对上级指令有提出改进权", (A.PROPOSE_IMPROVEMENT,))
_SKIP_LEVEL = ("有越级申诉权", (A.SKIP_LEVEL_APPEAL,))
WORDING = {
    "002": {
        "ops_manager": (
            "运营总监",
            [
                ("对本部门员工有工作分配权", (A.ASSIGN_WORK,)),
                ("对本部门员工工作的督导权", (A.SUPERVISE,)),
                ("对本部门员工的考核权", (A.APPRAISE,)),
                ("对相关信息的知情权", (A.VIEW_DEPARTMENT,)),
                ("对本部门预算内资金的支配权", (A.SPEND_BUDGET,)),
                ("对本岗位工作的直接执行权", ()),
            ],
        ),
        "new_media_manager": (
            "新媒体经理",
            [_SUGGEST, _IMPROVE, _SKIP_LEVEL, ("有内容优先使用权", (A.CONTENT_PRIORITY,))],
        ),
        "channel_manager": (
            "渠道拓展经理",
            [_SUGGEST, _IMPROVE, _SKIP_LEVEL, ("有工作协同权", (A.WORK_COORDINATION,))],
        ),
        "content_planning_manager": (
            "内容策划经理",
            [
                _SUGGEST,
                _IMPROVE,
                _SKIP_LEVEL,
                ("内容审核和采集权", (A.REVIEW_CONTENT, A.CREATE_CONTENT)),
            ],
        ),
        "user_ops_manager": (
            "用户运营经理",
            [_SUGGEST, _IMPROVE, _SKIP_LEVEL, ("有渠道资源使用权", (A.CHANNEL_RESOURCES,))],
        ),
        "campaign_ops_manager": (
            "活动运营经理",
            [_SUGGEST, _IMPROVE, _SKIP_LEVEL, ("活动执行协同权", (A.CAMPAIGN_COORDINATION,))],
        ),
    },
}


def install_positions(Position, PositionAuthority) -> None:
    """Create missing catalogue positions and their default authorities.

    Takes the model classes so a data migration can pass its historical models."""
    for order, (code, name, name_en, managerial, authorities) in enumerate(POSITIONS):
        position, _created = Position.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "is_managerial": managerial,
                "sort_order": order * 10,
            },
        )
        for authority, scope in _merge(authorities).items():
            PositionAuthority.objects.get_or_create(
                position=position, authority=authority, defaults={"scope": scope}
            )


def install():
    """Positions and their default authorities, the department tree and each
    department's posts, through the org service (departments audited as the system)."""
    from apps.org.services import org_presets_install

    return org_presets_install()
