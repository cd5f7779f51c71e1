"""A person's API tokens page, under /accounts/tokens/."""

from django.urls import path

from api import token_views

urlpatterns = [
    path("", token_views.token_list, name="api_tokens"),
    path("<uuid:public_id>/revoke/", token_views.token_revoke, name="api_token_revoke"),
]
