"""Appraisal pages. Thin: read through selectors, write through services, ask the
policy (apps.kpis.permissions) who may see and do what. A domain error re-renders the
page with the message next to its field (status 400/403/409)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core import files
from apps.core.actions import attempt, run_button_action, show_refusal
from apps.core.errors import NotFound
from apps.core.imports import ImportRejected
from apps.org.models import Department, Employee

from . import jobs, raters, selectors, services
from . import permissions as policy
from .appeals import route_of
from .forms import ActualsImportForm
from .models import Appeal, AppraisalCycle, AppraisalForm, CycleKind, ExportJob, PeerReview


def _int(value):
    return int(value) if (value or "").isdigit() else None


def _scores(post, prefix="score_"):
    return {
        key[len(prefix) :]: value
        for key, value in post.items()
        if key.startswith(prefix) and key[len(prefix) :].isdigit()
    }


def _form_or_404(user, pk) -> AppraisalForm:
    try:
        form = selectors.form_for_page(pk)
    except AppraisalForm.DoesNotExist:
        raise Http404 from None
    if not policy.can_view_form(user, form):
        raise NotFound(_("There is no appraisal here you may open."))
    return form


@login_required
def tasks(request):
    user = request.user
    return render(
        request,
        "kpis/tasks.html",
        {
            "my_forms": Paginator(selectors.my_forms(user), 12).get_page(request.GET.get("page")),
            "peer_reviews": selectors.peer_reviews_for(user, pending_only=True)[:50],
            "to_score": selectors.forms_to_score(user)[:50],
            "to_calibrate": selectors.forms_to_calibrate(user)[:50],
            "appeals": selectors.appeals_to_rule(user)[:50],
            "is_hr": policy.can_run_cycles(user),
        },
    )


def _form_context(request, form, **extra):
    user = request.user
    show_results = policy.can_see_results(user, form)
    reviews = []
    if show_results:
        for review in form.peer_reviews.all():
            review.show_reviewer = policy.can_see_reviewer(user, review)
            reviews.append(review)
    colleagues = []
    if policy.can_assign_peers(user, form) and form.state in ("self", "peer"):
        colleagues = (
            Employee.objects.filter(
                is_active=True,
                assignments__post__department=form.department,
                assignments__end_date__isnull=True,
            )
            .exclude(pk=form.employee_id)
            .distinct()
            .order_by("employee_no")
        )
    appeal = Appeal.objects.filter(form=form).first()
    can_appeal = policy.can_appeal(user, form) and form.state == "released" and not appeal
    sections = selectors.sections_of(form)
    errors = extra.pop("errors", {})
    for block in sections:
        for item in block["items"]:
            item.error = errors.get(f"score_{item.pk}", "")
    return {
        "form": form,
        "sections": sections,
        "errors": errors,
        "show_results": show_results,
        "reviews": reviews,
        "can_self": policy.can_write_self(user, form),
        "can_score": policy.can_score(user, form) and form.state in ("peer", "supervisor"),
        "can_assign": bool(colleagues),
        "colleagues": colleagues,
        "can_calibrate": policy.can_calibrate(user, form) and form.state == "calibration",
        "can_interview": policy.can_interview(user, form) and form.is_released,
        "can_appeal": can_appeal,
        # Only when the appeal form shows: the policy says who rules (apps.kpis.appeals).
        "appeal_route": route_of(form) if can_appeal else "",
        "appeal": appeal,
        "can_rule": appeal is not None and appeal.state == "open" and policy.can_rule(user, appeal),
        "is_own": policy.is_own(user, form),
        **extra,
    }


@login_required
def form_detail(request, pk):
    form = _form_or_404(request.user, pk)
    return render(request, "kpis/form_detail.html", _form_context(request, form))


def _act(request, pk, action):
    """Run `action(form)`; on a domain error re-render the form with the message."""
    form = _form_or_404(request.user, pk)
    outcome = attempt(lambda: action(form))
    if not outcome.ok:
        form = selectors.form_for_page(pk)
        context = _form_context(request, form, errors=_errors(outcome), posted=request.POST)
        return render(request, "kpis/form_detail.html", context, status=outcome.status)
    if outcome.value:
        messages.success(request, outcome.value)
    return redirect("kpis:form_detail", pk=pk)


def _errors(outcome):
    """A refusal as these pages show it: the message under its field's key, or on top."""
    return {outcome.error.field or "__all__": outcome.error.message}


@login_required
@require_POST
def form_self(request, pk):
    p = request.POST

    def act(form):
        submit = "submit" in p
        services.form_save_self(
            actor=request.user,
            form=form,
            tasks=p.get("tasks", ""),
            results=p.get("results", ""),
            problems=p.get("problems", ""),
            comment=p.get("comment", ""),
            scores=_scores(p),
            submit=submit,
        )
        return _("Submitted. Your supervisor has been told.") if submit else _("Saved.")

    return _act(request, pk, act)


@login_required
@require_POST
def form_assign_peers(request, pk):
    def act(form):
        reviewers = list(
            Employee.objects.filter(pk__in=[_int(v) for v in request.POST.getlist("reviewers")])
        )
        created = services.peer_reviewers_assign(
            actor=request.user,
            form=form,
            reviewers=reviewers,
            anonymous=request.POST.get("anonymous") == "on",
        )
        return _("%(n)s colleagues asked for a peer review.") % {"n": len(created)}

    return _act(request, pk, act)


@login_required
@require_POST
def form_score(request, pk):
    p = request.POST

    def act(form):
        submit = "submit" in p
        services.form_supervisor_score(
            actor=request.user,
            form=form,
            scores=_scores(p),
            comments=_scores(p, "comment_"),
            comment=p.get("comment", ""),
            submit=submit,
        )
        return _("Scores submitted to HR.") if submit else _("Saved.")

    return _act(request, pk, act)


@login_required
@require_POST
def form_calibrate(request, pk):
    def act(form):
        services.form_calibrate(
            actor=request.user,
            form=form,
            total_score=request.POST.get("total_score") or None,
            reason=request.POST.get("reason", ""),
        )
        return _("Result confirmed.")

    return _act(request, pk, act)


@login_required
@require_POST
def form_interview(request, pk):
    def act(form):
        services.form_record_interview(
            actor=request.user,
            form=form,
            notes=request.POST.get("notes", ""),
            improvement_plan=request.POST.get("improvement_plan", ""),
        )
        return _("Feedback interview recorded.")

    return _act(request, pk, act)


@login_required
@require_POST
def form_appeal(request, pk):
    def act(form):
        services.appeal_file(
            actor=request.user,
            form=form,
            reason=request.POST.get("reason", ""),
            skip_level=request.POST.get("skip_level") == "on",
        )
        return _("Your appeal has been filed.")

    return _act(request, pk, act)


@login_required
@require_POST
def appeal_rule(request, pk):
    def act(form):
        appeal = get_object_or_404(Appeal, form=form)
        services.appeal_rule(
            actor=request.user,
            appeal=appeal,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("ruling_reason", ""),
            total_score=request.POST.get("total_score") or None,
            investigation=request.POST.get("investigation", ""),
        )
        return _("Ruling recorded; the result is locked.")

    return _act(request, pk, act)


# --- Peer reviews ----------------------------------------------------------------------


@login_required
def peer_review(request, pk):
    review = get_object_or_404(
        PeerReview.objects.select_related("form__employee", "form__cycle", "reviewer"), pk=pk
    )
    if review.reviewer.user_id != request.user.pk:
        raise NotFound(_("There is no peer review here you may open."))
    form = review.form
    items = raters.review_items(review)  # only what this colleague is asked to rate
    mine = {r.item_id: r.score for r in review.ratings.all()}
    errors = {}
    status = 200
    if request.method == "POST":
        outcome = attempt(
            lambda: services.peer_review_submit(
                actor=request.user,
                review=review,
                scores=_scores(request.POST),
                comment=request.POST.get("comment", ""),
            )
        )
        if outcome.ok:
            messages.success(request, _("Thank you: your peer review is submitted."))
            return redirect("kpis:tasks")
        errors, status = _errors(outcome), outcome.status
    return render(
        request,
        "kpis/peer_review.html",
        {
            "review": review,
            "form": form,
            "items": items,
            "mine": mine,
            "errors": errors,
            "posted": request.POST,
        },
        status=status,
    )


# --- HR: cycles ----------------------------------------------------------------------


@login_required
def cycle_list(request):
    policy.require(policy.can_run_cycles(request.user), _("Only HR runs appraisal cycles."))
    errors = {}
    status = 200
    if request.method == "POST":
        try:
            import datetime as dt

            start = dt.date.fromisoformat((request.POST.get("period") or "") + "-01")
        except ValueError:
            errors = {"period": _("Choose a month, e.g. 2025-03.")}
            status = 400
        else:
            outcome = attempt(
                lambda: services.cycle_open(
                    actor=request.user, kind=request.POST.get("kind", ""), period_start=start
                )
            )
            if outcome.ok:
                cycle = outcome.value
                messages.success(
                    request, _("%(c)s is opening; forms are being created.") % {"c": cycle.label}
                )
                return redirect("kpis:cycle_dashboard", pk=cycle.pk)
            errors, status = _errors(outcome), outcome.status
    return render(
        request,
        "kpis/cycle_list.html",
        {
            "page": Paginator(selectors.cycle_list(), 20).get_page(request.GET.get("page")),
            "kinds": CycleKind.choices,
            "errors": errors,
            "posted": request.POST,
        },
        status=status,
    )


def _department(request):
    return Department.objects.filter(
        pk=_int(request.GET.get("department") or request.POST.get("department"))
    ).first()


@login_required
def cycle_dashboard(request, pk):
    cycle = get_object_or_404(AppraisalCycle, pk=pk)
    department = _department(request)
    if not (
        policy.is_hr(request.user) or (department and policy.can_export(request.user, department))
    ):
        policy.require(False, _("Only HR sees the cycle dashboard."))
    forms = AppraisalForm.objects.filter(cycle=cycle)
    if department:
        forms = forms.filter(department__path__startswith=department.path)
    guide = {}
    if department:
        from .policies import policy_for

        guide = policy_for(department).guide_distribution or {}
    distribution = selectors.grade_distribution(forms)
    for row in distribution:
        row["guide"] = guide.get(row["grade"])
    return render(
        request,
        "kpis/cycle_dashboard.html",
        {
            "cycle": cycle,
            "department": department,
            "departments": Department.objects.filter(
                pk__in=AppraisalForm.objects.filter(cycle=cycle).values("department_id")
            ).order_by("path"),
            "schedules": cycle.schedules.select_related("department"),
            "progress": selectors.cycle_progress(cycle, department=department),
            "late": Paginator(selectors.late_forms(cycle, department=department), 20).get_page(
                request.GET.get("page")
            ),
            "forms": Paginator(
                selectors.form_list_for(request.user, cycle=cycle, department=department), 25
            ).get_page(request.GET.get("fpage")),
            "distribution": distribution,
            "states": AppraisalForm.State.choices,
            "exports": ExportJob.objects.filter(cycle=cycle, requested_by=request.user)[:5],
        },
    )


def _cycle_action(request, pk, action):
    cycle = get_object_or_404(AppraisalCycle, pk=pk)
    department = _department(request)
    url = reverse("kpis:cycle_dashboard", args=[pk])
    if department:
        url += f"?department={department.pk}"
    return run_button_action(
        request,
        lambda: action(cycle, department),
        success_message=lambda message: message,
        redirect_to=url,
    )


@login_required
@require_POST
def cycle_aggregate(request, pk):
    return _cycle_action(
        request,
        pk,
        lambda cycle, dept: (
            _("%(n)s forms aggregated.")
            % {"n": services.cycle_aggregate(actor=request.user, cycle=cycle, department=dept)}
        ),
    )


@login_required
@require_POST
def cycle_release(request, pk):
    return _cycle_action(
        request,
        pk,
        lambda cycle, dept: (
            _("%(n)s results released.")
            % {"n": services.forms_release(actor=request.user, cycle=cycle, department=dept)}
        ),
    )


@login_required
@require_POST
def cycle_remind(request, pk):
    def act(cycle, dept):
        policy.require(policy.is_hr(request.user), _("Only HR sends reminders."))
        sent = jobs.send_reminders(cycle_id=cycle.pk, department=dept)
        return _("%(n)s reminders sent.") % {"n": sent}

    return _cycle_action(request, pk, act)


@login_required
@require_POST
def cycle_close(request, pk):
    return _cycle_action(
        request,
        pk,
        lambda cycle, dept: (
            _("%(c)s closed.") % {"c": services.cycle_close(actor=request.user, cycle=cycle).label}
        ),
    )


@login_required
def cycle_import(request, pk):
    """HR uploads actuals (the dashboard posts here too). A refused file comes back on
    this page with its row-numbered report; nothing of it was saved."""
    cycle = get_object_or_404(AppraisalCycle, pk=pk)
    policy.require(policy.can_run_cycles(request.user), _("Only HR imports actuals."))
    form = ActualsImportForm(request.POST or None, request.FILES or None)
    refused, status = None, 400 if form.errors else 200
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            lambda: services.actuals_import_csv(
                actor=request.user, cycle=cycle, file=form.cleaned_data["file"]
            )
        )
        if outcome.ok:
            imported = outcome.value["imported"]
            messages.success(request, _("%(n)s actuals imported.") % {"n": imported})
            return redirect("kpis:cycle_dashboard", pk=pk)
        status = outcome.status
        if isinstance(outcome.error, ImportRejected):
            refused = outcome.error  # the row-numbered report, above the form
        else:
            show_refusal(form, outcome.error)
    return render(
        request,
        "kpis/cycle_import.html",
        {"cycle": cycle, "form": form, "import_error": refused},
        status=status,
    )


@login_required
@require_POST
def cycle_export(request, pk):
    cycle = get_object_or_404(AppraisalCycle, pk=pk)
    job = services.request_export(actor=request.user, cycle=cycle, department=_department(request))
    return redirect("kpis:export_detail", pk=job.pk)


def _job(request, pk) -> ExportJob:
    job = get_object_or_404(ExportJob.objects.select_related("cycle", "department"), pk=pk)
    if job.requested_by_id != request.user.pk:
        raise NotFound(_("There is no export here you may open."))
    return job


@login_required
def export_detail(request, pk):
    job = _job(request, pk)
    template = "kpis/_export_progress.html" if request.htmx else "kpis/export_detail.html"
    return render(request, template, {"job": job})


@login_required
def export_download(request, pk):
    job = _job(request, pk)
    if job.state != ExportJob.State.DONE or not job.file:
        raise NotFound(_("The file is not ready yet."))
    # The one checked way out for stored files (random name in, readable name out).
    return files.serve_kind(request, "kpi-export", job.pk)
