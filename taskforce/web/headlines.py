"""Headline figures a feature app offers the coordinator's home (the reports app: issue #19 §4).

The home and the reports are sibling apps, neither importing the other (pyproject.toml's layers).
So the reports register a function here in their AppConfig.ready(), and the home calls whatever
is registered: each takes the viewer and returns groups of figures already computed, audited
and suppressed as the reports pages would show them, or nothing for a viewer who may not see
reports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from taskforce.models import User


class Shown(Protocol):
    """A figure as a page draws it (reports.tables.Figure)."""

    label: str

    @property
    def basis_shown(self) -> str: ...


@dataclass(frozen=True)
class HeadlineGroup:
    title: str  # "Operations"
    url: str  # the page the figures come from, for the same period
    figures: Sequence[Shown]


HEADLINE_SOURCES: list[Callable[[User], list[HeadlineGroup]]] = []


def headlines_for(actor: User) -> list[HeadlineGroup]:
    return [group for source in HEADLINE_SOURCES for group in source(actor)]
