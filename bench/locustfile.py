"""Locust users of the load test (bench/load_test.py starts it; see that file's docstring).

Each simulated user is one bench user of the plan file the driver wrote (LOAD_PLAN): a
prosecutor, a police liaison, an advocate or a supervisor, signed in by a session the driver put
in the database (both sign-in steps done), whose cookie is set here. A user clicks through a mix
of everyday pages — home, the caseload with a filter and a sort, one of its cases, deadlines, a
search (caseload and search post, then the results), in the proportions 2:3:3:1:2 — and, once
a minute each (the first at a random moment of the first minute), one edit and one CSV export:

- the edit of a prosecutor or supervisor is a case's edit form, read and posted back with its
  CSRF token and its `version` (optimistic concurrency: a stale version re-renders the form and
  counts as a failure), changing only the court file number; a liaison or advocate, who may not
  change cases, saves a named caseload filter (`/filters/save/`, CSRF token, no version);
- the export is the caseload's CSV with the plan's filter, read to the end: by default the
  cases shared with the user's agency (about 100 rows), with `--export agency` all its own
  (about 5,000: 2 s and 0.7 s of CPU each).

LOAD_PACED=1 waits 1-3 s between clicks (people reading pages); 0 clicks without pause.
Locust runs in its own virtualenv (bench/requirements.txt): nothing of the project is imported.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from html.parser import HTMLParser
from http.cookiejar import Cookie
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, constant, task

with open(os.environ["LOAD_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)
PEOPLE = itertools.cycle(PLAN["users"])
PACED = os.environ.get("LOAD_PACED", "1") == "1"
DRAW = random.Random()  # noqa: S311 (which page to click, not a secret)
ONCE_A_MINUTE = 60.0
FILTERS = [
    "status=intake&sort=number",
    "scope=agency&sort=opened",
    "kind=buyer&sort=",
    "scope=agency&status=intake&sort=number",
]
# A page is served to a signed-in person: anything else (the sign-in page, the second step) is a
# session the app did not accept.
SIGNED_IN_MARK = "Sign out"


class FormFields(HTMLParser):
    """The fields a browser would post from the form holding `marker` (a field name): inputs
    (checkboxes only when checked), the selected options of selects, textareas."""

    def __init__(self, marker: str):
        super().__init__()
        self.marker = marker
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = []
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self._form.append(
                    (a["name"], a.get("value") or ("on" if kind == "checkbox" else ""))
                )
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self._form.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._form.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea and self._form:
            name, value = self._form[-1]
            self._form[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    def fields(self) -> list[tuple[str, str]]:
        for form in self.forms:
            if any(name == self.marker for name, _ in form):
                return form
        raise LookupError(f"no form with a field {self.marker!r}")


class Person(FastHttpUser):
    wait_time = between(1, 3) if PACED else constant(0)
    # One connection per user, as a browser keeps one open to the server.
    concurrency = 1
    network_timeout = 60.0
    connection_timeout = 10.0

    def on_start(self):
        self.me = next(PEOPLE)
        host = urlsplit(self.host).hostname
        self.client.cookiejar.set_cookie(
            Cookie(
                version=0, name=PLAN["session_cookie"], value=self.me["session"], port=None,
                port_specified=False, domain=host, domain_specified=False,
                domain_initial_dot=False, path="/", path_specified=True, secure=False,
                expires=None, discard=True, comment=None, comment_url=None, rest={},
            )
        )  # fmt: skip
        now = time.monotonic()
        # The first edit and export fall at a random moment of the first minute, so 50 users do
        # not all export at once.
        self.next_edit = now + DRAW.uniform(0, ONCE_A_MINUTE)
        self.next_export = now + DRAW.uniform(0, ONCE_A_MINUTE)
        self.edits = itertools.count(1)

    # --- Helpers ------------------------------------------------------------------------------

    def page(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif SIGNED_IN_MARK not in (response.text or ""):
                response.failure("not signed in")
            return response

    def csrf_token(self, html: str) -> str:
        marker = 'name="csrfmiddlewaretoken" value="'
        start = html.index(marker) + len(marker)
        return html[start : html.index('"', start)]

    def post_then_follow(self, url: str, data, name: str, followed: str, *, expect: str = ""):
        """A form post answered by a redirect (checked, not followed blindly), then the page
        it leads to, as a browser does. `data`: a dict or (name, value) pairs."""
        with self.client.post(
            url, data=urlencode(data), name=name, allow_redirects=False, catch_response=True,
            headers={"Referer": self.host + url,
                     "Content-Type": "application/x-www-form-urlencoded"},
        ) as response:  # fmt: skip
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or expect not in location:
                response.failure(f"HTTP {response.status_code} to {location or 'nowhere'}")
                return
        self.page(location, followed)

    # --- The clicks ---------------------------------------------------------------------------

    @task
    def click(self):
        now = time.monotonic()
        if now >= self.next_edit:
            self.next_edit = now + ONCE_A_MINUTE
            self.edit()
        elif now >= self.next_export:
            self.next_export = now + ONCE_A_MINUTE
            self.export()
        else:
            DRAW.choices(
                [self.home, self.caseload, self.case, self.deadlines, self.search],
                weights=[2, 3, 3, 1, 2],
            )[0]()

    def home(self):
        self.page("/", "home")

    def caseload(self):
        self.page(f"/cases/?{DRAW.choice(FILTERS)}", "caseload (filter, sort)")

    def case(self):
        self.page(f"/cases/{DRAW.choice(self.me['cases'])}/", "case")

    def deadlines(self):
        self.page("/deadlines/", "deadlines")

    def search(self):
        """The caseload's search box: words post, the page follows at a token address."""
        page = self.page("/cases/", "caseload")
        if not page.text or "csrfmiddlewaretoken" not in page.text:
            return
        data = {
            "csrfmiddlewaretoken": self.csrf_token(page.text),
            "_filters": "1",
            "q": DRAW.choice(self.me["searches"]),
            "sort": "",
        }
        self.post_then_follow("/cases/", data, "search (post)", "search results", expect="s=")

    def export(self):
        with self.client.get(
            f"/cases/export.csv?{self.me['export']}", name="CSV export", catch_response=True
        ) as response:
            body = response.content or b""
            # A byte order mark first, for spreadsheet programs (taskforce/web/exports.py).
            if response.status_code != 200 or not body.startswith(b"\xef\xbb\xbfNumber,"):
                response.failure(f"HTTP {response.status_code}, {body[:40]!r}")

    def edit(self):
        if self.me["edit_case"]:
            self.edit_case(self.me["edit_case"])
        else:
            self.save_filter()

    def edit_case(self, public_id: str):
        url = f"/cases/{public_id}/edit/"
        form = self.page(url, "case edit (form)")
        if form.status_code != 200 or not form.text:
            return
        parser = FormFields("version")
        parser.feed(form.text)
        fields = [(k, v) for k, v in parser.fields() if k != "court_file_number"]
        fields.append(("court_file_number", f"LOAD-{self.me['username']}-{next(self.edits)}"))
        self.post_then_follow(
            url, fields, "case edit (post)", "case (after edit)", expect=f"/cases/{public_id}/"
        )

    def save_filter(self):
        page = self.page("/cases/?scope=agency", "caseload")
        if not page.text or "csrfmiddlewaretoken" not in page.text:
            return
        data = {
            "csrfmiddlewaretoken": self.csrf_token(page.text),
            "list_name": "cases:list",
            "name": "Load test: my agency",
            "query": f"scope=agency&sort={DRAW.choice(['number', 'opened'])}",
        }
        self.post_then_follow("/filters/save/", data, "saved filter (post)", "caseload (saved)",
                              expect="/cases/")  # fmt: skip
