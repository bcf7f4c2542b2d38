from apps.core.models import AuditEntry, Notification


def notifications_for(user):
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def audit_entries(*, object_type="", object_id="", actor="", action=""):
    entries = AuditEntry.objects.select_related("actor", "actor__employee")
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if actor:
        entries = entries.filter(actor__username=actor)
    if action:
        entries = entries.filter(action__startswith=action)
    return entries.order_by("-created_at", "-id")


def audit_trail_of(obj):
    """The history of one object, oldest first, for its timeline."""
    return (
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor", "actor__employee")
        .order_by("created_at", "id")
    )
