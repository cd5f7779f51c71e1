"""Example API client: a sting's arrests handed to prosecutors, using only the schema's paths.

Standard library only. Every URL comes from the OpenAPI schema by operation id, so the script
keeps working if paths move. Run against a server with three tokens (Account → API tokens):

    API_URL=http://127.0.0.1:8000 POLICE_TOKEN=tfc_… PROSECUTOR_TOKEN=tfc_… \\
    OUTSIDER_TOKEN=tfc_… PROSECUTION_AGENCY="Washington County Attorney's Office" \\
    python scripts/api_client_example.py

It creates an operation with two arrests (police token), hands them to the prosecution agency,
then checks that the prosecutor's token sees every case and arrest and that the outsider's token
(another agency) gets 404 on every id. It prints what it did and exits non-zero on a surprise.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class Api:
    """A token, a base URL and the schema's operations by id."""

    def __init__(self, base_url: str, token: str, schema: dict | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.schema = schema or self.call("GET", "/api/schema/?format=json")[1]
        self.paths = {
            operation["operationId"]: (method.upper(), path)
            for path, operations in self.schema["paths"].items()
            for method, operation in operations.items()
            if isinstance(operation, dict) and "operationId" in operation
        }

    def as_(self, token: str) -> Api:
        return Api(self.base_url, token, self.schema)

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        if not self.base_url.startswith(("http://", "https://")):
            raise SystemExit(f"API_URL must be an http(s) address, not {self.base_url!r}")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self.base_url + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                     "Accept": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def op(self, operation_id: str, body=None, query=None, **path_args) -> tuple[int, dict]:
        method, path = self.paths[operation_id]
        for name, value in path_args.items():
            path = path.replace("{" + name + "}", urllib.parse.quote(str(value)))
        if query:
            path += "?" + urllib.parse.urlencode(query)
        return self.call(method, path, body)


def expect(status: int, body: dict, wanted: int, what: str) -> dict:
    if status != wanted:
        raise SystemExit(f"{what}: expected {wanted}, got {status}: {body}")
    return body


def run(*, base_url: str, police: str, prosecutor: str, outsider: str, agency_name: str) -> dict:
    api = Api(base_url, police)
    when = (dt.datetime.now() - dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    stamp = dt.datetime.now().strftime("%H%M%S")
    operation = expect(*api.op("operations_create", {
        "name": f"Example sting {stamp}", "kind": "buyer_sting",
        "starts_on": dt.date.today().isoformat(), "counties": ["Washington"],
    }), 201, "create the operation")  # fmt: skip
    rows = [
        {"last_name": f"Example{n}", "first_name": "Pat", "arrested_at": when,
         "county": "Washington", "custody_status": "booked", "charges": "609.324 subd. 1(b)",
         "booking_number": f"EX-{stamp}-{n}", "decoy_stated_age": 15}
        for n in (1, 2)
    ]  # fmt: skip
    arrests = expect(*api.op("arrests_import_create", {"operation": operation["public_id"],
                     "rows": rows}), 201, "import the arrests")  # fmt: skip
    agencies = expect(*api.op("agencies_list", query={"kind": "prosecution"}), 200, "agencies")
    to = next(a for a in agencies["results"] if a["name"] == agency_name)
    handoffs = expect(*api.op("handoffs_create", {
        "arrests": [a["public_id"] for a in arrests], "to_agency": to["public_id"],
    }), 201, "hand off")  # fmt: skip
    cases = [h["case"] for h in handoffs]
    arrest_ids = [a["public_id"] for a in arrests]
    seen = api.as_(prosecutor)
    for case_id in cases:
        expect(*seen.op("cases_retrieve", public_id=case_id), 200, "prosecutor reads the case")
    for arrest_id in arrest_ids:
        expect(*seen.op("arrests_retrieve", public_id=arrest_id), 200, "prosecutor reads arrest")
    other = api.as_(outsider)
    hidden = [("operations_retrieve", operation["public_id"])]
    hidden += [("arrests_retrieve", i) for i in arrest_ids]
    hidden += [("cases_retrieve", i) for i in cases]
    hidden += [("people_retrieve", a["arrestee"]["public_id"]) for a in arrests]
    for operation_id, public_id in hidden:
        expect(*other.op(operation_id, public_id=public_id), 404, f"outsider on {operation_id}")
    return {"operation": operation["public_id"], "arrests": arrest_ids, "cases": cases,
            "hidden_from_outsider": len(hidden)}  # fmt: skip


def main() -> int:
    try:
        summary = run(
            base_url=os.environ.get("API_URL", "http://127.0.0.1:8000"),
            police=os.environ["POLICE_TOKEN"],
            prosecutor=os.environ["PROSECUTOR_TOKEN"],
            outsider=os.environ["OUTSIDER_TOKEN"],
            agency_name=os.environ["PROSECUTION_AGENCY"],
        )
    except KeyError as missing:
        print(f"Set {missing.args[0]} (see the docstring).", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
