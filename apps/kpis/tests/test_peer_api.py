"""Peer reviews through the API (issue 12): a colleague reads the indicators they must
rate (names, descriptions, scale) and submits, with no page; others get 404; scores for
indicators they must not rate, or off the scale, are refused and change nothing."""

from decimal import Decimal as D

import pytest

from apps.core.models import AuditEntry
from apps.core.notifications import Notification
from apps.kpis import services
from apps.kpis.models import PeerReview, Rating
from apps.kpis.tests.conftest import qualitative_scores

pytestmark = pytest.mark.django_db
API = "/api/v1/kpis/peer-reviews"


@pytest.fixture
def reviews(form_of, people, users):
    """specialist's form under peer review by specialist2 (team) and other_specialist
    (peer, another department)."""
    form = form_of(people["specialist"])
    services.form_save_self(
        actor=users["specialist"],
        form=form,
        tasks="t",
        results="r",
        scores=qualitative_scores(form),
        submit=True,
    )
    team, peer = services.peer_reviewers_assign(
        actor=users["manager"],
        form=form,
        reviewers=[people["specialist2"], people["other_specialist"]],
    )
    return form, team, peer


def _state(form):
    return (
        sorted(Rating.objects.filter(item__form=form).values_list("item_id", "role", "score")),
        list(PeerReview.objects.filter(form=form).order_by("pk").values_list("state", "comment")),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def test_a_peer_reads_what_to_rate(reviews, users, api_for):
    form, team, peer = reviews
    body = api_for(users["other_specialist"]).get(f"{API}/{peer.pk}/items/").json()
    codes = [i["code"] for i in body["items"]]
    assert "teamwork" not in codes and "ethics" in codes and "collaboration" in codes
    assert "wx_ops_metrics" not in codes  # quantitative: scored from data
    ethics = next(i for i in body["items"] if i["code"] == "ethics")
    assert ethics["label"] and ethics["scale_max"] == 5 and len(ethics["levels"]) == 5
    assert ethics["levels"][0]["value"] == 5 and ethics["levels"][0]["descriptor"]
    assert ethics["rated_as"] == "peer" and ethics["score"] is None
    assert body["appraisee"]["id"] == form.employee_id
    team_codes = [
        i["code"]
        for i in api_for(users["specialist2"]).get(f"{API}/{team.pk}/items/").json()["items"]
    ]
    assert "teamwork" in team_codes


@pytest.mark.parametrize("who", ["specialist", "manager", "specialist2", "hr"])
def test_only_the_assigned_colleague_opens_or_submits(reviews, users, api_for, who):
    form, _team, peer = reviews
    before = _state(form)
    client = api_for(users[who])
    assert client.get(f"{API}/{peer.pk}/items/").status_code == 404
    scores = {str(k): "80" for k in qualitative_scores(form, 80, peer)}
    assert (
        client.post(f"{API}/{peer.pk}/submit/", {"scores": scores}, format="json").status_code
        == 404
    )
    assert _state(form) == before


def test_refusals_change_nothing(reviews, users, api_for):
    form, _team, peer = reviews
    client = api_for(users["other_specialist"])
    scores = {str(k): "80" for k in qualitative_scores(form, 80, peer)}
    teamwork = form.items.get(indicator__code="teamwork")
    before = _state(form)
    not_mine = client.post(
        f"{API}/{peer.pk}/submit/",
        {"scores": {**scores, str(teamwork.pk): "80"}, "comment": "x"},
        format="json",
    )
    assert not_mine.status_code == 400 and not_mine.json()["field"] == f"score_{teamwork.pk}"
    first = next(iter(scores))
    outside = client.post(
        f"{API}/{peer.pk}/submit/", {"scores": {**scores, first: "101"}}, format="json"
    )
    assert outside.status_code == 400 and outside.json()["field"] == f"score_{first}"
    missing = client.post(f"{API}/{peer.pk}/submit/", {"scores": {first: "80"}}, format="json")
    assert missing.status_code == 400 and missing.json()["field"] == "scores"
    assert _state(form) == before


def test_a_peer_submits_through_the_api_audited(reviews, users, api_for):
    form, _team, peer = reviews
    client = api_for(users["other_specialist"])
    scores = {str(k): "75" for k in qualitative_scores(form, 75, peer)}
    done = client.post(
        f"{API}/{peer.pk}/submit/", {"scores": scores, "comment": "合作顺畅"}, format="json"
    )
    assert done.status_code == 200 and done.json()["state"] == "submitted"
    assert Rating.objects.filter(peer_review=peer).count() == len(scores)
    assert set(Rating.objects.filter(peer_review=peer).values_list("score", flat=True)) == {D(75)}
    assert AuditEntry.objects.filter(
        action="peer_review.submitted", object_id=str(peer.pk), actor=users["other_specialist"]
    ).exists()
    again = client.get(f"{API}/{peer.pk}/items/").json()
    assert again["state"] == "submitted"
    assert {i["score"] for i in again["items"]} == {"75.00"}
