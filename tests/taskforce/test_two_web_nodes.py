"""Two web nodes behind one load balancer: two gunicorn processes on one PostgreSQL, one Redis
and one documents bucket. A document uploaded through one downloads through the other, a
session opened on one is good on the other, and a lockout counted on one holds on the other."""

import re

import pytest
import requests
from django.test import Client
from django.urls import reverse

from cases.models import CaseDocument
from cases.services.cases import case_create
from tests import s3
from tests.factories import verified_login
from tests.workers import _test_database_url, web_node

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
LOCKED = "This account is locked"


def csrf_token(page: requests.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


# Committed rows, for the gunicorn processes to see; serialized_rollback restores the migrated
# rows (content types, groups) after the flush, as the suite's other transactional tests do.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.timeout(120)
def test_two_web_nodes_share_documents_sessions_and_lockouts(
    wash_prosecutor, wash_supervisor, s3_endpoint
):
    env = {
        "DATABASE_URL": _test_database_url(),
        "DATABASE_CONN_MAX_AGE": "0",  # no connection left open to block the test database's drop
        "PRIVATE_FILES_URL": s3.documents_url(s3_endpoint),
        # Pages link plain static names, as in the rest of the suite (no collectstatic run here).
        "DEBUG": "true",
    }
    case = case_create(actor=wash_prosecutor, number="26-CR-92", title="State v. Wren")
    signed_in = verified_login(Client(), wash_prosecutor)  # a session row in PostgreSQL
    with web_node("first", env) as first_node, web_node("second", env) as second_node:
        first, second = first_node.url, second_node.url
        browser = requests.Session()
        browser.cookies.set("sessionid", signed_in.cookies["sessionid"].value)
        new = f"/cases/{case.public_id}/documents/new/"
        form = browser.get(first + new, timeout=10)
        assert form.status_code == 200, form.text[:500]
        posted = browser.post(
            first + new,
            data={"title": "Complaint", "visibility": "agency",
                  "csrfmiddlewaretoken": csrf_token(form)},
            files={"file": ("complaint.pdf", PDF, "application/pdf")},
            allow_redirects=False, timeout=10,
        )  # fmt: skip
        assert posted.status_code == 302, posted.text[:500]
        document = CaseDocument.objects.get()

        # The other node: the same session, and the file from the shared bucket.
        download = browser.get(
            second + reverse("cases:document_download", args=[case.public_id, document.public_id]),
            timeout=10,
        )
        assert download.status_code == 200
        assert download.content == PDF
        stored = s3.client(s3_endpoint).list_objects_v2(Bucket=s3.BUCKET)["Contents"]
        assert any(item["Key"].endswith(document.file.name) for item in stored)

        # Five failed sign-ins on the first node lock the account on the second.
        stranger = requests.Session()
        for _ in range(5):
            page = stranger.get(first + reverse("login"), timeout=10)
            stranger.post(first + reverse("login"), timeout=10, data={
                "username": "wash_supervisor", "password": "not-the-password",
                "csrfmiddlewaretoken": csrf_token(page)})  # fmt: skip
        elsewhere = requests.Session()
        page = elsewhere.get(second + reverse("login"), timeout=10)
        refused = elsewhere.post(second + reverse("login"), timeout=10, data={
            "username": "wash_supervisor", "password": "not-the-password-either",
            "csrfmiddlewaretoken": csrf_token(page)})  # fmt: skip
        assert refused.status_code == 429
        assert LOCKED in refused.text
