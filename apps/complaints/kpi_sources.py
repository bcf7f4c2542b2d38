"""The complaint app's sources of automatic KPI actuals (apps.kpis.sources), registered
when this module is imported (ComplaintsConfig.ready): per-owner figures by one
aggregate query each, the department's SLA compliance through complaint_stats (the same
figure the complaint dashboards show)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _

from apps.complaints import sla
from apps.complaints.models import Complaint
from apps.complaints.selectors import complaint_stats
from apps.kpis.sources import moments, register, users_of
from apps.org.models import Assignment

# --- complaints ---------------------------------------------------------------------


@register("complaints.accepted_in_sla_pct", _("Complaints accepted within the SLA (%)"))
def complaints_accepted_in_sla(employee_ids, start, end):
    """Per owner (no per-owner selector in apps.complaints: one aggregate query)."""
    users = users_of(employee_ids)
    lo, hi = moments(start, end)
    rows = (
        Complaint.objects.exclude(state="merged")
        .filter(owner_id__in=users, received_at__gte=lo, received_at__lt=hi)
        .values("owner_id")
        .annotate(
            n=Count("pk", filter=Q(accepted_at__isnull=False)),
            ok=Count("pk", filter=sla.accepted_in_time_q()),
        )
        .values_list("owner_id", "ok", "n")
    )
    return {
        users[owner]: (Decimal(ok) * 100 / Decimal(n)).quantize(Decimal("0.01"))
        for owner, ok, n in rows
        if owner in users and n
    }


@register("complaints.satisfaction", _("Complainants' satisfaction (1–5)"))
def complaints_satisfaction(employee_ids, start, end):
    """Per owner (one aggregate query over apps.complaints' Complaint)."""
    users = users_of(employee_ids)
    lo, hi = moments(start, end)
    rows = (
        Complaint.objects.filter(
            owner_id__in=users, received_at__gte=lo, received_at__lt=hi, rating__isnull=False
        )
        .values("owner_id")
        .annotate(avg=Avg("rating"))
        .values_list("owner_id", "avg")
    )
    return {
        users[owner]: Decimal(str(avg)).quantize(Decimal("0.01"))
        for owner, avg in rows
        if owner in users
    }


@register("complaints.department_sla_pct", _("Department complaints handled within the SLA (%)"))
def complaints_department_sla(employee_ids, start, end):
    """The employee's department's SLA compliance, through complaints' own
    complaint_stats selector: one call per department, not per employee."""
    departments = defaultdict(list)
    rows = (
        Assignment.objects.active_on(end)
        .filter(employee_id__in=list(employee_ids), is_primary=True)
        .values_list("employee_id", "post__department_id")
    )
    for employee_id, department_id in rows:
        departments[department_id].append(employee_id)
    lo, hi = moments(start, end)
    result = {}
    for department_id, members in departments.items():
        pct = complaint_stats(departments=[department_id], start=lo, end=hi)["sla_compliance_pct"]
        if pct is not None:
            for employee_id in members:
                result[employee_id] = Decimal(str(pct))
    return result
