"""People of seed 002's department (App运营部): its 运营总监 (the department's
ops_manager post) and the managers under them, each holding the seed's rights."""

import pytest


@pytest.fixture
def app_ops(make_employee):
    head = make_employee("app_head", "app-ops", "ops_manager", name="周总监")
    return {
        "head": head,
        "new_media": make_employee("new_media", "app-ops", "new_media_manager", head, name="林新"),
        "channel": make_employee("channel", "app-ops", "channel_manager", head, name="钱渠"),
        "content": make_employee(
            "content_planner", "app-ops", "content_planning_manager", head, name="孔策"
        ),
        "user_ops": make_employee("user_ops", "app-ops", "user_ops_manager", head, name="许用"),
        "campaign": make_employee(
            "campaign_ops", "app-ops", "campaign_ops_manager", head, name="冯活"
        ),
    }


@pytest.fixture
def app_users(app_ops):
    return {key: employee.user for key, employee in app_ops.items()}


@pytest.fixture
def counts():
    """Rows a refused action must leave as they were."""
    from apps.core.models import AuditEntry, Notification
    from apps.work.models import ChannelBooking, CoordinationRequest, Suggestion

    def take():
        return {
            "suggestions": Suggestion.objects.count(),
            "requests": CoordinationRequest.objects.count(),
            "bookings": ChannelBooking.objects.count(),
            "audit": AuditEntry.objects.count(),
            "notifications": Notification.objects.count(),
        }

    return take
