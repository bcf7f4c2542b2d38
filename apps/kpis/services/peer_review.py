"""Peer reviews: colleagues assigned to a form, and their ratings."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError
from apps.core.notifications import notify
from apps.org.models import Employee

from .. import permissions as policy
from .. import raters
from ..models import (
    AppraisalForm,
    PeerReview,
    Rating,
)
from ..policies import Resolver
from .common import S, _expect, _locked_form
from .self_review import _refuse_unasked, _scores_for


@transaction.atomic
def peer_reviewers_assign(
    *, actor, form: AppraisalForm, reviewers: list[Employee], anonymous: bool | None = None
) -> list[PeerReview]:
    """The supervisor or HR chooses colleagues to review the employee. Assigning a
    colleague twice is a no-op.
    Refuses: anyone but the supervisor or HR (PermissionDenied), a
    form past peer review (ConflictError), no colleague, the appraisee themself or someone
    who is not a colleague (ApplicationError on "reviewers")."""
    form = _locked_form(form)
    policy.require(
        policy.can_assign_peers(actor, form),
        _("Only the supervisor or HR chooses peer reviewers."),
    )
    _expect(form, S.SELF, S.PEER)
    if not reviewers:
        raise ApplicationError(_("Choose at least one colleague."), field="reviewers")
    if anonymous is None:
        anonymous = Resolver().policy(form.department_id).anonymous_peers
    created = []
    for reviewer in reviewers:
        if reviewer.pk == form.employee_id:
            raise ApplicationError(_("An employee cannot review themselves."), field="reviewers")
        if not reviewer.is_active:
            raise ApplicationError(
                _("%(n)s is not active.") % {"n": reviewer.name}, field="reviewers"
            )
        review, made = PeerReview.objects.get_or_create(
            form=form,
            reviewer=reviewer,
            defaults={
                "assigned_by": actor,
                "is_anonymous": anonymous,
                "relation": raters.relation_of(form, reviewer),
            },
        )
        if made:
            created.append(review)
            audit.record(actor=actor, obj=review, action="peer_review.assigned")
    if created:
        users = [r.reviewer.user for r in created]
        transaction.on_commit(
            lambda: notify(
                recipients=users,
                title=format_lazy(
                    gettext_lazy("Please review {name} ({cycle})"),
                    name=form.employee.name,
                    cycle=form.cycle.label,
                ),
                url=_peer_url(created[0]),
            )
        )
    return created


def _peer_url(review) -> str:
    from django.urls import reverse

    return reverse("kpis:peer_review", args=[review.pk])


@transaction.atomic
def peer_review_submit(*, actor, review: PeerReview, scores: dict, comment: str = "") -> PeerReview:
    """The colleague asked rates the indicators they are asked to rate,
    while the form is at self-assessment or peer review. Refuses: anyone else
    (PermissionDenied), a closed review or a form past peer review (ConflictError), an
    indicator not theirs to rate or one left unscored (ApplicationError on "scores")."""
    review = (
        PeerReview.objects.select_for_update(of=("self",))
        .select_related("form", "reviewer")
        .get(pk=review.pk)
    )
    policy.require(
        review.reviewer.user_id == actor.pk, _("Only the colleague asked may write this review.")
    )
    if review.state != PeerReview.State.PENDING:
        raise ConflictError(_("This peer review is already closed."))
    form = _locked_form(review.form)
    _expect(form, S.SELF, S.PEER)
    checked = _scores_for(form, scores)
    review.form = form
    asked = {item.pk: item for item in raters.review_items(review)}
    _refuse_unasked(form, checked, asked)
    if not set(asked) <= set(checked):
        raise ApplicationError(_("Score every indicator you are asked to rate."), field="scores")
    Rating.objects.bulk_create(
        Rating(item_id=pk, role=raters.colleague_role(asked[pk]), peer_review=review, score=score)
        for pk, score in checked.items()
    )
    review.state = PeerReview.State.SUBMITTED
    review.comment = comment
    review.submitted_at = timezone.now()
    review.save(update_fields=["state", "comment", "submitted_at"])
    # Recorded on the review, never on the form: the appraisee's timeline stays anonymous.
    audit.record(actor=actor, obj=review, action="peer_review.submitted", to_state="submitted")
    if (
        form.state == S.PEER
        and not form.peer_reviews.filter(state=PeerReview.State.PENDING).exists()
    ):
        form.state = S.SUPERVISOR
        form.save(update_fields=["state", "updated_at"])
        audit.record(
            actor=None, obj=form, action="form.peers_done", from_state=S.PEER, to_state=S.SUPERVISOR
        )
    return review
