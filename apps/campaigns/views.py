"""Campaign pages. Thin: read through selectors, write through services, ask the
policy (apps.campaigns.permissions) who may see and do what."""

import calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.campaigns import forms as f
from apps.campaigns import permissions as policy
from apps.campaigns import selectors, services
from apps.campaigns.models import BudgetIncrease, Campaign, CampaignType, ChecklistItem
from apps.core.actions import attempt, run_button_action, show_refusal
from apps.core.errors import PermissionDenied
from apps.core.imports import ImportRejected
from apps.org.authorities import Authority
from apps.org.models import Department
from apps.org.permissions import departments_where


def _date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value):
    return int(value) if (value or "").isdigit() else None


@login_required
def campaign_list(request):
    g = request.GET
    department = Department.objects.filter(pk=_int(g.get("department"))).first()
    campaign_type = CampaignType.objects.filter(pk=_int(g.get("type"))).first()
    owner = get_user_model().objects.filter(pk=_int(g.get("owner"))).first()
    state = g.get("state") if g.get("state") in Campaign.State.values else ""
    filters = {
        "department": department,
        "state": state,
        "campaign_type": campaign_type,
        "owner": owner,
        "date_from": _date(g.get("from")),
        "date_to": _date(g.get("to")),
        "text": g.get("q", "").strip()[:100],
    }
    campaigns = selectors.campaign_list_for(request.user, **filters)
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "page": Paginator(campaigns, 25).get_page(g.get("page")),
            "filters": filters,
            "departments": departments_where(request.user, Authority.VIEW_DEPARTMENT)
            .filter(is_active=True)
            .order_by("path"),
            "types": CampaignType.objects.filter(is_active=True),
            "states": Campaign.State.choices,
            "can_plan": policy.can_plan_anywhere(request.user),
        },
    )


@login_required
def campaign_calendar(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        first = dt.date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    campaigns = selectors.calendar_for(request.user, first, last)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {
                    "day": day,
                    "in_month": day.month == first.month,
                    "today": day == today,
                    "campaigns": [c for c in campaigns if c.starts_on <= day <= c.ends_on],
                }
                for day in week
            ]
        )
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    return render(
        request,
        "campaigns/calendar.html",
        {"weeks": weeks, "first": first, "previous": previous, "following": following},
    )


def _save_plan(request, campaign, form, formsets):
    """Create the campaign from the plan forms, or save a new version of its plan."""
    data = f.plan_data_from(form, formsets)
    if campaign is None:
        return services.campaign_create(
            actor=request.user, department=form.cleaned_data["department"], data=data
        )
    services.campaign_update(actor=request.user, campaign=campaign, data=data)
    return campaign


def _plan_page(request, *, campaign=None):
    form, formsets = f.plan_forms(request.POST or None, user=request.user, campaign=campaign)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST":
        valid = form.is_valid() & all([fs.is_valid() for fs in formsets.values()])  # noqa: C419 - validate every formset
        if valid:
            outcome = attempt(lambda: _save_plan(request, campaign, form, formsets))
            if outcome.ok:
                messages.success(request, _("The plan was saved."))
                return redirect("campaigns:detail", outcome.value.pk)
            status = outcome.status
            error = outcome.error
            if error.field in formsets:
                formsets[error.field]._non_form_errors = formsets[error.field].error_class(
                    [outcome.message]
                )
            else:
                show_refusal(form, error)
    return render(
        request,
        "campaigns/plan_form.html",
        {
            "form": form,
            "formsets": [(name, f.FORMSET_TITLES[name], fs) for name, fs in formsets.items()],
            "campaign": campaign,
        },
        status=status,
    )


@login_required
def campaign_create(request):
    policy.require(
        policy.can_plan_anywhere(request.user), _("You need the authority to plan campaigns.")
    )
    return _plan_page(request)


@login_required
def campaign_edit(request, pk):
    campaign = get_object_or_404(Campaign.objects.select_related("department"), pk=pk)
    policy.require(
        policy.can_edit_plan(request.user, campaign),
        _("Only the owner edits a draft or returned plan."),
    )
    return _plan_page(request, campaign=campaign)


def _page_context(request, campaign, **bound):
    user = request.user
    today = timezone.localdate()
    can_log = policy.can_log(user, campaign)
    log_page = Paginator(selectors.log_entries_of(campaign), 20).get_page(request.GET.get("log"))
    by_channel = selectors.metrics_by_channel(campaign)
    over_time = selectors.metrics_over_time(campaign)
    lines = list(campaign.budget_lines.all())
    pending = [
        i for i in campaign.budget_increases.all() if i.state == BudgetIncrease.State.PENDING
    ]
    pending_increase = pending[0] if pending else None
    state = campaign.state
    S = Campaign.State
    context = {
        "campaign": campaign,
        "team": list(campaign.team.all()),
        "lines": lines,
        "plan_total": sum((line.amount for line in lines), 0),
        "approvals": list(campaign.approvals.all()),
        "increases": list(campaign.budget_increases.all()),
        "pending_increase": pending_increase,
        "checklist": list(campaign.checklist.all()),
        "log_page": log_page,
        "spends": selectors.recent_spends_of(campaign),
        "distributions": selectors.recent_distributions_of(campaign),
        "by_channel": by_channel,
        "close_out": selectors.close_out_of(campaign),
        "chart_budget": {
            "labels": [str(line) for line in lines],
            "planned": [float(line.amount) for line in lines],
            "spent": [float(line.spent) for line in lines],
        },
        "chart_metrics": {
            "labels": [row["taken_on"].isoformat() for row in over_time],
            "impressions": [row["impressions"] for row in over_time],
            "clicks": [row["clicks"] for row in over_time],
            "conversions": [row["conversions"] for row in over_time],
        },
        "can": {
            "edit": policy.can_edit_plan(user, campaign),
            "submit": state in Campaign.EDITABLE_STATES and campaign.owner_id == user.pk,
            "approve": state == S.SUBMITTED
            and policy.can_approve_step(user, campaign, campaign.approval_step),
            "decide_increase": pending_increase is not None
            and pending_increase.requested_by_id != user.pk
            and policy.can_approve_step(user, campaign, pending_increase.approval_step),
            "prepare": state == S.APPROVED and policy.can_run(user, campaign),
            "checklist": state == S.PREPARING and policy.can_run(user, campaign),
            "start": state == S.PREPARING and policy.can_run(user, campaign),
            "finish": state == S.RUNNING and policy.can_run(user, campaign),
            "close_out": state == S.FINISHED and policy.can_run(user, campaign),
            "cancel": campaign.is_open and policy.can_cancel(user, campaign),
            "log": can_log and state in Campaign.LOGGING_STATES,
            "spend": policy.can_spend(user, campaign) and state in Campaign.SPENDING_STATES,
            "prizes": can_log and state in Campaign.LOGGING_STATES and campaign.prizes.all(),
            "metrics": policy.can_record_metrics(user, campaign)
            and state in Campaign.LOGGING_STATES + (S.EVALUATED,),
            "copy": policy.can_plan_anywhere(user),
        },
        "log_form": bound.get("log_form") or f.LogEntryForm(initial={"happened_on": today}),
        "spend_form": bound.get("spend_form")
        or f.SpendForm(campaign=campaign, initial={"spent_on": today}),
        "increase_form": bound.get("increase_form") or f.IncreaseForm(),
        "prize_form": bound.get("prize_form")
        or f.PrizeDistributionForm(campaign=campaign, initial={"distributed_on": today}),
        "metrics_form": bound.get("metrics_form") or f.MetricsForm(initial={"taken_on": today}),
        "import_form": bound.get("import_form") or f.MetricsImportForm(),
        "import_error": bound.get("import_error"),
        "comment_form": bound.get("comment_form") or f.CommentForm(),
        "cancel_form": bound.get("cancel_form") or f.CancelForm(),
        "open_panel": bound.get("open_panel", ""),
    }
    return context


def _campaign(request, pk):
    try:
        campaign = selectors.campaign_for_page(pk)
    except Campaign.DoesNotExist:
        from django.http import Http404

        raise Http404 from None
    policy.require_view(request.user, campaign)
    return campaign


@login_required
def campaign_detail(request, pk):
    campaign = _campaign(request, pk)
    return render(request, "campaigns/campaign_detail.html", _page_context(request, campaign))


def _rerender(request, campaign, status=400, **bound):
    return render(
        request,
        "campaigns/campaign_detail.html",
        _page_context(request, campaign, **bound),
        status=status,
    )


TRANSITIONS = {
    "submit": (services.campaign_submit, _("The plan was submitted for approval.")),
    "prepare": (services.campaign_prepare, _("Preparation has started.")),
    "start": (services.campaign_start, _("The campaign is running.")),
    "finish": (services.campaign_finish, _("The campaign has finished. Write the close-out.")),
}


def _do_transition(request, campaign, action):
    """Carry out one named step of the campaign's life; returns the page's answer: a
    message for the detail page, or a redirect (a copy opens the new draft)."""
    if action in TRANSITIONS:
        service, message = TRANSITIONS[action]
        service(actor=request.user, campaign=campaign)
        return message
    if action in ("approve", "return"):
        form = f.CommentForm(request.POST)
        form.is_valid()
        comment = form.cleaned_data.get("comment", "")
        if action == "return":
            services.campaign_return(actor=request.user, campaign=campaign, comment=comment)
            return _("The plan was returned to its owner.")
        campaign = services.campaign_approve(actor=request.user, campaign=campaign, comment=comment)
        if campaign.state == Campaign.State.SUBMITTED:
            return _("Approved. It now waits for the director.")
        return _("The plan was approved.")
    if action == "cancel":
        services.campaign_cancel(
            actor=request.user, campaign=campaign, reason=request.POST.get("reason", "")
        )
        return _("The campaign was cancelled.")
    if action == "copy":
        copy = services.campaign_copy(actor=request.user, source=campaign)
        messages.success(request, _("A new draft was started from this plan. Adjust it and save."))
        return redirect("campaigns:edit", copy.pk)
    raise Http404


@login_required
@require_POST
def campaign_transition(request, pk, action):
    campaign = _campaign(request, pk)
    outcome = attempt(lambda: _do_transition(request, campaign, action))
    if outcome.ok:
        if not isinstance(outcome.value, str):
            return outcome.value
        messages.success(request, outcome.value)
        return redirect("campaigns:detail", pk)
    error = outcome.error
    if error.field in ("comment", "reason"):
        # The refusal names the text the user typed: show the panel again with it kept.
        form_class = f.CommentForm if error.field == "comment" else f.CancelForm
        form = form_class(request.POST)
        form.is_valid()
        show_refusal(form, error)
        key = "comment_form" if error.field == "comment" else "cancel_form"
        return _rerender(request, _campaign(request, pk), **{key: form, "open_panel": action})
    messages.error(request, outcome.message)
    return redirect("campaigns:detail", pk)


@login_required
@require_POST
def checklist_toggle(request, pk, item_pk):
    item = get_object_or_404(
        ChecklistItem.objects.select_related("campaign"), pk=item_pk, campaign_id=pk
    )
    services.checklist_item_set(
        actor=request.user,
        item=item,
        done=request.POST.get("done") == "1",
        note=request.POST.get("note", "")[:200],
    )
    campaign = _campaign(request, pk)
    context = _page_context(request, campaign)
    if request.htmx:
        return render(request, "campaigns/_checklist.html", context)
    return redirect("campaigns:detail", pk)


@login_required
@require_POST
def log_add(request, pk):
    campaign = _campaign(request, pk)
    form = f.LogEntryForm(request.POST, request.FILES)
    status = 200
    if form.is_valid():
        outcome = attempt(
            lambda: services.log_entry_add(
                actor=request.user,
                campaign=campaign,
                kind=form.cleaned_data["kind"],
                happened_on=form.cleaned_data["happened_on"],
                text=form.cleaned_data["text"],
                handling=form.cleaned_data["handling"],
                files=form.cleaned_data["attachments"],
            ),
            form,
        )
        status = outcome.status
        if outcome.ok:
            form = None
    else:
        status = 400
    if not request.htmx:
        if status == 200:
            messages.success(request, _("The entry was added to the log."))
            return redirect("campaigns:detail", pk)
        return _rerender(request, campaign, log_form=form)
    context = _page_context(request, campaign, log_form=form)
    return render(request, "campaigns/_log.html", context, status=status)


def _panel_post(request, pk, *, form_class, key, call, done, needs_campaign=True):
    campaign = _campaign(request, pk)
    kwargs = {"campaign": campaign} if needs_campaign else {}
    form = form_class(request.POST, request.FILES, **kwargs)
    if form.is_valid():
        outcome = attempt(lambda: call(campaign, form.cleaned_data))
        if outcome.ok:
            messages.success(request, done(outcome.value) if callable(done) else done)
            return redirect("campaigns:detail", pk)
        bound = {key: form, "open_panel": key}
        if isinstance(outcome.error, ImportRejected):
            bound["import_error"] = outcome.error  # the row-numbered report, above the form
        else:
            show_refusal(form, outcome.error)
        return _rerender(request, _campaign(request, pk), **bound)
    return _rerender(request, campaign, **{key: form, "open_panel": key})


@login_required
@require_POST
def spend_add(request, pk):
    return _panel_post(
        request,
        pk,
        form_class=f.SpendForm,
        key="spend_form",
        call=lambda c, d: services.spend_record(actor=request.user, campaign=c, **d),
        done=_("The spend was recorded."),
    )


@login_required
@require_POST
def increase_request(request, pk):
    return _panel_post(
        request,
        pk,
        form_class=f.IncreaseForm,
        key="increase_form",
        needs_campaign=False,
        call=lambda c, d: services.budget_increase_request(actor=request.user, campaign=c, **d),
        done=_("The budget increase was sent for approval."),
    )


@login_required
@require_POST
def increase_decide(request, pk, increase_pk, decision):
    campaign = _campaign(request, pk)
    increase = get_object_or_404(BudgetIncrease, pk=increase_pk, campaign=campaign)
    comment = request.POST.get("comment", "")
    if decision == "approve":
        service, done = services.budget_increase_approve, _("The budget increase was approved.")
    else:
        service, done = services.budget_increase_return, _("The budget increase was returned.")
    return run_button_action(
        request,
        lambda: service(actor=request.user, increase=increase, comment=comment),
        success_message=done,
        redirect_to=reverse("campaigns:detail", args=[pk]),
    )


@login_required
@require_POST
def prize_distribute(request, pk):
    return _panel_post(
        request,
        pk,
        form_class=f.PrizeDistributionForm,
        key="prize_form",
        call=lambda c, d: services.prize_distribute(actor=request.user, **d),
        done=_("The prize distribution was recorded."),
    )


@login_required
@require_POST
def metrics_add(request, pk):
    return _panel_post(
        request,
        pk,
        form_class=f.MetricsForm,
        key="metrics_form",
        needs_campaign=False,
        call=lambda c, d: services.metrics_record(actor=request.user, campaign=c, **d),
        done=_("The metrics were saved."),
    )


@login_required
@require_POST
def metrics_import(request, pk):
    return _panel_post(
        request,
        pk,
        form_class=f.MetricsImportForm,
        key="import_form",
        needs_campaign=False,
        call=lambda c, d: services.metrics_import_csv(
            actor=request.user, campaign=c, upload=d["file"]
        ),
        done=lambda n: _("%(n)d rows were imported.") % {"n": n},
    )


@login_required
def close_out(request, pk):
    campaign = _campaign(request, pk)
    policy.require(
        policy.can_run(request.user, campaign), _("Only the campaign's team writes the close-out.")
    )
    form = f.CloseOutForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: services.campaign_close_out(
                actor=request.user,
                campaign=campaign,
                actuals=form.actuals(),
                actual_benefit=data["actual_benefit"],
                what_worked=data["what_worked"],
                what_did_not=data["what_did_not"],
                lessons=data["lessons"],
            ),
            form,
        )
        if outcome.ok:
            messages.success(request, _("The close-out was saved."))
            return redirect("campaigns:detail", pk)
        status = outcome.status
    else:
        status = 400 if request.method == "POST" else 200
    return render(
        request, "campaigns/close_out.html", {"campaign": campaign, "form": form}, status=status
    )


@login_required
def dashboard(request):
    departments = (
        departments_where(request.user, Authority.VIEW_DEPARTMENT)
        .filter(is_active=True)
        .order_by("path")
    )
    department = departments.filter(pk=_int(request.GET.get("department"))).first()
    if not departments.exists():
        raise PermissionDenied(_("The dashboard shows departments you belong to or oversee."))
    data = selectors.dashboard_for(request.user, department)
    return render(
        request,
        "campaigns/dashboard.html",
        {
            "data": data,
            "department": department,
            "departments": departments,
            "chart": {
                "labels": [
                    (row["department__name_en"] or row["department__name"])
                    if (request.LANGUAGE_CODE or "").startswith("en")
                    else row["department__name"]
                    for row in data["money"]
                ],
                "budget": [float(row["budget"]) for row in data["money"]],
                "spent": [float(row["spent"]) for row in data["money"]],
            },
        },
    )
