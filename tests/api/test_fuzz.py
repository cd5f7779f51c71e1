"""Fuzzing: schemathesis sends generated requests for every operation in the schema to the live
test server with a real token, and checks no 5xx and answers that conform to the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import token_for
from tests.api.test_stings import import_row

# Bounded: about 60 operations x this many examples keeps the run near a minute on 2 cores.
MAX_EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def fuzz_target(live_server, settings, sheriff_liaison, wash_cao):
    """A liaison's token on the live server, with an operation and arrests to find."""
    # The fuzzer may send thousands of requests: the rate limit is tested elsewhere.
    settings.API_RATE_LIMIT = "1000000/minute"
    from tests.api.conftest import ApiClient

    secret = token_for(sheriff_liaison, name="fuzz")
    client = ApiClient(secret)
    client.post("/api/operations/", {"name": "Fuzz sting", "kind": "buyer_sting",
                                     "starts_on": "2026-03-01"})  # fmt: skip
    client.post("/api/arrests/import/", {"rows": [import_row(1), import_row(2)]})
    return live_server.url, {"Authorization": f"Bearer {secret}"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.timeout(300)
def test_no_server_errors_and_answers_match_the_schema(fuzz_target):
    url, headers = fuzz_target
    # Each operation's strategy driven by hypothesis here: schemathesis' pytest plugin
    # (`from_fixture`) does not run on pytest 9 yet.
    schema = schemathesis.openapi.from_url(f"{url}/api/schema/?format=json", headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20

    for operation in operations:

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def fuzz(case):
            case.call_and_validate(base_url=url, headers=headers, checks=CHECKS)

        fuzz()
