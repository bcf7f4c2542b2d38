"""Configuration screens. Edits here are audited like any other write."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from guardian.admin import GuardedModelAdmin

from apps.core import audit
from apps.org.models import (
    Assignment,
    Department,
    Employee,
    Position,
    PositionAuthority,
    Post,
    PostAuthority,
    User,
)


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit row for every save and delete made in the admin."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            obj=obj,
            action="admin.change" if change else "admin.add",
            changes={k: str(form.cleaned_data.get(k)) for k in form.changed_data},
        )

    def delete_model(self, request, obj):
        audit.record(actor=request.user, obj=obj, action="admin.delete")
        super().delete_model(request, obj)


@admin.register(User)
class OpsUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Ops Portal", {"fields": ("preferred_language",)}),)
    list_display = ("username", "email", "is_active", "is_staff", "preferred_language")


class PositionAuthorityInline(admin.TabularInline):
    model = PositionAuthority
    extra = 0


@admin.register(Position)
class PositionAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en", "is_managerial", "is_active", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("code", "name", "name_en")
    inlines = [PositionAuthorityInline]


class PostAuthorityInline(admin.TabularInline):
    model = PostAuthority
    extra = 0


@admin.register(Post)
class PostAdmin(AuditedAdmin):
    list_display = ("department", "position", "headcount")
    list_filter = ("department", "position")
    list_select_related = ("department", "position")
    inlines = [PostAuthorityInline]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin, GuardedModelAdmin):
    """Departments are created and deleted through the pages (services keep the tree
    consistent); here only their descriptive fields and delegations are edited."""

    list_display = ("name", "name_en", "code", "kind", "is_partner", "rulebook", "is_active")
    list_filter = ("kind", "is_partner", "is_active")
    search_fields = ("name", "name_en", "code")
    readonly_fields = ("code", "kind", "parent", "path", "depth")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Employee)
class EmployeeAdmin(AuditedAdmin):
    list_display = ("employee_no", "name", "user", "supervisor", "hire_date", "is_active")
    list_filter = ("is_active",)
    search_fields = ("employee_no", "name", "user__username")
    autocomplete_fields = ("supervisor",)
    list_select_related = ("user", "supervisor")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Read-only: assignments change through the people pages and the API (validated)."""

    list_display = ("employee", "post", "start_date", "end_date", "is_primary")
    list_filter = ("post__department", "is_primary")
    list_select_related = ("employee", "post__department", "post__position")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
