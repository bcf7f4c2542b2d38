"""Rulebook 003 (微信部) §3.1.4–5: the copywriter's self-check (准确性、完整性、逻辑性) →
the ops specialist's second review; design work: the designer's self-check → the
specialist's review; the specialist publishes on schedule. No manager step in the preset
(a department adds one in the admin)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps

from apps.content import services
from apps.content.models import ContentItem, ReviewAction, ReviewChain, ReviewStep
from apps.content.presets import build_chain
from apps.content.tests.factories import approve, fresh, in_an_hour, make_item
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.models import AuditEntry, Notification
from apps.org.models import Position

State = ContentItem.State
THREE = ["accuracy", "completeness", "logic"]
pytestmark = pytest.mark.django_db


def _steps(department):
    chain = build_chain(department)
    return list(chain.steps.prefetch_related("positions").order_by("order"))


def test_the_003_preset_has_self_checks_then_the_specialist_and_no_manager(org):
    assert org["wechat"].rulebook == "003"
    steps = _steps(org["wechat"])
    assert [(s.kind, s.name) for s in steps] == [
        ("self_check", "文案自审"),
        ("designer_check", "设计师自审"),
        ("review", "运营专员二审"),
    ]
    assert steps[0].checklist == THREE
    assert steps[1].checklist == ["layout", "images"]
    assert [p.code for p in steps[2].positions.all()] == ["ops_specialist"]
    assert not any(s.managerial_only for s in steps)


def test_other_rulebooks_keep_author_then_manager(org):
    for code in ("miniprogram-ops", "community-ops"):
        steps = _steps(org[code])
        assert [(s.kind, s.managerial_only) for s in steps] == [("review", True)]


def test_text_work_is_self_check_then_the_specialist(users):
    item = make_item(users["copywriter"])
    services.content_item_submit(actor=users["copywriter"], item=item, self_check=THREE)
    item = fresh(item)
    assert (item.state, item.step_number, item.step_total) == (State.SUBMITTED, 2, 2)
    assert item.current_step.name == "运营专员二审"
    check = ReviewAction.objects.get(item=item, decision="self_checked")
    # the three checks are stored with the step they confirm
    assert (check.step.kind, check.step_number, check.checklist) == ("self_check", 1, THREE)


@pytest.mark.parametrize("missing", THREE)
def test_the_self_check_needs_all_three_checks(users, missing):
    item = make_item(users["copywriter"])
    audit_before = AuditEntry.objects.count()
    ticked = [code for code in THREE if code != missing]
    with pytest.raises(ApplicationError) as error:
        services.content_item_submit(actor=users["copywriter"], item=item, self_check=ticked)
    assert error.value.field == "self_check"
    item = fresh(item)
    assert (item.state, item.version_number, item.current_step) == (State.DRAFT, 0, None)
    assert list(item.actions.values_list("decision", flat=True)) == ["created"]
    assert AuditEntry.objects.count() == audit_before
    assert not Notification.objects.exists()


@pytest.mark.parametrize("missing", THREE)
def test_the_self_check_from_the_review_page_needs_all_three_checks(users, missing):
    item = make_item(users["copywriter"])
    services.content_item_submit(actor=users["copywriter"], item=item)  # no ticks yet
    with pytest.raises(ApplicationError):
        approve(item, users["copywriter"], checklist=[c for c in THREE if c != missing])
    assert fresh(item).step_number == 1
    approve(item, users["copywriter"], checklist=THREE)
    assert fresh(item).current_step.kind == "review"


def test_design_work_gets_the_designers_self_check_before_the_specialist(users):
    item = make_item(users["copywriter"], designer=users["designer"])
    services.content_item_submit(actor=users["copywriter"], item=item, self_check=THREE)
    item = fresh(item)
    assert (item.step_number, item.step_total) == (2, 3)
    assert item.current_step.kind == "designer_check"
    assert Notification.objects.filter(recipient=users["designer"]).exists()
    assert not Notification.objects.filter(recipient=users["specialist"]).exists()
    for outsider in ("copywriter", "specialist", "manager"):
        with pytest.raises(PermissionDenied):
            approve(item, users[outsider])
    with pytest.raises(ApplicationError):
        approve(item, users["designer"], checklist=["layout"])
    approve(item, users["designer"], checklist=["layout", "images"])
    item = fresh(item)
    assert (item.step_number, item.current_step.kind) == (3, "review")
    action = ReviewAction.objects.get(item=item, step__kind="designer_check")
    assert (action.decision, action.actor, action.checklist) == (
        "self_checked",
        users["designer"],
        ["layout", "images"],
    )
    approve(item, users["specialist"])
    assert fresh(item).state == State.APPROVED


def test_a_poster_by_the_designer_is_design_work_checked_by_its_author(users):
    item = make_item(users["designer"], format="poster")
    services.content_item_submit(
        actor=users["designer"], item=item, self_check=[*THREE, "layout", "images"]
    )
    item = fresh(item)
    assert (item.step_number, item.step_total, item.current_step.kind) == (3, 3, "review")
    assert item.actions.filter(decision="self_checked").count() == 2


def test_no_manager_step_and_the_specialist_publishes_on_schedule(users):
    item = make_item(users["copywriter"])
    services.content_item_submit(actor=users["copywriter"], item=item, self_check=THREE)
    with pytest.raises(PermissionDenied):
        approve(item, users["manager"])
    when = in_an_hour()
    approve(item, users["specialist"], publish_at=when)
    item = fresh(item)
    assert (item.state, item.publish_at, item.current_step) == (State.SCHEDULED, when, None)
    assert not Notification.objects.filter(recipient=users["manager"]).exists()
    with pytest.raises(ConflictError):
        approve(item, users["manager"], step=3)
    assert services.content_publish_due(now=when - dt.timedelta(minutes=1))["published"] == 0
    assert services.content_publish_due(now=when + dt.timedelta(seconds=1))["published"] == 1
    assert fresh(item).state == State.PUBLISHED


def test_a_department_can_add_a_manager_step(users, org):
    chain = build_chain(org["wechat"])
    step = ReviewStep.objects.create(
        chain=chain, order=4, name="运营经理终审", kind="review", managerial_only=True,
        checklist=["accuracy"],
    )  # fmt: skip
    step.positions.set(Position.objects.filter(code__in=["ops_manager", "ops_director"]))
    item = make_item(users["copywriter"])
    services.content_item_submit(actor=users["copywriter"], item=item, self_check=THREE)
    approve(item, users["specialist"])
    item = fresh(item)
    assert (item.state, item.step_number, item.step_total) == (State.IN_REVIEW, 3, 3)
    with pytest.raises(PermissionDenied):
        approve(item, users["specialist2"])
    approve(item, users["manager"])
    assert fresh(item).state == State.APPROVED


def _old_preset_chain(department):
    """The chain an earlier release created for 003 (self-check → specialist → manager)."""
    chain = ReviewChain.objects.create(department=department, name="微信部 审核流程")
    rows = [("文案自审", "self_check", False), ("运营专员二审", "review", False),
            ("运营经理终审", "review", True)]  # fmt: skip
    return chain, [
        ReviewStep.objects.create(
            chain=chain,
            order=n,
            name=name,
            kind=kind,
            managerial_only=managerial,
            checklist=["accuracy"],
        )
        for n, (name, kind, managerial) in enumerate(rows, start=1)
    ]


def _migrate():
    module = importlib.import_module("apps.content.migrations.0007_chain_003_without_manager_step")
    module.forwards(django_apps, None)


def test_the_migration_drops_the_manager_step_from_an_untouched_old_chain(users, org):
    chain, (_self_check, specialist, manager) = _old_preset_chain(org["wechat"])
    item = make_item(users["copywriter"])
    services.content_item_submit(actor=users["copywriter"], item=item, self_check=["accuracy"])
    assert (fresh(item).step_number, fresh(item).step_total) == (2, 3)
    _migrate()
    steps = list(chain.steps.order_by("order"))
    assert [(s.order, s.kind) for s in steps] == [
        (1, "self_check"), (2, "designer_check"), (3, "review"),
    ]  # fmt: skip
    assert steps[0].checklist == THREE
    assert not ReviewStep.objects.filter(pk=manager.pk).exists()
    item = fresh(item)
    assert (item.current_step_id, item.step_number, item.step_total) == (specialist.pk, 2, 2)
    approve(item, users["specialist"])
    assert fresh(item).state == State.APPROVED


def test_the_migration_leaves_a_chain_with_an_item_at_the_manager_step(users, org):
    chain, steps = _old_preset_chain(org["wechat"])
    item = make_item(users["copywriter"])
    services.content_item_submit(actor=users["copywriter"], item=item, self_check=["accuracy"])
    approve(item, users["specialist"])
    _migrate()
    assert [s.pk for s in chain.steps.order_by("order")] == [s.pk for s in steps]
    approve(item, users["manager"])
    assert fresh(item).state == State.APPROVED
