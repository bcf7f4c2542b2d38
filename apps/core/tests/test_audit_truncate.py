"""The audit log refuses TRUNCATE in PostgreSQL, and the production database roles
(README, "Database roles") leave the app no way around its triggers."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from apps.core import audit
from apps.core.models import AuditEntry
from apps.core.testing import TRANSACTIONAL_DB

pytestmark = pytest.mark.postgres


@pytest.fixture
def entry(db, people, org):
    return audit.record(actor=people["hr"].user, obj=org["wechat"], action="test.touch")


def _trigger_enabled(cursor) -> str:
    cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'core_auditentry_no_truncate'")
    return cursor.fetchone()[0]


def test_truncate_is_refused(entry):
    written = set(AuditEntry.objects.values_list("pk", flat=True))
    assert entry.pk in written
    with connection.cursor() as cursor:
        # The test database has this trigger off so Django can flush between
        # transactional tests (conftest.py); turn it on as production has it. The
        # test's transaction is rolled back at the end, and the switch with it.
        assert _trigger_enabled(cursor) == "D"
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no FK check
        cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_no_truncate")
        assert _trigger_enabled(cursor) == "O"
        with pytest.raises(DatabaseError, match="TRUNCATE is refused"), transaction.atomic():
            cursor.execute("TRUNCATE core_auditentry")
        with pytest.raises(DatabaseError, match="TRUNCATE is refused"), transaction.atomic():
            cursor.execute("TRUNCATE core_auditentry CASCADE")
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == written


def test_the_app_role_appends_but_cannot_truncate_or_switch_off_the_triggers(entry):
    """The grants the README gives the app role, tried in a throwaway role: the
    CREATE ROLE is rolled back with the test's transaction."""
    role = f"ops_app_test_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        cursor.execute(f'GRANT SELECT, INSERT ON core_auditentry TO "{role}"')
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        # it appends (an identity column needs no grant on its sequence)
        cursor.execute(
            "INSERT INTO core_auditentry (created_at, object_type, object_id, object_repr,"
            " action, from_state, to_state, comment, changes, request_id)"
            " VALUES (now(), 'x.y', '1', 'x', 'test.append', '', '', '', '{}', '')"
        )
        refused = [
            "TRUNCATE core_auditentry",
            "UPDATE core_auditentry SET comment = 'x'",
            "DELETE FROM core_auditentry",
            "ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_truncate",
            "ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only",
            "ALTER TABLE core_auditentry DISABLE TRIGGER ALL",
            "SET session_replication_role = replica",
        ]
        for sql in refused:
            with (
                pytest.raises(DatabaseError, match=r"permission denied|must be owner"),
                transaction.atomic(),
            ):
                cursor.execute(sql)
        cursor.execute("RESET ROLE")
    assert AuditEntry.objects.filter(action="test.append").count() == 1
    assert AuditEntry.objects.get(pk=entry.pk).comment == ""


@TRANSACTIONAL_DB
def test_a_transactional_test_still_flushes_the_audit_log(org):
    # Its teardown TRUNCATEs every table (the trigger is off in the test database);
    # a refused flush would fail this test at teardown.
    audit.record(actor=None, obj=org["wechat"], action="test.flushed")
    assert AuditEntry.objects.filter(action="test.flushed").count() == 1
