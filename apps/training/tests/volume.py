"""Grow the demo data N-fold for home-page query-count tests and bench/home_pages.py:
copies of the rows the home panels aggregate (content items, campaigns, complaints,
training sessions with their enrolments, learning records, required training). Copies
are plain rows (no children beyond enrolments): they make every aggregate and list
behind a panel N times bigger without going through the workflows."""

import hashlib

from django.db import transaction


def _copies(model, factor, tweak=None, batch=2000):
    rows = list(model.objects.all())
    new = []
    for n in range(1, factor):
        for row in rows:
            row.pk = None
            row.id = None
            row._state.adding = True
            if tweak:
                tweak(row, n)
            new.append(
                model(**{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields})
            )
    model.objects.bulk_create(new, batch_size=batch)
    return len(new)


@transaction.atomic
def multiply(factor: int) -> dict:
    from apps.campaigns.models import Campaign
    from apps.complaints.models import Complaint
    from apps.content.models import ContentItem
    from apps.training.models import Enrolment, LearningRecord, Session, TrainingAssignment

    def complaint(row, n):
        row.code = f"{row.code[:14]}-{n}"[:20]
        row.tracking_token_hash = hashlib.sha256(
            f"{row.tracking_token_hash}{n}".encode()
        ).hexdigest()

    counts = {
        "content items": _copies(ContentItem, factor),
        "campaigns": _copies(Campaign, factor),
        "complaints": _copies(Complaint, factor, complaint),
        "learning records": _copies(LearningRecord, factor),
        "required trainings": _copies(
            TrainingAssignment,
            factor,
            lambda row, n: setattr(
                row, "source_id", f"{row.source_id}-{n}" if row.source_id else ""
            ),
        ),
    }
    sessions = list(Session.objects.all())
    enrolments = {}
    for enrolment in Enrolment.objects.all():
        enrolments.setdefault(enrolment.session_id, []).append(enrolment)
    made_sessions = made_enrolments = 0
    for _n in range(1, factor):
        for session in sessions:
            originals = enrolments.get(session.pk, [])
            copy = Session(
                **{
                    f.attname: getattr(session, f.attname)
                    for f in Session._meta.concrete_fields
                    if f.attname != "id"
                }
            )
            copy.save()
            made_sessions += 1
            Enrolment.objects.bulk_create(
                Enrolment(
                    **{
                        f.attname: getattr(e, f.attname)
                        for f in Enrolment._meta.concrete_fields
                        if f.attname not in ("id", "session_id")
                    },
                    session_id=copy.pk,
                )
                for e in originals
            )
            made_enrolments += len(originals)
    counts["sessions"] = made_sessions
    counts["enrolments"] = made_enrolments
    return counts
