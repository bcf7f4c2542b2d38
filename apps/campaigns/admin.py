"""Configuration: campaign types and per-department director-approval thresholds (the
latter decide when the director must approve, so only the superuser edits them).
Campaigns themselves change only through their pages and API (services and policy)."""

from django.contrib import admin

from apps.campaigns.models import Campaign, CampaignType, DepartmentBudgetPolicy
from apps.org.admin import AuditedAdmin, SuperuserWritesAdmin


@admin.register(CampaignType)
class CampaignTypeAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    search_fields = ("code", "name", "name_en")


@admin.register(DepartmentBudgetPolicy)
class DepartmentBudgetPolicyAdmin(SuperuserWritesAdmin):
    list_display = ("department", "director_threshold")
    list_select_related = ("department",)
    autocomplete_fields = ("department",)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """Read-only overview for support staff."""

    list_display = ("theme", "department", "state", "starts_on", "ends_on", "owner")
    list_filter = ("state", "campaign_type", "department")
    search_fields = ("theme",)
    list_select_related = ("department", "owner")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
