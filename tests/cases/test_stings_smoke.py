"""Every sting page renders for its users (a first net under the detailed tests)."""

import pytest
from django.urls import reverse

from tests.factories import verified_login

pytestmark = pytest.mark.django_db


def test_sting_pages_render(client, sheriff_liaison, operation, make_arrests):
    arrests = make_arrests(sheriff_liaison, operation, 3)
    verified_login(client, sheriff_liaison)
    for url in [
        reverse("cases:operation_list"),
        reverse("cases:operation_create"),
        reverse("cases:operation_detail", args=[operation.public_id]),
        reverse("cases:operation_edit", args=[operation.public_id]),
        reverse("cases:arrest_list"),
        reverse("cases:arrest_bulk") + f"?operation={operation.public_id}",
        reverse("cases:arrest_import"),
        reverse("cases:arrest_detail", args=[arrests[0].public_id]),
        reverse("cases:person_detail", args=[arrests[0].arrestee.public_id]),
        reverse("cases:handoff_new") + f"?arrest={arrests[0].public_id}",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
