"""Case documents in an S3-compatible bucket (PRIVATE_FILES_URL), as on several web nodes: the
same pages, the same policy, and in the bucket only encrypted objects that nobody but the owner
may read."""

import urllib.error
import urllib.request

import pytest
from django.apps import apps
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import CaseDocument
from cases.models.notes import private_storage
from cases.services.cases import case_create
from cases.services.notes import document_upload
from taskforce.config import env_private_files
from taskforce.storage import PrivateS3Storage
from tests import s3
from tests.factories import verified_login

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}


@pytest.fixture
def bucket_storage(s3_endpoint, settings, monkeypatch):
    """The private storage read from PRIVATE_FILES_URL, as settings read it, for this test.
    The models' file fields hold the storage built when they loaded: they are pointed at it too."""
    monkeypatch.setenv("PRIVATE_FILES_URL", s3.documents_url(s3_endpoint))
    settings.STORAGES = settings.STORAGES | {"private": env_private_files("PRIVATE_FILES_URL", "")}
    storage = storages["private"]
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "_storage_callable", None) is private_storage:
                monkeypatch.setattr(field, "storage", storage)
    return storage


@pytest.fixture
def case(wash_prosecutor):
    return case_create(actor=wash_prosecutor, number="26-CR-91", title="State v. Lark")


def test_a_document_goes_to_the_bucket_encrypted_and_streams_back_through_the_page(
    client, case, wash_prosecutor, bucket_storage, s3_endpoint
):
    assert isinstance(bucket_storage, PrivateS3Storage)
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("cases:document_new", args=[case.public_id]),
        {"file": SimpleUploadedFile("complaint.pdf", PDF), "title": "Complaint",
         "visibility": "agency"},
    )  # fmt: skip
    assert response.status_code == 302
    document = CaseDocument.objects.get()

    key = f"{bucket_storage.location}/{document.file.name}"
    stored = s3.client(s3_endpoint).head_object(Bucket=s3.BUCKET, Key=key)
    assert stored["ServerSideEncryption"] == "AES256"
    assert stored["ContentLength"] == len(PDF)
    assert "complaint" not in key  # nothing of the file's name reaches the bucket

    download = client.get(
        reverse("cases:document_download", args=[case.public_id, document.public_id])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith('attachment; filename="complaint.pdf"')


def test_an_object_in_the_bucket_is_not_public_and_has_no_address_to_hand_out(
    case, wash_prosecutor, bucket_storage, s3_endpoint
):
    document = document_upload(actor=wash_prosecutor, case=case, title="Memo", visibility="agency",
                               upload=SimpleUploadedFile("memo.txt", b"private"))  # fmt: skip
    key = f"{bucket_storage.location}/{document.file.name}"
    acl = s3.client(s3_endpoint).get_object_acl(Bucket=s3.BUCKET, Key=key)
    grantees = {grant["Grantee"].get("URI") for grant in acl["Grants"]}
    assert not grantees & PUBLIC_GRANTEES
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]  # the owner's
    with pytest.raises(urllib.error.HTTPError) as refused:  # asked for with no credentials
        urllib.request.urlopen(f"{s3_endpoint}/{s3.BUCKET}/{key}", timeout=10)  # noqa: S310
    assert refused.value.code == 403
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018 - a presigned URL would bypass the policy


def test_another_agency_gets_404_for_a_document_in_the_bucket(
    client, case, wash_prosecutor, woodbury_liaison, bucket_storage
):
    document = document_upload(actor=wash_prosecutor, case=case, title="Memo", visibility="agency",
                               upload=SimpleUploadedFile("memo.txt", b"private"))  # fmt: skip
    verified_login(client, woodbury_liaison)
    url = reverse("cases:document_download", args=[case.public_id, document.public_id])
    assert client.get(url).status_code == 404


def test_kms_encryption_is_asked_for_when_configured(
    case, wash_prosecutor, s3_endpoint, settings, monkeypatch
):
    url = s3.documents_url(s3_endpoint, extra="&sse=aws:kms&kms_key=alias/taskforce-documents")
    monkeypatch.setenv("PRIVATE_FILES_URL", url)
    settings.STORAGES = settings.STORAGES | {"private": env_private_files("PRIVATE_FILES_URL", "")}
    storage = storages["private"]
    name = storage.save("kms-check", SimpleUploadedFile("x.txt", b"sealed"))
    stored = s3.client(s3_endpoint).head_object(Bucket=s3.BUCKET, Key=f"{storage.location}/{name}")
    assert stored["ServerSideEncryption"] == "aws:kms"
    assert stored["SSEKMSKeyId"].endswith("alias/taskforce-documents")
