"""Offences by citation: what charges and recommended charges pick from."""

from django.db import models


class OffenceLevel(models.TextChoices):
    PETTY_MISDEMEANOR = "petty_misdemeanor", "Petty misdemeanor"
    MISDEMEANOR = "misdemeanor", "Misdemeanor"
    GROSS_MISDEMEANOR = "gross_misdemeanor", "Gross misdemeanor"
    FELONY = "felony", "Felony"


class Statute(models.Model):
    """One chargeable offence, cited as the court does (e.g. '609.324 subd. 1(b)')."""

    citation = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=OffenceLevel.choices)
    is_trafficking_related = models.BooleanField(
        default=False, help_text="Sex or labor trafficking, prostitution or child solicitation."
    )
    is_active = models.BooleanField(default=True, help_text="Inactive statutes are not offered.")

    class Meta:
        ordering = ["citation"]

    def __str__(self) -> str:
        return f"{self.citation} {self.title}"
