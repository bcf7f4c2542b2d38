"""The Working calendar page (HR): one year's public holidays from the package, HR's
overrides with add and remove, and a warning for a year the package does not cover."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core import calendar
from apps.core.actions import attempt
from apps.core.calendar_overrides import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    calendar_override_remove,
    calendar_override_set,
    can_manage_calendar,
)
from apps.core.errors import PermissionDenied
from apps.core.models import CalendarDay

# How far ahead deadlines and SLAs usually reach: a year in this window that the package
# does not cover yet is worth a warning now.
LOOKAHEAD = dt.timedelta(days=90)


class OverrideForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of day"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("E.g. 公司年会 or 国庆节调休."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)


def upcoming_uncovered_years(today: dt.date | None = None) -> list[int]:
    """The years between today and the look-ahead that count Monday–Friday only."""
    today = today or timezone.localdate()
    return calendar.uncovered_years(range(today.year, (today + LOOKAHEAD).year + 1))


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return min(max(year, EARLIEST_YEAR), LATEST_YEAR)


def _page(request, year: int, form, status=200):
    overrides = CalendarDay.objects.filter(date__year=year)
    coverage = calendar.calendar_coverage()
    context = {
        "year": year,
        "form": form,
        "overrides": overrides,
        "official": calendar.official_exceptions(year),
        "year_uncovered": bool(calendar.uncovered_years([year])),
        "upcoming_uncovered": upcoming_uncovered_years(),
        "coverage_first": coverage.start,
        "coverage_last": coverage.stop - 1,
    }
    return render(request, "core/working_calendar.html", context, status=status)


@login_required
def working_calendar(request):
    if not can_manage_calendar(request.user):
        raise PermissionDenied()
    year = _year(request)
    if request.method != "POST":
        return _page(request, year, OverrideForm(initial={"kind": CalendarDay.Kind.HOLIDAY}))
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _page(request, year, form, status=400)
    outcome = attempt(lambda: calendar_override_set(actor=request.user, **form.cleaned_data), form)
    if not outcome.ok:
        return _page(request, year, form, status=outcome.status)
    row = outcome.value
    messages.success(
        request,
        _("%(date)s: %(kind)s for the whole company.")
        % {"date": row.date.isoformat(), "kind": row.get_kind_display()},
    )
    return redirect(f"{reverse('working_calendar')}?year={row.date.year}")


@login_required
@require_POST
def working_calendar_remove(request, pk):
    if not can_manage_calendar(request.user):
        raise PermissionDenied()
    row = get_object_or_404(CalendarDay, pk=pk)
    calendar_override_remove(actor=request.user, override=row)
    messages.success(
        request,
        _("%(date)s follows the public calendar again.") % {"date": row.date.isoformat()},
    )
    return redirect(f"{reverse('working_calendar')}?year={row.date.year}")
