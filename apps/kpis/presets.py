"""Shipped presets from the rulebooks: the indicator library, each department's policy
(cycles, bands) and templates (000 §9, 001 §4, 002 KPI table, 003 §5, 004 §6).
Installing is idempotent: it creates what is missing and never overwrites edits."""

from decimal import Decimal

from django.db import transaction

from apps.org.models import Department, Position

from .models import AppraisalPolicy, AppraisalTemplate, CycleTiming, GradeBand, Indicator
from .policies import DEFAULT_BANDS

Q_, L_ = "quantitative", "qualitative"

LEVELS = [
    {
        "value": 5,
        "descriptor": "远超期望，堪为表率",
        "descriptor_en": "Far beyond expectations; a model for others",
    },
    {"value": 4, "descriptor": "超出期望", "descriptor_en": "Above expectations"},
    {"value": 3, "descriptor": "达到期望", "descriptor_en": "Meets expectations"},
    {
        "value": 2,
        "descriptor": "部分达到，需要改进",
        "descriptor_en": "Partly meets; needs improvement",
    },
    {"value": 1, "descriptor": "未达到期望", "descriptor_en": "Below expectations"},
]


def _part(key, name, name_en, weight, source):
    """A sub-measure of a composite indicator (scoring.composite_value)."""
    return {"key": key, "name": name, "name_en": name_en, "weight": weight, "source": source}


# code, Chinese, English, kind, extra
INDICATORS = [
    # 003 WeChat
    (
        "wx_ops_metrics",
        "公众号运营指标",
        "Official-account metrics",
        Q_,
        {
            "unit": "%",
            "source": "auto",
            "auto_source": "content.reads",
            "floor": "0.5",
            "cap": "1",
            "description": "粉丝增长数、阅读量、转发量、点赞数、评论数的完成情况",
            # 003 §5(二)1: a composite of five figures; weights are the product's default.
            "components": [
                _part("followers", "粉丝增长数", "Follower growth", 30, "content.followers_gained"),
                _part("reads", "阅读量", "Reads", 30, "content.reads"),
                _part("shares", "转发量", "Shares", 20, "content.shares"),
                _part("likes", "点赞数", "Likes", 10, "content.likes"),
                _part("comments", "评论数", "Comments", 10, "content.comments"),
            ],
        },
    ),
    (
        "wx_campaign_effect",
        "活动策划与执行效果",
        "Campaign planning and effect",
        Q_,
        {
            "unit": "%",
            "formula": "value",
            "source": "auto",
            "auto_source": "campaigns.targets_met_pct",
            "floor": "40",
            "cap": "100",
            "description": "活动参与人数、活动转化率、活动满意度（目标达成率）",
        },
    ),
    ("collaboration", "业务协作贡献", "Collaboration with other departments", L_, {}),
    ("skills", "专业技能水平", "Professional skills", L_, {}),
    ("learning", "学习能力与创新能力", "Learning and innovation", L_, {}),
    ("responsibility", "责任心", "Responsibility", L_, {}),
    ("teamwork", "团队合作精神", "Teamwork", L_, {}),
    ("initiative", "工作积极性", "Initiative", L_, {}),
    (
        "rules",
        "遵守公司规章制度",
        "Following company rules",
        Q_,
        {
            # 003 §5(二)4: 根据日常考勤和纪律表现进行评分 — scored from attendance records.
            "unit": "分",
            "formula": "value",
            "source": "auto",
            "auto_source": "kpis.attendance",
            "floor": "0",
            "cap": "100",
            "description": "按考勤记录评分：100 分起，旷工每天扣 20 分，迟到、早退每次扣 5 分",
        },
    ),
    ("confidentiality", "保密意识", "Confidentiality", L_, {}),
    ("ethics", "职业道德", "Professional ethics", L_, {}),
    # 000 mini-program
    (
        "mp_user_growth",
        "用户量、活跃度、留存率增长",
        "User, activity and retention growth",
        Q_,
        {"unit": "%", "source": "csv", "floor": "0.6", "cap": "1.2"},
    ),
    (
        "mp_plan_done",
        "部门工作计划完成情况",
        "Department plan completion",
        Q_,
        {"unit": "%", "source": "manual", "floor": "0.5", "cap": "1"},
    ),
    ("mp_team_management", "团队管理效果", "Team management", L_, {}),
    (
        "mp_content_updates",
        "内容更新的质量和数量",
        "Content updates (quality and quantity)",
        Q_,
        {
            "unit": "篇",
            "source": "auto",
            "auto_source": "content.items_published",
            "floor": "0",
            "cap": "1",
        },
    ),
    (
        "mp_user_interaction",
        "用户互动管理效果",
        "User interaction (reply rate, satisfaction)",
        Q_,
        {
            "unit": "%",
            "source": "auto",
            "auto_source": "complaints.accepted_in_sla_pct",
            "floor": "0.6",
            "cap": "1",
            "description": "回复率、用户满意度等",
            # 000 §9(二)2: 用户互动管理的效果，如回复率、用户满意度等.
            "components": [
                _part(
                    "reply_rate",
                    "回复率（时限内受理）",
                    "Reply rate (accepted in time)",
                    50,
                    "complaints.accepted_in_sla_pct",
                ),
                _part("satisfaction", "用户满意度", "Satisfaction", 50, "complaints.satisfaction"),
            ],
        },
    ),
    (
        "mp_campaign_execution",
        "推广活动执行效果",
        "Promotion execution (participants, conversion)",
        Q_,
        {
            "unit": "人",
            "source": "auto",
            "auto_source": "campaigns.participants",
            "floor": "0.3",
            "cap": "1",
        },
    ),
    ("data_support", "数据分析与决策支持能力", "Data analysis for decisions", L_, {}),
    (
        "tech_stability",
        "技术稳定性和性能优化",
        "Technical stability and performance",
        Q_,
        {
            "unit": "%",
            "formula": "value",
            "source": "manual",
            "rule": "bands",
            "bands": [[99.9, 100], [99.5, 85], [99, 70], [95, 50]],
        },
    ),
    (
        "tech_fix_rate",
        "技术问题解决及时率和准确率",
        "Technical issues solved in time and right",
        Q_,
        {
            "unit": "%",
            "formula": "value",
            "source": "auto",
            "auto_source": "complaints.department_sla_pct",
            "floor": "50",
            "cap": "95",
        },
    ),
    ("tech_development", "技术开发和升级能力", "Development and upgrades", L_, {}),
    # 001 general ops
    (
        "go_target_completion",
        "推广目标完成情况",
        "Promotion targets met",
        Q_,
        {
            "unit": "%",
            "formula": "value",
            "source": "auto",
            "auto_source": "campaigns.targets_met_pct",
            "floor": "50",
            "cap": "100",
            "description": "销售额、新客户数量、品牌知名度提升等",
        },
    ),
    # 001 §4(一)1 per group: marketing, customer ops, product ops.
    (
        "go_sales",
        "销售额",
        "Sales",
        Q_,
        {"unit": "元", "source": "csv", "floor": "0.5", "cap": "1"},
    ),
    (
        "go_new_customers",
        "新客户数量",
        "New customers",
        Q_,
        {"unit": "个", "source": "csv", "floor": "0.5", "cap": "1"},
    ),
    (
        "go_brand_awareness",
        "品牌知名度提升",
        "Brand awareness (exposure)",
        Q_,
        {
            "unit": "次",
            "source": "csv",
            "floor": "0.5",
            "cap": "1",
            "description": "以品牌曝光量衡量",
        },
    ),
    (
        "cu_satisfaction",
        "客户满意度",
        "Customer satisfaction",
        Q_,
        {"unit": "分", "formula": "value", "source": "csv", "floor": "3", "cap": "5"},
    ),
    (
        "cu_loyalty",
        "客户忠诚度",
        "Customer loyalty (retention)",
        Q_,
        {"unit": "%", "source": "csv", "floor": "0.6", "cap": "1"},
    ),
    (
        "cu_repurchase",
        "客户复购率",
        "Repurchase rate",
        Q_,
        {"unit": "%", "source": "csv", "floor": "0.5", "cap": "1"},
    ),
    ("pd_optimisation", "产品功能优化效果", "Effect of product improvements", L_, {}),
    ("pd_ux", "用户体验提升情况", "User experience improvement", L_, {}),
    (
        "pd_sales_growth",
        "产品销售额增长",
        "Product sales growth",
        Q_,
        {"unit": "%", "source": "csv", "floor": "0.5", "cap": "1"},
    ),
    ("knowledge", "专业知识与技能", "Professional knowledge and skills", L_, {}),
    ("problem_solving", "问题解决能力", "Problem solving", L_, {}),
    ("communication", "沟通协作能力", "Communication and collaboration", L_, {}),
    # 002 app ops
    (
        "download_completion",
        "阶段下载量完成度",
        "Stage download completion",
        Q_,
        {
            "unit": "次",
            "source": "csv",
            "floor": "0.6",
            "cap": "1",
            "description": "阶段下载量完成度 = 实际下载量 / 计划下载量",
        },
    ),
    # 004 community
    (
        "cm_member_growth",
        "社群成员增长数量",
        "Community member growth",
        Q_,
        {"unit": "人", "source": "csv", "floor": "0.5", "cap": "1"},
    ),
    (
        "cm_activity",
        "活跃度提升幅度",
        "Activity increase",
        Q_,
        {"unit": "%", "source": "csv", "floor": "0.5", "cap": "1"},
    ),
    (
        "cm_retention",
        "用户留存率",
        "Member retention",
        Q_,
        {"unit": "%", "formula": "value", "source": "csv", "floor": "40", "cap": "80"},
    ),
    (
        "cm_participation",
        "活动参与度",
        "Campaign participation",
        Q_,
        {
            "unit": "人",
            "source": "auto",
            "auto_source": "campaigns.participants",
            "floor": "0.3",
            "cap": "1",
        },
    ),
    (
        "cm_conversion",
        "转化率",
        "Conversion rate",
        Q_,
        {"unit": "%", "source": "csv", "floor": "0.5", "cap": "1"},
    ),
    ("cm_content_quality", "内容创作质量", "Content quality", L_, {}),
    (
        "cm_satisfaction",
        "用户服务满意度",
        "Member service satisfaction",
        Q_,
        {
            "unit": "分",
            "formula": "value",
            "source": "auto",
            "auto_source": "complaints.satisfaction",
            "floor": "3",
            "cap": "5",
        },
    ),
    ("cm_rules", "社群规则执行情况", "Community rules enforcement", L_, {}),
    ("innovation", "创新能力", "Innovation", L_, {}),
]


def _section(name, name_en, weight, items, mix=(70, 20, 10)):
    """items: (code, weight, target[, {"raters": …, "part_targets": {…}}])."""
    return {
        "name": name,
        "name_en": name_en,
        "weight": Decimal(weight),
        "supervisor_share": mix[0],
        "peer_share": mix[1],
        "self_share": mix[2],
        "items": [
            {"indicator": code, "weight": Decimal(w), "target": t, **(extra[0] if extra else {})}
            for code, w, t, *extra in items
        ],
    }


def _by(raters, **extra):
    return {"raters": raters, **extra}


SUPERVISOR, TEAM, PEERS_SUPERVISOR, DATA = "supervisor", "team", "peers_supervisor", "data"
# 000 §9(四): the superior scores each indicator; the self-assessment is a work summary.
SELF_SUMMARY_ONLY = {"000"}


PERFORMANCE, ABILITY, ATTITUDE = (
    ("工作业绩", "Performance"),
    ("工作能力", "Ability"),
    ("工作态度", "Attitude"),
)
PROFESSIONALISM = ("职业素养", "Professionalism")

# 003 §5(二), verbatim weights.
WECHAT = [
    _section(
        *PERFORMANCE,
        60,
        [
            (
                "wx_ops_metrics",
                30,
                None,
                _by(
                    DATA,
                    part_targets={
                        "followers": 500,
                        "reads": 50000,
                        "shares": 2000,
                        "likes": 3000,
                        "comments": 500,
                    },
                ),
            ),
            ("wx_campaign_effect", 20, None),
            ("collaboration", 10, None),
        ],
    ),
    _section(*ABILITY, 20, [("skills", 10, None), ("learning", 10, None)]),
    _section(
        *ATTITUDE,
        15,
        [
            ("responsibility", 5, None),
            ("teamwork", 5, None, _by(TEAM)),  # 通过团队成员评价进行评分
            ("initiative", 5, None),
        ],
    ),
    _section(
        *PROFESSIONALISM,
        5,
        [
            ("rules", 2, None, _by(DATA)),  # 根据日常考勤和纪律表现进行评分
            ("confidentiality", 2, None),
            ("ethics", 1, None, _by(PEERS_SUPERVISOR)),  # 通过同事评价和上级评价进行评分
        ],
    ),
]
MP_MANAGER = [
    _section(
        *PERFORMANCE, 60, [("mp_user_growth", 40, Decimal("1")), ("mp_plan_done", 20, Decimal("1"))]
    ),
    _section(
        *ABILITY,
        40,
        [
            ("mp_team_management", 20, None, _by(SUPERVISOR)),
            ("collaboration", 20, None, _by(SUPERVISOR)),
        ],
    ),
]
MP_SPECIALIST = [
    _section(
        *PERFORMANCE,
        80,
        [
            ("mp_content_updates", 30, Decimal("20")),
            (
                "mp_user_interaction",
                25,
                None,
                _by(DATA, part_targets={"reply_rate": 95, "satisfaction": Decimal("4.5")}),
            ),
            ("mp_campaign_execution", 25, Decimal("500")),
        ],
    ),
    _section(*ABILITY, 20, [("data_support", 20, None, _by(SUPERVISOR))]),
]
MP_TECH = [
    _section(*PERFORMANCE, 70, [("tech_stability", 40, None), ("tech_fix_rate", 30, None)]),
    _section(*ABILITY, 30, [("tech_development", 30, None, _by(SUPERVISOR))]),
]
GENERAL = [
    _section(*PERFORMANCE, 60, [("go_target_completion", 60, None)]),
    _section(
        *ABILITY,
        25,
        [("knowledge", 10, None), ("problem_solving", 8, None), ("communication", 7, None)],
    ),
    _section(
        *ATTITUDE, 15, [("responsibility", 5, None), ("initiative", 5, None), ("teamwork", 5, None)]
    ),
]
# 001 §4(一)1: each group's performance indicators; ability and attitude as GENERAL.
_GENERAL_REST = GENERAL[1:]
MARKETING = [
    _section(
        *PERFORMANCE,
        60,
        [
            ("go_sales", 25, Decimal("1000000")),
            ("go_new_customers", 20, Decimal("200")),
            ("go_brand_awareness", 15, Decimal("1000000")),
        ],
    ),
    *_GENERAL_REST,
]
CUSTOMER_OPS = [
    _section(
        *PERFORMANCE,
        60,
        [
            ("cu_satisfaction", 20, None),
            ("cu_loyalty", 20, Decimal("80")),
            ("cu_repurchase", 20, Decimal("30")),
        ],
    ),
    *_GENERAL_REST,
]
PRODUCT_OPS = [
    _section(
        *PERFORMANCE,
        60,
        [
            ("pd_optimisation", 20, None),
            ("pd_ux", 20, None),
            ("pd_sales_growth", 20, Decimal("10")),
        ],
    ),
    *_GENERAL_REST,
]
APP = [
    _section(*PERFORMANCE, 70, [("download_completion", 70, Decimal("100000"))]),
    _section(
        *ATTITUDE,
        30,
        [("responsibility", 10, None), ("teamwork", 10, None), ("initiative", 10, None)],
    ),
]
COMMUNITY = [
    _section(
        *PERFORMANCE,
        60,
        [
            ("cm_member_growth", 15, Decimal("500")),
            ("cm_activity", 10, Decimal("10")),
            ("cm_retention", 10, None),
            ("cm_conversion", 10, Decimal("5")),  # 004 §6(一)1: 转化率
            ("cm_participation", 15, Decimal("300")),
        ],
    ),
    _section(
        "工作质量",
        "Quality",
        25,
        [("cm_content_quality", 10, None), ("cm_satisfaction", 10, None), ("cm_rules", 5, None)],
    ),
    _section(
        *ABILITY, 15, [("teamwork", 5, None), ("communication", 5, None), ("innovation", 5, None)]
    ),
]

# department code, rulebook, policy, {position code: sections}
DEPARTMENTS = [
    (
        "wechat",
        "003",
        {"monthly": True, "quarterly": False},
        dict.fromkeys(
            ("ops_manager", "ops_specialist", "designer", "copywriter", "customer_service"), WECHAT
        ),
    ),
    (
        "miniprogram-ops",
        "000",
        {"monthly": True, "quarterly": False, "appeal_route": "manager_final"},
        {"ops_manager": MP_MANAGER, "ops_specialist": MP_SPECIALIST, "tech_support": MP_TECH},
    ),
    (
        "general-ops",
        "001",
        {"monthly": False, "quarterly": True, "annual_rule": "quarterly_mean"},
        dict.fromkeys(("ops_manager", "ops_specialist", "data_analyst"), GENERAL),
    ),
    (
        "app-ops",
        "002",
        {"monthly": True, "quarterly": False, "appeal_route": "director"},
        dict.fromkeys(
            (
                "ops_manager",
                "new_media_manager",
                "channel_manager",
                "content_planning_manager",
                "user_ops_manager",
                "campaign_ops_manager",
            ),
            APP,
        ),
    ),
    (
        "community-ops",
        "004",
        {"monthly": True, "quarterly": False},
        dict.fromkeys(
            ("community_manager", "community_specialist", "community_service"), COMMUNITY
        ),
    ),
]

# Groups whose positions have templates of their own (they follow their department's
# policy): group code, rulebook, {position code: sections}.
GROUPS = [
    ("general-ops-marketing", "001", dict.fromkeys(("ops_specialist", "data_analyst"), MARKETING)),
    (
        "general-ops-customer",
        "001",
        dict.fromkeys(("ops_specialist", "data_analyst"), CUSTOMER_OPS),
    ),
    ("general-ops-product", "001", dict.fromkeys(("ops_specialist", "data_analyst"), PRODUCT_OPS)),
]

GUIDE = {"S": 10, "A": 20, "B": 50, "C": 15, "D": 5}

# --- Cycle timing per rulebook (AppraisalPolicy → CycleTiming; apps.kpis.schedule) ------
# (opens, open_days, self, peer, supervisor, manager review, close by day): opening counts
# from the period's last working day, stages in working days from the opening day.
# 000 §9(三)(四), 003 §5(三)(四): 员工每月末提交工作总结, 月度考核于次月上旬进行 — the
#   summary is due on the month's last working day and manager review closes by the 10th,
#   also after the National Day week (2025: only 9 and 10 October are working days).
# 003 adds 同事互评 (a peer-review day). 年度考核于次年1月(份)进行 — annual in January.
# 004 §6(二): monthly, 次月上旬 as 000/003 (issue 12); annual from the monthly results.
# 001 §4(二): 季度考核于每季度末进行, 年度考核在每年年末进行 — every stage closes on the
#   quarter's (year's) last working day.
# 002: its rulebook sets no cycle dates; it keeps the product's default (monthly from the
#   first working day after the month, stages on its 3rd/5th/7th/9th working day).
MONTH_END_003 = ("before_end", 4, 3, 4, 5, 6, 10)
MONTH_END = ("before_end", 3, 3, 3, 4, 5, 10)
JANUARY = ("after_end", 1, 15, 15, 15, 15, 31)
PERIOD_END = ("before_end", 5, 2, 2, 4, 5, 0)
TIMINGS = {
    "000": {"monthly": MONTH_END, "annual": JANUARY},
    "001": {"quarterly": PERIOD_END, "annual": PERIOD_END},
    "003": {"monthly": MONTH_END_003, "annual": JANUARY},
    "004": {"monthly": MONTH_END},
}
TIMING_FIELDS = (
    "opens",
    "open_days",
    "self_days",
    "peer_days",
    "supervisor_days",
    "calibration_days",
    "close_by_day",
)


def install_timings(policy, rulebook: str) -> None:
    """The rulebook's cycle timings for `policy`, where it has none of that kind yet."""
    for kind, values in TIMINGS.get(rulebook, {}).items():
        CycleTiming.objects.get_or_create(
            policy=policy, kind=kind, defaults=dict(zip(TIMING_FIELDS, values, strict=True))
        )


def install_indicators() -> dict[str, Indicator]:
    result = {}
    for code, name, name_en, kind, extra in INDICATORS:
        defaults = {"name": name, "name_en": name_en, "kind": kind, **extra}
        if kind == L_:
            defaults.setdefault("levels", LEVELS)
            defaults.setdefault("scale_max", 5)
        else:
            defaults.setdefault("rule", "linear")
        result[code], _c = Indicator.objects.get_or_create(code=code, defaults=defaults)
    return result


@transaction.atomic
def install() -> dict:
    """Indicators, policies, bands and templates for the five ops departments (those
    that exist). Returns {department code: {position code: template}}."""

    indicators = install_indicators()
    departments = {
        d.code: d for d in Department.objects.filter(code__in=[d[0] for d in DEPARTMENTS])
    }
    positions = {p.code: p for p in Position.objects.all()}
    installed = {}
    for code, rulebook, policy_data, templates in DEPARTMENTS:
        department = departments.get(code)
        if department is None:
            continue
        policy, created = AppraisalPolicy.objects.get_or_create(
            department=department, defaults={**policy_data, "guide_distribution": GUIDE}
        )
        if created:
            GradeBand.objects.bulk_create(
                GradeBand(policy=policy, grade=g, min_score=m, bonus_coefficient=c)
                for g, m, c in DEFAULT_BANDS
            )
        install_timings(policy, rulebook)
        installed[code] = {}
        for position_code, sections in templates.items():
            position = positions.get(position_code)
            if position is None:
                continue
            installed[code][position_code] = _install_template(
                department, position, sections, rulebook, indicators
            )
    groups = {d.code: d for d in Department.objects.filter(code__in=[g[0] for g in GROUPS])}
    for code, rulebook, templates in GROUPS:
        if code not in groups:
            continue
        installed[code] = {
            position_code: _install_template(
                groups[code], positions[position_code], sections, rulebook, indicators
            )
            for position_code, sections in templates.items()
            if position_code in positions
        }
    return installed


def _install_template(department, position, sections, rulebook, indicators):
    """The active template of (department, position), made from `sections` if none."""
    from . import services

    existing = AppraisalTemplate.objects.filter(
        department=department, position=position, is_active=True
    ).first()
    if existing is not None:
        return existing
    resolved = [
        {
            **s,
            "items": [{**i, "indicator": indicators[i["indicator"]]} for i in s["items"]],
        }
        for s in sections
    ]
    return services.template_save(
        actor=None,
        department=department,
        position=position,
        name=f"{department.name}·{position.name}考核表",
        name_en=f"{department.name_en} · {position.name_en}",
        sections=resolved,
        rulebook=rulebook,
        self_scored=rulebook not in SELF_SUMMARY_ONLY,
    )
