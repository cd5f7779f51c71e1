"""The upload form of the spreadsheet imports (cases, victims, Safe Harbor referrals)."""

from django import forms


class SpreadsheetImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="CSV (UTF-8) or Excel .xlsx (first sheet), at most 5 MB and 5,000 rows; "
        "the first row names the columns.",
    )
