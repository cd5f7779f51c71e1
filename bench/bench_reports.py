"""Benchmark of the reports pages at state scale: a million cases over ten years.

What it measures: each report page (/reports/operations/, prosecution/, victims/, deadlines/,
trends/ and /reports/grant.csv) through the Django test Client, signed in through both steps,
as the task-force coordinator (every agency's rows) and as the supervisor of the largest
prosecution agency (what that agency may open), for the default period (the last 12 months) and
for ten years. Each page is requested once untimed, then N times; it prints the median and p95
in ms, the number of SQL queries, the slowest query's time, and, for a page slower than its
target (300 ms for 12 months, 1 s for ten years), EXPLAIN ANALYZE of its slowest query. Its last
line: `RESULT pages=<n> worst_year_ms=<median> worst_decade_ms=<median> over_target=<n>`.

Data (its own database, `taskforce_bench_reports` unless DATABASE_URL says otherwise; seeded
once, reused by later runs at the same size, rebuilt with --reseed): the 87 Minnesota counties
(seeded by the migrations) weighted by a Zipf law with the metro counties first; 100 agencies
(30 prosecution, 50 law enforcement, 19 victim services, the task force), each with a worker and
a supervisor, the task force with the coordinator; 8 Safe Harbor regions; 5,000 operations; a
million arrests (60% in operations), each handed off to its county's prosecution agency with a
view grant on the arrest, becoming one of a million cases (kinds and statuses by age); about 1.5
charges per case with dispositions and dates, a sentence with its 609.3241 assessment for each
count of conviction; 200,000 victims with their Safe Harbor referrals, about 300,000 services and
300,000 contacts, 100,000 victims named in cases; about 2.9 million deadlines (charging decision,
disposition notice, speedy trial, first appearance, first contact) met, late, missed, waived or
open. All dates spread over ten years. Names are real ciphertext (a pool of people encrypted
through the ORM, copied by SQL). Seeded with INSERT ... SELECT generate_series and without the
history triggers (bulk seed data is not history).

Run from the project root:

    .venv/bin/python bench/bench_reports.py [--cases 1000000] [--repeat 5] [--reseed]
        [--pages operations,prosecution,...] [--viewers coordinator,supervisor]
        [--periods year,decade]
"""

# ruff: noqa: E402 - Django must be configured before models are imported.

from __future__ import annotations

import argparse
import datetime as dt
import math
import statistics
import sys
import time
import warnings
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import configure

configure("taskforce_bench_reports", redis_db=8)

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.bench_access import ensure_database
from cases.models import Arrest, Case, Person, ReportMonth
from cases.services.outcomes import case_outcomes_refresh
from cases.services.rollups import report_months_rebuild_all, report_rollups_rebuild_due
from deadlines.rules import RULES
from referrals.models import Referral, Region
from taskforce.models import Agency, AgencyKind, County, Deadline, Role, User
from taskforce.services import membership_start
from tests.factories import verified_login

# Issue #22: every page within 300 ms for the last 12 months and 1 s for ten years.
TARGET_MS = {"year": 300, "decade": 1000}
# The seed's version, kept as the comment of the cases table: a database seeded by an earlier
# version is seeded again (2: dates past the seed day spread over the days before it).
SEED_VERSION = "bench_reports seed 2"
OPERATIONS = 5000
IN_OPERATIONS = 0.6  # share of arrests made in an operation
VICTIMS_PER_CASE = 0.2  # 200,000 victims and referrals at a million cases
NAME_POOL = 1000  # people encrypted through the ORM; their ciphertext is copied by SQL
YEARS = 10
PAGES = ["operations", "prosecution", "victims", "deadlines", "trends", "grant.csv"]
# The biggest counties first (they get the most arrests); the rest alphabetically.
BIG_COUNTIES = ["Hennepin", "Ramsey", "Dakota", "Anoka", "Washington", "St. Louis", "Stearns",
                "Olmsted", "Scott", "Wright", "Carver", "Sherburne", "Blue Earth", "Rice", "Clay",
                "Crow Wing", "Chisago", "Otter Tail", "Winona", "Beltrami", "Goodhue", "Itasca",
                "Kandiyohi", "Isanti", "Douglas", "Mower", "McLeod", "Steele", "Lyon"]  # fmt: skip
POLICE = [("Minneapolis", "Hennepin"), ("Bloomington", "Hennepin"), ("Brooklyn Park", "Hennepin"),
          ("Plymouth", "Hennepin"), ("Metro Transit", "Hennepin"), ("Airport", "Hennepin"),
          ("Saint Paul", "Ramsey"), ("Maplewood", "Ramsey"), ("Roseville", "Ramsey"),
          ("Eagan", "Dakota"), ("Burnsville", "Dakota"), ("Apple Valley", "Dakota"),
          ("Coon Rapids", "Anoka"), ("Blaine", "Anoka"), ("Woodbury", "Washington"),
          ("Duluth", "St. Louis"), ("St. Cloud", "Stearns"), ("Rochester", "Olmsted"),
          ("Shakopee", "Scott"), ("Moorhead", "Clay"), ("Mankato", "Blue Earth"),
          ("Winona", "Winona"), ("Bemidji", "Beltrami")]  # fmt: skip
REGIONS = ["Metro", "Northwest", "Northeast", "West Central", "Central", "Southwest",
           "South Central", "Southeast"]  # fmt: skip


def _progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


class Phases:
    """Each seeding phase's own time and the running total, printed as each one ends (issue #22:
    a seed that stalls in one phase shows which)."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.times: list[tuple[str, float]] = []

    def done(self, label: str) -> None:
        now = time.perf_counter()
        self.times.append((label, now - self.last))
        _progress(f"{label}: {now - self.last:.1f} s (total {now - self.started:.0f} s)")
        self.last = now

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started


# --- Seeding: agencies, people, regions (ORM: a few hundred rows) ----------------------------


def seed_agencies() -> dict:
    """Agencies with a worker and a supervisor each, the coordinator, regions; returns names."""
    counties = list(County.objects.all())
    by_name = {c.name: c for c in counties}
    ordered = [by_name[n] for n in BIG_COUNTIES] + sorted(
        (c for c in counties if c.name not in BIG_COUNTIES), key=lambda c: c.name
    )
    plan = [(f"{c.name} County Attorney's Office", AgencyKind.PROSECUTION, c.name)
            for c in ordered[:29]]  # fmt: skip
    plan.append(("Minnesota Attorney General's Office", AgencyKind.PROSECUTION, ""))
    plan += [(f"{c.name} County Sheriff's Office", AgencyKind.LAW_ENFORCEMENT, c.name)
             for c in ordered[:25]]  # fmt: skip
    plan += [(f"{city} Police Department", AgencyKind.LAW_ENFORCEMENT, county)
             for city, county in POLICE]  # fmt: skip
    plan += [("Bureau of Criminal Apprehension", AgencyKind.LAW_ENFORCEMENT, ""),
             ("Minnesota State Patrol", AgencyKind.LAW_ENFORCEMENT, "")]  # fmt: skip
    plan += [(f"{c.name} Victim Services", AgencyKind.VICTIM_SERVICES, c.name)
             for c in ordered[:11]]  # fmt: skip
    plan += [(f"{r} Regional Navigator", AgencyKind.VICTIM_SERVICES, "") for r in REGIONS]
    plan.append(("Minnesota Human Trafficking Task Force", AgencyKind.TASK_FORCE, ""))
    worker_role = {AgencyKind.PROSECUTION: Role.PROSECUTOR,
                   AgencyKind.LAW_ENFORCEMENT: Role.POLICE_LIAISON,
                   AgencyKind.VICTIM_SERVICES: Role.ADVOCATE,
                   AgencyKind.TASK_FORCE: Role.COORDINATOR}  # fmt: skip
    password = make_password(None)  # unusable: bench users are signed in by the bench itself
    for index, (name, kind, county) in enumerate(plan):
        agency = Agency(name=name, short_name=f"A{index:03d}", kind=kind, county=county,
                        jurisdiction=f"{county} County" if county else "Statewide")  # fmt: skip
        agency.save()  # one save each: each agency gets its Group
        for suffix, role in (("worker", worker_role[kind]), ("sup", Role.SUPERVISOR)):
            user = User.objects.create(username=f"a{index:03d}_{suffix}", password=password,
                                       email=f"a{index:03d}_{suffix}@example.invalid")  # fmt: skip
            membership_start(user=user, agency=agency, role=role)
    navigators = Agency.objects.filter(name__endswith="Regional Navigator")
    for index, name in enumerate(REGIONS):
        region = Region.objects.create(
            name=name, navigator=navigators.get(name=f"{name} Regional Navigator")
        )
        region.counties.set([c for k, c in enumerate(ordered) if k % len(REGIONS) == index])
    return {"ordered": ordered}


def seed_name_pool(owner: Agency, user: User) -> list[int]:
    """People whose names and birth dates the ORM encrypts; SQL copies their ciphertext."""
    born = dt.date(1970, 1, 1)
    people = [
        Person(first_name=f"Bench{n}", last_name=f"Person{n % 97}",
               date_of_birth=born + dt.timedelta(days=37 * n), owner_agency=owner,
               created_by=user, updated_by=user)
        for n in range(NAME_POOL)
    ]  # fmt: skip
    for person in people:
        for name, key in person.lookup_keys().items():
            setattr(person, name, key)
    return [p.pk for p in Person.objects.bulk_create(people, batch_size=1000)]


# --- Seeding: the bulk of the rows (SQL) ------------------------------------------------------

# Counties (k = weight rank), each with its prosecution agency, victim-services agency, region and
# law-enforcement agencies; agencies with their worker and group.
LOOKUPS_SQL = """
CREATE TEMPORARY TABLE b_ag ON COMMIT DROP AS
SELECT a.id AS agency_id, a.kind, a.county, a.group_id, a.name,
       (SELECT m.user_id FROM taskforce_membership m
        WHERE m.agency_id = a.id AND m.ended_at IS NULL AND m.role <> 'supervisor'
        ORDER BY m.user_id LIMIT 1) AS worker_id
FROM taskforce_agency a;
CREATE UNIQUE INDEX ON b_ag (agency_id);

CREATE TEMPORARY TABLE b_cty ON COMMIT DROP AS
SELECT (o.rank - 1)::int AS k, c.id AS county_id,
       coalesce((SELECT agency_id FROM b_ag WHERE kind = 'prosecution' AND county = c.name),
                (SELECT agency_id FROM b_ag WHERE kind = 'prosecution' AND county = '')) AS pros_id,
       coalesce((SELECT agency_id FROM b_ag WHERE kind = 'victim_services' AND county = c.name),
                (SELECT r.navigator_id FROM referrals_region r
                 JOIN referrals_region_counties rc ON rc.region_id = r.id
                 WHERE rc.county_id = c.id)) AS vs_id,
       (SELECT rc.region_id FROM referrals_region_counties rc
        WHERE rc.county_id = c.id) AS region_id,
       coalesce((SELECT array_agg(agency_id ORDER BY agency_id) FROM b_ag
                 WHERE kind = 'law_enforcement' AND county = c.name),
                (SELECT array_agg(agency_id ORDER BY agency_id) FROM b_ag
                 WHERE kind = 'law_enforcement' AND county = '')) AS le_ids
FROM taskforce_county c
JOIN unnest(%(county_ids)s::bigint[]) WITH ORDINALITY AS o(id, rank) ON o.id = c.id
"""

OPERATIONS_SQL = """
CREATE TEMPORARY TABLE b_op ON COMMIT DROP AS
SELECT s.i, %(o0)s + s.i AS id, c.county_id, c.k AS county_k,
       c.le_ids[1 + floor(s.r_le * cardinality(c.le_ids))::int] AS agency_id,
       s.starts, (s.r_days * 5)::int AS days,
       CASE WHEN s.r_kind < 0.6 THEN 'buyer_sting' WHEN s.r_kind < 0.8 THEN 'recovery'
            WHEN s.r_kind < 0.95 THEN 'trafficker_investigation' ELSE 'other' END AS kind,
       s.r_share < 0.2 AS shared
FROM (SELECT i, width_bucket(random(), %(cum)s::float8[]) AS k, random() AS r_le,
             now() - interval '6 days' - random() * %(span)s AS starts, random() AS r_days,
             random() AS r_kind, random() AS r_share
      FROM generate_series(0, %(n)s - 1) AS g(i) OFFSET 0) AS s
JOIN b_cty c ON c.k = s.k;
CREATE UNIQUE INDEX ON b_op (i);

INSERT INTO cases_operation (id, public_id, created_at, updated_at, version, name, kind,
    starts_on, ends_on, ads_posted, responses, contacts, notes, created_by_id, owner_agency_id,
    updated_by_id, seal_reason)
SELECT o.id, gen_random_uuid(), o.starts, o.starts, 1, 'Operation ' || o.i, o.kind,
       o.starts::date, o.starts::date + o.days, 10 + o.i %% 40, 5 + o.i %% 30, 3 + o.i %% 20, '',
       a.worker_id, o.agency_id, a.worker_id, ''
FROM b_op o JOIN b_ag a ON a.agency_id = o.agency_id;

INSERT INTO cases_operation_counties (operation_id, county_id)
SELECT id, county_id FROM b_op;

INSERT INTO cases_operationgroupobjectpermission (content_object_id, group_id, permission_id)
SELECT o.id, p.group_id, %(view_operation)s
FROM b_op o JOIN b_cty c ON c.county_id = o.county_id JOIN b_ag p ON p.agency_id = c.pros_id
WHERE o.shared;
"""

# One arrest per case: arrest i is handed off and becomes case i. Its person is person i.
ARRESTS_SQL = """
CREATE TEMPORARY TABLE b_arr ON COMMIT DROP AS
SELECT s.i, %(a0)s + s.i AS id, %(p0)s + s.i AS person_id, %(c0)s + s.i AS case_id,
       coalesce(o.county_id, c.county_id) AS county_id,
       coalesce(o.agency_id, c.le_ids[1 + floor(s.r_le * cardinality(c.le_ids))::int]) AS agency_id,
       o.id AS operation_id, o.kind AS operation_kind,
       least(coalesce(o.starts + s.r_time * (o.days + 1) * interval '1 day', s.at),
             now() - interval '2 hours') AS arrested_at,
       p.pros_id, s.r_kind, s.r_status, s.r_counts, s.r_filed, s.r_disposed, s.r_deadline,
       s.r_open
FROM (SELECT i, width_bucket(random(), %(cum)s::float8[]) AS k, random() AS r_le,
             random() AS r_time, now() - random() * %(span)s AS at, random() AS r_kind,
             random() AS r_status, random() AS r_counts, random() AS r_filed,
             random() AS r_disposed, random() AS r_deadline, random() AS r_open
      FROM generate_series(0, %(n)s - 1) AS g(i) OFFSET 0) AS s
JOIN b_cty c ON c.k = s.k
LEFT JOIN b_op o ON s.i < %(in_ops)s AND o.i = s.i %% %(ops)s
JOIN b_cty p ON p.county_id = coalesce(o.county_id, c.county_id);
"""

PERSONS_SQL = """
INSERT INTO cases_person (id, public_id, created_at, updated_at, version, first_name, middle_name,
    last_name, date_of_birth, sex, first_name_key, last_name_key, birth_key, created_by_id,
    owner_agency_id, updated_by_id, seal_reason)
SELECT x.person_id, gen_random_uuid(), x.at, x.at, 1, p.first_name, p.middle_name, p.last_name,
       p.date_of_birth, x.sex, p.first_name_key, p.last_name_key, p.birth_key, x.user_id,
       x.agency_id, x.user_id, ''
FROM (
    SELECT a.person_id, a.arrested_at AS at, a.agency_id, g.worker_id AS user_id,
           CASE WHEN a.r_open < 0.92 THEN 'male' WHEN a.r_open < 0.97 THEN 'female'
                ELSE 'unknown' END AS sex,
           a.i %% %(pool)s AS slot
    FROM b_arr a JOIN b_ag g ON g.agency_id = a.agency_id
    UNION ALL
    SELECT v.person_id, v.identified_on::timestamptz, v.vs_id, g.worker_id, v.sex,
           v.v %% %(pool)s
    FROM b_vic v JOIN b_ag g ON g.agency_id = v.vs_id
) AS x
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS slot, * FROM cases_person
      WHERE id = ANY(%(pool_ids)s)) AS p ON p.slot = x.slot;
"""

INSERT_ARRESTS_SQL = """
INSERT INTO cases_arrest (id, public_id, created_at, updated_at, version, arrested_at, address,
    city, arresting_officer, booking_number, custody_status, jail, evidence, narrative,
    solicitation_venue, meeting_place, vehicle, address_key, meeting_place_key, booking_key,
    victims_recovered, victims_screened, arresting_agency_id, county_id, created_by_id,
    owner_agency_id, updated_by_id, operation_id, arrestee_id, seal_reason)
SELECT a.id, gen_random_uuid(), a.arrested_at, a.arrested_at, 1, a.arrested_at, '', '', '', '',
       CASE WHEN a.r_kind < 0.7 THEN 'booked' WHEN a.r_kind < 0.9 THEN 'cited'
            ELSE 'released_pending' END,
       '', '', '', '', '', '', '', '', '', (a.r_status < 0.05)::int, (a.r_status < 0.1)::int,
       a.agency_id, a.county_id, g.worker_id, a.agency_id, g.worker_id, a.operation_id,
       a.person_id, ''
FROM b_arr a JOIN b_ag g ON g.agency_id = a.agency_id;
"""

# Cases: opened 1 to 10 days after the arrest; status by age; charges filed up to 30 days after
# opening, disposed 30 to 400 days after filing, or, where that is still to come, on a day
# between filing and today. Dates past today are spread, never clamped to today: clamped, the
# seed day held 41,000 dispositions and 29,000 sentences (two to four months' worth), so
# every "last 12 months" report read them beside its rollups, as no real day has them.
CASES_SQL = """
CREATE TEMPORARY TABLE b_case ON COMMIT DROP AS
SELECT a.i, a.case_id AS id, a.id AS arrest_id, a.person_id, a.county_id, a.pros_id,
       a.agency_id AS le_id, x.created_at,
       CASE WHEN a.operation_kind = 'buyer_sting' THEN 'buyer'
            WHEN a.r_kind < 0.35 THEN 'trafficking' WHEN a.r_kind < 0.6 THEN 'solicitation_minor'
            WHEN a.r_kind < 0.7 THEN 'labor_trafficking' ELSE 'other' END AS kind,
       CASE WHEN now() - x.created_at < interval '30 days' THEN
                CASE WHEN a.r_status < 0.6 THEN 'intake' ELSE 'under_review' END
            WHEN now() - x.created_at < interval '365 days' THEN
                CASE WHEN a.r_status < 0.05 THEN 'under_review'
                     WHEN a.r_status < 0.17 THEN 'declined'
                     WHEN a.r_status < 0.32 THEN 'charged' WHEN a.r_status < 0.57 THEN 'pre_trial'
                     WHEN a.r_status < 0.62 THEN 'trial' WHEN a.r_status < 0.85 THEN 'sentenced'
                     ELSE 'closed' END
            ELSE
                CASE WHEN a.r_status < 0.12 THEN 'declined' WHEN a.r_status < 0.14 THEN 'pre_trial'
                     WHEN a.r_status < 0.50 THEN 'sentenced' ELSE 'closed' END
       END AS status,
       x.filed_on,
       CASE WHEN x.filed_on + 30 + (a.r_disposed * 370)::int <= current_date
            THEN x.filed_on + 30 + (a.r_disposed * 370)::int
            ELSE x.filed_on + ((current_date - x.filed_on) * a.r_disposed)::int
       END AS disposed_on,
       a.r_counts, a.r_deadline, a.r_open
FROM b_arr a
CROSS JOIN LATERAL (
    SELECT least(a.arrested_at + (1 + a.r_filed * 9) * interval '1 day',
                 now() - interval '1 hour') AS created_at,
           least((a.arrested_at + (1 + a.r_filed * 9) * interval '1 day')::date
                 + (a.r_disposed * 30)::int, current_date) AS filed_on
) AS x;

INSERT INTO cases_case (id, public_id, created_at, updated_at, version, number, title, status,
    created_by_id, owner_agency_id, updated_by_id, county_id, court_file_number, is_juvenile,
    kind, seal_reason)
SELECT c.id, gen_random_uuid(), c.created_at, c.created_at, 1,
       to_char(c.created_at, 'YY') || '-CR-' || lpad(c.i::text, 7, '0'), 'State v. Doe ' || c.i,
       c.status, g.worker_id, c.pros_id, g.worker_id, c.county_id, '',
       c.kind = 'solicitation_minor', c.kind, ''
FROM b_case c JOIN b_ag g ON g.agency_id = c.pros_id;

INSERT INTO cases_handoff (public_id, created_at, updated_at, version, note, arrest_id, case_id,
    created_by_id, owner_agency_id, to_agency_id, updated_by_id, seal_reason)
SELECT gen_random_uuid(), c.created_at, c.created_at, 1, '', c.arrest_id, c.id, g.worker_id,
       c.le_id, c.pros_id, g.worker_id, ''
FROM b_case c JOIN b_ag g ON g.agency_id = c.le_id;

-- A hand-off shares the arrest with the prosecution agency (cases.services.handoffs).
INSERT INTO cases_arrestgroupobjectpermission (content_object_id, group_id, permission_id)
SELECT c.arrest_id, g.group_id, %(view_arrest)s
FROM b_case c JOIN b_ag g ON g.agency_id = c.pros_id;
"""

# Counts: none before charging, else 1 to 3; each disposed when the case is sentenced or closed.
CHARGES_SQL = """
INSERT INTO cases_charge (public_id, count_number, level, filed_on, status, disposition,
    disposed_on, disposition_recorded_at, created_at, case_id, created_by_id, defendant_id,
    statute_id)
SELECT gen_random_uuid(), x.n, st.level, x.filed_on,
       CASE WHEN x.disposition = '' THEN 'active' ELSE 'disposed' END,
       x.disposition, CASE WHEN x.disposition = '' THEN NULL ELSE x.disposed_on END,
       CASE WHEN x.disposition = '' THEN NULL ELSE x.disposed_on::timestamptz END,
       x.filed_on::timestamptz, x.id, g.worker_id, x.person_id, st.id
FROM (
    SELECT c.id, c.person_id, c.pros_id, c.filed_on, c.disposed_on, n.n,
           CASE
             WHEN c.status = 'sentenced' AND (n.n = 1 OR r.r < 0.4) THEN
               CASE WHEN r.r2 < 0.55 THEN 'pleaded_as_charged'
                    WHEN r.r2 < 0.85 THEN 'pleaded_lesser'
                    ELSE 'convicted' END
             WHEN c.status = 'sentenced' THEN 'dismissed'
             WHEN c.status = 'closed' THEN
               CASE WHEN r.r < 0.45 THEN 'dismissed' WHEN r.r < 0.55 THEN 'diverted'
                    WHEN r.r < 0.60 THEN 'acquitted' WHEN r.r < 0.80 THEN 'pleaded_as_charged'
                    WHEN r.r < 0.95 THEN 'pleaded_lesser' ELSE 'convicted' END
             ELSE '' END AS disposition,
           CASE c.kind
             WHEN 'buyer' THEN (ARRAY['609.324 subd. 3', '609.324 subd. 2', '609.324 subd. 1(c)',
                                      '609.3243'])[1 + floor(r.r3 * 4)::int]
             WHEN 'trafficking' THEN
                  (ARRAY['609.322 subd. 1', '609.322 subd. 1a'])[1 + floor(r.r3 * 2)::int]
             WHEN 'solicitation_minor' THEN (ARRAY['609.352 subd. 2', '609.352 subd. 2a',
                                                   '609.324 subd. 1(b)'])[1 + floor(r.r3 * 3)::int]
             WHEN 'labor_trafficking' THEN
                  (ARRAY['609.282 subd. 1', '609.283'])[1 + floor(r.r3 * 2)::int]
             ELSE (ARRAY['617.246', '617.247', '609.324 subd. 1(a)'])[1 + floor(r.r3 * 3)::int]
           END AS citation
    FROM b_case c
    CROSS JOIN LATERAL
        generate_series(1, 1 + (c.r_counts < 0.6)::int + (c.r_counts < 0.25)::int) AS n(n)
    CROSS JOIN LATERAL (SELECT random() + 0 * n.n AS r, random() + 0 * n.n AS r2,
                               random() + 0 * n.n AS r3 OFFSET 0) AS r
    WHERE c.status NOT IN ('intake', 'under_review', 'declined')
) AS x
JOIN cases_statute st ON st.citation = x.citation
JOIN b_ag g ON g.agency_id = x.pros_id;

INSERT INTO cases_sentence (sentenced_on, custody_days, custody_stayed, probation_months, fine,
    conditions, assessment, assessment_reduced_for_indigence, reduction_reason, assessment_paid,
    installments, recorded_at, charge_id, case_id, recorded_by_id)
SELECT s.sentenced_on,
       CASE WHEN s.r < 0.6 THEN (s.r * 300)::int ELSE 0 END, s.r < 0.35,
       CASE WHEN s.r > 0.2 THEN 12 + (s.r * 36)::int ELSE 0 END, 0, '',
       s.assessment, s.indigent, CASE WHEN s.indigent THEN 'Indigent' ELSE '' END,
       round(s.assessment * (CASE WHEN s.r2 < 0.4 THEN 1 WHEN s.r2 < 0.7 THEN s.r2 ELSE 0 END)
                            ::numeric, 2),
       1, s.sentenced_on::timestamptz, s.id, s.case_id, s.created_by_id
FROM (
    SELECT ch.id, ch.case_id, ch.created_by_id,
           ch.disposed_on + (least(current_date - ch.disposed_on, 60) * random())::int
               AS sentenced_on,
           random() AS r, random() AS r2,
           CASE WHEN ch.id %% 10 = 0 THEN 100 + (ch.id %% 400) ELSE 500 + (ch.id %% 6) * 100 END
           ::numeric(8, 2) AS assessment,
           ch.id %% 10 = 0 AS indigent
    FROM cases_charge ch
    WHERE ch.disposition IN ('convicted', 'pleaded_as_charged', 'pleaded_lesser')
    OFFSET 0
) AS s;
"""

VICTIMS_SQL = """
CREATE TEMPORARY TABLE b_vic ON COMMIT DROP AS
SELECT s.v, %(v0)s + s.v AS id, %(p0)s + %(n)s + s.v AS person_id, %(r0)s + s.v AS referral_id,
       c.county_id, c.vs_id, c.region_id, c.pros_id, c.le_ids[1] AS le_id,
       s.identified_on,
       CASE WHEN s.r_sex < 0.75 THEN 'female' WHEN s.r_sex < 0.94 THEN 'male'
            WHEN s.r_sex < 0.97 THEN 'nonbinary' ELSE 'unknown' END AS sex,
       CASE WHEN s.r_age < 0.35 THEN 'minor' WHEN s.r_age < 0.7 THEN '18-24'
            WHEN s.r_age < 0.95 THEN '25+' ELSE 'unknown' END AS age_group,
       (ARRAY['sting', 'tip', 'hotel', 'school', 'family', 'self', 'other_agency', 'other'])
           [1 + floor(s.r_how * 8)::int] AS how,
       s.r_source, s.r_status, s.r_n, s.r_victim
FROM (SELECT v, width_bucket(random(), %(cum)s::float8[]) AS k,
             current_date - (random() * %(days)s)::int AS identified_on, random() AS r_sex,
             random() AS r_age, random() AS r_how, random() AS r_source, random() AS r_status,
             random() AS r_n, random() AS r_victim
      FROM generate_series(0, %(victims)s - 1) AS g(v) OFFSET 0) AS s
JOIN b_cty c ON c.k = s.k;
"""

INSERT_VICTIMS_SQL = """
INSERT INTO victims_victim (id, public_id, created_at, updated_at, version, identified_on,
    identified_how, override_reason, guardian_note, screening_tool, screening_version,
    screening_score, screener, safety_concerns, contact_method, safe_times, language,
    interpreter_needed, created_by_id, owner_agency_id, person_id, updated_by_id, address, phone,
    seal_reason, age_group)
SELECT v.id, gen_random_uuid(), v.identified_on::timestamptz, v.identified_on::timestamptz, 1,
       v.identified_on, v.how, '', '', '', '', '', '', '', '', '', '', false, g.worker_id,
       v.vs_id, v.person_id, g.worker_id, '', '', '', v.age_group
FROM b_vic v JOIN b_ag g ON g.agency_id = v.vs_id;

INSERT INTO referrals_referral (id, public_id, created_at, updated_at, version, source, reason,
    urgency, status, decline_reason, closure_reason, created_by_id, owner_agency_id, person_id,
    referring_agency_id, updated_by_id, victim_id, region_id, seal_reason)
SELECT v.referral_id, gen_random_uuid(), x.created_at, x.created_at, 1, x.source, 'Bench referral',
       'routine', x.status, CASE WHEN x.status = 'declined' THEN 'Bench' ELSE '' END,
       CASE WHEN x.status = 'closed' THEN (ARRAY['goals_met', 'moved', 'declined_services',
            'lost_contact', 'aged_out', 'other'])[1 + floor(v.r_n * 6)::int] ELSE '' END,
       g.worker_id, v.vs_id, v.person_id,
       CASE x.source WHEN 'police' THEN v.le_id WHEN 'prosecution' THEN v.pros_id ELSE v.vs_id END,
       g.worker_id, CASE WHEN v.r_victim < 0.9 THEN v.id END, v.region_id, ''
FROM b_vic v
JOIN b_ag g ON g.agency_id = v.vs_id
CROSS JOIN LATERAL (
    SELECT v.identified_on::timestamptz
           + v.r_n * greatest(least(interval '5 days',
                                    now() - interval '1 hour' - v.identified_on::timestamptz),
                              interval '0') AS created_at,
           CASE WHEN v.r_source < 0.4 THEN 'police' WHEN v.r_source < 0.55 THEN 'prosecution'
                WHEN v.r_source < 0.7 THEN 'school' WHEN v.r_source < 0.78 THEN 'hotel'
                WHEN v.r_source < 0.88 THEN 'family' WHEN v.r_source < 0.95 THEN 'self'
                ELSE 'other' END AS source,
           CASE WHEN current_date - v.identified_on < 14 THEN
                    (ARRAY['sent', 'received', 'accepted'])[1 + floor(v.r_status * 3)::int]
                WHEN v.r_status < 0.08 THEN 'declined' WHEN v.r_status < 0.3 THEN 'engaged'
                WHEN v.r_status < 0.35 THEN 'accepted' ELSE 'closed' END AS status
) AS x;

INSERT INTO victims_contact (at, method, reached, outcome, by_id, victim_id)
SELECT r.created_at + least((n.n * 3 + random() * 3) * interval '1 day',
                            (now() - r.created_at) * random()),
       (ARRAY['phone', 'text', 'in_person', 'email'])[1 + (n.n %% 4)], random() < 0.7, '',
       r.created_by_id, r.victim_id
FROM referrals_referral r
CROSS JOIN LATERAL generate_series(0, floor(r.id %% 7 / 2.0)::int - 1) AS n(n)
WHERE r.victim_id IS NOT NULL;

INSERT INTO victims_service (public_id, kind, provider, status, offered_on, started_on, ended_on,
    outcome, recorded_by_id, victim_id)
SELECT gen_random_uuid(), x.kind, '', x.status, x.offered_on,
       CASE WHEN x.status IN ('delivering', 'completed') THEN d.started_on END,
       CASE WHEN x.status = 'completed' THEN
            CASE WHEN d.started_on + 10 + (x.r * 300)::int <= current_date
                 THEN d.started_on + 10 + (x.r * 300)::int
                 ELSE d.started_on + ((current_date - d.started_on) * x.r)::int END
       END,
       '', x.by_id, x.victim_id
FROM (
    SELECT v.id AS victim_id, g.worker_id AS by_id, random() AS r,
           (ARRAY['housing', 'shelter', 'counseling', 'medical', 'chemical_health', 'legal',
                  'education', 'employment', 'transportation', 'basic_needs'])
               [1 + floor(random() * 10)::int] AS kind,
           v.identified_on + least(n.n * 20, ((current_date - v.identified_on) * random())::int)
               AS offered_on,
           CASE WHEN (v.id + n.n) %% 20 < 3 THEN 'offered'
                WHEN (v.id + n.n) %% 20 < 5 THEN 'declined'
                WHEN (v.id + n.n) %% 20 < 9 THEN 'delivering' ELSE 'completed' END AS status
    FROM b_vic v
    JOIN b_ag g ON g.agency_id = v.vs_id
    CROSS JOIN LATERAL generate_series(0, floor(v.r_n * 4)::int - 1) AS n(n)
    OFFSET 0
) AS x
CROSS JOIN LATERAL (
    SELECT x.offered_on + least(7, ((current_date - x.offered_on) * x.r)::int) AS started_on
) AS d;

-- Half the victims are named in a case (the grant export's type of trafficking).
INSERT INTO cases_casevictim (role, contact_notes, case_id, person_id, added_at)
SELECT 'victim', '', %(c0)s + (v.v::bigint * 7919) %% %(n)s, v.person_id,
       v.identified_on::timestamptz
FROM b_vic v WHERE v.v %% 2 = 0;
"""

# Deadlines: the charging decision on every case, the disposition notice on disposed cases, a
# speedy-trial deadline on some; the first appearance on every arrest; the first contact on every
# referral. Met (on time or late), waived, or open (past due: missed).
DEADLINES_SQL = """
INSERT INTO taskforce_deadline (public_id, object_id, rule, rule_version, title, source,
    event_at, due_at, status, closed_at, waiver_reason, created_at, content_type_id,
    responsible_agency_id, sequence, escalated_at, context)
SELECT gen_random_uuid(), d.object_id, d.rule, 1, d.title, d.source, d.event_at, d.due_at,
       d.status,
       CASE WHEN d.status IN ('met', 'waived') THEN d.closed_at END,
       CASE WHEN d.status = 'waived' THEN 'Bench waiver' ELSE '' END,
       d.event_at, d.content_type_id, d.agency_id, 1,
       CASE WHEN d.status = 'open' AND d.due_at < now() THEN d.due_at + interval '5 minutes' END,
       '{}'::jsonb
FROM (
    SELECT c.id AS object_id, 'charging_decision' AS rule, %(t_charging)s AS title,
           %(s_charging)s AS source, c.created_at AS event_at,
           c.created_at + interval '30 days' AS due_at, %(ct_case)s AS content_type_id,
           c.pros_id AS agency_id,
           CASE WHEN c.status IN ('intake', 'under_review') THEN 'open'
                WHEN c.r_deadline < 0.03 THEN 'waived' ELSE 'met' END AS status,
           c.created_at + c.r_open * interval '40 days' AS closed_at
    FROM b_case c
    UNION ALL
    SELECT c.id, 'disposition_notice', %(t_notice)s, %(s_notice)s, c.disposed_on::timestamptz,
           c.disposed_on::timestamptz + interval '21 days', %(ct_case)s, c.pros_id,
           CASE WHEN c.r_deadline < 0.05 THEN 'waived' WHEN c.r_deadline < 0.15 THEN 'open'
                ELSE 'met' END,
           c.disposed_on::timestamptz + c.r_open * interval '25 days'
    FROM b_case c WHERE c.status IN ('sentenced', 'closed')
    UNION ALL
    SELECT c.id, 'speedy_trial', %(t_speedy)s, %(s_speedy)s,
           c.filed_on::timestamptz + interval '20 days',
           c.filed_on::timestamptz + interval '80 days', %(ct_case)s, c.pros_id,
           CASE WHEN c.status IN ('pre_trial', 'trial') THEN 'open' ELSE 'met' END,
           c.filed_on::timestamptz + interval '20 days' + c.r_open * interval '65 days'
    FROM b_case c WHERE c.r_counts > 0.85 AND c.status NOT IN ('intake', 'under_review', 'declined')
    UNION ALL
    SELECT a.id, 'first_appearance', %(t_appearance)s, %(s_appearance)s, a.arrested_at,
           a.arrested_at + interval '36 hours', %(ct_arrest)s, a.agency_id,
           CASE WHEN a.r_deadline < 0.03 THEN 'waived' WHEN a.r_deadline < 0.06 THEN 'open'
                ELSE 'met' END,
           a.arrested_at + a.r_open * interval '40 hours'
    FROM b_arr a
    UNION ALL
    SELECT r.id, 'first_contact', %(t_contact)s, %(s_contact)s, r.created_at,
           r.created_at + interval '2 days', %(ct_referral)s, r.owner_agency_id,
           CASE WHEN r.status IN ('sent', 'received') THEN 'open'
                WHEN r.id %% 25 = 0 THEN 'waived' ELSE 'met' END,
           r.created_at + (r.id %% 10) * interval '7 hours'
    FROM referrals_referral r
) AS d
"""


SEEDED_TABLES = ("cases_person", "cases_operation", "cases_operation_counties",
                 "cases_operationgroupobjectpermission", "cases_arrest",
                 "cases_arrestgroupobjectpermission", "cases_case", "cases_handoff",
                 "cases_charge", "cases_sentence", "cases_casevictim", "victims_victim",
                 "victims_service", "victims_contact", "referrals_referral",
                 "taskforce_deadline", "taskforce_agency", "taskforce_membership",
                 "taskforce_user", "taskforce_county", "referrals_region",
                 "referrals_region_counties", "cases_statute")  # fmt: skip


def _reserve(table: str, count: int) -> int:
    """The first of `count` consecutive ids of the table, taken from its sequence."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cur.fetchone()
        cur.execute("SELECT nextval(%s)", [sequence])
        (first,) = cur.fetchone()
        cur.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def _cumulative(weights: list[float]) -> list[float]:
    """Bucket edges for width_bucket(random(), edges): bucket k has weights[k] of the mass."""
    total = sum(weights)
    edges, running = [], 0.0
    for weight in weights[:-1]:
        running += weight
        edges.append(running / total)
    return edges


def _run(sql: str, params: dict, label: str, phases: Phases) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)
    phases.done(label)


def analyze_tables(tables, *, vacuum: bool = False) -> None:
    """ANALYZE (or VACUUM ANALYZE, outside a transaction) the tables just bulk-loaded."""
    with connection.cursor() as cur:
        for table in tables:
            verb = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
            cur.execute(f"{verb} {connection.ops.quote_name(table)}")


def seed(cases: int) -> float:
    phases = Phases()
    victims = int(cases * VICTIMS_PER_CASE)
    with transaction.atomic():
        with connection.cursor() as cur:
            # Bulk seed data needs no change history: skip the history triggers (and only here).
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute("SET LOCAL work_mem = '256MB'")
            cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cur.execute("SET LOCAL synchronous_commit = off")
            cur.execute("SELECT setseed(0.11)")
        made = seed_agencies()
        task_force = Agency.objects.get(kind=AgencyKind.TASK_FORCE)
        pool = seed_name_pool(task_force, User.objects.get(username="a099_worker"))
        phases.done("agencies, users, regions, name pool")
        counties = made["ordered"]
        cum = _cumulative([1 / (k + 1) for k in range(len(counties))])
        span = dt.timedelta(days=round(365.25 * YEARS) - 7)
        perms = {p.codename: p.pk for p in Permission.objects.filter(
            codename__in=["view_arrest", "view_operation"])}  # fmt: skip
        ids = {
            "o0": _reserve("cases_operation", OPERATIONS),
            "a0": _reserve("cases_arrest", cases),
            "p0": _reserve("cases_person", cases + victims),
            "c0": _reserve("cases_case", cases),
            "v0": _reserve("victims_victim", victims),
            "r0": _reserve("referrals_referral", victims),
        }
        common = {"cum": cum, "span": span, "n": cases, "victims": victims,
                  "days": span.days, **ids}  # fmt: skip
        _run(LOOKUPS_SQL, {"county_ids": [c.pk for c in counties]}, "lookups", phases)
        _run(OPERATIONS_SQL, {**common, "n": OPERATIONS,
                              "view_operation": perms["view_operation"]},
             f"{OPERATIONS:,} operations", phases)  # fmt: skip
        _run(ARRESTS_SQL, {**common, "in_ops": int(cases * IN_OPERATIONS), "ops": OPERATIONS},
             "arrests planned", phases)  # fmt: skip
        _run(VICTIMS_SQL, common, "victims planned", phases)
        _run(PERSONS_SQL, {"pool": NAME_POOL, "pool_ids": pool},
             f"{cases + victims:,} people", phases)  # fmt: skip
        with connection.cursor() as cur:
            cur.execute("DELETE FROM cases_person WHERE id = ANY(%s)", [pool])
        _run(INSERT_ARRESTS_SQL, common, f"{cases:,} arrests", phases)
        _run(CASES_SQL, {**common, "view_arrest": perms["view_arrest"]},
             f"{cases:,} cases, hand-offs, grants", phases)  # fmt: skip
        _run(CHARGES_SQL, common, "charges and sentences", phases)
        _run(INSERT_VICTIMS_SQL, common, "victims, referrals, contacts, services", phases)
        rules = {
            key: RULES[rule]
            for key, rule in (("charging", "charging_decision"), ("notice", "disposition_notice"),
                              ("speedy", "speedy_trial"), ("appearance", "first_appearance"),
                              ("contact", "first_contact"))
        }  # fmt: skip
        types = ContentType.objects.get_for_models(Case, Arrest, Referral)
        _run(
            DEADLINES_SQL,
            {**{f"t_{k}": r.title for k, r in rules.items()},
             **{f"s_{k}": r.source for k, r in rules.items()},
             "ct_case": types[Case].pk, "ct_arrest": types[Arrest].pk,
             "ct_referral": types[Referral].pk},
            "deadlines", phases,
        )  # fmt: skip
        # Statistics before the refresh reads what was just loaded: without them PostgreSQL
        # plans the refresh for empty tables and scans arrests per case (issue #22: it had not
        # finished after 25 minutes on a fresh database). ANALYZE runs inside the transaction.
        analyze_tables(SEEDED_TABLES)
        phases.done("ANALYZE of every seeded table")
        # What the reports group by, kept on cases, counts and arrests by the services
        # (cases.services.outcomes): computed the same way for the bulk-seeded rows.
        case_outcomes_refresh(Case.objects.all())
        phases.done("report columns (cases.services.outcomes)")
    phases.done("commit")
    # VACUUM too (outside the transaction): the refresh rewrote every case, count and arrest.
    analyze_tables(SEEDED_TABLES, vacuum=True)
    phases.done("VACUUM (ANALYZE)")
    # The operations report's monthly rollups: the seed wrote with triggers off
    # (session_replication_role), so every month is built here, in one pass, then ANALYZEd.
    report_months_rebuild_all()
    phases.done("report rollups (cases.services.rollups)")
    with connection.cursor() as cur:
        cur.execute(f"COMMENT ON TABLE cases_case IS '{SEED_VERSION}'")
    print("seed phases (s): " + ", ".join(f"{label} {t:.1f}" for label, t in phases.times))
    return phases.total


def is_seeded(cases: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT obj_description('cases_case'::regclass, 'pg_class')")
        (version,) = cur.fetchone()
    return (
        version == SEED_VERSION
        and Case.objects.count() == cases
        and Deadline.objects.filter(rule="first_contact").exists()
        and Agency.objects.filter(kind=AgencyKind.TASK_FORCE).exists()
    )


# --- Measuring ------------------------------------------------------------------------------


def p95(times: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(times)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def explain(sql: str) -> str:
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(f"    {line}" for (line,) in cur.fetchall())


def viewers() -> dict[str, User]:
    coordinator = User.objects.get(memberships__role=Role.COORDINATOR,
                                   memberships__ended_at__isnull=True)  # fmt: skip
    with connection.cursor() as cur:
        cur.execute(
            "SELECT owner_agency_id FROM cases_case GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        )
        (biggest,) = cur.fetchone()
    supervisor = User.objects.get(memberships__agency_id=biggest, memberships__role=Role.SUPERVISOR,
                                  memberships__ended_at__isnull=True)  # fmt: skip
    return {"coordinator": coordinator, "supervisor": supervisor}


def signed_in(user: User) -> Client:
    """A client through both sign-in steps. Pages link plain static names, as in the test suite
    (the hashed names need a collectstatic run, which a bench does not do)."""
    override_settings(
        STORAGES=settings.STORAGES
        | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ).enable()
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    client = Client(HTTP_HOST="localhost")
    return verified_login(client, user)


def measure(client: Client, url: str, repeat: int) -> dict:
    captured = None
    response = client.get(url)  # warm-up, untimed
    if response.status_code != 200:
        sys.exit(f"{url}: HTTP {response.status_code}")
    times = []
    for run in range(repeat):
        # The last run's queries are counted (capturing them costs little next to the page).
        with CaptureQueriesContext(connection) if run == repeat - 1 else nullcontext() as seen:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code  # noqa: S101 - bench sanity
        captured = seen or captured
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    return {"times": times, "queries": len(captured.captured_queries), "slowest": slowest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per page")
    parser.add_argument("--reseed", action="store_true", help="drop and rebuild the data set")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--viewers", default="coordinator,supervisor")
    parser.add_argument("--periods", default="year,decade")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--seed-only", action="store_true", help="seed (if needed) and stop")
    args = parser.parse_args()

    ensure_database(recreate=args.reseed)
    if args.reseed or not is_seeded(args.cases):
        if Case.objects.exists():
            ensure_database(recreate=True)
        _progress(f"seeding {args.cases:,} cases (drops and rebuilds the bench database)")
        seed_time = f"{seed(args.cases):.0f} s"
    else:
        seed_time = "reused (seeded by an earlier run at this size)"
        started = time.perf_counter()
        if not ReportMonth.objects.exists():  # seeded before the rollups existed
            months, days = report_months_rebuild_all(), 0  # the current month's days too
        else:  # a family added since the seed, months a write made stale, days over since the
            # seed: as the beat would
            rebuilt = report_rollups_rebuild_due()
            months, days = rebuilt["months"], rebuilt["days"]
        if months or days:
            print(f"report rollups built: {months} months, {days} days"
                  f" in {time.perf_counter() - started:.1f} s")  # fmt: skip
    if args.seed_only:
        print(f"seed time: {seed_time}")
        return

    today = timezone.localdate()
    periods = {
        "year": ("last 12 months", ""),  # the pages' default period
        "decade": ("ten years", f"?start={today - dt.timedelta(days=3652)}&end={today}"),
    }
    people = viewers()
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        (pg_version,) = cur.fetchone()
        # What PostgreSQL may keep in memory: at the default 128 MB of shared buffers most
        # pages of the 8.5 GB data set come from the operating system's cache.
        cur.execute(
            "SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name)"
            " FROM unnest(ARRAY['shared_buffers', 'effective_cache_size', 'work_mem',"
            " 'max_parallel_workers_per_gather']) AS name"
        )
        (pg_settings,) = cur.fetchone()
        counts = {}
        for table in ("cases_case", "cases_arrest", "cases_operation", "cases_handoff",
                      "cases_charge", "cases_sentence", "victims_victim", "referrals_referral",
                      "victims_service", "victims_contact", "taskforce_deadline",
                      "cases_arrestgroupobjectpermission"):  # fmt: skip
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts[table] = cur.fetchone()[0]
    print()
    print("Reports benchmark (bench/bench_reports.py)")
    print(f"  database   {connection.settings_dict['NAME']} on {pg_version.split(',')[0]}")
    print("  data set   " + ", ".join(f"{t.split('_', 1)[1]} {n:,}" for t, n in counts.items()))
    print(f"  settings   {pg_settings} (reports set work_mem 64MB)")
    print(f"  seed time  {seed_time}")
    for role, user in people.items():
        print(f"  {role:12}{user.username}, {user.membership.role} of {user.membership.agency}")
    print(
        f"  timing     {args.repeat} runs per page after one untimed; target "
        f"{TARGET_MS['year']} ms for 12 months, {TARGET_MS['decade']} ms for ten years"
    )
    print()
    print(f"  {'viewer':12}{'period':16}{'page':13}{'median':>9}{'p95':>9}{'queries':>9}"
          f"{'slowest q':>11}")  # fmt: skip
    slow = []
    worst = dict.fromkeys(TARGET_MS, 0.0)
    pages = 0
    for role in args.viewers.split(","):
        client = signed_in(people[role])
        for period in args.periods.split(","):
            label, query = periods[period]
            for page in args.pages.split(","):
                url = f"/reports/{page}{'' if page.endswith('.csv') else '/'}{query}"
                result = measure(client, url, args.repeat)
                median = statistics.median(result["times"])
                print(f"  {role:12}{label:16}{page:13}{median:9.0f}{p95(result['times']):9.0f}"
                      f"{result['queries']:9d}{float(result['slowest']['time']) * 1000:11.0f}"
                      f"{'  over' if median > TARGET_MS[period] else ''}",
                      flush=True)  # fmt: skip
                pages += 1
                worst[period] = max(worst[period], median)
                if median > TARGET_MS[period]:
                    slow.append((role, label, page, result["slowest"]["sql"]))
    for role, label, page, sql in [] if args.no_explain else slow:
        print()
        print(f"EXPLAIN ANALYZE: slowest query of {page}, {role}, {label}")
        print(f"  SQL: {sql}")
        print(explain(sql))
    print(
        f"RESULT pages={pages} worst_year_ms={worst['year']:.0f} "
        f"worst_decade_ms={worst['decade']:.0f} over_target={len(slow)}"
    )


if __name__ == "__main__":
    main()
