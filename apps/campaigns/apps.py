from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "apps.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from apps.campaigns import (  # noqa: F401  (modules that register on import)
            file_kinds,
            kpi_sources,  # automatic KPI actuals (apps.kpis.sources)
            navigation,  # menu entry, home panel
            panels,  # the overseers' campaigns home panel
        )

        file_kinds.register()  # its files under /files/<kind>/<pk>/ (apps.core.files)
