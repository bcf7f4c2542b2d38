"""Content pages. Thin: read through selectors, write through services, ask the policy
(apps.content.permissions) who may see and do what."""

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
from django.views.decorators.http import require_POST

from apps.content import permissions as policy
from apps.content import selectors, services
from apps.content.forms import (
    ApproveForm,
    BulkApproveForm,
    DepartmentChoiceForm,
    ImageForm,
    ItemForm,
    MetricsForm,
    MetricsImportForm,
    PlanForm,
    ReturnForm,
    ScheduleForm,
    SubmitForm,
    TopicDecisionForm,
    TopicForm,
)
from apps.content.models import Channel, ContentItem, ContentPlan, Topic
from apps.core.actions import attempt, run_button_action, show_refusal
from apps.core.errors import NotFound, PermissionDenied
from apps.core.imports import ImportRejected
from apps.org import permissions as org_policy
from apps.org.authorities import Authority
from apps.org.models import Department

PAGE_SIZE = 25


def _visible_item(user, pk) -> ContentItem:
    item = get_object_or_404(
        ContentItem.objects.select_related(
            "department", "channel", "author__employee", "designer__employee", "current_step"
        ),
        pk=pk,
    )
    if not policy.can_view_item(user, item):
        raise NotFound(_("No such content item, or it is not yours to see."))
    return item


# --- Author's pages -----------------------------------------------------------------


@login_required
def my_items(request):
    state = request.GET.get("state", "")
    if state not in ContentItem.State.values:
        state = ""
    items = selectors.item_list_for(request.user, mine=True, state=state)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "content/my_items.html",
        {
            "page": page,
            "state": state,
            "states": ContentItem.State.choices,
            "can_create": policy.author_departments(request.user).exists(),
        },
    )


@login_required
def item_create(request):
    departments = policy.author_departments(request.user)
    if not departments.exists():
        raise PermissionDenied(_("You need the authority to draft content in a department."))
    department_form = DepartmentChoiceForm(
        request.POST or None,
        departments=departments,
        initial={"department": departments.first()},
    )
    form = ItemForm(
        request.POST or None,
        request.FILES or None,
        departments=departments,
        # "Draft from this topic / plan" links on the topic bank and plan pages
        initial={
            key: request.GET[key] for key in ("topic", "plan", "channel") if request.GET.get(key)
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid() and department_form.is_valid():
        data = dict(form.cleaned_data)
        outcome = attempt(
            lambda: services.content_item_create(
                actor=request.user,
                department=department_form.cleaned_data["department"],
                channel=data.pop("channel"),
                title=data.pop("title"),
                **{k: v for k, v in data.items() if v not in (None, "", False) or k == "body"},
            ),
            form,
        )
        if outcome.ok:
            messages.success(request, _("Draft saved."))
            return redirect("content:detail", outcome.value.pk)
        status = outcome.status
    return render(
        request,
        "content/item_form.html",
        {"form": form, "department_form": department_form, "item": None},
        status=status,
    )


@login_required
def item_edit(request, pk):
    item = _visible_item(request.user, pk)
    if not policy.can_edit(request.user, item):
        raise PermissionDenied(_("Only the author edits a draft, returned or approved item."))
    form = ItemForm(
        request.POST or None,
        request.FILES or None,
        instance=item,
        departments=Department.objects.filter(pk=item.department_id),
    )
    status = 200  # an invalid form stays 200 here, as before; a refusal is 400/409
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        # The ModelForm already wrote the values onto `item`; the service works on a
        # fresh row and applies them itself.
        outcome = attempt(
            lambda: services.content_item_update(
                actor=request.user, item=ContentItem(pk=item.pk), **fields
            ),
            form,
        )
        if outcome.ok:
            messages.success(request, _("Changes saved."))
            return redirect("content:detail", item.pk)
        status = outcome.status
    return render(request, "content/item_form.html", {"form": form, "item": item}, status=status)


@login_required
def item_detail(request, pk):
    item = _visible_item(request.user, pk)
    old, new = selectors.version_pair(item)
    self_check_steps = []
    if item.author_id == request.user.pk and item.state in (
        ContentItem.State.DRAFT, ContentItem.State.RETURNED, ContentItem.State.WITHDRAWN
    ):  # fmt: skip
        self_check_steps = services.submit_self_checks(item, request.user)
    is_author = item.author_id == request.user.pk
    timeline = list(selectors.timeline_of(item))
    last_return = None
    if item.state == ContentItem.State.RETURNED:
        last_return = next((a for a in reversed(timeline) if a.decision == "returned"), None)
    return render(
        request,
        "content/item_detail.html",
        {
            "item": item,
            "timeline": timeline,
            "last_return": last_return,
            "versions": selectors.versions_of(item),
            "diff_rows": selectors.diff_versions(old, new) if new and old else None,
            "old": old,
            "new": new,
            "is_author": is_author,
            "can_edit": policy.can_edit(request.user, item),
            "can_review": policy.can_act_on_step(request.user, item),
            "can_schedule": policy.can_schedule(request.user, item),
            "can_metrics": policy.can_enter_metrics(request.user, item)
            and item.state == ContentItem.State.PUBLISHED,
            "self_check_steps": self_check_steps,
            "publication": getattr(item, "publication", None),
            "max_publish_attempts": services.MAX_PUBLISH_ATTEMPTS,
            "metrics": item.metrics.all()[:30],
            "schedule_form": ScheduleForm(),
            "image_form": ImageForm(),
            "images": item.images.all(),
            "metrics_form": MetricsForm(initial={"date": timezone.localdate()}),
        },
    )


def _act(request, pk, action, success):
    item = _visible_item(request.user, pk)
    return run_button_action(
        request,
        lambda: action(item),
        success_message=success,
        redirect_to=reverse("content:detail", args=[item.pk]),
    )


@login_required
@require_POST
def item_submit(request, pk):
    form = SubmitForm(request.POST)
    form.is_valid()
    ticked = form.cleaned_data.get("self_check") if request.POST.get("has_self_check") else None
    return _act(
        request,
        pk,
        lambda item: services.content_item_submit(
            actor=request.user, item=item, self_check=ticked or ([] if ticked is not None else None)
        ),
        _("Submitted for review."),
    )


@login_required
@require_POST
def item_withdraw(request, pk):
    return _act(
        request,
        pk,
        lambda item: services.content_item_withdraw(
            actor=request.user, item=item, comment=request.POST.get("comment", "")[:1000]
        ),
        _("Withdrawn."),
    )


@login_required
@require_POST
def item_archive(request, pk):
    return _act(
        request,
        pk,
        lambda item: services.content_item_archive(actor=request.user, item=item),
        _("Archived."),
    )


@login_required
@require_POST
def item_schedule(request, pk):
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid publish time."))
        return redirect("content:detail", pk)
    return _act(
        request,
        pk,
        lambda item: services.content_item_schedule(
            actor=request.user, item=item, publish_at=form.cleaned_data["publish_at"]
        ),
        _("Scheduled."),
    )


@login_required
@require_POST
def image_add(request, pk):
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an image file."))
        return redirect("content:detail", pk)
    return _act(
        request,
        pk,
        lambda item: services.content_image_add(
            actor=request.user, item=item, file=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"],
        ),
        _("Image added."),
    )  # fmt: skip


@login_required
@require_POST
def metrics_add(request, pk):
    form = MetricsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the figures: whole numbers, not negative."))
        return redirect("content:detail", pk)
    data = dict(form.cleaned_data)
    return _act(
        request,
        pk,
        lambda item: services.metrics_record(actor=request.user, item=item, **data),
        _("Figures saved."),
    )


@login_required
def metrics_import(request):
    form = MetricsImportForm(request.POST or None, request.FILES or None)
    refused, status = None, 200
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            lambda: services.metrics_import_csv(actor=request.user, data=form.cleaned_data["file"])
        )
        if outcome.ok:
            messages.success(request, _("%(n)d rows imported.") % {"n": outcome.value})
            return redirect("content:metrics_import")
        refused, status = _import_refusal(form, outcome), outcome.status
    return render(
        request,
        "content/metrics_import.html",
        {"form": form, "import_error": refused},
        status=status,
    )


def _import_refusal(form, outcome):
    """A refused file's row-numbered report for the page; any other refusal goes on the
    form like everywhere else (core.actions)."""
    if isinstance(outcome.error, ImportRejected):
        return outcome.error
    show_refusal(form, outcome.error)
    return None


# --- Reviewing ----------------------------------------------------------------------


def _queue_filters(request):
    params = request.GET
    department = channel = author = None
    if params.get("department", "").isdigit():
        department = Department.objects.filter(pk=params["department"]).first()
    if params.get("channel", "").isdigit():
        channel = Channel.objects.filter(pk=params["channel"]).first()
    if params.get("author", "").isdigit():
        author = get_user_model().objects.filter(pk=params["author"]).first()
    due = params.get("due", "") if params.get("due") in ("overdue", "today") else ""
    sort = params.get("sort", "due") if params.get("sort") in selectors.QUEUE_SORTS else "due"
    return {"department": department, "channel": channel, "author": author, "due": due,
            "sort": sort}  # fmt: skip


@login_required
def review_queue(request):
    filters = _queue_filters(request)
    queue = selectors.review_queue_for(request.user, **filters).defer("body")
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    if not any(filters[k] for k in ("department", "channel", "author", "due")):
        selectors.remember_queue_count(request.user, page.paginator.count)
    return render(
        request,
        "content/queue.html",
        {
            "page": page,
            "filters": filters,
            "departments": org_policy.departments_where(request.user, Authority.REVIEW_CONTENT)
            .filter(is_active=True)
            .order_by("path"),
            "channels": Channel.objects.filter(is_active=True),
            "sorts": [
                ("due", _("Due first")),
                ("-due", _("Due last")),
                ("submitted", _("Oldest submitted")),
                ("-submitted", _("Newest submitted")),
                ("title", _("Title")),
            ],
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def review_bulk_approve(request):
    form = BulkApproveForm(request.POST)
    if not form.is_valid():
        if "confirm" in form.errors:
            messages.error(request, _("Confirm that you checked each item against its checklist."))
        else:
            messages.error(request, _("Select the items to approve."))
        return redirect(reverse("content:queue") + "?" + request.POST.get("query", ""))
    result = services.content_items_bulk_approve(
        actor=request.user,
        item_ids=form.cleaned_data["items"],
        comment=form.cleaned_data["comment"][:1000],
    )
    if result.approved:
        messages.success(request, _("%(n)d items approved.") % {"n": len(result.approved)})
    for item_id, title, message in result.failed:
        messages.error(request, f"#{item_id} {title}: {message}")
    return redirect("content:queue")


def _review_context(request, item, approve_form=None, return_form=None):
    old, new = selectors.version_pair(item)
    initial = {"version": item.version_number, "step": item.step_number}
    return {
        "item": item,
        "step": item.current_step,
        "can_review": policy.can_act_on_step(request.user, item),
        "approve_form": approve_form or ApproveForm(initial=initial),
        "return_form": return_form or ReturnForm(initial=initial),
        "diff_rows": selectors.diff_versions(old, new) if new else None,
        "old": old,
        "new": new,
        "images": item.images.all(),
        "timeline": selectors.timeline_of(item),
        "next_item": selectors.next_in_queue(request.user, after=item),
        "is_final": item.step_number == item.step_total,
    }


@login_required
def review_page(request, pk):
    item = _visible_item(request.user, pk)
    return render(request, "content/review.html", _review_context(request, item))


def _after_action(request, item, message):
    following = selectors.next_in_queue(request.user, after=item)
    target = (
        reverse("content:review", args=[following.pk]) if following else reverse("content:queue")
    )
    messages.success(request, message)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def _form_error(request, item, status=400, **forms):
    context = _review_context(request, item, **forms)
    template = "content/_review_actions.html" if request.htmx else "content/review.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def review_approve(request, pk):
    item = _visible_item(request.user, pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: services.content_item_approve(
                actor=request.user,
                item=item,
                version=data["version"],
                step=data["step"],
                comment=data["comment"],
                checklist=data["checklist"],
                publish_at=data["publish_at"],
            ),
            form,
        )
        if outcome.ok:
            return _after_action(request, item, _("Approved: %(t)s") % {"t": item.title})
        return _form_error(request, item, outcome.status, approve_form=form)
    return _form_error(request, item, approve_form=form)


@login_required
@require_POST
def review_return(request, pk):
    item = _visible_item(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: services.content_item_return(
                actor=request.user,
                item=item,
                version=data["version"],
                step=data["step"],
                comment=data["comment"],
            ),
            form,
        )
        if outcome.ok:
            return _after_action(request, item, _("Returned: %(t)s") % {"t": item.title})
        return _form_error(request, item, outcome.status, return_form=form)
    return _form_error(request, item, return_form=form)


@login_required
def version_diff(request, pk):
    item = _visible_item(request.user, pk)
    old, new = selectors.version_pair(item, request.GET.get("a"), request.GET.get("b"))
    if new is None:
        raise NotFound(_("This version does not exist."))
    rows = selectors.diff_versions(old, new)
    mode = "inline" if request.GET.get("mode") == "inline" else "side"
    return render(
        request,
        "content/diff.html",
        {
            "item": item,
            "old": old,
            "new": new,
            "rows": rows,
            "inline": selectors.diff_inline(rows) if mode == "inline" else None,
            "mode": mode,
            "versions": selectors.versions_of(item),
        },
    )


# --- Calendar, topics, plans --------------------------------------------------------


@login_required
def calendar_month(request):
    today = timezone.localdate()
    try:
        year, month = (int(v) for v in request.GET.get("month", "").split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    days = selectors.calendar_month(request.user, first.year, first.month)
    start = first - dt.timedelta(days=first.weekday())
    weeks = []
    cursor = start
    while cursor.month == first.month or cursor < first or len(weeks) == 0:
        week = []
        for _offset in range(7):
            week.append({"date": cursor, "in_month": cursor.month == first.month,
                         **days.get(cursor, {"items": [], "plans": []})})  # fmt: skip
            cursor += dt.timedelta(days=1)
        weeks.append(week)
        if cursor.month != first.month and cursor > first:
            break
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "content/calendar.html",
        {
            "weeks": weeks,
            "first": first,
            "today": today,
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
        },
    )


@login_required
def topic_list(request):
    topics = Topic.objects.filter(
        org_policy.department_q(request.user, Authority.VIEW_DEPARTMENT, Authority.CREATE_CONTENT)
    ).select_related("department", "channel", "proposer__employee")
    page = Paginator(topics.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    form = TopicForm(request.POST or None)
    form.fields["department"].queryset = policy.author_departments(request.user)
    status = 200  # an invalid form stays 200 here, as before; a refusal is 400/409
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            lambda: services.topic_propose(actor=request.user, **form.cleaned_data), form
        )
        if outcome.ok:
            messages.success(request, _("Topic proposed."))
            return redirect("content:topics")
        status = outcome.status
    return render(
        request,
        "content/topics.html",
        {"page": page, "form": form, "decision_form": TopicDecisionForm(),
         "can_decide": org_policy.has_authority(request.user, Authority.REVIEW_CONTENT)},
        status=status,
    )  # fmt: skip


@login_required
@require_POST
def topic_decide(request, pk):
    topic = get_object_or_404(Topic, pk=pk)
    form = TopicDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("content:topics")
    return run_button_action(
        request,
        lambda: services.topic_decide(actor=request.user, topic=topic, **form.cleaned_data),
        success_message=_("Decision recorded."),
        redirect_to="content:topics",
    )


@login_required
def plan_list(request):
    plans = ContentPlan.objects.filter(
        org_policy.department_q(request.user, Authority.VIEW_DEPARTMENT, Authority.CREATE_CONTENT)
    ).select_related("department", "channel")
    page = Paginator(plans.order_by("department__path", "theme", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    form = PlanForm(request.POST or None)
    form.fields["department"].queryset = policy.author_departments(request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        dates = data.pop("planned_dates_text")
        outcome = attempt(
            lambda: services.plan_create(actor=request.user, planned_dates=dates, **data), form
        )
        if outcome.ok:
            messages.success(request, _("Plan saved."))
            return redirect("content:plans")
        status = outcome.status
    else:
        status = 200  # an invalid form stays 200 here, as before; a refusal is 400/409
    return render(request, "content/plans.html", {"page": page, "form": form}, status=status)
