"""No self-escalation (issue 10): HR, who holds manage_org, cannot give themselves (nor
anybody) powers HR does not hold — not by putting themselves in a post, not by adding
an authority to a post, not by a delegation — through the services, the pages or the
API. Such a change waits, unapplied, for a second person who holds those powers (the
director, or the superuser); approving and refusing are audited. Every refusal leaves
the organisation, the audit log and the notifications as they were."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from guardian.models import UserObjectPermission

from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.models import AuditEntry, Notification
from apps.org import permissions as policy
from apps.org import services
from apps.org.authorities import Authority as A
from apps.org.authorities import Scope
from apps.org.models import Assignment, Position, Post, PostAuthority, PowerRequest

API = "/api/v1/org"


def fresh(user):
    """The same user loaded again, so no grants are cached on it."""
    return get_user_model().objects.get(pk=user.pk)


def snapshot():
    """Everything a refused change must leave as it was."""
    return {
        "assignments": sorted(
            Assignment.objects.values_list("pk", "employee_id", "post_id", "end_date")
        ),
        "post_authorities": sorted(
            PostAuthority.objects.values_list("post_id", "authority", "scope")
        ),
        "delegations": sorted(
            UserObjectPermission.objects.values_list("user_id", "permission_id", "object_pk")
        ),
        "audit": AuditEntry.objects.count(),
        "notifications": Notification.objects.count(),
        "requests": PowerRequest.objects.count(),
    }


def unchanged_but_the_request(before: dict, after: dict) -> None:
    """A change that became a request: only the request, its audit row and the
    notices to those who may approve it are new."""
    for key in ("assignments", "post_authorities", "delegations"):
        assert after[key] == before[key], key
    assert after["requests"] == before["requests"] + 1
    assert after["audit"] == before["audit"] + 1
    assert AuditEntry.objects.latest("pk").action == "power_request.create"


@pytest.fixture
def director_post(org):
    return Post.objects.get(department=org["company"], position__code="ops_director")


@pytest.fixture
def hr_post(org):
    return Post.objects.get(department=org["hr"], position__code="hr")


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw")


def become_director(hr, org):
    return services.assignment_create(
        actor=hr,
        employee=hr.employee,
        department=org["company"],
        position=Position.objects.get(code="ops_director"),
        start_date=dt.date(2026, 1, 1),
    )


# --- Services ------------------------------------------------------------------------


@pytest.mark.django_db
def test_hr_cannot_make_themselves_director(people, org):
    # given HR, who may not approve campaigns
    hr = people["hr"].user
    assert not policy.has_authority(hr, A.APPROVE_CAMPAIGN, org["wechat"])
    before = snapshot()
    # when HR puts themselves in the director's post
    result = become_director(hr, org)
    # then no assignment is made: a request waits, naming the powers HR lacks
    assert isinstance(result, PowerRequest)
    assert result.state == PowerRequest.State.PENDING
    assert {
        "authority": A.APPROVE_CAMPAIGN,
        "scope": Scope.SUBTREE,
        "department": org["company"].pk,
    } in result.excess
    unchanged_but_the_request(before, snapshot())
    assert not policy.has_authority(fresh(hr), A.APPROVE_CAMPAIGN, org["wechat"])
    # and the director (who holds those powers) is told; HR is not
    told = Notification.objects.filter(pk__gt=0).values_list("recipient__username", flat=True)
    assert "director" in set(told)
    assert "hr" not in set(told)


@pytest.mark.django_db
def test_a_future_post_counts_too(people, org):
    # given HR asking for the director's post from next year
    hr = people["hr"].user
    before = snapshot()
    result = services.assignment_create(
        actor=hr,
        employee=people["hr"],
        department=org["company"],
        position=Position.objects.get(code="ops_director"),
        start_date=dt.date.today() + dt.timedelta(days=365),
    )
    # then it waits all the same
    assert isinstance(result, PowerRequest)
    unchanged_but_the_request(before, snapshot())


@pytest.mark.django_db
def test_appointing_someone_else_to_a_governing_post_waits_for_a_second_person(people, org):
    # given HR appointing the copywriter as another department's ops manager (a post
    # that approves campaigns and appraises people, which HR may not)
    hr, copywriter = people["hr"].user, people["copywriter"]
    before = snapshot()
    result = services.assignment_create(
        actor=hr,
        employee=copywriter,
        department=org["miniprogram-ops"],
        position=Position.objects.get(code="ops_manager"),
        start_date=dt.date(2026, 1, 1),
    )
    # then nothing is applied: the director must approve it
    assert isinstance(result, PowerRequest)
    assert {w["authority"] for w in result.excess} & {A.APPROVE_CAMPAIGN, A.APPRAISE}
    unchanged_but_the_request(before, snapshot())


@pytest.mark.django_db
def test_appointing_someone_else_to_an_ordinary_post_is_immediate(people, org):
    # given HR filling a copywriter post (drafting content, which HR does not do either)
    hr, specialist = people["hr"].user, people["specialist"]
    requests = PowerRequest.objects.count()
    result = services.assignment_create(
        actor=hr,
        employee=specialist,
        department=org["wechat"],
        position=Position.objects.get(code="copywriter"),
        start_date=dt.date(2026, 1, 1),
    )
    # then the assignment is made at once
    assert isinstance(result, Assignment)
    assert PowerRequest.objects.count() == requests


@pytest.mark.django_db
def test_hr_cannot_add_approve_campaign_to_their_own_post(people, hr_post):
    hr = people["hr"].user
    before = snapshot()
    result = services.post_authority_set(
        actor=hr, post=hr_post, authority=A.APPROVE_CAMPAIGN, scope=Scope.COMPANY
    )
    assert isinstance(result, PowerRequest)
    unchanged_but_the_request(before, snapshot())
    assert not policy.has_authority(fresh(hr), A.APPROVE_CAMPAIGN)


@pytest.mark.django_db
def test_hr_cannot_hand_anybody_a_power_hr_lacks(people, org):
    # given the WeChat specialists' post; when HR adds approve_campaign to it
    post = Post.objects.get(department=org["wechat"], position__code="ops_specialist")
    before = snapshot()
    result = services.post_authority_set(
        actor=people["hr"].user, post=post, authority=A.APPROVE_CAMPAIGN, scope=Scope.DEPARTMENT
    )
    # then it waits; the specialists still cannot approve
    assert isinstance(result, PowerRequest)
    unchanged_but_the_request(before, snapshot())
    assert not policy.has_authority(fresh(people["specialist"].user), A.APPROVE_CAMPAIGN)


@pytest.mark.django_db
def test_widening_a_scope_beyond_ones_own_waits_too(people, org):
    # given WeChat's manager post, approving campaigns in WeChat (subtree)
    post = Post.objects.get(department=org["wechat"], position__code="ops_manager")
    before = snapshot()
    # when HR widens it to the whole company
    result = services.post_authority_set(
        actor=people["hr"].user, post=post, authority=A.APPROVE_CAMPAIGN, scope=Scope.COMPANY
    )
    assert isinstance(result, PowerRequest)
    unchanged_but_the_request(before, snapshot())


@pytest.mark.django_db
def test_what_hr_holds_hr_may_grant_and_anyone_may_revoke(people, org):
    # given HR, holding manage_training company-wide
    post = Post.objects.get(department=org["wechat"], position__code="ops_specialist")
    # when HR grants it to the WeChat specialists' post
    result = services.post_authority_set(
        actor=people["hr"].user, post=post, authority=A.MANAGE_TRAINING, scope=Scope.DEPARTMENT
    )
    # then it is applied at once and audited
    assert result is None
    assert post.authorities.filter(authority=A.MANAGE_TRAINING).exists()
    assert AuditEntry.objects.filter(action="authority.manage_training", object_id=str(post.pk))
    # and lowering powers never waits: revoking one HR does not hold is applied at once
    assert (
        services.post_authority_set(
            actor=people["hr"].user, post=post, authority=A.CREATE_CONTENT, scope=None
        )
        is None
    )
    assert not post.authorities.filter(authority=A.CREATE_CONTENT).exists()


@pytest.mark.django_db
def test_hr_cannot_delegate_to_themselves(people, org):
    hr = people["hr"].user
    before = snapshot()
    for authority in (A.APPROVE_CAMPAIGN, A.MANAGE_TRAINING):  # held or not: never to oneself
        with pytest.raises(ApplicationError) as refused:
            services.delegation_grant(
                actor=hr, user=hr, authority=authority, department=org["wechat"]
            )
        assert refused.value.field == "user"
    assert snapshot() == before


@pytest.mark.django_db
def test_a_delegation_above_ones_own_powers_waits(people, org):
    hr, specialist = people["hr"].user, people["specialist"].user
    before = snapshot()
    result = services.delegation_grant(
        actor=hr, user=specialist, authority=A.APPROVE_CAMPAIGN, department=org["wechat"]
    )
    assert isinstance(result, PowerRequest)
    unchanged_but_the_request(before, snapshot())
    assert not policy.has_authority(fresh(specialist), A.APPROVE_CAMPAIGN, org["wechat"])


@pytest.mark.django_db
def test_a_delegation_the_delegate_already_holds_is_no_rise(people, org):
    # given the WeChat manager, who assigns work in WeChat already
    result = services.delegation_grant(
        actor=people["hr"].user,
        user=people["manager"].user,
        authority=A.ASSIGN_WORK,
        department=org["wechat"],
    )
    # then HR may record the delegation directly
    assert result is None
    assert policy.delegations_in(org["wechat"]).filter(user=people["manager"].user).exists()


@pytest.mark.django_db
def test_a_position_default_above_ones_own_waits(people):
    position = Position.objects.get(code="hr")
    before = list(position.default_authorities.values_list("authority", "scope"))
    result = services.position_authority_set(
        actor=people["hr"].user,
        position=position,
        authority=A.APPROVE_CAMPAIGN,
        scope=Scope.DEPARTMENT,
    )
    assert isinstance(result, PowerRequest)
    assert list(position.default_authorities.values_list("authority", "scope")) == before


# --- The second person ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_director_approves_and_it_is_applied_and_audited(people, org):
    # given HR's request to become director
    hr, director = people["hr"].user, people["director"].user
    request = become_director(hr, org)
    # when the director approves it
    services.power_request_approve(actor=director, request=request, comment="交接期间")
    # then HR holds the post and its powers
    request.refresh_from_db()
    assert request.state == PowerRequest.State.APPROVED
    assert request.decided_by == director
    assert people["hr"].assignments.filter(post__position__code="ops_director").exists()
    assert policy.has_authority(fresh(hr), A.APPROVE_CAMPAIGN, org["wechat"])
    # and the log says who asked, who approved, and the assignment under the approver
    actions = list(
        AuditEntry.objects.filter(pk__gt=0).order_by("pk").values_list("action", "actor__username")
    )
    assert ("power_request.create", "hr") in actions
    assert ("power_request.approve", "director") in actions
    assert ("assignment.create", "director") in actions
    made = AuditEntry.objects.get(action="assignment.create", actor=director)
    assert f"#{request.pk}" in made.comment
    # and HR is told
    assert Notification.objects.filter(recipient=hr).exists()


@pytest.mark.django_db
def test_the_superuser_approves_a_post_authority(people, hr_post, superuser):
    request = services.post_authority_set(
        actor=people["hr"].user, post=hr_post, authority=A.APPROVE_CAMPAIGN, scope=Scope.COMPANY
    )
    services.power_request_approve(actor=superuser, request=request)
    assert hr_post.authorities.get(authority=A.APPROVE_CAMPAIGN).scope == Scope.COMPANY
    assert AuditEntry.objects.filter(action="authority.approve_campaign", actor=superuser).exists()


@pytest.mark.django_db
def test_an_approved_delegation_is_made(people, org):
    specialist = people["specialist"].user
    request = services.delegation_grant(
        actor=people["hr"].user,
        user=specialist,
        authority=A.APPROVE_CAMPAIGN,
        department=org["wechat"],
    )
    services.power_request_approve(actor=people["director"].user, request=request)
    assert policy.has_authority(fresh(specialist), A.APPROVE_CAMPAIGN, org["wechat"])


@pytest.mark.django_db
def test_only_a_second_person_holding_the_powers_decides(people, org, make_employee):
    # given HR's request, a second HR officer and WeChat's manager (approves in WeChat only)
    request = become_director(people["hr"].user, org)
    other_hr = make_employee("hr2", "hr", "hr")
    before = snapshot()
    # when HR, the other HR officer or the manager approve or refuse
    for user in (people["hr"].user, other_hr.user, people["manager"].user):
        for decide in (services.power_request_approve, services.power_request_refuse):
            with pytest.raises(PermissionDenied):
                decide(actor=user, request=request)
    # then nothing changed and the request still waits
    assert snapshot() == before
    request.refresh_from_db()
    assert request.state == PowerRequest.State.PENDING


@pytest.mark.django_db
def test_the_director_refuses_and_nothing_is_applied(people, org):
    hr = people["hr"].user
    request = become_director(hr, org)
    before = snapshot()
    services.power_request_refuse(actor=people["director"].user, request=request, comment="不行")
    request.refresh_from_db()
    assert request.state == PowerRequest.State.REFUSED
    assert request.comment == "不行"
    after = snapshot()
    assert after["assignments"] == before["assignments"]
    assert AuditEntry.objects.latest("pk").action == "power_request.refuse"
    assert Notification.objects.filter(recipient=hr).exists()
    # and a decided request is not decided again
    with pytest.raises(ConflictError):
        services.power_request_approve(actor=people["director"].user, request=request)
    assert not people["hr"].assignments.filter(post__position__code="ops_director").exists()


@pytest.mark.django_db
def test_the_superuser_acts_alone(people, hr_post, superuser):
    result = services.post_authority_set(
        actor=superuser, post=hr_post, authority=A.APPROVE_CAMPAIGN, scope=Scope.COMPANY
    )
    assert result is None
    assert hr_post.authorities.filter(authority=A.APPROVE_CAMPAIGN).exists()


# --- Pages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_page_hr_making_themselves_director_waits_for_approval(client_for, people, org):
    hr = people["hr"]
    before = snapshot()
    response = client_for(hr.user).post(
        reverse("org:assignment_create", args=[hr.pk]),
        {
            "department": org["company"].pk,
            "position": Position.objects.get(code="ops_director").pk,
            "start_date": "2026-03-10",
        },
        follow=True,
    )
    # then they are back on their page, told at the top that request #n waits
    assert response.redirect_chain[-1][0] == reverse("org:employee_detail", args=[hr.pk])
    waiting = PowerRequest.objects.get(requested_by=hr.user)
    shown = [str(m) for m in response.context["messages"]]
    assert any(f"#{waiting.pk}" in m for m in shown)
    assert 'class="alert alert-warning' in response.content.decode()
    unchanged_but_the_request(before, snapshot())


@pytest.mark.django_db
def test_page_hr_adding_approve_campaign_to_own_post_waits(client_for, people, hr_post):
    before = snapshot()
    page = client_for(people["hr"].user)
    url = reverse("org:post_authorities", args=[hr_post.pk])
    response = page.post(url, {"authority": A.APPROVE_CAMPAIGN, "scope": Scope.COMPANY})
    assert response.status_code == 302
    unchanged_but_the_request(before, snapshot())
    shown = page.get(url)
    html = shown.content.decode()
    assert 'data-testid="pending-requests"' in html
    assert "alert-warning" in html


@pytest.mark.django_db
def test_page_hr_delegating_to_themselves_is_refused_at_the_top_with_the_input_kept(
    client_for, people, org
):
    hr = people["hr"].user
    before = snapshot()
    response = client_for(hr).post(
        reverse("org:department_delegations", args=[org["wechat"].pk]),
        {"user": hr.pk, "authority": A.APPROVE_CAMPAIGN},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="form-error"' in html
    assert response.context["form"].data["authority"] == A.APPROVE_CAMPAIGN
    assert f'<option value="{hr.pk}" selected>' in html
    assert snapshot() == before


@pytest.mark.django_db
def test_page_the_director_approves_from_the_list(client_for, people, org):
    request = become_director(people["hr"].user, org)
    director = client_for(people["director"].user)
    listed = director.get(reverse("org:power_requests"))
    assert [r.pk for r in listed.context["to_decide"]] == [request.pk]
    # HR does not see their own request among those to decide, only among theirs
    own = client_for(people["hr"].user).get(reverse("org:power_requests"))
    assert own.context["to_decide"] == []
    assert [r.pk for r in own.context["mine"]] == [request.pk]
    response = director.post(reverse("org:power_request_decide", args=[request.pk, "approve"]))
    assert response.status_code == 302
    assert people["hr"].assignments.filter(post__position__code="ops_director").exists()


@pytest.mark.django_db
def test_page_hr_cannot_approve_their_own_request(client_for, people, org):
    request = become_director(people["hr"].user, org)
    before = snapshot()
    response = client_for(people["hr"].user).post(
        reverse("org:power_request_decide", args=[request.pk, "approve"])
    )
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.django_db
def test_pages_for_powers_are_for_org_managers_only(client_for, people, org, hr_post):
    manager = client_for(people["manager"].user)
    assert manager.get(reverse("org:post_authorities", args=[hr_post.pk])).status_code == 403
    assert (
        manager.get(reverse("org:department_delegations", args=[org["wechat"].pk])).status_code
        == 403
    )


# --- API -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_hr_making_themselves_director_is_202_and_nothing_changes(api_for, people, org):
    hr = people["hr"]
    before = snapshot()
    response = api_for(hr.user).post(
        f"{API}/assignments/",
        {
            "employee": hr.pk,
            "department": org["company"].pk,
            "position": Position.objects.get(code="ops_director").pk,
            "start_date": "2026-03-10",
        },
        format="json",
    )
    assert response.status_code == 202
    assert response.json()["state"] == "pending"
    assert response.json()["kind"] == "assignment"
    unchanged_but_the_request(before, snapshot())


@pytest.mark.django_db
def test_api_hr_adding_approve_campaign_to_own_post_is_202(api_for, people, hr_post):
    before = snapshot()
    response = api_for(people["hr"].user).post(
        f"{API}/posts/{hr_post.pk}/authorities/",
        {"authority": A.APPROVE_CAMPAIGN, "scope": Scope.COMPANY},
        format="json",
    )
    assert response.status_code == 202
    unchanged_but_the_request(before, snapshot())


@pytest.mark.django_db
def test_api_hr_delegating_to_themselves_is_400_on_the_user_field(api_for, people, org):
    hr = people["hr"].user
    before = snapshot()
    response = api_for(hr).post(
        f"{API}/delegations/",
        {"user": hr.pk, "authority": A.APPROVE_CAMPAIGN, "department": org["wechat"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "user"
    assert snapshot() == before


@pytest.mark.django_db
def test_api_grants_hr_holds_are_applied(api_for, people, org):
    post = Post.objects.get(department=org["wechat"], position__code="ops_specialist")
    response = api_for(people["hr"].user).post(
        f"{API}/posts/{post.pk}/authorities/",
        {"authority": A.MANAGE_TRAINING, "scope": Scope.DEPARTMENT},
        format="json",
    )
    assert response.status_code == 200
    assert {"authority": A.MANAGE_TRAINING, "scope": Scope.DEPARTMENT} in response.json()[
        "authorities"
    ]


@pytest.mark.django_db
def test_api_second_person_approval(api_for, people, org):
    request = become_director(people["hr"].user, org)
    # HR cannot approve their own request
    before = snapshot()
    own = api_for(people["hr"].user).post(f"{API}/power-requests/{request.pk}/approve/")
    assert own.status_code == 403
    assert snapshot() == before
    # the director sees it waiting, and approves it
    director = api_for(people["director"].user)
    waiting = director.get(f"{API}/power-requests/", {"to_decide": "1"}).json()["results"]
    assert [r["id"] for r in waiting] == [request.pk]
    response = director.post(
        f"{API}/power-requests/{request.pk}/approve/", {"comment": "ok"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "approved"
    assert people["hr"].assignments.filter(post__position__code="ops_director").exists()
    # and approving twice is a conflict
    again = director.post(f"{API}/power-requests/{request.pk}/approve/")
    assert again.status_code == 409


@pytest.mark.django_db
def test_the_decision_list_does_not_grow_with_requests(
    client_for, people, org, django_assert_max_num_queries
):
    # given fifteen requests waiting for the director (each asking for approve_campaign)
    post = Post.objects.get(department=org["wechat"], position__code="ops_specialist")
    for _ in range(15):
        services.post_authority_set(
            actor=people["hr"].user, post=post, authority=A.APPROVE_CAMPAIGN, scope=Scope.COMPANY
        )
    page = client_for(people["director"].user)
    # then listing them takes a fixed number of queries
    with django_assert_max_num_queries(14):
        response = page.get(reverse("org:power_requests"))
    assert len(response.context["to_decide"]) == 15
