"""Pages of the core: the home page, which differs by role."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from taskforce import selectors
from taskforce.models import Role

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
        return render(request, "taskforce/home/no_membership.html", {"page_title": "No agency"})
    context = {"page_title": "Home"}
    if membership.role == Role.SUPERVISOR:
        context["team"] = selectors.agency_team(membership.agency)
    elif membership.role == Role.COORDINATOR:
        context["agencies"] = selectors.active_agencies()
    return render(request, HOME_TEMPLATES[membership.role], context)
