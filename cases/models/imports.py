"""A CSV of arrests waiting for its uploader to confirm: nothing is saved as arrests until then."""

import uuid

from django.db import models
from django.utils import timezone

from cases.models.operations import Operation
from taskforce.models import Agency, User


class StagedImport(models.Model):
    """An uploaded CSV waiting for its uploader to confirm: seen only by them, emptied once
    saved or discarded."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Waiting for confirmation"
        SAVED = "saved", "Saved"
        DISCARDED = "discarded", "Discarded"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=200)
    content = models.TextField(help_text="The file's text; cleared when saved or discarded.")
    row_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEWED)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def close(self, status: str) -> None:
        """Saved or discarded: the file's text is not kept."""
        self.status = status
        self.content = ""
        self.save(update_fields=["status", "content"])


class ArrestImport(StagedImport):
    """A CSV of a sting's arrests, for one operation and arresting agency."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, null=True, related_name="+")
    arresting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")


class RunawayImport(StagedImport):
    """A CSV of runaway reports."""
