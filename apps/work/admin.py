"""Admin: the reply-time policy is configuration; suggestions, requests and bookings are
shown read-only (their writes go through the services, with their checks and audit)."""

from django.contrib import admin

from apps.work.models import ChannelBooking, CoordinationRequest, Suggestion, SuggestionPolicy


@admin.register(SuggestionPolicy)
class SuggestionPolicyAdmin(admin.ModelAdmin):
    list_display = ["department", "reply_working_days"]
    autocomplete_fields = ["department"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "state", "author", "recipient", "reply_due_on"]
    list_filter = ["kind", "state"]
    search_fields = ["title"]


@admin.register(CoordinationRequest)
class CoordinationRequestAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "state", "from_department", "to_department", "due_on"]
    list_filter = ["kind", "state"]
    search_fields = ["title"]


@admin.register(ChannelBooking)
class ChannelBookingAdmin(ReadOnlyAdmin):
    list_display = ["channel", "starts_at", "ends_at", "department", "state"]
    list_filter = ["state", "channel"]
