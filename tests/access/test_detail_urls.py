"""A record's page address, reversed once for many records, is the address reverse() gives."""

import uuid

import pytest
from django.apps import apps

from taskforce import access
from taskforce.access import RULES


@pytest.mark.parametrize("label", sorted(RULES))
def test_detail_urls_give_each_record_the_address_detail_url_gives(label):
    model = apps.get_model(label)
    address_of = access.detail_urls(model)
    for public_id in (uuid.uuid4(), uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)):
        assert address_of(public_id) == access.detail_url(model, public_id)
