"""Work pages. Thin: read through selectors, write through services, ask the policy
(apps.work.permissions) who may see and do what."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.campaigns.models import Campaign
from apps.core.actions import attempt
from apps.core.errors import PermissionDenied
from apps.org import permissions as org_policy
from apps.work import forms as f
from apps.work import permissions as policy
from apps.work import selectors, services
from apps.work.models import ChannelBooking, CoordinationRequest, Suggestion

PAGE_SIZE = 25


def _service_form(request, form, call):
    """Run `call()` if the form is valid; a refusal goes on the form (core.actions: at the
    top and beside its field; 403/404 become the error page). Returns the service's
    result, or None."""
    if request.method != "POST" or not form.is_valid():
        return None
    return attempt(call, form).value


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _get(loader, pk):
    try:
        return loader(pk)
    except (Suggestion.DoesNotExist, CoordinationRequest.DoesNotExist):
        raise Http404 from None


# --- Suggestions ----------------------------------------------------------------------


@login_required
def suggestion_list(request):
    box = request.GET.get("box", "")
    box = box if box in selectors.SUGGESTION_BOXES else ""
    state = request.GET.get("state", "")
    rows = selectors.suggestion_list_for(request.user, box=box, state=state)
    return render(
        request,
        "work/suggestion_list.html",
        {
            "page": _page(request, rows),
            "box": box,
            "state": state,
            "states": Suggestion.State.choices,
            "can_suggest": policy.can_suggest_anywhere(request.user),
        },
    )


@login_required
def suggestion_create(request):
    kinds = [k for k in Suggestion.Kind.values if policy.suggestion_departments(request.user, k)]
    if not kinds:
        raise PermissionDenied(_("Your position does not give you the right to make suggestions."))
    form = f.SuggestionForm(
        request.POST or None, kinds=kinds, initial={"kind": request.GET.get("kind")}
    )
    suggestion = _service_form(
        request,
        form,
        lambda: services.suggestion_submit(actor=request.user, **form.cleaned_data),
    )
    if suggestion:
        messages.success(
            request,
            _("Sent to %(who)s; the reply is due by %(due)s.")
            % {"who": suggestion.recipient.display_name, "due": suggestion.reply_due_on},
        )
        return redirect("work:suggestion_detail", suggestion.pk)
    return render(
        request, "work/suggestion_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def suggestion_detail(request, pk):
    suggestion = _get(selectors.suggestion_for_page, pk)
    if not policy.can_view_suggestion(request.user, suggestion):
        raise PermissionDenied(_("This suggestion is between its author and their supervisor."))
    can_reply = policy.can_reply(request.user, suggestion) and suggestion.state == "open"
    form = f.ReplyForm(request.POST or None) if can_reply else None
    if request.method == "POST":
        if form is None:
            # Not addressed to this user (or already answered): the service says which.
            services.suggestion_reply(
                actor=request.user,
                suggestion=suggestion,
                decision=request.POST.get("decision", ""),
                reply=request.POST.get("reply", ""),
            )
        elif _service_form(
            request,
            form,
            lambda: services.suggestion_reply(
                actor=request.user, suggestion=suggestion, **form.cleaned_data
            ),
        ):
            messages.success(request, _("Your reply was sent."))
            return redirect("work:suggestion_detail", suggestion.pk)
    return render(
        request,
        "work/suggestion_detail.html",
        {"suggestion": suggestion, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


# --- Coordination requests ------------------------------------------------------------


def _coordination_campaigns(user):
    return Campaign.objects.filter(
        org_policy.department_q(user, policy.A.CAMPAIGN_COORDINATION),
        state__in=services.CAMPAIGN_EXECUTION_STATES,
    ).order_by("-starts_on", "pk")


@login_required
def coordination_list(request):
    incoming = request.GET.get("box") == "incoming"
    state = request.GET.get("state", "")
    rows = selectors.coordination_list_for(request.user, state=state, incoming=incoming)
    return render(
        request,
        "work/coordination_list.html",
        {
            "page": _page(request, rows),
            "incoming": incoming,
            "state": state,
            "states": CoordinationRequest.State.choices,
            "can_open": policy.can_open_any_request(request.user),
        },
    )


@login_required
def coordination_create(request):
    if not policy.can_open_any_request(request.user):
        raise PermissionDenied(
            _("Opening a coordination request takes work or campaign coordination rights.")
        )
    form = f.CoordinationForm(
        request.POST or None,
        from_departments=policy.coordination_departments(request.user),
        campaigns=_coordination_campaigns(request.user),
    )
    created = _service_form(
        request,
        form,
        lambda: services.coordination_request_open(actor=request.user, **form.cleaned_data),
    )
    if created:
        messages.success(request, _("Request sent to %(d)s.") % {"d": created.to_department.label})
        return redirect("work:coordination_detail", created.pk)
    return render(
        request, "work/coordination_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def coordination_detail(request, pk):
    item = _get(selectors.coordination_for_page, pk)
    if not policy.can_view_request(request.user, item):
        raise PermissionDenied(_("You may not see this request."))
    can_answer = policy.can_answer(request.user, item) and item.state == "open"
    form = f.AnswerForm(request.POST or None) if can_answer else None
    if request.method == "POST":
        if form is None:
            services.coordination_request_answer(
                actor=request.user,
                request=item,
                outcome=request.POST.get("outcome", ""),
                answer=request.POST.get("answer", ""),
            )
        elif _service_form(
            request,
            form,
            lambda: services.coordination_request_answer(
                actor=request.user, request=item, **form.cleaned_data
            ),
        ):
            messages.success(request, _("Your answer was sent."))
            return redirect("work:coordination_detail", item.pk)
    return render(
        request,
        "work/coordination_detail.html",
        {"item": item, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


# --- Channel bookings -----------------------------------------------------------------


@login_required
def booking_list(request):
    departments = policy.booking_departments(request.user)
    can_book = departments.exists()
    form = f.BookingForm(request.POST or None, departments=departments) if can_book else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(
                _("Booking channels takes the authority “%(a)s”.")
                % {"a": policy.A.CHANNEL_RESOURCES.label}
            )
        if _service_form(
            request,
            form,
            lambda: services.channel_booking_create(actor=request.user, **form.cleaned_data),
        ):
            messages.success(request, _("The channel is booked."))
            return redirect("work:bookings")
    rows = selectors.booking_list_for(
        request.user, upcoming_from=timezone.now(), state=ChannelBooking.State.BOOKED
    )
    return render(
        request,
        "work/booking_list.html",
        {"page": _page(request, rows), "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def booking_cancel(request, pk):
    booking = ChannelBooking.objects.filter(pk=pk).first()
    if booking is None or not request.user.is_active:
        raise Http404
    services.channel_booking_cancel(actor=request.user, booking=booking)
    messages.success(request, _("The booking is cancelled."))
    return redirect("work:bookings")
