"""Done when: a client using only the schema creates a sting with arrests, hands them off, the
prosecutor's token sees them and another agency's token gets 404 on every id."""

import importlib.util
from pathlib import Path

import pytest

from tests.api.conftest import token_for

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "api_client_example.py"


def load_script():
    spec = importlib.util.spec_from_file_location("api_client_example", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_example_client_runs_end_to_end(live_server, sheriff_liaison, wash_cao, wash_prosecutor,
                                        ramsey_prosecutor):  # fmt: skip
    summary = load_script().run(
        base_url=live_server.url,
        police=token_for(sheriff_liaison),
        prosecutor=token_for(wash_prosecutor),
        outsider=token_for(ramsey_prosecutor),
        agency_name=wash_cao.name,
    )
    assert len(summary["arrests"]) == 2 and len(summary["cases"]) == 2
    assert summary["hidden_from_outsider"] == 7
