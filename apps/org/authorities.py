"""The catalogue of position authorities (岗位权限, SPEC §1): one shared vocabulary
that every app checks against. Which positions hold which authority by default lives
in presets.py; each department may change its own (PostAuthority rows)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Authority(models.TextChoices):
    VIEW_DEPARTMENT = "view_department", _("See department information")
    ASSIGN_WORK = "assign_work", _("Assign work")
    SUPERVISE = "supervise", _("Supervise")
    APPRAISE = "appraise", _("Appraise")
    SPEND_BUDGET = "spend_budget", _("Spend within the department budget")
    CREATE_CONTENT = "create_content", _("Draft and submit content")
    REVIEW_CONTENT = "review_content", _("Review content")
    PLAN_CAMPAIGN = "plan_campaign", _("Plan and log campaigns")
    APPROVE_CAMPAIGN = "approve_campaign", _("Approve campaigns")
    HANDLE_COMPLAINT = "handle_complaint", _("Handle complaints")
    COORDINATE_TASK = "coordinate_task", _("Receive coordination tasks")
    RUN_APPRAISAL_CYCLE = "run_appraisal_cycle", _("Run appraisal cycles")
    MANAGE_TRAINING = "manage_training", _("Plan and record training")
    APPROVE_TRAINING_PLAN = "approve_training_plan", _("Approve training plans")
    APPEAL = "appeal", _("Appeal a result")
    SKIP_LEVEL_APPEAL = "skip_level_appeal", _("Skip-level appeal")
    IMPORT_METRICS = "import_metrics", _("Enter and import metrics")
    MANAGE_ORG = "manage_org", _("Manage departments, positions and assignments")
    VIEW_AUDIT_LOG = "view_audit_log", _("See the audit log")
    # Seed 002's 岗位权限 of its managers: 合理化建议权, 改进权, 内容优先使用权, 工作协同权,
    # 渠道资源使用权, 活动执行协同权 (the seed's full wording: presets.WORDING).
    SUGGEST = "suggest", _("Make suggestions")
    PROPOSE_IMPROVEMENT = "propose_improvement", _("Propose improvements to instructions")
    CONTENT_PRIORITY = "content_priority", _("Content priority")
    WORK_COORDINATION = "work_coordination", _("Work coordination")
    CHANNEL_RESOURCES = "channel_resources", _("Use channel resources")
    CAMPAIGN_COORDINATION = "campaign_coordination", _("Campaign execution coordination")


class Scope(models.TextChoices):
    """How far a grant reaches from the department the position sits in."""

    DEPARTMENT = "department", _("This department only")
    SUBTREE = "subtree", _("This department and its groups")
    COMPANY = "company", _("The whole company")
