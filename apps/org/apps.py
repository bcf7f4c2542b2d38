from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "apps.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from apps.core import permission_hooks
        from apps.org import (
            navigation,  # noqa: F401  (registers menu entries)
            permissions,
        )
        from apps.org.authorities import Authority

        # Core's pages ask org's policy through hooks: core imports nothing from org.
        permission_hooks.register(permission_hooks.VIEW_AUDIT_LOG, permissions.can_view_audit_log)
        permission_hooks.register(
            permission_hooks.MANAGE_CALENDAR,
            permissions.can_manage_calendar,
            needs=Authority.MANAGE_ORG.label,
        )
