"""Operations, arrests and people are shared and revoked on their own pages, like cases: the
owner's liaison shares through the Share page, the other agency sees the record until the owner
revokes it there; nobody else reaches the page, and a share without a reason writes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from taskforce.models import Share, ShareLevel
from tests.factories import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["operation", "arrest", "person"])
def record(request, sheriff_liaison, operation, make_arrests):
    """(kind, the record, its detail URL, its Share URL), owned by the sheriff's office."""
    [arrest] = make_arrests(sheriff_liaison, operation, 1)
    obj = {"operation": operation, "arrest": arrest, "person": arrest.arrestee}[request.param]
    kind = request.param
    return (
        kind,
        obj,
        reverse(f"cases:{kind}_detail", args=[obj.public_id]),
        reverse(f"cases:{kind}_share", args=[obj.public_id]),
    )


def _share_form(agency, reason="Joint investigation in Woodbury"):
    return {"to_agency": agency.pk, "level": ShareLevel.VIEW, "reason": reason}


def test_the_owner_shares_and_revokes_on_the_records_pages(
    record, sheriff_liaison, woodbury_liaison, woodbury_pd
):
    kind, obj, detail, share_url = record
    owner, other = (
        verified_login(Client(), sheriff_liaison),
        verified_login(Client(), woodbury_liaison),
    )
    assert other.get(detail).status_code == 404

    page = owner.get(detail).content.decode()
    assert f'href="{share_url}"' in page
    assert f"Who can see this {kind}" in page and "Not shared with any other agency." in page
    assert owner.get(share_url).status_code == 200
    response = owner.post(share_url, _share_form(woodbury_pd))
    assert response.status_code == 302 and response.url == detail
    share = Share.objects.get(object_id=obj.pk, to_agency=woodbury_pd, revoked_at__isnull=True)
    assert other.get(detail).status_code == 200

    page = owner.get(detail).content.decode()
    revoke = reverse("share_revoke", args=[share.public_id])
    assert "Woodbury" in page and "Joint investigation in Woodbury" in page
    assert f'href="{revoke}"' in page
    # The receiving agency sees the record but neither the Share button nor who else sees it.
    seen = other.get(detail).content.decode()
    assert f'href="{share_url}"' not in seen and revoke not in seen

    response = owner.post(revoke, {"reason": "Investigation closed"})
    assert response.status_code == 302 and response.url == detail
    share.refresh_from_db()
    assert share.revoked_at is not None
    assert other.get(detail).status_code == 404
    assert "Not shared with any other agency." in owner.get(detail).content.decode()


def test_another_agency_cannot_reach_the_share_page(
    record, woodbury_liaison, woodbury_pd, ramsey_cao
):
    _, _, _, share_url = record
    other = verified_login(Client(), woodbury_liaison)
    assert other.get(share_url).status_code == 404
    assert other.post(share_url, _share_form(ramsey_cao)).status_code == 404
    assert not Share.objects.exists()


def test_a_share_without_a_reason_is_refused_next_to_the_field(
    record, sheriff_liaison, woodbury_pd
):
    _, _, _, share_url = record
    owner = verified_login(Client(), sheriff_liaison)
    response = owner.post(share_url, _share_form(woodbury_pd, reason=""))
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    html = response.content.decode()
    field = html[html.index('id="id_reason"') - 2000 : html.index('id="id_reason"') + 2000]
    assert "field--invalid" in field and "Say why this record is shared" in field
    assert not Share.objects.exists()


def test_the_shares_page_offers_revoke_to_the_owner_only(
    record, sheriff_liaison, woodbury_liaison, woodbury_pd
):
    _, obj, _, share_url = record
    owner = verified_login(Client(), sheriff_liaison)
    owner.post(share_url, _share_form(woodbury_pd))
    share = Share.objects.get(object_id=obj.pk, to_agency=woodbury_pd)
    revoke = reverse("share_revoke", args=[share.public_id])

    assert f'href="{revoke}"' in owner.get(reverse("shares")).content.decode()
    theirs = verified_login(Client(), woodbury_liaison).get(reverse("shares"))
    assert [s.pk for s in theirs.context["shared_with_us"]] == [share.pk]
    assert revoke not in theirs.content.decode()
