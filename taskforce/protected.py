"""One declaration per record the policy knows: who may act on it, how else it is seen, what
it keeps out of history and the audit trail, and which record its deadlines are seen through.

Adding a protected model is one `Declaration` here (plus its guardian grant tables and a page):
every reader (visibility, sharing, history, audit, deadlines, reports) takes it from this list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from taskforce.models import AgencyKind, Role


class Action(enum.StrEnum):
    VIEW = "view"
    CHANGE = "change"
    DELETE = "delete"
    SHARE = "share"


@dataclass(frozen=True)
class Rules:
    """Which roles may take each action on a model's records their agency owns or was granted.

    Deleting and sharing are for the owning agency only; a share grants view, or view and change.
    """

    view: frozenset[str]
    change: frozenset[str]
    delete: frozenset[str]
    share: frozenset[str]
    detail_url: str  # URL name of the record's page, taking its public_id
    share_to: frozenset[str] = frozenset(AgencyKind.values)
    # The kinds of agency whose members may create one (a sting is led by police or the task force).
    created_by_kinds: frozenset[str] = frozenset(AgencyKind.values)
    # View also follows relations: whoever may view the record a field points to may view this
    # one (an operation's participants see its arrests) ...
    follows: tuple[str, ...] = ()
    # ... and whoever may view a record of another model that points here (model label, field)
    # may view this one (who can see an arrest can see the arrestee) ...
    seen_through: tuple[tuple[str, str], ...] = ()
    # ... and members of the agency a field names may view it (the agency that sent a referral).
    seen_by_agency_in: tuple[str, ...] = ()
    # Shared only under a victim's recorded consent (victims.services.consent_record).
    share_needs_consent: bool = False
    # Granted to other agencies in bulk, by a grant that never lapses (each hand-off grants its
    # arrest to the prosecution agency: 218,000 to the largest): lists read those grants as a
    # part of their own (`access.visible_parts`). Elsewhere a third part costs more than it
    # spares (planning, ~5 ms a caseload page on bench/bench_pages.py).
    granted_in_bulk: bool = False

    def roles_for(self, action: Action) -> frozenset[str]:
        return getattr(self, action.value)


@dataclass(frozen=True)
class Declaration:
    """What the policy and the engines know of one model, by its label."""

    label: str
    # Who may act on it. None: not a protected record of its own (a case's victim row, a count):
    # it is reached through its parent's pages, and only its fields are declared here.
    rules: Rules | None = None
    # Identifying content: kept out of history snapshots and of the audit trail's values.
    protected_fields: frozenset[str] = frozenset()
    # Kept from other rows for the reports (cases.services.outcomes): no history of their own.
    derived_fields: frozenset[str] = frozenset()
    # Its deadlines are seen exactly by those who may see this field's record ("": the record
    # itself) and its progress (below); None: it has no deadlines.
    deadlines_through: str | None = None
    # Its progress (a referral's status past "received", its deadlines, their reminders and
    # report rows) is its owning agency's: another agency that sees the record sees its progress
    # only while the victim this field names has consented to it (`access.progress_q`); "": never;
    # None: whoever sees the record sees its progress.
    progress_under_consent_of: str | None = None
    # Counted in a supervisor's reports by its owning agency only (consent shows others less).
    counted_by_owner_only: bool = False


P, L, A, S = Role.PROSECUTOR, Role.POLICE_LIAISON, Role.ADVOCATE, Role.SUPERVISOR
NOBODY: frozenset[str] = frozenset()
# Coordinators appear in no row-level rule: they see task-force aggregates only.
DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        "cases.Case",
        rules=Rules(
            view=frozenset({P, S, L, A}),
            change=frozenset({P, S}),
            delete=frozenset({S}),
            share=frozenset({P, S}),
            detail_url="cases:detail",
        ),
        derived_fields=frozenset(
            {"first_arrested_at", "first_arresting_agency", "charged_on", "outcome", "title_vector"}
        ),
        deadlines_through="",
    ),
    Declaration(
        "cases.Person",
        rules=Rules(
            view=frozenset({P, S, L, A}),
            change=frozenset({P, S, L, A}),
            delete=frozenset({S}),
            share=frozenset({P, S, L}),
            detail_url="cases:person_detail",
            seen_through=(
                ("cases.Arrest", "arrestee"),
                ("referrals.Referral", "person"),
                ("cases.RunawayReport", "youth"),
            ),
        ),
        protected_fields=frozenset(
            {
                "first_name",
                "middle_name",
                "last_name",
                "date_of_birth",
                "first_name_key",
                "last_name_key",
                "birth_key",
            }
        ),
    ),
    Declaration(
        "cases.Operation",
        rules=Rules(
            view=frozenset({P, S, L}),
            change=frozenset({S, L}),
            delete=frozenset({S}),
            share=frozenset({S, L}),
            detail_url="cases:operation_detail",
            created_by_kinds=frozenset({AgencyKind.LAW_ENFORCEMENT, AgencyKind.TASK_FORCE}),
        ),
    ),
    # Advocates see an arrest only when police share it with their agency (a recovered victim).
    Declaration(
        "cases.Arrest",
        rules=Rules(
            view=frozenset({P, S, L, A}),
            change=frozenset({S, L}),
            delete=frozenset({S}),
            share=frozenset({S, L}),
            detail_url="cases:arrest_detail",
            follows=("operation",),
            granted_in_bulk=True,
        ),
        protected_fields=frozenset(
            {
                "address",
                "meeting_place",
                "vehicle",
                "narrative",
                "booking_number",
                "address_key",
                "meeting_place_key",
                "booking_key",
            }
        ),
        derived_fields=frozenset({"case"}),
        deadlines_through="",
    ),
    # Owned by the referring agency; the prosecution agency sees it through its case.
    Declaration(
        "cases.HandOff",
        rules=Rules(
            view=frozenset({P, S, L}),
            change=frozenset({S, L}),
            delete=NOBODY,
            share=NOBODY,
            detail_url="cases:handoff_detail",
            follows=("case",),
        ),
    ),
    # A youth reported missing, reviewed for links to trafficking by prosecutors (the juvenile
    # division) and supervisors; shared with police for follow-up. Advocates and coordinators
    # never see these rows.
    Declaration(
        "cases.RunawayReport",
        rules=Rules(
            view=frozenset({P, S, L}),
            change=frozenset({P, S}),
            delete=frozenset({S}),
            share=frozenset({P, S}),
            detail_url="cases:runaway_detail",
        ),
        protected_fields=frozenset(
            {"address", "returned_from", "notes", "review_note", "address_key"}
        ),
    ),
    # Privileged advocacy records: other agencies see one only under the victim's consent (a
    # share with the consent's expiry), and then only the fields its scope names (see
    # `consent_scope`). Coordinators never.
    Declaration(
        "victims.Victim",
        rules=Rules(
            view=frozenset({A, S, P, L}),
            change=frozenset({A, S}),
            delete=frozenset({S}),
            share=frozenset({A, S}),
            detail_url="victims:detail",
            share_needs_consent=True,
        ),
        protected_fields=frozenset(
            {
                "address",
                "phone",
                "contact_method",
                "safe_times",
                "safety_concerns",
                "guardian_note",
                "override_reason",
                "screening_score",
            }
        ),
        counted_by_owner_only=True,
        # Its consents (and their expiry deadlines) are its agency's own: a consent to one
        # agency is not shown to another (victims/victim_detail.html).
        progress_under_consent_of="",
    ),
    # Owned by the receiving victim-service agency; the sender keeps sight of it, and sees
    # its progress only as the victim's consent allows (referrals.selectors).
    Declaration(
        "referrals.Referral",
        rules=Rules(
            view=frozenset({A, S, P, L}),
            change=frozenset({A, S}),
            delete=NOBODY,
            share=NOBODY,
            detail_url="referrals:detail",
            seen_by_agency_in=("referring_agency",),
        ),
        protected_fields=frozenset({"reason", "decline_reason"}),
        deadlines_through="",
        progress_under_consent_of="victim",
    ),
    # Rows that belong to a protected record above.
    Declaration(
        "cases.Charge",
        derived_fields=frozenset({"defendant_charged_on", "case_arrested_on", "case_convicted_on"}),
    ),
    Declaration(
        "cases.Sentence",
        derived_fields=frozenset({"case"}),
    ),
    Declaration(
        "cases.CaseVictim",
        protected_fields=frozenset({"contact_notes"}),
    ),
    Declaration(
        "cases.CourtEvent",
        deadlines_through="case",
    ),
    Declaration(
        "cases.CaseNote",
        protected_fields=frozenset({"body"}),
    ),
    Declaration(
        "victims.Contact",
        protected_fields=frozenset({"outcome"}),
    ),
    Declaration(
        "victims.AdvocateNote",
        protected_fields=frozenset({"body"}),
    ),
    Declaration(
        "victims.Consent",
        protected_fields=frozenset({"guardian_name"}),
        deadlines_through="victim",
    ),
    # Uploaded CSV files waiting for their uploader's confirmation (cases/models/imports.py):
    # whole rows of names and notes, under a file name the uploader chose. Not tracked by
    # history; declared so the audit trail never carries their values nor names them by file.
    Declaration(
        "cases.ArrestImport",
        protected_fields=frozenset({"file_name", "content"}),
    ),
    Declaration(
        "cases.RunawayImport",
        protected_fields=frozenset({"file_name", "content"}),
    ),
    Declaration(
        "cases.SpreadsheetImport",
        protected_fields=frozenset({"file_name", "content"}),
    ),
)

BY_LABEL: dict[str, Declaration] = {d.label: d for d in DECLARATIONS}
RULES: dict[str, Rules] = {d.label: d.rules for d in DECLARATIONS if d.rules is not None}
PROTECTED_FIELDS: dict[str, frozenset[str]] = {
    d.label: d.protected_fields for d in DECLARATIONS if d.protected_fields
}
DERIVED_FIELDS: dict[str, frozenset[str]] = {
    d.label: d.derived_fields for d in DECLARATIONS if d.derived_fields
}
DEADLINE_RECORDS: dict[str, str] = {
    d.label: d.deadlines_through for d in DECLARATIONS if d.deadlines_through is not None
}
