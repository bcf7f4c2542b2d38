"""Configuration screens: channels, topics and plans are edited here (and audited).
Review chains and their steps decide who reviews what, so only the superuser edits
them, audited step by step. Content items, versions and publications are read-only in
the admin: their state changes go through the services like every other caller."""

from django.contrib import admin

from apps.content.models import (
    Channel,
    ContentItem,
    ContentPlan,
    ContentVersion,
    Publication,
    ReviewAction,
    ReviewChain,
    ReviewStep,
    Topic,
)
from apps.org.admin import AuditedAdmin, SuperuserWritesAdmin


@admin.register(Channel)
class ChannelAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en", "publisher", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")


class ReviewStepInline(admin.TabularInline):
    model = ReviewStep
    extra = 0

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    fields = (
        "order", "name", "name_en", "kind", "authority", "positions", "managerial_only",
        "checklist", "due_working_days",
    )  # fmt: skip
    filter_horizontal = ("positions",)


@admin.register(ReviewChain)
class ReviewChainAdmin(SuperuserWritesAdmin):
    list_display = ("name", "department", "channel")
    list_filter = ("department",)
    inlines = [ReviewStepInline]


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    list_display = ("title", "department", "status", "proposer", "meeting_date")
    list_filter = ("status", "department")
    search_fields = ("title",)


@admin.register(ContentPlan)
class ContentPlanAdmin(AuditedAdmin):
    list_display = ("theme", "department", "channel", "format", "frequency")
    list_filter = ("department", "channel")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContentItem)
class ContentItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "department", "channel", "state", "step_number", "author")
    list_filter = ("state", "department", "channel")
    search_fields = ("title",)
    list_select_related = ("department", "channel", "author")


@admin.register(ContentVersion)
class ContentVersionAdmin(ReadOnlyAdmin):
    list_display = ("item", "number", "created_by", "created_at")


@admin.register(ReviewAction)
class ReviewActionAdmin(ReadOnlyAdmin):
    list_display = ("item", "decision", "step_number", "actor", "created_at")
    list_filter = ("decision",)


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("item", "channel", "status", "published_at", "attempts", "reference")
    list_filter = ("status", "channel")
