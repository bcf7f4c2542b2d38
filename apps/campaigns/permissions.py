"""The campaigns policy, built on apps.org.permissions. Pages, the API and services ask
this module; nothing else decides who may see or do what with a campaign.

- view: the 知情权 (view_department) in the campaign's department, or being on its team;
- plan: plan_campaign in the department (create a plan there, log in its campaigns);
- log: the owner and the team, and anyone who may plan in the department;
- spend: spend_budget in the department (the budget's holder, not the team);
- approve: approve_campaign in the department (manager step); above the department's
  threshold also approve_campaign over the company (director step). Never the owner.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from apps.core.errors import PermissionDenied
from apps.org import permissions as org_policy
from apps.org.authorities import Authority
from apps.org.holders import holders_of
from apps.org.models import Department

A = Authority


def root_of(department: Department) -> Department:
    """The company node above `department` (no query: built from the path)."""
    root_pk = int(department.path.strip("/").split("/")[0])
    if root_pk == department.pk:
        return department
    return Department(pk=root_pk, path=f"/{root_pk}/", kind=Department.Kind.COMPANY)


def team_ids(campaign) -> set[int]:
    """The owner and team members (uses a prefetched `team` when there is one)."""
    return {campaign.owner_id, *(u.pk for u in campaign.team.all())}


def is_team(user, campaign) -> bool:
    return getattr(user, "pk", None) in team_ids(campaign)


def visible_q(user) -> Q:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    from apps.campaigns.models import Campaign

    on_team = Campaign.team.through.objects.filter(campaign_id=OuterRef("pk"), user_id=user.pk)
    return org_policy.department_q(user, A.VIEW_DEPARTMENT) | Q(owner=user) | Q(Exists(on_team))


def can_view(user, campaign) -> bool:
    return is_team(user, campaign) or org_policy.has_authority(
        user, A.VIEW_DEPARTMENT, campaign.department
    )


def planning_departments(user):
    return org_policy.departments_where(user, A.PLAN_CAMPAIGN).filter(is_active=True)


def can_plan_in(user, department) -> bool:
    return org_policy.has_authority(user, A.PLAN_CAMPAIGN, department)


def can_plan_anywhere(user) -> bool:
    return org_policy.has_authority(user, A.PLAN_CAMPAIGN)


def can_edit_plan(user, campaign) -> bool:
    return campaign.is_editable and campaign.owner_id == getattr(user, "pk", None)


def can_log(user, campaign) -> bool:
    return is_team(user, campaign) or can_plan_in(user, campaign.department)


def can_spend(user, campaign) -> bool:
    """Recording spend commits the department's money: it takes spend_budget there
    (seed 002: 对本部门预算内资金的支配权), whether or not one is on the team."""
    return org_policy.has_authority(user, A.SPEND_BUDGET, campaign.department)


def can_record_metrics(user, campaign) -> bool:
    return can_log(user, campaign) or org_policy.has_authority(
        user, A.IMPORT_METRICS, campaign.department
    )


def can_approve_step(user, campaign, step: str) -> bool:
    if getattr(user, "pk", None) == campaign.owner_id:
        return False
    department = campaign.department if step == "manager" else root_of(campaign.department)
    return org_policy.has_authority(user, A.APPROVE_CAMPAIGN, department)


def can_approve_anything(user) -> bool:
    return org_policy.has_authority(user, A.APPROVE_CAMPAIGN)


def can_run(user, campaign) -> bool:
    """Move an approved campaign through preparing → running → finished → evaluated."""
    return is_team(user, campaign)


def can_cancel(user, campaign) -> bool:
    return campaign.owner_id == getattr(user, "pk", None) or org_policy.has_authority(
        user, A.APPROVE_CAMPAIGN, campaign.department
    )


def require(allowed: bool, message=None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You may not do this with this campaign."))


def require_view(user, campaign) -> None:
    require(
        can_view(user, campaign),
        _("You may only see campaigns of departments you belong to or oversee."),
    )


def awaiting_q(user) -> Q:
    """Plans and budget increases waiting at a step `user` may decide (in SQL)."""
    from apps.campaigns.models import BudgetIncrease

    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    manager_q = org_policy.department_q(user, A.APPROVE_CAMPAIGN)
    roots = [
        d
        for d in Department.objects.filter(kind=Department.Kind.COMPANY)
        if org_policy.has_authority(user, A.APPROVE_CAMPAIGN, d)
    ]
    director_q = Q(pk__in=[])
    for root in roots:
        director_q |= Q(department__path__startswith=root.path)
    step_ok = (Q(approval_step="manager") & manager_q) | (Q(approval_step="director") & director_q)
    pending_increase = BudgetIncrease.objects.filter(
        campaign_id=OuterRef("pk"), state=BudgetIncrease.State.PENDING
    )
    increase_ok = (Q(Exists(pending_increase.filter(approval_step="manager"))) & manager_q) | (
        Q(Exists(pending_increase.filter(approval_step="director"))) & director_q
    )
    return (Q(state="submitted") & step_ok | increase_ok) & ~Q(owner=user)


def approvers_of(campaign, step: str):
    """Users who may decide `campaign` at `step` today (to notify them): the holders of
    approve_campaign over its department (manager step) or its top department (director
    step), through posts or delegations (apps.org.holders), its owner aside."""
    department = campaign.department if step == "manager" else root_of(campaign.department)
    return holders_of(A.APPROVE_CAMPAIGN, department).exclude(pk=campaign.owner_id)
