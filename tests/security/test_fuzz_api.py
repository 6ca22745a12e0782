"""Fuzz the API from its own OpenAPI schema (schemathesis): no request, valid or not, gets a 500.

Every operation the schema describes is called through Django's test client, signed in with
both factors, by each role that reaches the API, with values drawn from the schema (positive)
and values that break it (negative: wrong types, NUL bytes, out-of-range).
"""

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from resettle.accounts import roles
from web.staffkit import cases, fast_passwords, staff  # noqa: F401  (fixtures)


def _schema():
    from drf_spectacular.generators import SchemaGenerator

    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)))


def _operations():
    import django

    django.setup()
    return [result.ok() for result in _schema().get_all_operations()]


OPERATIONS = _operations()


def _send(client, case):
    query = urlencode(case.query or {}, doseq=True)
    body = case.body
    data = b"" if body is None or type(body).__name__ == "NotSet" else json.dumps(body, default=str)
    return client.generic(case.method.upper(), case.formatted_path, data=data, content_type="application/json",
                          QUERY_STRING=query)


@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{op.method.upper()} {op.path}" for op in OPERATIONS])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_api_request_answers_500(staff, cases, operation, mode):
    clients = [staff[role][1] for role in (roles.INTAKE_OFFICER, roles.DF_VERIFIER, roles.DECISION_MAKER,
                                           roles.ANALYST)]
    for client in clients:
        client.raise_request_exception = False
    known = [str(cases["a"].pk), str(cases["b"].pk)]
    failures = []

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(operation.as_strategy(generation_mode=mode))
    def run(case):
        # Half the time, aim at a real case so the request gets past "not found".
        if case.path_parameters and "application_id" in case.path_parameters and hash(str(case.query)) % 2:
            case.path_parameters["application_id"] = known[0]
        for client in clients:
            response = _send(client, case)
            if response.status_code >= 500:
                failures.append(f"{case.method.upper()} {case.formatted_path}?{urlencode(case.query or {})} "
                                f"body={case.body!r} -> {response.status_code}")

    run()
    assert not failures, "\n".join(failures[:10])
