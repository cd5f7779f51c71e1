"""The grant report's client-level export: one row per victim the agency served in the period,
so an agency can reconcile its own grant figures (README: Reports, client-level export).

Only the owning agency's advocates and supervisors get it, only for the victims their agency
owns (`access.own_rows_for_export`). A row carries what the grant export counts of the victim and
nothing that names them: a pseudonymous client id (a keyed hash of the record, stable from one
export to the next while SECRET_KEY stays, different for each agency and never the database id
or the public id), new or continuing in the fiscal year, type of trafficking, age group,
gender, and the services delivered to them in the period by type.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.crypto import salted_hmac

from cases.models import Case as CaseRecord
from reports.figures import AGE_GROUPS, GENDERS, Scope, being_delivered
from reports.grant import TRAFFICKING_TYPES, served_in_fiscal_year, trafficking_type
from taskforce import access, audit
from taskforce.models import User
from victims.models import Service, ServiceKind, Victim

HEADER = [
    "client", "new_or_continuing", "type_of_trafficking", "age_group", "gender",
    *(f"services_{kind}" for kind, _ in ServiceKind.choices),
]  # fmt: skip


def client_id(victim: Victim) -> str:
    """A pseudonym for a victim: keyed by the site's secret and the owning agency, so it is the
    same in every export of that agency and tells nothing outside it."""
    digest = salted_hmac(
        f"reports.clients.v1:{victim.owner_agency_id}", str(victim.public_id), algorithm="sha256"
    ).hexdigest()
    return f"C{digest[:16]}"


@dataclass
class ClientRow:
    victim: Victim
    continuing: bool
    trafficking: str
    services: dict[str, int]

    def as_list(self) -> list[str]:
        labels = dict(TRAFFICKING_TYPES)
        return [
            client_id(self.victim),
            "continuing" if self.continuing else "new",
            labels.get(self.trafficking, self.trafficking),
            dict(AGE_GROUPS).get(self.victim.age_group, self.victim.age_group),
            dict(GENDERS).get(self.victim.person.sex, self.victim.person.sex),
            *(str(self.services.get(kind, 0)) for kind, _ in ServiceKind.choices),
        ]


def served_clients(actor: User, scope: Scope) -> QuerySet:
    """The actor's own agency's victims served in the period, with `continuing` and
    `trafficking` (NotFound for anyone but its advocates and supervisors)."""
    victims = access.own_rows_for_export(actor, Victim)
    # Cases the actor may open: for a supervisor the same as the grant export counts.
    named_in = Q(case__in=access.visible(actor, CaseRecord).values("pk"))
    return (
        served_in_fiscal_year(victims, scope)
        .annotate(trafficking=trafficking_type(named_in))
        .select_related("person")
        .order_by("pk")
    )


def client_rows(actor: User, scope: Scope) -> list[ClientRow]:
    """One row per victim served, each victim's read audited as an export (`victim.exported`)
    with the period, in the caller's transaction."""
    victims = list(served_clients(actor, scope))
    delivered: dict[int, dict[str, int]] = {}
    for group in (
        Service.objects.filter(being_delivered(scope.start, scope.end), victim__in=victims)
        .values("victim_id", "kind").annotate(n=Count("pk")).order_by()
    ):  # fmt: skip
        delivered.setdefault(group["victim_id"], {})[group["kind"]] = group["n"]
    period = {"export": "grant clients", "start": scope.start.isoformat(),
              "end": scope.end.isoformat()}  # fmt: skip
    audit.record_many(actor, "victim.exported", victims, [dict(period) for _ in victims])
    return [ClientRow(v, v.continuing, v.trafficking, delivered.get(v.pk, {})) for v in victims]
