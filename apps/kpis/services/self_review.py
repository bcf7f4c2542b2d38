"""The employee: the work summary and the self-assessment."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import audit
from apps.core.errors import ApplicationError
from apps.core.notifications import notify

from .. import permissions as policy
from .. import raters, scoring
from ..models import (
    AppraisalForm,
    RaterRole,
    Rating,
)
from .common import S, _expect, _locked_form, _url


def _scores_for(form, scores: dict, *, field_prefix="score") -> dict[int, Decimal]:
    """{item_id: score} checked against the form's items and the 0–100 scale."""
    items = {item.pk: item for item in form.items.all()}
    checked = {}
    for key, value in scores.items():
        item_id = int(key)
        if item_id not in items:
            raise ApplicationError(_("That indicator is not on this form."), field=field_prefix)
        if value in (None, ""):
            continue
        checked[item_id] = scoring.check_score(value, field=f"{field_prefix}_{item_id}")
    return checked


def _refuse_unasked(form, checked: dict, asked: dict) -> None:
    """A score for an indicator this rater does not rate is refused, naming it."""
    unasked = [pk for pk in checked if pk not in asked]
    if unasked:
        item = form.items.select_related("indicator").get(pk=unasked[0])
        raise ApplicationError(
            _("You do not rate “%(i)s” (it is scored by: %(r)s).")
            % {"i": item.indicator.label, "r": item.get_raters_display()},
            field=f"score_{item.pk}",
        )


def _upsert_ratings(role, scores: dict, comments: dict | None = None, peer_review=None):
    comments = comments or {}
    for item_id, score in scores.items():
        Rating.objects.update_or_create(
            item_id=item_id,
            role=role,
            peer_review=peer_review,
            defaults={"score": score, "comment": comments.get(item_id, "")},
        )


@transaction.atomic
def form_save_self(
    *,
    actor,
    form: AppraisalForm,
    tasks: str = "",
    results: str = "",
    problems: str = "",
    comment: str = "",
    scores: dict | None = None,
    submit: bool = False,
) -> AppraisalForm:
    """The employee's work summary (tasks, results, problems and solutions) and
    self-assessment; `submit` hands it on to peer review.
    Refuses: anyone but the employee (PermissionDenied), a form past
    self-assessment (ConflictError), ratings of indicators the employee does not rate, and
    on submit a summary without tasks and results or an unrated indicator
    (ApplicationError)."""
    form = _locked_form(form)
    policy.require(policy.is_own(actor, form), _("Only the employee writes their own summary."))
    _expect(form, S.SELF)
    checked = _scores_for(form, scores or {})
    own = {item.pk: item for item in raters.self_items(form)}
    _refuse_unasked(form, checked, own)
    form.work_tasks, form.work_results, form.work_problems = tasks, results, problems
    form.self_comment = comment
    _upsert_ratings(RaterRole.SELF, checked)
    fields = ["work_tasks", "work_results", "work_problems", "self_comment", "updated_at"]
    if submit:
        if not (tasks.strip() and results.strip()):
            raise ApplicationError(
                _("Describe your tasks and results before submitting."), field="tasks"
            )
        rated = set(
            Rating.objects.filter(item__form=form, role=RaterRole.SELF).values_list(
                "item_id", flat=True
            )
        )
        if set(own) - rated:
            raise ApplicationError(
                _("Rate yourself on every qualitative indicator before submitting."),
                field="scores",
            )
        form.state = S.PEER
        form.self_submitted_at = timezone.now()
        fields += ["state", "self_submitted_at"]
    form.save(update_fields=fields)
    audit.record(
        actor=actor,
        obj=form,
        action="form.self_submitted" if submit else "form.self_saved",
        from_state=S.SELF,
        to_state=form.state,
    )
    if submit and form.supervisor:
        transaction.on_commit(
            lambda: notify(
                recipients=[form.supervisor.user],
                title=format_lazy(
                    gettext_lazy("{name} submitted a self-assessment"), name=form.employee.name
                ),
                url=_url(form),
            )
        )
    return form
