"""The API's Swagger UI page (/api/docs/) under the site's Content-Security-Policy.

drf-spectacular's plain Swagger view writes its start-up script inline; the split view
serves that script from the same URL (``?script=``), so script-src 'self' holds. The
page template still carries a three-rule <style> block (box-sizing, body margin), the
one exception: inline <style> is allowed on this page only."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularSwaggerSplitView

swagger_ui = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api_schema")
)
