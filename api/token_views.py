"""The person's own API tokens page: make one (shown once), see them, revoke one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from api.tokens import (
    DEFAULT_DAYS,
    MAX_DAYS,
    api_token_create,
    api_token_get,
    api_token_revoke,
    api_tokens_of,
)
from taskforce.web.forms import add_service_errors


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What will use it, e.g. 'RMS nightly export'.")
    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"Between 1 and {MAX_DAYS} days. Make a new token before this one expires.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created = api_token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Shown on this response only: the page is not stored anywhere with it.
            new_secret = created.secret
            form = TokenForm()
    response = render(
        request,
        "api/tokens.html",
        {
            "page_title": "API tokens",
            "form": form,
            "tokens": api_tokens_of(actor=request.user),
            "new_secret": new_secret,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, public_id) -> HttpResponse:
    token = api_token_get(actor=request.user, public_id=public_id)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked: programs using it are refused now.")
    return redirect("api_tokens")
