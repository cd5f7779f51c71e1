"""Deadline pages: the agency's deadlines, waivers, a person's reminder settings and feed link."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from deadlines import preferences, selectors
from deadlines.calendar import legal_holidays
from deadlines.preferences import format_leads, parse_leads
from deadlines.records import deadlines_visible
from deadlines.rules import RULES
from deadlines.services import deadline_waive
from taskforce import access
from taskforce.models import Holiday
from taskforce.web import shown
from taskforce.web.forms import add_service_errors


@login_required
def deadlines(request: HttpRequest) -> HttpResponse:
    groups = selectors.agency_deadlines(request.user)
    selectors.attach_urls([d for group in groups.values() for d in group])
    rows = {f"{name}_html": shown.deadline_rows(group) for name, group in groups.items()}
    return render(
        request, "taskforce/deadlines.html", {"page_title": "Deadlines", **groups, **rows}
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


@login_required
@require_http_methods(["GET", "POST"])
def deadline_waive_view(request: HttpRequest, public_id) -> HttpResponse:
    deadline = deadlines_visible(request.user).filter(public_id=public_id).first()
    if deadline is None:
        raise access.NotFound
    form = WaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            deadline_waive(
                actor=request.user, deadline=deadline, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{deadline.title}” waived.")
            return redirect("deadlines")
    return render(
        request,
        "taskforce/deadline_waive.html",
        {"page_title": "Waive a deadline", "form": form, "deadline": deadline},
    )


class ReminderSettingsForm(forms.Form):
    """Lead times per kind of deadline ('7d, 1d, 2h'), email on or off, the digest hour."""

    email_reminders = forms.BooleanField(
        required=False, label="Also send my reminders by email", help_text=(
            "Emails never name a victim or a defendant: they link into the app."
        ),
    )  # fmt: skip
    digest_hour = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Daily digest",
        choices=[("", "No daily digest")] + [(h, f"Every day at {h:02d}:00") for h in range(24)],
    )  # fmt: skip

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule_fields = []
        for rule in RULES.values():
            name = f"lead_{rule.name}"
            chosen = current.lead_minutes.get(rule.name)
            self.fields[name] = forms.CharField(
                required=False, max_length=60, label=rule.title,
                help_text=f"Default: {format_leads(list(rule.lead_minutes))}. "
                "Leave empty for the default; write “none” for no reminders.",
                initial=format_leads(chosen) if chosen is not None else "",
            )  # fmt: skip
            self.rule_fields.append(name)
        if not self.is_bound:
            self.initial.update(
                email_reminders=current.email_reminders, digest_hour=current.digest_hour
            )

    def clean(self):
        cleaned = super().clean()
        leads = {}
        for rule in RULES:
            name = f"lead_{rule}"
            try:
                parsed = parse_leads(cleaned.get(name, ""))
            except ValidationError as error:
                self.add_error(name, error)
                continue
            if parsed is not None:
                leads[rule] = parsed
        cleaned["lead_minutes"] = leads
        return cleaned


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    current = preferences.settings_for(request.user)
    form = ReminderSettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            preferences.reminder_settings_update(
                actor=request.user, lead_minutes=data["lead_minutes"],
                email_reminders=data["email_reminders"], digest_hour=data["digest_hour"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Reminder settings saved; your pending reminders moved.")
            return redirect("reminder_settings")
    return render(
        request,
        "taskforce/reminder_settings.html",
        {
            "page_title": "Reminder settings",
            "form": form,
            "current": current,
            "feed_url": request.session.pop("calendar_feed_url", ""),
        },
    )


@login_required
@require_POST
def calendar_feed_rotate(request: HttpRequest) -> HttpResponse:
    token = preferences.calendar_feed_rotate(actor=request.user)
    # Shown once, on the next page, then forgotten: only its hash is stored.
    request.session["calendar_feed_url"] = request.build_absolute_uri(
        reverse("calendar_feed", args=[token])
    )
    messages.success(request, "New calendar link made. The old link, if any, no longer works.")
    return redirect("reminder_settings")


@login_required
@require_POST
def calendar_feed_disable(request: HttpRequest) -> HttpResponse:
    preferences.calendar_feed_disable(actor=request.user)
    messages.success(request, "Calendar link turned off.")
    return redirect("reminder_settings")


class HolidayYearsForm(forms.Form):
    first = forms.IntegerField(label="From", min_value=1990, max_value=2100)
    last = forms.IntegerField(label="To", min_value=1990, max_value=2100)

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first is not None and last is not None:
            if last < first:
                self.add_error("last", "Choose a year from the first one on.")
            elif last - first > 20:
                self.add_error("last", "Show at most 21 years at a time.")
        return data


@login_required
@require_http_methods(["GET"])
def holidays(request: HttpRequest) -> HttpResponse:
    """Administrators: the legal holidays computed for a range of years (Minn. Stat. 645.44
    subd. 5), the rule that made each, and whether the table the deadline rules count by has it."""
    if not access.is_administrator(request.user):
        raise access.NotFound
    this_year = timezone.localdate().year
    default = {"first": this_year - 1, "last": this_year + 5}
    form = HolidayYearsForm(request.GET or None, initial=default)
    years = default
    if form.is_bound and form.is_valid():
        years = form.cleaned_data
    first, last = years["first"], years["last"]
    stored = dict(
        Holiday.objects.filter(day__year__gte=first, day__year__lte=last).values_list("day", "name")
    )
    computed = {year: legal_holidays(year) for year in range(first, last + 1)}
    missing = sum(h.day not in stored for days in computed.values() for h in days)
    return render(
        request,
        "taskforce/holidays.html",
        {
            "page_title": "Legal holidays",
            "form": form,
            "first": first,
            "last": last,
            "years": [
                (year, [(h, h.day in stored) for h in days]) for year, days in computed.items()
            ],
            "missing": missing,
        },
    )
