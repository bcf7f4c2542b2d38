from django.contrib.auth import views as auth_views
from django.urls import path

from apps.core import calendar_views, files, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path(
        "notifications/read-all/",
        views.notification_mark_all_read,
        name="notifications_mark_all_read",
    ),
    path("audit/", views.audit_log, name="audit_log"),
    path("calendar/", calendar_views.working_calendar, name="working_calendar"),
    path(
        "calendar/<int:pk>/remove/",
        calendar_views.working_calendar_remove,
        name="working_calendar_remove",
    ),
    path("healthz", views.healthz, name="healthz"),
    # Every stored file, after its app's permission check (apps.core.files).
    path("files/<slug:kind>/<int:pk>/", files.download, name="file"),
]
