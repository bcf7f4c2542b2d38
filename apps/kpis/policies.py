"""Resolving configuration for a department: its appraisal policy (a group follows its
department's unless it has its own), its grade bands, and the template of a position."""

from decimal import Decimal

from apps.org.models import Department

from .models import AppraisalPolicy, AppraisalTemplate, CycleTiming, GradeBand

# Period arithmetic lives in .schedule with the other date arithmetic (schedule may not
# import this module); the names stay importable from here for existing callers.
from .schedule import period_of as period_of
from .schedule import previous_period as previous_period

# Used where a department has no policy of its own (and no ancestor has one).
DEFAULT_BANDS = [
    ("S", Decimal("90"), Decimal("1.50")),
    ("A", Decimal("80"), Decimal("1.20")),
    ("B", Decimal("70"), Decimal("1.00")),
    ("C", Decimal("60"), Decimal("0.80")),
    ("D", Decimal("0"), Decimal("0.50")),
]


class Resolver:
    """Loads policies, bands, departments and templates once (four queries; the policies'
    timings with a fifth, when first asked) and answers per department from memory:
    what batch jobs need to stay set-based."""

    def __init__(self):
        self.departments = {
            d.pk: d for d in Department.objects.only("pk", "parent_id", "path", "rulebook")
        }
        self.policies = {p.department_id: p for p in AppraisalPolicy.objects.all()}
        self._timings = None
        self.bands: dict[int, list] = {}
        for band in GradeBand.objects.all():
            self.bands.setdefault(band.policy_id, []).append(
                (band.grade, band.min_score, band.bonus_coefficient)
            )
        self.templates = {
            (t.department_id, t.position_id): t.pk
            for t in AppraisalTemplate.objects.filter(is_active=True).only(
                "pk", "department_id", "position_id"
            )
        }

    def _chain(self, department_id):
        seen = 0
        while department_id is not None and seen < 20:
            yield department_id
            department = self.departments.get(department_id)
            department_id = department.parent_id if department else None
            seen += 1

    def policy(self, department_id) -> AppraisalPolicy:
        for pk in self._chain(department_id):
            if pk in self.policies:
                return self.policies[pk]
        return AppraisalPolicy()  # defaults, unsaved

    def owner(self, department_id):
        """The department whose policy applies (None: the defaults)."""
        return self.policy(department_id).department_id

    def timing(self, policy: AppraisalPolicy, kind: str):
        """The policy's timing of `kind` as a schedule.Timing (the default if it has none)."""
        from .schedule import DEFAULT_TIMINGS, Timing

        if self._timings is None:
            self._timings = {(t.policy_id, t.kind): t for t in CycleTiming.objects.all()}
        row = self._timings.get((policy.pk, kind)) if policy.pk else None
        return Timing.of(row) if row else DEFAULT_TIMINGS[kind]

    def bands_for(self, department_id) -> list:
        policy = self.policy(department_id)
        return self.bands.get(policy.pk) or DEFAULT_BANDS

    def template_for(self, department_id, position_id):
        for pk in self._chain(department_id):
            if (pk, position_id) in self.templates:
                return self.templates[(pk, position_id)]
        return self.templates.get((None, position_id))


def policy_for(department) -> AppraisalPolicy:
    return Resolver().policy(department.pk)


def bands_for(department) -> list:
    return Resolver().bands_for(department.pk)
