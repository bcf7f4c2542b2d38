"""Admin: catalogues are edited here (training categories); everything with a workflow
is read-only, because its writes go through the services."""

from django.contrib import admin

from apps.org.admin import AuditedAdmin
from apps.training import models


@admin.register(models.Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.TrainingPlan)
class TrainingPlanAdmin(ReadOnlyAdmin):
    list_display = ("year", "department", "title", "state", "author")
    list_filter = ("state", "year")


@admin.register(models.Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("title", "department", "starts_at", "state", "capacity")
    list_filter = ("state", "kind")


@admin.register(models.TrainingAssignment)
class TrainingAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("employee", "title", "reason", "due_on", "state")
    list_filter = ("state", "reason")


@admin.register(models.DevelopmentPlan)
class DevelopmentPlanAdmin(ReadOnlyAdmin):
    list_display = ("employee", "current_role", "target_role")
