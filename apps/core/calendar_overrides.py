"""HR's overrides of the working calendar (CalendarDay rows): who may change them, and
the changes, each audited. The calendar is company-wide — every deadline and SLA counts
on it — so changing it takes a company-wide grant to manage the organisation."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.core import audit, permission_hooks
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.models import CalendarDay

# Outside these years an override is a typing error, not a plan.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def can_manage_calendar(user) -> bool:
    """The org decides (a company-wide grant to manage the organisation, see
    apps.org.permissions.can_manage_calendar), through the hook it registers."""
    return permission_hooks.allows(permission_hooks.MANAGE_CALENDAR, user)


def _require(actor) -> None:
    if not can_manage_calendar(actor):
        raise PermissionDenied(
            _("Changing the working calendar takes the company-wide authority “%(a)s”.")
            % {"a": permission_hooks.needs(permission_hooks.MANAGE_CALENDAR)}
        )


@transaction.atomic
def calendar_override_set(*, actor, date: dt.date, kind: str, name: str = "") -> CalendarDay:
    """Make `date` a holiday or a working day for the whole company, whatever the public
    calendar says. Setting what is already set changes nothing and logs nothing."""
    _require(actor)
    name = (name or "").strip()
    if kind not in CalendarDay.Kind.values:
        raise ApplicationError(_("Choose a holiday or a make-up workday."), field="kind")
    if not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
        raise ApplicationError(
            _("Choose a date between %(a)s and %(b)s.") % {"a": EARLIEST_YEAR, "b": LATEST_YEAR},
            field="date",
        )
    if len(name) > CalendarDay._meta.get_field("name").max_length:
        raise ApplicationError(_("The name is too long."), field="name")
    row = CalendarDay.objects.select_for_update().filter(date=date).first()
    if row is not None and (row.kind, row.name) == (kind, name):
        return row
    before = row.kind if row else ""
    if row is None:
        try:
            with transaction.atomic():
                row = CalendarDay.objects.create(date=date, kind=kind, name=name)
        except IntegrityError as exc:
            raise ConflictError() from exc  # someone set the same day a moment ago
    else:
        row.kind, row.name = kind, name
        row.save(update_fields=["kind", "name"])
    audit.record(
        actor=actor,
        obj=row,
        action="calendar_override.set",
        from_state=before,
        to_state=kind,
        comment=name,
    )
    return row


@transaction.atomic
def calendar_override_remove(*, actor, override: CalendarDay) -> None:
    """Give the day back to the public calendar. Removing it twice is a no-op."""
    _require(actor)
    row = CalendarDay.objects.select_for_update().filter(pk=override.pk).first()
    if row is None:
        return
    audit.record(
        actor=actor,
        obj=row,
        action="calendar_override.remove",
        from_state=row.kind,
        comment=row.name,
    )
    row.delete()
