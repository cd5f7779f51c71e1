"""Hand-offs: a police agency refers an arrest to a prosecution agency, which gets a case."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.arrests import Arrest
from cases.models.cases import Case
from taskforce.models import Agency, GrantFields, ProtectedModel


class HandOff(ProtectedModel):
    """Who referred which arrest to which prosecution agency, when, and the case it became.

    Owned by the referring agency; the receiving agency sees it through the case.
    """

    # What its name (`__str__`) reads: loaded with it where names are listed.
    label_related = ("arrest__arrestee", "to_agency")

    arrest = models.ForeignKey(Arrest, on_delete=models.PROTECT, related_name="handoffs")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="handoffs")
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["arrest", "to_agency"], name="handoff_once_per_agency")
        ]
        indexes = [
            models.Index(
                fields=["owner_agency", "-updated_at", "-id"], name="handoff_owner_recent"
            ),
            models.Index(fields=["to_agency", "-created_at"], name="handoff_intake"),
        ]

    def __str__(self) -> str:
        return f"{self.arrest} → {self.to_agency}"


class HandOffUserObjectPermission(UserObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(HandOff, on_delete=models.CASCADE)


class HandOffGroupObjectPermission(GroupObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(HandOff, on_delete=models.CASCADE)
