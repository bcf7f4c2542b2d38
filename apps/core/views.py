from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.core import home as home_panels
from apps.core import notifications, permission_hooks
from apps.core.errors import PermissionDenied
from apps.core.forms import ThrottledAuthenticationForm
from apps.core.models import AuditEntry, Notification
from apps.core.selectors import audit_entries, notifications_for


@login_required
def home(request):
    return render(request, "core/home.html", {"panels": home_panels.panels_for(request)})


@login_required
def notification_list(request):
    page = Paginator(notifications_for(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications.notification_mark_read(actor=request.user, notification=note)
    return redirect(note.url or "notifications")


@login_required
@require_POST
def notification_mark_all_read(request):
    notifications.notifications_mark_all_read(actor=request.user)
    return redirect("notifications")


@login_required
def audit_log(request):
    if not permission_hooks.allows(permission_hooks.VIEW_AUDIT_LOG, request.user):
        raise PermissionDenied()
    filters = {
        "object_type": request.GET.get("object_type", "").strip(),
        "object_id": request.GET.get("object_id", "").strip(),
        "actor": request.GET.get("actor", "").strip(),
        "action": request.GET.get("action", "").strip(),
    }
    page = Paginator(audit_entries(**filters), 50).get_page(request.GET.get("page"))
    object_types = (
        AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "filters": filters, "object_types": object_types},
    )


@never_cache
@require_GET
def healthz(request):
    """For load balancers and deploys: 200 when the database and broker answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any failure, never raise
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        from ops_portal.celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


class LoginView(auth_views.LoginView):
    """Django's log-in with the failure throttle, remembering the person's language."""

    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = getattr(form.get_user(), "preferred_language", "")
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", max_age=365 * 24 * 3600
            )
        return response
