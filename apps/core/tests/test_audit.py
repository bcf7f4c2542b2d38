"""The audit log: append-only (model and PostgreSQL trigger), written by services with
the actor and the request id, and the audit page with its filters and its policy."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from apps.core import audit
from apps.core.models import AuditEntry
from apps.org import services
from apps.org.models import Department


@pytest.fixture
def entry(people, org):
    return audit.record(
        actor=people["hr"].user, obj=org["wechat"], action="test.touch", comment="原始"
    )


@pytest.mark.django_db
def test_the_model_refuses_to_update_an_entry(entry):
    # given a written entry; when it is changed and saved
    entry.comment = "篡改"
    # then the model refuses, and the stored row is unchanged
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).comment == "原始"


@pytest.mark.django_db
def test_the_model_refuses_to_delete_an_entry(entry):
    # when an entry is deleted through the model; then it refuses and the row stays
    with pytest.raises(RuntimeError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditentry SET comment = 'x' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ],
)
def test_postgres_refuses_raw_updates_and_deletes(entry, sql):
    # given an entry; when raw SQL (bypassing the model) changes or deletes it
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    # then the database trigger refused it and the row is intact
    assert AuditEntry.objects.get(pk=entry.pk).comment == "原始"


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_refuses_queryset_updates(entry):
    # given an entry; when a bulk queryset update (which skips save()) runs
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(comment="x")
    # then the row is intact
    assert AuditEntry.objects.get(pk=entry.pk).comment == "原始"


@pytest.mark.django_db
def test_services_write_the_actor_object_and_states(people, org):
    # given HR; when a service changes a department
    services.department_update(
        actor=people["hr"].user, department=org["wechat"], description="新描述"
    )
    # then one audit row names the actor, the object, the action and the change
    row = AuditEntry.objects.get(action="department.update")
    assert row.actor == people["hr"].user
    assert (row.object_type, row.object_id) == ("org.department", str(org["wechat"].pk))
    assert row.changes == {"description": ["", "新描述"]}
    assert row.request_id == ""  # outside a request there is none


@pytest.mark.django_db
def test_a_refused_service_leaves_no_audit_row(people, org):
    from apps.core.errors import PermissionDenied

    before = AuditEntry.objects.count()
    # given a manager without manage_org; when they try to update the department
    with pytest.raises(PermissionDenied):
        services.department_update(
            actor=people["manager"].user, department=org["wechat"], description="x"
        )
    # then nothing was written
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_a_page_request_stamps_its_request_id_on_the_audit_row(client_for, users, org):
    # given HR; when they create a group through the page
    response = client_for(users["hr"]).post(
        reverse("org:department_create", args=[org["wechat"].pk]),
        {"name": "直播小组", "code": "wechat-live", "kind": "group"},
    )
    # then the response's X-Request-ID is the audit row's request id
    group = Department.objects.get(code="wechat-live")
    row = AuditEntry.objects.get(object_type="org.department", object_id=str(group.pk))
    assert response["X-Request-ID"]
    assert row.request_id == response["X-Request-ID"]
    assert row.actor == users["hr"]


@pytest.mark.django_db
def test_a_proxy_request_id_is_kept(api_for, users, org):
    # given a request id set by the proxy in front of the app
    client = api_for(users["hr"])
    # when HR changes a department through the API
    response = client.patch(
        f"/api/v1/org/departments/{org['wechat'].pk}/",
        {"description": "经由代理"},
        format="json",
        HTTP_X_REQUEST_ID="proxy-abc-123",
    )
    # then the same id is echoed and stored
    assert response["X-Request-ID"] == "proxy-abc-123"
    assert AuditEntry.objects.get(action="department.update").request_id == "proxy-abc-123"


@pytest.mark.django_db
def test_record_many_writes_one_row_per_object(people, org):
    # given three departments; when a batch service records them at once
    objs = [org["wechat"], org["tech"], org["hr"]]
    audit.record_many(actor=people["hr"].user, objs=objs, action="test.batch")
    # then there is one row each
    rows = AuditEntry.objects.filter(action="test.batch")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted(str(o.pk) for o in objs)


# --- The audit page ---------------------------------------------------------------------


@pytest.fixture
def history(people, org):
    """Changes by HR: WeChat and Technology updated, a delegation granted in WeChat."""
    hr = people["hr"].user
    services.department_update(actor=hr, department=org["wechat"], description="一")
    services.department_update(actor=hr, department=org["tech"], description="二")
    services.delegation_grant(
        actor=hr, user=people["manager"].user, authority="assign_work", department=org["wechat"]
    )
    return org


@pytest.mark.django_db
def test_the_audit_page_filters_by_object(client_for, users, history):
    # given changes on WeChat and on Technology
    wechat = history["wechat"]
    # when HR filters the page by WeChat
    response = client_for(users["hr"]).get(
        reverse("audit_log"), {"object_type": "org.department", "object_id": wechat.pk}
    )
    # then only WeChat's rows are listed
    rows = list(response.context["page"])
    assert {r.object_id for r in rows} == {str(wechat.pk)}
    assert {r.action for r in rows} >= {"department.update", "delegation.grant"}


@pytest.mark.django_db
def test_the_audit_page_filters_by_actor(client_for, users, history):
    # given rows by HR and preset rows without an actor
    # when the director filters by HR's login
    response = client_for(users["director"]).get(reverse("audit_log"), {"actor": "hr"})
    # then every row listed is HR's
    rows = list(response.context["page"])
    assert len(rows) == 3
    assert {r.actor_id for r in rows} == {users["hr"].pk}


@pytest.mark.django_db
def test_the_audit_page_filters_by_action_prefix(client_for, users, history):
    response = client_for(users["hr"]).get(reverse("audit_log"), {"action": "delegation."})
    assert [r.action for r in response.context["page"]] == ["delegation.grant"]


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["specialist", "manager", "other_manager", "tech"])
def test_the_audit_page_is_denied_to_people_without_the_authority(client_for, users, login):
    # given someone without a company-wide view_audit_log; when they open the page
    response = client_for(users[login]).get(reverse("audit_log"))
    # then it is refused, and the menu does not offer it
    assert response.status_code == 403
    home = client_for(users[login]).get(reverse("home"))
    assert reverse("audit_log") not in home.content.decode()


# Measured: 9 queries with 60 or 300 rows (session, user, grants ×2, unread count, page
# count, page, object types…); pinned so the page cannot grow with the log.
@pytest.mark.django_db
@pytest.mark.parametrize("rows", [60, 300])
def test_the_audit_page_query_count_is_flat(
    client_for, users, people, org, django_assert_max_num_queries, rows
):
    # given an audit log of 60 or 300 rows by different actors
    actors = [people[login].user for login in ("hr", "manager", "director", "specialist")]
    for i in range(rows):
        audit.record(actor=actors[i % 4], obj=org["wechat"], action="test.row")
    browser = client_for(users["hr"])
    ContentType.objects.get_for_model(Department)  # Django's own cache, warm in any server
    # when HR opens the audit page
    with django_assert_max_num_queries(9):
        response = browser.get(reverse("audit_log"))
    # then the number of queries does not depend on the rows
    assert response.status_code == 200
    assert len(response.context["page"]) == 50


def _row(entry):
    """Every stored field but the key and the moment."""
    return {
        f.attname: getattr(entry, f.attname)
        for f in AuditEntry._meta.concrete_fields
        if f.attname not in {"id", "created_at"}
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "vendor_sql",
    # the set-based INSERT … SELECT is PostgreSQL's: the `postgres` marker skips it on SQLite
    [pytest.param(True, marks=pytest.mark.postgres), False],
    ids=["set-based", "record_rows"],
)
def test_the_bulk_path_writes_the_rows_record_writes(people, org, vendor_sql, monkeypatch):
    # given a long name (truncated at 255) and the same input for both paths
    department = org["wechat"]
    department.name = "长" * 300
    actor = people["hr"].user
    if not vendor_sql:  # the non-PostgreSQL fallback, on this database
        monkeypatch.setattr(audit.connection, "vendor", "sqlite")
    # when `record` and `record_bulk_sql` each write one row
    one = audit.record(
        actor=actor, obj=department, action="test.bulk", from_state="a", to_state="b"
    )
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    audit.record_bulk_sql(
        actor=actor,
        object_type=audit.object_type_of(department),
        ids_and_names=[(department.pk, str(department))],
        action="test.bulk",
        from_state="a",
        to_state="b",
    )
    # then the bulk row equals the recorded one field by field
    (bulk,) = AuditEntry.objects.exclude(pk__in=before)
    assert _row(bulk) == _row(one)
    assert len(bulk.object_repr) == 255


@pytest.mark.django_db
def test_the_bulk_path_writes_nothing_for_no_rows(django_assert_num_queries):
    with django_assert_num_queries(0):
        audit.record_bulk_sql(actor=None, object_type="x.y", ids_and_names=[], action="a")
