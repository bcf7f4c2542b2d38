from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from apps.core.api_docs import swagger_ui
from apps.core.forms import ThrottledAdminAuthenticationForm
from apps.org.views import switch_language

# The admin's log-in counts and refuses failures like the app's (apps.core.login_throttle).
admin.site.login_form = ThrottledAdminAuthenticationForm

api_v1 = [
    path("org/", include("apps.org.api_urls")),
    path("content/", include("apps.content.api_urls")),
    path("campaigns/", include("apps.campaigns.api_urls")),
    path("complaints/", include("apps.complaints.api_urls")),
    path("kpis/", include("apps.kpis.api_urls")),
    path("training/", include("apps.training.api_urls")),
    path("work/", include("apps.work.api_urls")),
]

urlpatterns = [
    path("", include("apps.core.urls")),
    path("language/", switch_language, name="switch_language"),
    path("org/", include("apps.org.urls")),
    path("content/", include("apps.content.urls")),
    path("campaigns/", include("apps.campaigns.urls")),
    path("complaints/", include("apps.complaints.urls")),
    path("kpis/", include("apps.kpis.urls")),
    path("training/", include("apps.training.urls")),
    path("work/", include("apps.work.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", swagger_ui, name="api_docs"),  # CSP-compatible (apps.core.api_docs)
    path("admin/", admin.site.urls),
    # django-simple-captcha's images for the public complaint form, served by the app.
    path("captcha/", include("captcha.urls")),
]

# No route serves MEDIA_ROOT, in DEBUG or not: files go out through /files/<kind>/<pk>/
# after a permission check (apps.core.files).
