from django.contrib import admin

from apps.core import audit
from apps.core.models import AuditEntry, CalendarDay, Notification


def auditable_fields(form) -> list[str]:
    # Never copy a password (or its hash) into the audit log.
    return [k for k in form.changed_data if "password" not in k]


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit row for every save and delete made in the admin, inline rows
    and the bulk "delete selected" action included. Every app's admin builds on it."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and not form.changed_data:
            return  # saved as it was (e.g. only inline rows changed): nothing to log
        audit.record(
            actor=request.user,
            obj=obj,
            action="admin.change" if change else "admin.add",
            changes={k: str(form.cleaned_data.get(k)) for k in auditable_fields(form)},
        )

    def delete_model(self, request, obj):
        audit.record(actor=request.user, obj=obj, action="admin.delete")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        audit.record_many(actor=request.user, objs=list(queryset), action="admin.delete")
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit.record(actor=request.user, obj=obj, action="admin.add")
        for obj, fields in formset.changed_objects:
            audit.record(
                actor=request.user,
                obj=obj,
                action="admin.change",
                changes={k: str(getattr(obj, k, "")) for k in fields},
            )
        for obj in formset.deleted_objects:
            audit.record(actor=request.user, obj=obj, action="admin.delete")


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "object_type", "object_repr", "request_id")
    list_filter = ("object_type",)
    search_fields = ("object_repr", "action", "request_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "title", "read_at")
    list_select_related = ("recipient",)
    readonly_fields = ("recipient", "created_at", "title", "body", "url", "read_at")
