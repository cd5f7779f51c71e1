"""The reports pages' numbers: one module per section, each counting rows the viewer may count."""

from reports.figures.common import Scope, counted_table, counts_by, counts_table
from reports.figures.deadlines import deadlines_section
from reports.figures.operations import operations_section
from reports.figures.prosecution import prosecution_section
from reports.figures.trends import trends_section
from reports.figures.victims import (
    AGE_GROUPS,
    GENDERS,
    being_delivered,
    delivered_services,
    served_between,
    served_victims,
    victims_section,
)

__all__ = [
    "AGE_GROUPS",
    "GENDERS",
    "Scope",
    "being_delivered",
    "counted_table",
    "counts_by",
    "counts_table",
    "deadlines_section",
    "delivered_services",
    "operations_section",
    "prosecution_section",
    "served_between",
    "served_victims",
    "trends_section",
    "victims_section",
]
