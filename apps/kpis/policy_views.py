"""HR's pages for the departments' appraisal policies: which cycles apply and when each
opens and closes (the schedule, checked against the real calendar and the rulebook), the
appeal window and who rules on appeals, the annual rule and flags, the grade bands with
their bonus coefficients and the guide distribution. A group follows its department
until it is given its own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.core.actions import attempt, show_refusal
from apps.org.models import Department

from . import permissions as policy
from . import services
from .forms import bands_from, policy_forms, timing_formset, timings_from
from .policies import Resolver
from .schedule import DEFAULT_TIMINGS


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
            "timings": [
                (kind, resolver.timing(in_force, kind) if in_force.pk else DEFAULT_TIMINGS[kind])
                for kind in ("monthly", "quarterly", "annual")
                if in_force.applies(kind)
            ],
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
    timings = timing_formset(request.POST or None, policy=in_force, resolver=resolver)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and bands.is_valid() and timings.is_valid():
            outcome = attempt(
                lambda: _save_atomically(
                    services.policy_save,
                    actor=request.user,
                    department=department,
                    data=form.policy_data(),
                    bands=bands_from(bands),
                    timings=timings_from(timings),
                )
            )
            if not outcome.ok:
                _show_error(outcome.error, form, timings)
                status = outcome.status
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
            "timings": timings,
            "own": in_force.department_id == department.pk,
            "follows": Department.objects.filter(pk=in_force.department_id).first(),
        },
        status=status,
    )


def _save_atomically(service, **kwargs):
    """The policy and its bands and timings are saved together or not at all."""
    with transaction.atomic():
        return service(**kwargs)


def _show_error(error, form, timings) -> None:
    """Put the service's message next to its field: a timing ("timing.<kind>.<name>")
    on its row, anything else on the form."""
    parts = (error.field or "").split(".")
    if len(parts) == 3 and parts[0] == "timing":
        for row in timings:
            if row.cleaned_data.get("kind") == parts[1] and parts[2] in row.fields:
                row.add_error(parts[2], str(error.message))
                return
    show_refusal(form, error)
