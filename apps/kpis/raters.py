"""Who rates which indicator of a form (issue 12): the employee, the supervisor, peers,
team members, or the data (attendance, metrics). One indicator's raters come from its
template item (`raters`), else its section's mix; the shares are
apps.kpis.scoring.rater_mix. Services ask here before they accept a rating, scoring
applies the same mix, so a rating nobody asked for is refused rather than ignored."""

from .models import Indicator, PeerReview, RaterRole, Raters
from .scoring import Mix, rater_mix


def section_mix(section) -> Mix:
    return Mix(section.supervisor_share, section.peer_share, section.self_share)


def mix_for(item, *, self_scored: bool | None = None) -> Mix:
    """The item's rater shares. `self_scored` defaults to the form's template's."""
    if self_scored is None:
        self_scored = item.form.template.self_scored
    return rater_mix(item.raters, section_mix(item.section), self_scored=self_scored)


def mixes_by_section(sections) -> dict[tuple[int, str], Mix]:
    """{(section id, raters): Mix} for every raters value of these sections (their
    templates selected): what both aggregation paths look an item's mix up in."""
    return {
        (section.pk, raters): rater_mix(
            raters, section_mix(section), self_scored=section.template.self_scored
        )
        for section in sections
        for raters in Raters.values
    }


def relation_of(form, reviewer) -> str:
    """A colleague is a team member when they share the appraisee's direct supervisor
    or report to the appraisee; anyone else is a peer."""
    employee = form.employee
    same_lead = employee.supervisor_id is not None and (
        reviewer.supervisor_id == employee.supervisor_id
    )
    if same_lead or reviewer.supervisor_id == employee.pk:
        return PeerReview.Relation.TEAM
    return PeerReview.Relation.PEER


def rated_by_self(item, mix: Mix | None = None) -> bool:
    mix = mix or mix_for(item)
    return item.indicator.kind == Indicator.Kind.QUALITATIVE and mix.self > 0


def rated_by_colleague(item, relation: str, mix: Mix | None = None) -> bool:
    """Colleagues rate qualitative indicators with a colleague share; those scored by
    the team only when they are on the appraisee's team."""
    if item.indicator.kind != Indicator.Kind.QUALITATIVE:
        return False
    if item.raters == Raters.TEAM:
        return relation == PeerReview.Relation.TEAM
    return (mix or mix_for(item)).peer > 0


def colleague_role(item) -> str:
    return RaterRole.TEAM if item.raters == Raters.TEAM else RaterRole.PEER


def form_items(form):
    """The form's items with what the rules read (indicator, section, template)."""
    return list(
        form.items.select_related("indicator", "section", "form__template").order_by("order", "id")
    )


def self_items(form) -> list:
    return [item for item in form_items(form) if rated_by_self(item)]


def review_items(review) -> list:
    """The indicators the colleague of `review` is asked to rate."""
    return [item for item in form_items(review.form) if rated_by_colleague(item, review.relation)]
