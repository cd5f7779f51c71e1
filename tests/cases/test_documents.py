"""Case notes and documents: private to the case's agency unless marked shared; files checked."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import CaseDocument, CaseNote
from cases.services.cases import case_create
from cases.services.notes import document_upload, note_add
from taskforce import access
from taskforce.models import AuditEvent, ShareLevel
from tests.factories import verified_login

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def case(wash_prosecutor):
    return case_create(actor=wash_prosecutor, number="26-CR-77", title="State v. Quill")


@pytest.fixture
def shared_case(case, wash_prosecutor, ramsey_cao):
    access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, reason="Joint",
                 level=ShareLevel.CHANGE)  # fmt: skip
    return case


def upload(client, case, content, name, **extra):
    return client.post(
        reverse("cases:document_new", args=[case.public_id]),
        {"file": SimpleUploadedFile(name, content), "visibility": "agency", **extra},
    )


def test_a_document_is_uploaded_and_downloaded_through_the_case(client, case, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    assert upload(client, case, PDF, "complaint.pdf", title="Complaint").status_code == 302
    document = CaseDocument.objects.get()
    assert (document.content_type, document.size, document.original_name) == (
        "application/pdf",
        len(PDF),
        "complaint.pdf",
    )
    assert "complaint" not in document.file.name  # nothing of the title on disk
    response = client.get(
        reverse("cases:document_download", args=[case.public_id, document.public_id])
    )
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith('attachment; filename="complaint.pdf"')
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuditEvent.objects.filter(action="case.document_downloaded").exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00binary", "tool.exe", "not accepted"),
        (b"<html>hi</html>", "fake.pdf", "not a PDF"),
        (b"", "empty.txt", "empty"),
        ("Caf\u00e9".encode("latin-1"), "notes.txt", "not UTF-8"),
    ],
)
def test_a_bad_file_is_refused_beside_the_field(
    client, case, wash_prosecutor, content, name, message
):
    verified_login(client, wash_prosecutor)
    response = upload(client, case, content, name)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert not CaseDocument.objects.exists()


def test_a_file_over_the_limit_is_refused(client, case, wash_prosecutor, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    verified_login(client, wash_prosecutor)
    response = upload(client, case, PDF + b"0" * 2048, "big.pdf")
    assert "larger than" in str(response.context["form"].errors["file"])
    assert not CaseDocument.objects.exists()


def test_the_receiving_agency_sees_only_what_is_marked_shared(
    client, shared_case, wash_prosecutor, ramsey_prosecutor
):
    note_add(
        actor=wash_prosecutor,
        case=shared_case,
        body="Victim fears retaliation",
        visibility="agency",
    )
    note_add(actor=wash_prosecutor, case=shared_case, body="Plea offer sent", visibility="shared")
    private = document_upload(actor=wash_prosecutor, case=shared_case, title="Advocate memo",
                              visibility="agency",
                              upload=SimpleUploadedFile("memo.txt", b"private"))  # fmt: skip
    verified_login(client, ramsey_prosecutor)
    page = client.get(reverse("cases:detail", args=[shared_case.public_id])).content.decode()
    assert "Plea offer sent" in page
    assert "Victim fears retaliation" not in page and "Advocate memo" not in page
    url = reverse("cases:document_download", args=[shared_case.public_id, private.public_id])
    assert client.get(url).status_code == 404


def test_only_the_case_agency_writes_notes_even_with_change_access(
    client, shared_case, ramsey_prosecutor
):
    verified_login(client, ramsey_prosecutor)
    response = client.post(
        reverse("cases:note_new", args=[shared_case.public_id]),
        {"body": "x", "visibility": "agency"},
    )
    assert response.status_code == 403
    assert not CaseNote.objects.exists()


def test_documents_of_a_case_you_cannot_see_are_404(
    client, case, wash_prosecutor, woodbury_liaison
):
    document = document_upload(
        actor=wash_prosecutor,
        case=case,
        title="Complaint",
        visibility="shared",
        upload=SimpleUploadedFile("c.pdf", PDF),
    )
    verified_login(client, woodbury_liaison)
    url = reverse("cases:document_download", args=[case.public_id, document.public_id])
    assert client.get(url).status_code == 404
