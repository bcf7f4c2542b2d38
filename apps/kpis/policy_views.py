"""HR's pages for the departments' appraisal policies: which cycles apply, the appeal
window, the annual rule and flags, the grade bands with their bonus coefficients and the
guide distribution. A group follows its department until it is given its own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.org.models import Department

from . import permissions as policy
from . import services
from .forms import bands_from, policy_forms
from .policies import Resolver


@login_required
def policy_list(request):
    policy.require(policy.is_hr(request.user), _("Only HR sets appraisal policies."))
    resolver = Resolver()
    departments = Department.objects.filter(is_active=True).order_by("path")
    rows = []
    for department in departments:
        in_force = resolver.policy(department.pk)
        rows.append({
            "department": department,
            "policy": in_force,
            "own": in_force.department_id == department.pk,
            "bands": resolver.bands_for(department.pk),
        })  # fmt: skip
    by_pk = {row["department"].pk: row["department"] for row in rows}
    for row in rows:
        row["follows"] = by_pk.get(row["policy"].department_id)
    return render(request, "kpis/policy_list.html", {"rows": rows})


@login_required
def policy_edit(request, department_pk):
    department = get_object_or_404(Department, pk=department_pk, is_active=True)
    policy.require(policy.is_hr(request.user, department), _("Only HR sets appraisal policies."))
    resolver = Resolver()
    in_force = resolver.policy(department.pk)
    form, bands = policy_forms(
        request.POST or None, policy=in_force, bands=resolver.bands_for(department.pk)
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and bands.is_valid():
            try:
                with transaction.atomic():
                    services.policy_save(
                        actor=request.user,
                        department=department,
                        data=form.policy_data(),
                        bands=bands_from(bands),
                    )
            except ApplicationError as error:
                form.add_error(None, str(error.message))
                status = error.status_code
            else:
                messages.success(
                    request, _("Appraisal policy of %(d)s saved.") % {"d": department.label}
                )
                return redirect("kpis:policy_list")
    return render(
        request,
        "kpis/policy_edit.html",
        {
            "department": department,
            "form": form,
            "bands": bands,
            "own": in_force.department_id == department.pk,
            "follows": Department.objects.filter(pk=in_force.department_id).first(),
        },
        status=status,
    )
