"""A CSV waiting for its uploader to confirm: nothing is saved as records until then.

The file's rows name people (names, birth dates, narratives, runaway notes), so the staged copy
is encrypted at rest like victims' fields, deleted the moment it is saved or discarded, and
purged by the beat (`cases.tasks.purge_staged_imports`) once it has waited `KEPT_FOR`.
"""

import datetime as dt
import uuid

from django.db import models
from django.utils import timezone

from cases.models.operations import Operation
from taskforce.encryption import EncryptedTextField
from taskforce.models import Agency, User

# How long an unconfirmed file waits; after that it is no longer offered, and the beat deletes it.
KEPT_FOR = dt.timedelta(hours=24)


class StagedImport(models.Model):
    """An uploaded CSV waiting for its uploader to confirm: seen only by them, encrypted, and
    deleted once saved, discarded or older than `KEPT_FOR`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Chosen by the uploader ("doe_jane.csv"): it may name someone, so it is encrypted too.
    file_name = EncryptedTextField()
    content = EncryptedTextField(help_text="The file's text; the row is deleted once used.")
    row_count = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.public_id.hex[:8]}"


class ArrestImport(StagedImport):
    """A CSV of a sting's arrests, for one operation and arresting agency."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, null=True, related_name="+")
    arresting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")


class RunawayImport(StagedImport):
    """A CSV of runaway reports."""


class SpreadsheetImport(StagedImport):
    """A CSV or XLSX file of cases, victims or Safe Harbor referrals (`kind`), kept as CSV text;
    owned by the uploader's agency once saved (cases.services.spreadsheets)."""

    kind = models.CharField(max_length=20)
