"""Case notes and documents: agency-private by default, files kept outside the web root."""

import uuid

from django.core.files.storage import storages
from django.db import models
from django.utils import timezone

from cases.models.cases import Case
from taskforce.encryption import EncryptedCharField, EncryptedTextField
from taskforce.models import User


class NoteVisibility(models.TextChoices):
    AGENCY = "agency", "My agency only"
    SHARED = "shared", "Also agencies the case is shared with"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    body = EncryptedTextField()  # free text: it names people
    visibility = models.CharField(
        max_length=10, choices=NoteVisibility.choices, default=NoteVisibility.AGENCY
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note on {self.case} by {self.author}"


def private_storage():
    """The storage of uploaded files: off the web root, no URL (settings.PRIVATE_FILES_ROOT)."""
    return storages["private"]


def _document_path(document: "CaseDocument", filename: str) -> str:
    # A random name: nothing about the case or the file's title reaches the disk layout.
    return f"cases/{document.public_id.hex[:2]}/{document.public_id.hex}"


class CaseDocument(models.Model):
    """An uploaded file on a case: checked for type and size, served only through the policy."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(storage=private_storage, upload_to=_document_path, max_length=200)
    # Typed or uploaded names ("Doe interview.pdf") name people: encrypted like the notes.
    title = EncryptedCharField(max_length=200)
    original_name = EncryptedCharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    visibility = models.CharField(
        max_length=10, choices=NoteVisibility.choices, default=NoteVisibility.AGENCY
    )
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title
