"""Case notes and documents: written by the case's agency, files checked before they are kept."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q

from cases.models import Case, CaseDocument, CaseNote
from cases.selectors.notes import readable_q
from taskforce import access, audit
from taskforce.models import User

# Extension → (content type, how its first bytes must look). Nothing else is accepted: a file's
# name alone is not trusted.
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".txt": ("text/plain", ()),
}


def _check_owner(actor: User, case: Case) -> None:
    """Notes and documents are the case agency's own: they write them, others may read some."""
    access.require(actor, access.Action.CHANGE, case)
    if access.acting_membership(actor).agency_id != case.owner_agency_id:
        raise access.Forbidden


@transaction.atomic
def note_add(*, actor: User, case: Case, body: str, visibility: str) -> CaseNote:
    _check_owner(actor, case)
    if not body.strip():
        raise ValidationError({"body": "The note is empty."})
    note = CaseNote.objects.create(
        case=case, body=body.strip(), visibility=visibility, author=actor
    )
    audit.record(actor, "case.note_added", case, changes={"visibility": visibility})
    return note


def _sniffed_type(upload: UploadedFile) -> str:
    extension = PurePath(upload.name).suffix.lower()
    if extension not in ALLOWED:
        names = ", ".join(sorted(e.lstrip(".").upper() for e in ALLOWED if e != ".jpeg"))
        raise ValidationError({"file": f"This kind of file is not accepted. Use {names}."})
    content_type, signatures = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if signatures and not head.startswith(signatures):
        raise ValidationError({"file": f"The file's contents are not a {extension[1:].upper()}."})
    if extension == ".txt":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError({"file": "This text file is not UTF-8."}) from None
        if b"\x00" in head:
            raise ValidationError({"file": "This is not a text file."})
    return content_type


def check_upload(upload: UploadedFile, *, field: str = "file", allowed: set[str] | None = None):
    """Size, emptiness and type (by name and first bytes) of an upload; returns its type."""
    if upload.size > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError({field: f"The file is larger than {limit} MB."})
    if upload.size == 0:
        raise ValidationError({field: "The file is empty."})
    extension = PurePath(upload.name).suffix.lower()
    if allowed is not None and extension not in allowed:
        names = ", ".join(sorted(e.lstrip(".").upper() for e in allowed if e != ".jpeg"))
        raise ValidationError({field: f"This kind of file is not accepted. Use {names}."})
    try:
        return _sniffed_type(upload)
    except ValidationError as error:
        raise ValidationError({field: error.message_dict["file"]}) from None


@transaction.atomic
def document_upload(
    *, actor: User, case: Case, upload: UploadedFile, title: str, visibility: str
) -> CaseDocument:
    _check_owner(actor, case)
    content_type = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = CaseDocument(
        case=case,
        title=title.strip() or PurePath(upload.name).stem[:200],
        original_name=PurePath(upload.name).name[:200],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        visibility=visibility,
        uploaded_by=actor,
    )
    document.file.save("upload", upload, save=False)
    document.save()
    audit.record(
        actor,
        "case.document_uploaded",
        case,
        changes={"document": str(document.public_id), "size": upload.size},
    )
    return document


def _readable(actor: User, case: Case) -> Q:
    """Everything for the case's agency; what it marked shared for agencies it shared with."""
    access.require(actor, access.Action.VIEW, case)
    return readable_q(actor)


def notes_for(*, actor: User, case: Case):
    return case.notes.filter(_readable(actor, case)).select_related("author")


def documents_for(*, actor: User, case: Case):
    return case.documents.filter(_readable(actor, case)).select_related("uploaded_by")


def document_get(*, actor: User, case: Case, public_id) -> CaseDocument:
    document = documents_for(actor=actor, case=case).filter(public_id=public_id).first()
    if document is None:
        raise access.NotFound
    return document
