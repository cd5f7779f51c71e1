"""A small task force for access tests: one record owner, agencies it shared with, and strangers."""

from dataclasses import dataclass

import pytest

from taskforce import access
from taskforce.models import AgencyKind, Role, ShareLevel
from tests.factories import AgencyFactory, member


@dataclass
class World:
    agencies: dict
    actors: dict  # (agency label, role) -> user


@pytest.fixture
def world(db) -> World:
    kinds = {
        "owner": AgencyKind.PROSECUTION,
        "owner_le": AgencyKind.LAW_ENFORCEMENT,
        "shared_change": AgencyKind.PROSECUTION,
        "shared_view_le": AgencyKind.LAW_ENFORCEMENT,
        "shared_view_vs": AgencyKind.VICTIM_SERVICES,
        "task_force": AgencyKind.TASK_FORCE,
        "unshared_le": AgencyKind.LAW_ENFORCEMENT,
        "unshared_pros": AgencyKind.PROSECUTION,
    }
    agencies = {label: AgencyFactory(name=label.replace("_", " ").title(), kind=kind)
                for label, kind in kinds.items()}  # fmt: skip
    roles = {
        "owner": [Role.PROSECUTOR, Role.SUPERVISOR],
        "owner_le": [Role.POLICE_LIAISON, Role.SUPERVISOR],
        "shared_change": [Role.PROSECUTOR, Role.SUPERVISOR],
        "shared_view_le": [Role.POLICE_LIAISON, Role.SUPERVISOR],
        "shared_view_vs": [Role.ADVOCATE, Role.SUPERVISOR],
        "task_force": [Role.COORDINATOR, Role.SUPERVISOR],
        "unshared_le": [Role.POLICE_LIAISON, Role.SUPERVISOR],
        "unshared_pros": [Role.PROSECUTOR, Role.SUPERVISOR],
    }
    actors = {
        (label, role): member(agencies[label], role, username=f"{label}_{role}")
        for label, agency_roles in roles.items()
        for role in agency_roles
    }
    return World(agencies=agencies, actors=actors)


def share_record(world: World, obj, sharer) -> None:
    """Share a record of the owner agency the way the matrix expects."""
    for label, level in [
        ("shared_change", ShareLevel.CHANGE),
        ("shared_view_le", ShareLevel.VIEW),
        ("shared_view_vs", ShareLevel.VIEW),
        ("task_force", ShareLevel.VIEW),
    ]:
        access.share(
            actor=sharer, obj=obj, to_agency=world.agencies[label], level=level, reason="Joint work"
        )
