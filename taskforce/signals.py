"""Keeps agency Groups in step with memberships, however a membership is saved (services, admin)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from taskforce.models import Membership
from taskforce.services import agency_group_sync


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def _membership_changed(sender, instance: Membership, **kwargs) -> None:
    agency_group_sync(instance.user)
