"""HR's indicator library: every KPI with its rule and where its actual comes from, and
the form that creates or edits one through indicator_save."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.core.actions import attempt

from . import permissions as policy
from . import services
from .forms import IndicatorForm
from .models import Indicator


def _require_hr(user):
    policy.require(policy.can_run_cycles(user), _("Only HR maintains the indicator library."))


@login_required
def indicator_list(request):
    _require_hr(request.user)
    indicators = Indicator.objects.order_by("-is_active", "code")
    search = request.GET.get("q", "").strip()
    if search:
        indicators = indicators.filter(
            Q(code__icontains=search) | Q(name__icontains=search) | Q(name_en__icontains=search)
        )
    if request.GET.get("kind") in Indicator.Kind.values:
        indicators = indicators.filter(kind=request.GET["kind"])
    return render(
        request,
        "kpis/indicator_list.html",
        {
            "page": Paginator(indicators, 30).get_page(request.GET.get("page")),
            "search": search,
            "kind": request.GET.get("kind", ""),
            "kinds": Indicator.Kind.choices,
        },
    )


@login_required
def indicator_edit(request, pk=None):
    _require_hr(request.user)
    indicator = get_object_or_404(Indicator, pk=pk) if pk else None
    form = IndicatorForm(request.POST or None, instance=indicator)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            outcome = attempt(
                lambda: services.indicator_save(
                    actor=request.user, data=form.indicator_data(), indicator=indicator
                ),
                form,
            )
            if not outcome.ok:
                status = outcome.status
            else:
                messages.success(request, _("Indicator saved."))
                return redirect("kpis:indicator_list")
    return render(
        request,
        "kpis/indicator_form.html",
        {"form": form, "indicator": indicator},
        status=status,
    )
