"""Complaint pages. Thin: read through selectors, write through services, ask the policy.

Public (no login): the complaint form, its thank-you page with the tracking link, and the
tracking page where the complainant follows up. Staff: list, detail (actions via htmx),
staff entry, tasks for my department, reports."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from apps.complaints import intake, routing, selectors, services
from apps.complaints import permissions as policy
from apps.complaints.forms import (
    ConfirmForm,
    PublicComplaintForm,
    StaffComplaintForm,
    TaskForm,
    TextForm,
)
from apps.complaints.masking import mask_contact
from apps.complaints.models import (
    Channel,
    Complaint,
    ComplaintCategory,
    CoordinationTask,
    Severity,
)
from apps.core import exports
from apps.core.actions import Outcome, attempt, run_button_action
from apps.core.client_address import client_address
from apps.core.errors import ApplicationError, PermissionDenied
from apps.core.selectors import audit_trail_of

PAGE_SIZE = 25
_SESSION_TOKEN = "complaints_new_token"  # noqa: S105 - a session key, not a secret


# --- Public ---------------------------------------------------------------------------


def public_new(request):
    address = client_address(request)
    form = PublicComplaintForm(
        request.POST or None, request.FILES or None, captcha=intake.captcha_required(address)
    )
    status = 200
    if request.method == "POST":
        if form.is_bot():
            # Tell a bot nothing useful; store nothing.
            return render(request, "complaints/public_rejected.html", status=400)
        limited = attempt(lambda: intake.check_rate_limit(address), form)  # 429: too many
        if not limited.ok:
            return render(
                request, "complaints/public_new.html", {"form": form}, status=limited.status
            )
        if form.is_valid():
            data = form.cleaned_data
            outcome = attempt(
                lambda: services.complaint_submit(
                    channel=Channel.WEB,
                    category=data["category"],
                    description=data["description"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    attachments=data["attachments"],
                ),
                form,
            )
            if outcome.ok:
                complaint, token = outcome.value
                intake.record_accepted(address)
                request.session[_SESSION_TOKEN] = [complaint.code, token]
                return redirect("complaints:public_done")
            status = outcome.status
        else:
            status = 400
    return render(request, "complaints/public_new.html", {"form": form}, status=status)


def public_done(request):
    code, token = request.session.pop(_SESSION_TOKEN, [None, None])
    if not token:
        return redirect("complaints:public_new")
    link = request.build_absolute_uri(reverse("complaints:track", args=[token]))
    return render(request, "complaints/public_done.html", {"code": code, "link": link})


def track(request, token):
    complaint = services.complaint_by_token(token)
    return render(request, "complaints/track.html", _track_context(complaint, token))


def _track_context(complaint, token, **extra):
    return {
        "complaint": complaint,
        "token": token,
        "messages_public": selectors.messages_of(complaint, public_only=True),
        "info_form": extra.pop("info_form", None) or TextForm(),
        "confirm_form": extra.pop("confirm_form", None) or ConfirmForm(),
        "reject_form": extra.pop("reject_form", None) or TextForm(),
        "can_reopen": complaint.state == Complaint.State.RESOLVED
        or (
            complaint.state == Complaint.State.CLOSED
            and complaint.closed_at
            and timezone.now() - complaint.closed_at <= services.reopen_window()
        ),
        "reopen_days": services.reopen_window().days,
        **extra,
    }


def _track_form_view(form_class, form_name, run, thanks):
    """One public follow-up action of the complainant (by tracking token): validate
    `form_class`, call `run(complaint, token, cleaned_data)`; success thanks them and
    goes back to the tracking page, a refusal re-renders it with the message on top."""

    @require_POST
    def view(request, token):
        complaint = services.complaint_by_token(token)
        form = form_class(request.POST)
        if form.is_valid():
            outcome = attempt(lambda: run(complaint, token, form.cleaned_data), form)
            if outcome.ok:
                messages.success(request, thanks)
                return redirect("complaints:track", token=token)
            status, error = outcome.status, outcome.message
        else:
            status, error = 400, None
        complaint.refresh_from_db()
        context = _track_context(complaint, token, action_error=error, **{form_name: form})
        return render(request, "complaints/track.html", context, status=status)

    return view


track_info = _track_form_view(
    TextForm,
    "info_form",
    lambda complaint, token, data: services.complaint_add_information(
        complaint=complaint, token=token, body=data["body"]
    ),
    gettext_lazy("Thank you: we have added this to your complaint."),
)
track_confirm = _track_form_view(
    ConfirmForm,
    "confirm_form",
    lambda complaint, token, data: services.complaint_confirm(
        complaint=complaint, token=token, rating=data["rating"], comment=data["comment"]
    ),
    gettext_lazy("Thank you for your feedback. The complaint is closed."),
)
track_reject = _track_form_view(
    TextForm,
    "reject_form",
    lambda complaint, token, data: services.complaint_not_satisfied(
        complaint=complaint, token=token, comment=data["body"]
    ),
    gettext_lazy("We are sorry. Your complaint is reopened and back with us."),
)


# --- Staff: list and entry ------------------------------------------------------------


def _filters(request):
    g = request.GET
    return {
        "state": g.get("state", "") if g.get("state") in Complaint.State.values else "",
        "category": g.get("category", "") if g.get("category", "").isdigit() else "",
        "severity": g.get("severity", "") if g.get("severity") in Severity.values else "",
        "channel": g.get("channel", "") if g.get("channel") in Channel.values else "",
        "overdue": g.get("overdue") == "1",
        "owner": g.get("owner", "") if g.get("owner") in ("me", "none") else "",
        "department": g.get("department", "") if g.get("department", "").isdigit() else "",
        "search": g.get("q", "").strip()[:100],
    }


@login_required
def complaint_list(request):
    filters = _filters(request)
    complaints = selectors.complaint_list_for(request.user, **filters)
    if request.GET.get("export") == "csv":
        return _export_csv(request.user, complaints)
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "page": page,
            "filters": filters,
            "states": Complaint.State.choices,
            "severities": Severity.choices,
            "channels": Channel.choices,
            "categories": list(ComplaintCategory.objects.all()),
            "can_enter": policy.can_handle_anywhere(request.user),
            "now": timezone.now(),
        },
    )


def _export_csv(user, complaints):
    """A streamed CSV; contact details masked unless the user handles that complaint.
    Names and contacts come from the public form: exports.csv_response keeps them text."""

    def rows():
        yield [
            _("Tracking code"),
            _("Received"),
            _("Channel"),
            _("Category"),
            _("Severity"),
            _("State"),
            _("Department"),
            _("Owner"),
            _("Contact name"),
            _("Phone"),
            _("E-mail"),
            _("Accept by"),
            _("Resolve by"),
            _("Rating"),
        ]
        for c in complaints.iterator(chunk_size=500):
            full = policy.can_see_contact(user, c)
            show = (lambda v: v) if full else mask_contact
            yield [
                c.code,
                timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
                c.get_channel_display(),
                c.category.label,
                c.get_severity_display(),
                c.get_state_display(),
                c.department.label,
                c.owner.display_name if c.owner else "",
                show(c.contact_name),
                show(c.contact_phone),
                show(c.contact_email),
                timezone.localtime(c.accept_due_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(c.resolve_due_at).strftime("%Y-%m-%d %H:%M"),
                c.rating or "",
            ]

    return exports.csv_response(rows(), "complaints.csv")


@login_required
def complaint_create(request):
    if not policy.can_handle_anywhere(request.user):
        raise PermissionDenied(_("Only customer service may enter complaints."))
    form = StaffComplaintForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: services.complaint_submit(
                actor=request.user,
                channel=data["channel"],
                category=data["category"],
                severity=data["severity"],
                description=data["description"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                attachments=data["attachments"],
            ),
            form,
        )
        if outcome.ok:
            complaint, _token = outcome.value
            link = request.build_absolute_uri(reverse("complaints:track", args=[_token]))
            messages.success(
                request,
                _("Complaint %(code)s recorded. Give the complainant this tracking link: %(link)s")
                % {"code": complaint.code, "link": link},
            )
            return redirect("complaints:detail", pk=complaint.pk)
    return render(
        request,
        "complaints/complaint_form.html",
        {"form": form},
        status=outcome.status if outcome else 400 if form.is_bound else 200,
    )


# --- Staff: one complaint -------------------------------------------------------------


def _detail_context(request, complaint, **extra):
    user = request.user
    can_handle = policy.can_handle(user, complaint)
    tasks = list(selectors.tasks_of(complaint))
    return {
        "complaint": complaint,
        "can_handle": can_handle,
        "messages_all": selectors.messages_of(complaint, public_only=not can_handle),
        "tasks": tasks,
        "open_tasks": [t for t in tasks if t.state == CoordinationTask.State.OPEN],
        "closable_task_ids": {t.pk for t in tasks if policy.can_close_task(user, t)},
        "timeline": audit_trail_of(complaint),
        "attachments": complaint.attachments.all(),
        "templates": selectors.reply_templates_for(complaint) if can_handle else [],
        "task_form": extra.pop("task_form", None) or TaskForm(complaint=complaint),
        "reply_form": extra.pop("reply_form", None) or TextForm(),
        "note_form": extra.pop("note_form", None) or TextForm(),
        "handlers": routing.handlers(complaint) if can_handle else [],
        "transfer_targets": routing.transfer_targets(complaint)
        if can_handle and complaint.is_open
        else [],
        "now": timezone.now(),
        **extra,
    }


@login_required
def complaint_detail(request, pk):
    complaint = get_object_or_404(Complaint.objects.all(), pk=pk)
    complaint = selectors.complaint_detail(complaint.pk)
    policy.require_view(request.user, complaint)
    return render(request, "complaints/complaint_detail.html", _detail_context(request, complaint))


def _user_from(value):
    if not value or not str(value).isdigit():
        return None
    return get_user_model().objects.filter(pk=value, is_active=True).first()


def _complaint_for_action(request, pk):
    complaint = get_object_or_404(Complaint.objects.select_related("department"), pk=pk)
    policy.require_view(request.user, complaint)
    return complaint


def _detail_answer(request, complaint, outcome, **forms):
    """The answer to every action on one complaint. htmx: the refreshed detail body (a
    refusal at its top, status 400/409); otherwise success goes back to the detail page
    and a refusal renders it with the message."""
    complaint = selectors.complaint_detail(complaint.pk)
    context = _detail_context(request, complaint, action_error=outcome.message or None, **forms)
    if request.htmx:
        return render(request, "complaints/_detail_body.html", context, status=outcome.status)
    if outcome.ok:
        return redirect("complaints:detail", pk=complaint.pk)
    return render(request, "complaints/complaint_detail.html", context, status=outcome.status)


def _button_view(run):
    """An action with nothing to fill in but a few named values: `run(request,
    complaint)` calls the service."""

    @login_required
    @require_POST
    def view(request, pk):
        complaint = _complaint_for_action(request, pk)
        return _detail_answer(request, complaint, attempt(lambda: run(request, complaint)))

    return view


def _form_view(form_name, make_form, run, invalid_message):
    """An action with a form on the detail page (reply, note, task): the form is kept
    with the user's input when it is invalid or the service refuses."""

    @login_required
    @require_POST
    def view(request, pk):
        complaint = _complaint_for_action(request, pk)
        form = make_form(request.POST, complaint)
        if not form.is_valid():
            outcome = Outcome(ok=False, error=ApplicationError(invalid_message))
        else:
            outcome = attempt(lambda: run(request.user, complaint, form.cleaned_data), form)
        if outcome.ok:
            return _detail_answer(request, complaint, outcome)
        return _detail_answer(request, complaint, outcome, **{form_name: form})

    return view


def _accept(request, complaint):
    owner = _user_from(request.POST.get("owner"))
    services.complaint_accept(actor=request.user, complaint=complaint, owner=owner)


def _assign(request, complaint):
    owner = _user_from(request.POST.get("owner"))
    if owner is None:
        raise ApplicationError(_("Choose the new owner."), field="owner")
    services.complaint_assign(actor=request.user, complaint=complaint, owner=owner)


def _merge(request, complaint):
    code = request.POST.get("into", "")
    into = Complaint.objects.filter(code__iexact=code.strip()).first()
    if into is None:
        raise ApplicationError(
            _("No complaint has the tracking code “%(c)s”.") % {"c": code}, field="into"
        )
    services.complaint_merge(actor=request.user, complaint=complaint, into=into)


complaint_accept = _button_view(_accept)
complaint_assign = _button_view(_assign)
complaint_merge = _button_view(_merge)
complaint_start = _button_view(
    lambda request, c: services.complaint_start(actor=request.user, complaint=c)
)
complaint_wait = _button_view(
    lambda request, c: services.complaint_wait(
        actor=request.user, complaint=c, question=request.POST.get("body", "")
    )
)
complaint_resume = _button_view(
    lambda request, c: services.complaint_resume(actor=request.user, complaint=c)
)
complaint_resolve = _button_view(
    lambda request, c: services.complaint_resolve(
        actor=request.user, complaint=c, summary=request.POST.get("summary", "")
    )
)
complaint_reopen = _button_view(
    lambda request, c: services.complaint_reopen(
        actor=request.user, complaint=c, comment=request.POST.get("body", "")
    )
)
complaint_reply = _form_view(
    "reply_form",
    lambda data, complaint: TextForm(data),
    lambda user, c, data: services.complaint_reply(actor=user, complaint=c, body=data["body"]),
    gettext_lazy("Please correct the text below."),
)
complaint_note = _form_view(
    "note_form",
    lambda data, complaint: TextForm(data),
    lambda user, c, data: services.complaint_add_note(actor=user, complaint=c, body=data["body"]),
    gettext_lazy("Please correct the text below."),
)
complaint_task = _form_view(
    "task_form",
    lambda data, complaint: TaskForm(data, complaint=complaint),
    lambda user, c, data: services.task_open(actor=user, complaint=c, **data),
    gettext_lazy("Please correct the task below."),
)


@login_required
@require_POST
def complaint_transfer(request, pk):
    """After a transfer the complaint may be out of the actor's sight: back to the list."""
    from apps.org.models import Department

    complaint = _complaint_for_action(request, pk)
    value = request.POST.get("to_department", "")
    department = Department.objects.filter(pk=value).first() if value.isdigit() else None
    outcome = attempt(
        lambda: services.complaint_transfer(
            actor=request.user,
            complaint=complaint,
            to_department=department,
            reason=request.POST.get("reason", ""),
        )
    )
    if not outcome.ok:
        return _detail_answer(request, complaint, outcome)
    messages.success(
        request,
        _("Complaint %(code)s transferred to %(d)s.")
        % {"code": complaint.code, "d": department.label},
    )
    target = (
        reverse("complaints:detail", args=[complaint.pk])
        if policy.can_view(request.user, selectors.complaint_detail(complaint.pk))
        else reverse("complaints:list")
    )
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def _task_view(run, success_message):
    """Close or cancel a coordination task: from the department's task list the answer
    is a message and a redirect back to it; from the complaint, the detail answer."""

    @login_required
    @require_POST
    def view(request, pk):
        task = get_object_or_404(CoordinationTask.objects.select_related("complaint"), pk=pk)
        if request.POST.get("next", "") == "department":
            return run_button_action(
                request,
                lambda: run(request, task),
                success_message=success_message,
                redirect_to="complaints:department_tasks",
            )
        outcome = attempt(lambda: run(request, task))
        if outcome.ok:
            messages.success(request, success_message)
        return _detail_answer(request, task.complaint, outcome)

    return view


task_close = _task_view(
    lambda request, task: services.task_close(
        actor=request.user, task=task, note=request.POST.get("note", "")
    ),
    gettext_lazy("Task closed. The complaint owner has been told."),
)
task_cancel = _task_view(
    lambda request, task: services.task_cancel(actor=request.user, task=task),
    gettext_lazy("Task cancelled."),
)


def unknown_action(request, *args, **kwargs):
    """The old /<pk>/<action>/ address for an action that does not exist."""
    return HttpResponse(status=404)


@login_required
def department_tasks(request):
    state = request.GET.get("state", CoordinationTask.State.OPEN)
    if state not in CoordinationTask.State.values and state != "all":
        state = CoordinationTask.State.OPEN
    tasks = selectors.department_tasks_for(request.user, state="" if state == "all" else state)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/department_tasks.html",
        {"page": page, "state": state, "states": CoordinationTask.State.choices},
    )


# --- Reports --------------------------------------------------------------------------


def _report_scope(request):
    allowed = list(policy.report_departments(request.user).order_by("path"))
    if not allowed and not policy.can_view_reports(request.user):
        raise PermissionDenied(_("Complaint reports are for customer service and managers."))
    chosen = request.GET.get("department", "")
    departments = allowed
    if chosen.isdigit():
        departments = [d for d in allowed if d.pk == int(chosen)]
        if not departments:
            raise PermissionDenied(_("You may not see complaint figures of this department."))
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today - dt.timedelta(days=89)
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    if end < start:
        start, end = end, start
    tz = timezone.get_current_timezone()
    start_at = dt.datetime.combine(start, dt.time.min, tz)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz)
    period = request.GET.get("period", "week")
    if period not in ("day", "week", "month"):
        period = "week"
    return allowed, departments, chosen, start, end, start_at, end_at, period


@login_required
def reports(request):
    allowed, departments, chosen, start, end, start_at, end_at, period = _report_scope(request)
    stats = selectors.complaint_stats(departments=departments, start=start_at, end=end_at)
    by_category = selectors.complaint_volume(
        departments=departments, start=start_at, end=end_at, by="category", period=period
    )
    by_channel = selectors.complaint_volume(
        departments=departments, start=start_at, end=end_at, by="channel", period=period
    )
    if request.GET.get("export") == "csv":
        return _reports_csv(stats, by_category, by_channel)
    return render(
        request,
        "complaints/reports.html",
        {
            "stats": stats,
            "chart": {
                "category": _series(by_category),
                "channel": _series(by_channel),
                "satisfaction": {
                    "labels": [f"{k}★" for k in stats["satisfaction"]],
                    "data": list(stats["satisfaction"].values()),
                },
            },
            "departments": allowed,
            "chosen": chosen,
            "start": start,
            "end": end,
            "period": period,
        },
    )


def _series(rows):
    periods = sorted({r["period"] for r in rows})
    keys = {}
    for r in rows:
        keys.setdefault(r["key"], r["label"])
    index = {(r["period"], r["key"]): r["n"] for r in rows}
    return {
        "labels": [p.isoformat() for p in periods],
        "datasets": [
            {"label": label, "data": [index.get((p, key), 0) for p in periods]}
            for key, label in keys.items()
        ],
    }


def _reports_csv(stats, by_category, by_channel):
    """Category and channel labels are typed in by staff: written through exports too."""
    rows = _report_rows(stats, by_category, by_channel)
    return exports.csv_response(rows, "complaint-report.csv", stream=False)


def _report_rows(stats, by_category, by_channel):
    yield [_("Figure"), _("Value")]
    for label, value in [
        (_("Complaints"), stats["total"]),
        (pgettext("complaint", "Accepted"), stats["accepted"]),
        (_("Resolved"), stats["resolved"]),
        (_("Closed"), stats["closed"]),
        (_("Median hours to accept"), stats["accept_hours"]["median"]),
        (_("90th percentile hours to accept"), stats["accept_hours"]["p90"]),
        (_("Median hours to resolve"), stats["resolve_hours"]["median"]),
        (_("90th percentile hours to resolve"), stats["resolve_hours"]["p90"]),
        (_("Accepted in time (%)"), stats["accept_sla_pct"]),
        (_("Resolved in time (%)"), stats["resolve_sla_pct"]),
        (_("SLA compliance (%)"), stats["sla_compliance_pct"]),
        (_("Reopen rate (%)"), stats["reopen_rate"]),
        (_("Reply rate (%)"), stats["reply_rate_pct"]),
        (_("Average rating"), stats["satisfaction_avg"]),
    ] + [(_("Rating %(n)d") % {"n": k}, v) for k, v in stats["satisfaction"].items()]:
        yield [label, "" if value is None else value]
    yield []
    yield [_("Period"), _("Grouped by"), _("Group"), _("Complaints")]
    for by, rows in ((_("Category"), by_category), (_("Channel"), by_channel)):
        for r in rows:
            yield [r["period"].isoformat(), by, r["label"], r["n"]]
