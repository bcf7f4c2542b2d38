"""Schemathesis over the whole API, as three roles: no input, however odd, makes the
server answer 5xx, and every documented answer matches its schema.

The schema comes from the app itself (/api/schema/ through the WSGI handler), the data
from the demo story. Every operation is run as each role with EXAMPLES_PER_ROLE cases
(valid and invalid input, derandomized, so the figures are the same from run to run);
ids in paths are drawn from those generated and from the rows the collections list, so
detail endpoints meet real objects, not only 404s. The figures are printed (`-rA`)."""

import io
import time
from collections import Counter
from dataclasses import dataclass, field

import hypothesis
import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup, ServerError
from schemathesis.specs.openapi.checks import response_schema_conformance
from werkzeug.test import Client as WsgiClient

ROLES = ("manager", "hr", "cs")
# 7 cases per role: 21 per operation, about 3,300 requests, in under 4 minutes on 2 cores.
EXAMPLES_PER_ROLE = 7
CHECKS = [not_a_server_error, response_schema_conformance]
ID_PARAMETERS = {"id": None, "employee_pk": "/api/v1/org/employees/"}


@dataclass
class Tally:
    """Answers counted by status; 5xx and schema violations by response, each distinct
    problem (operation + message) kept once, with the first case that showed it."""

    operations: int = 0
    requests: int = 0
    server_errors: int = 0
    violations: int = 0
    statuses: Counter = field(default_factory=Counter)
    problems: dict = field(default_factory=dict)

    def record(self, case, response, role, failures):
        self.requests += 1
        self.statuses[response.status_code] += 1
        self.server_errors += any(isinstance(f, ServerError) for f in failures)
        self.violations += any(not isinstance(f, ServerError) for f in failures)
        for failure in failures:
            key = (case.operation.label, failure.title, failure.message[:200])
            if key not in self.problems:
                detail = failure.message or response.text
                self.problems[key] = (
                    f"{case.operation.label} as {role} → {response.status_code}: "
                    f"{failure.title}: {detail[:600]}\n    {case.as_curl_command()}"
                )

    def summary(self, seconds: float) -> str:
        return (
            f"schemathesis: {self.operations} operations x {len(ROLES)} roles "
            f"x {EXAMPLES_PER_ROLE} examples: {self.requests} requests in {seconds:.0f} s; "
            f"5xx: {self.server_errors}, schema violations: {self.violations}; "
            f"statuses: {dict(sorted(self.statuses.items()))}"
        )


def _collection(path: str, name: str) -> str:
    return ID_PARAMETERS[name] or path[: path.index("{" + name + "}")]


def _listed_ids(app, tokens, paths) -> dict:
    """collection path → ids its list shows to any of the roles (ids of rows a role may
    not open included: those must be refused, not crash)."""
    found = {}
    for path in paths:
        for name in ID_PARAMETERS:
            if "{" + name + "}" not in path:
                continue
            collection = _collection(path, name)
            if collection in found:
                continue
            ids = set()
            for token in tokens.values():
                response = WsgiClient(app).get(
                    collection,
                    query_string={"page_size": 200},
                    headers={"Authorization": f"Token {token}"},
                )
                if response.status_code != 200:
                    continue
                body = response.get_json()
                rows = body.get("results", []) if isinstance(body, dict) else body
                ids.update(row["id"] for row in rows if isinstance(row, dict) and "id" in row)
            found[collection] = sorted(ids)
    return found


def _use_listed_ids(schema, listed):
    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        choices = [st.just(path_parameters)]
        for name in set(path_parameters or ()) & set(ID_PARAMETERS):
            ids = listed.get(_collection(context.operation.path, name))
            if ids:
                choices.append(
                    st.sampled_from(ids).map(lambda v, n=name: {**path_parameters, n: v})
                )
        return st.one_of(choices)


def _strategy(operation):
    """Valid input and invalid input (wrong types, missing fields, extra parameters)."""
    return st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )


def _fuzz(operation, role, headers, tally):
    @hypothesis.settings(
        max_examples=EXAMPLES_PER_ROLE,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=_strategy(operation))
    def run(case):
        # A savepoint per request: each case meets the demo data as loaded, and a
        # database error (answered 500) cannot poison the transaction the run shares.
        savepoint = transaction.savepoint()
        response = case.call(headers=headers)
        transaction.savepoint_rollback(savepoint)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            tally.record(case, response, role, group.exceptions)
        else:
            tally.record(case, response, role, ())

    run()


@pytest.fixture
def wsgi_app():
    """The real WSGI handler, in this thread and transaction: like Django's test client,
    keep the request signals from closing the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_whole_api_answers_without_5xx_and_as_documented(wsgi_app):
    from rest_framework.authtoken.models import Token

    from apps.org.models import User

    # given the demo story and a token for each role
    call_command("load_demo", stdout=io.StringIO())
    tokens = {
        login: Token.objects.get_or_create(user=User.objects.get(username=login))[0].key
        for login in ROLES
    }
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        wsgi_app,
        headers={"Authorization": f"Token {tokens['manager']}"},
    )
    # The roles' tokens are the only credentials: no generated cookies or auth headers.
    schema.config.generation.update(with_security_parameters=False)
    operations = [result.ok() for result in schema.get_all_operations()]
    _use_listed_ids(schema, _listed_ids(wsgi_app, tokens, {op.path for op in operations}))
    tally = Tally(operations=len(operations))
    started = time.monotonic()

    # when every operation is fuzzed as each role
    for login in ROLES:
        headers = {"Authorization": f"Token {tokens[login]}"}
        for operation in operations:
            _fuzz(operation, login, headers, tally)

    # then nothing answered 5xx and every answer matched its documented schema
    summary = tally.summary(time.monotonic() - started)
    print(summary)  # noqa: T201 - quoted from `pytest -rA` output
    assert not tally.problems, "\n".join([summary, *tally.problems.values()])
