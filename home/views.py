"""The home page, which differs by role, and the shares page (both sides of every share)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.selectors import arrests, cases, handoffs, operations
from cases.services.access_requests import requests_awaiting
from deadlines.selectors import agency_deadlines, attach_urls
from home.reassign import left_behind
from referrals.selectors import referrals_received
from taskforce import access, selectors
from taskforce.models import AgencyKind, Role
from taskforce.web import shown
from taskforce.web.headlines import headlines_for

HOME_TEMPLATES = {
    Role.PROSECUTOR: "taskforce/home/prosecutor.html",
    Role.POLICE_LIAISON: "taskforce/home/police_liaison.html",
    Role.ADVOCATE: "taskforce/home/advocate.html",
    Role.SUPERVISOR: "taskforce/home/supervisor.html",
    Role.COORDINATOR: "taskforce/home/coordinator.html",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership = request.user.membership
    if membership is None:
        if request.user.is_superuser:
            return render(request, "taskforce/home/administrator.html", {"page_title": "Home"})
        return render(request, "taskforce/home/no_membership.html", {"page_title": "No agency"})
    context = {"page_title": "Home"} | _work_panels(request.user, membership)
    if membership.role != Role.COORDINATOR:
        due = agency_deadlines(request.user)
        context["deadlines_due"] = (due["overdue"] + due["today"] + due["week"])[:6]
        context["overdue_count"] = len(due["overdue"])
        attach_urls(context["deadlines_due"])
    if membership.role == Role.SUPERVISOR:
        context["team"] = selectors.agency_team(membership.agency)
        context["access_requests_waiting"] = requests_awaiting(request.user).count()
        context["left_behind"] = left_behind(membership.agency_id, request.user)
    elif membership.role == Role.COORDINATOR:
        context["agencies"] = selectors.active_agencies()
        # The reports' own figures for the last 12 months, suppressed as on their pages.
        context["headlines"] = headlines_for(request.user)
    return render(request, HOME_TEMPLATES[membership.role], context)


def _work_panels(user, membership) -> dict:
    """The few records each kind of agency starts its day with, through the usual selectors."""
    kind = membership.agency.kind
    if kind == AgencyKind.PROSECUTION:
        waiting, waiting_count = handoffs.intake_waiting(actor=user)
        mine = cases.case_list(
            actor=user,
            filters=cases.CaseFilters(scope="mine"),
            size=5,
            with_total=False,
            with_columns=False,
        )
        return {"intake": waiting, "intake_count": waiting_count, "my_cases": mine.rows}
    if kind == AgencyKind.VICTIM_SERVICES:
        received = referrals_received(actor=user)
        return {
            "mine": [r for r in received if r.assigned_advocate_id == user.pk][:8],
            "incoming": [r for r in received if r.status in {"sent", "received"}][:8],
            "in_service": [r for r in received if r.status in {"accepted", "engaged"}][:8],
        }
    if kind in {AgencyKind.LAW_ENFORCEMENT, AgencyKind.TASK_FORCE} and membership.role != (
        Role.COORDINATOR
    ):
        return {
            "operations": operations.recent_operations(actor=user),
            "arrests": arrests.recent_arrests(actor=user),
        }
    return {}


@login_required
def shares(request: HttpRequest) -> HttpResponse:
    shared_with_us, shared_by_us = (
        access.shares_listed(request.user, list(rows[:200]))
        for rows in access.shares_for_agency(request.user)
    )
    # Each row offers Revoke to whoever may revoke it (who may share its record).
    shared_by_us = access.shares_revocable(request.user, shared_by_us)
    return render(
        request,
        "taskforce/shares.html",
        {
            "page_title": "Shared records",
            "shared_with_us": shared_with_us,
            "shared_with_us_html": shown.share_rows(shared_with_us, "in"),
            "shared_by_us": shared_by_us,
            "shared_by_us_html": shown.share_rows(shared_by_us, "out"),
        },
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text="Optional; kept in the audit trail.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def share_revoke(request: HttpRequest, public_id) -> HttpResponse:
    share_row = access.share_for_owner(request.user, public_id)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        access.unshare(actor=request.user, share_row=share_row, reason=form.cleaned_data["reason"])
        messages.success(request, f"{share_row.to_agency.name} no longer has access.")
        return redirect(access.share_target_url(share_row))
    return render(
        request,
        "taskforce/share_revoke.html",
        {
            "page_title": "Revoke access",
            "form": form,
            "share": share_row,
            "record_url": access.share_target_url(share_row),
        },
    )
