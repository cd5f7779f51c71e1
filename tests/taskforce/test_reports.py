"""Reports: every number checked against a data set with known counts, small counts suppressed
with their complements in the coordinator's view, only what the viewer may count, clear errors."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Charge, Sentence, Statute
from cases.models.people import Person, Sex
from cases.services.charges import ChargeInput, charge_dispose, charging_decide
from cases.services.handoffs import handoff_create
from reports import disclosure
from reports.tables import PRIMARY, Table
from taskforce.models import AuditEvent, County, Deadline, DeadlineStatus, Role
from tests.factories import member, verified_login
from victims.models import Service, Victim

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def report(client, section, **params):
    answer = client.get(reverse("report", args=[section]), params)
    assert answer.status_code == 200, answer.content.decode()[:500]
    return answer


def table(answer, key) -> Table:
    [found] = [t for t, _ in answer.context["tables"] if t.key == key]
    return found


def shown(found: Table) -> dict[str, list[str]]:
    rows = {label: [c.shown for c in cells] for label, cells in found.body}
    if found.totals:
        rows["Total"] = [c.shown for c in found.total_row]
    return rows


def exact(found: Table) -> dict[str, list[str]]:
    """The counts under a table's shown figures (never rendered in the task-force-wide view)."""
    rows = {label: [str(c.value) for c in cells] for label, cells in found.body}
    return rows | {"Total": [str(c.value) for c in found.total_row]}


def figures(answer) -> dict[str, str]:
    return {f.label: f.value.shown for f in answer.context["figures"]}


def make_victims(agency, by, count, sex, age, identified_on=None):
    identified_on = identified_on or TODAY() - dt.timedelta(days=10)
    born = identified_on.replace(year=identified_on.year - age) - dt.timedelta(days=1)
    for n in range(count):
        person = Person.objects.create(
            first_name="Survivor", last_name=f"{sex}{age}n{n}", sex=sex, date_of_birth=born,
            owner_agency=agency, created_by=by, updated_by=by,
        )  # fmt: skip
        Victim.objects.create(
            person=person, identified_on=identified_on, identified_how="sting",
            owner_agency=agency, created_by=by, updated_by=by,
        )  # fmt: skip


@pytest.fixture
def survey(advocacy_center, advocate):
    """A published service survey's victims: 5 men, 79 women, 11 boys, 80 girls."""
    make_victims(advocacy_center, advocate, 5, Sex.MALE, 30)
    make_victims(advocacy_center, advocate, 79, Sex.FEMALE, 30)
    make_victims(advocacy_center, advocate, 11, Sex.MALE, 15)
    make_victims(advocacy_center, advocate, 80, Sex.FEMALE, 15)
    make_victims(advocacy_center, advocate, 7, Sex.FEMALE, 20)
    make_victims(advocacy_center, advocate, 2, Sex.FEMALE, 40, TODAY() - dt.timedelta(days=900))


SURVEY = {  # Female, Male, Non-binary / other, Unknown, Total
    "Under 18": ["80", "11", "0", "0", "91"],
    "18 to 24": ["7", "0", "0", "0", "7"],
    "25 and over": ["79", "5", "0", "0", "84"],
    "Age unknown": ["0", "0", "0", "0", "0"],
    "Total": ["166", "16", "0", "0", "182"],
}


def test_the_victims_survey_figures_come_out_exactly_for_the_agency_and_the_coordinator(
    client, survey, advocate_supervisor, coordinator
):
    verified_login(client, advocate_supervisor)  # the agency's own: exact
    page = report(client, "victims")
    assert shown(table(page, "identified")) == SURVEY
    assert figures(page)["Victims identified"] == "182"
    client.logout()
    # Task-force-wide (issue #21): the same counts underneath, each shown rounded by its cell
    # key to a multiple of 5 at most 4 away; the headline is the table's total, rounded alike.
    verified_login(client, coordinator)
    page = report(client, "victims")
    found = table(page, "identified")
    assert exact(found) == SURVEY
    for label, values in shown(found).items():
        for figure, count in zip(values, SURVEY[label], strict=True):
            assert int(figure) % 5 == 0 and abs(int(figure) - int(count)) <= 4, (label, figure)
    assert figures(page)["Victims identified"] == shown(found)["Total"][-1]
    # The two identified 900 days ago fall outside the default last 12 months, inside a wider one.
    wide = report(client, "victims", start=(TODAY() - dt.timedelta(days=1000)).isoformat())
    assert exact(table(wide, "identified"))["25 and over"][-1] == "86"


def lines_of(found: Table):
    grid = [cells for _, cells in found.body] + [found.total_row]
    return grid + [list(column) for column in zip(*grid, strict=True)]


def test_small_counts_are_hidden_and_the_rest_rounded_for_the_coordinator_only(
    client, survey, advocacy_center, advocate, advocate_supervisor, coordinator
):
    make_victims(advocacy_center, advocate, 3, Sex.NONBINARY, 16)
    verified_login(client, coordinator)
    found = table(report(client, "victims"), "identified")
    cells = shown(found)
    assert cells["Under 18"][2] == "x" and cells["Total"][2] == "x"
    for line in lines_of(found):
        assert not any(
            isinstance(c.value, int) and 1 <= c.value <= 4 and not c.hidden for c in line
        )
    # The audit (reports/disclosure.py): no hidden count narrower than WIDTH values.
    spans = disclosure.hidden_ranges(found)
    assert spans and all(hi - lo + 1 >= disclosure.WIDTH for lo, hi in spans.values())
    assert {c.hidden for line in lines_of(found) for c in line} >= {PRIMARY}

    exported = client.get(reverse("report", args=["victims"]), {"export": "identified"})
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Age group", "Female", "Male", "Non-binary / other", "Unknown", "Total"]
    assert rows[1][3] == "x" and "3" not in rows[1]
    assert rows[1:] == [[label, *values] for label, values in cells.items()]  # as the page
    event = AuditEvent.objects.filter(action="report.exported").latest("id")
    assert event.changes["table"] == "victims/identified" and event.actor_id == coordinator.pk

    client.logout()
    verified_login(client, advocate_supervisor)  # the agency's own records: real numbers
    assert shown(table(report(client, "victims"), "identified"))["Under 18"][2] == "3"


def test_suppression_covers_a_single_column_list_and_its_total():
    counts = [("Police", [12]), ("School", [2]), ("Hotel", [9]), ("Self", [0])]
    listed = Table(
        key="t", title="T", row_header="Source", columns=["Referrals"], sensitive=True, rows=counts
    )
    disclosure.protect(listed)
    police, school, hotel, self_ = (cells[0].shown for _, cells in listed.body)
    assert school == "x" and self_ == "0"
    assert police in ("10", "15") and hotel in ("5", "10")
    assert listed.total_row[0].shown in ("20", "25")
    spans = disclosure.hidden_ranges(listed).values()  # the school's cell and its row's total
    assert len(spans) == 2 and all(hi - lo + 1 >= disclosure.WIDTH for lo, hi in spans)
    open_table = Table(key="o", title="O", row_header="x", columns=["n"], rows=[("a", [2])])
    assert disclosure.protect(open_table).body[0][1][0].shown == "2"  # not sensitive: as it is


@pytest.fixture
def sheriff_supervisor(sheriff):
    return member(sheriff, Role.SUPERVISOR, username="wcso_supervisor")


@pytest.fixture
def handed_cases(sheriff_liaison, operation, make_arrests, wash_cao, wash_prosecutor):
    """Six arrests; five handed off: convicted, dismissed, declined, acquitted, still pending."""
    arrests = make_arrests(sheriff_liaison, operation, 6)
    handed = handoff_create(actor=sheriff_liaison, arrests=arrests[:5], to_agency=wash_cao)
    cases = [h.case for h in handed]
    statute = Statute.objects.get(citation="609.324 subd. 1(b)")
    filed = TODAY() - dt.timedelta(days=20)
    for case, disposition in zip(cases[:4], ["pleaded_as_charged", "dismissed", None, "acquitted"],
                                 strict=True):  # fmt: skip
        defendant = case.defendants.get()
        if disposition is None:
            charging_decide(actor=wash_prosecutor, case=case, decision="decline", reason="Weak ID")
            continue
        count = ChargeInput(defendant=defendant, statute=statute, filed_on=filed)
        charging_decide(actor=wash_prosecutor, case=case, decision="charge", charges=[count])
        charge = case.charges.get()
        charge_dispose(actor=wash_prosecutor, charge=charge, disposition=disposition,
                       disposed_on=filed + dt.timedelta(days=10))  # fmt: skip
    return cases


def test_operation_figures_follow_each_arrest_to_its_outcome(
    client, handed_cases, coordinator, sheriff_supervisor
):
    verified_login(client, coordinator)
    page = report(client, "operations")
    assert figures(page) == {
        "Operations run": "1", "Arrests": "6", "Handed off to prosecution": "5", "Charged": "3",
        "Declined": "1", "Convicted": "1", "Acquitted": "1", "Dismissed": "1", "Pending": "1",
        "Conviction rate of resolved cases (%)": "33.3",
    }  # fmt: skip
    by_county = shown(table(page, "by-county"))
    assert by_county == {"Washington": ["6", "5", "3", "1", "1", "1", "1", "1"]}
    assert 'role="img"' in page.content.decode()  # the chart beside the table

    # The sheriff's supervisor may not open the county attorney's cases: their arrests are
    # counted, handed off, and their outcomes stay pending for them.
    client.logout()
    verified_login(client, sheriff_supervisor)
    theirs = figures(report(client, "operations"))
    assert (theirs["Arrests"], theirs["Handed off to prosecution"], theirs["Convicted"]) == (
        "6", "5", "0",
    )  # fmt: skip


def test_prosecution_figures_dispositions_medians_and_the_assessment_split(
    client, handed_cases, wash_supervisor, wash_prosecutor
):
    convicted = Charge.objects.get(case=handed_cases[0])
    Sentence.objects.create(
        charge=convicted, sentenced_on=TODAY() - dt.timedelta(days=5), assessment=Decimal("750"),
        assessment_paid=Decimal("500"), recorded_by=wash_prosecutor, probation_months=12,
    )  # fmt: skip
    verified_login(client, wash_supervisor)
    page = report(client, "prosecution")
    numbers = figures(page)
    assert numbers["Cases opened"] == "5" and numbers["Counts filed"] == "3"
    assert numbers["Counts disposed"] == "3" and numbers["Sentences"] == "1"
    assert numbers["… with probation"] == "1"
    arrested = timezone.localdate(handed_cases[0].handoffs.get().arrest.arrested_at)
    assert numbers["Median days, arrest to charge"] == f"{(convicted.filed_on - arrested).days}.0"
    assert numbers["Median days, charge to disposition"] == "10.0"
    dispositions = shown(table(page, "dispositions"))
    assert dispositions["Pleaded guilty as charged"][-1] == "1"
    assert dispositions["Acquitted"][-1] == "1" and dispositions["Dismissed"][-1] == "1"
    split = shown(table(page, "assessments"))
    assert split["Washington County Sheriff's Office (arresting, 40%)"] == [
        "300.00",
        "200.00",
        "500.00",
    ]
    assert split["Washington County Attorney's Office (prosecuting, 20%)"] == [
        "150.00",
        "100.00",
        "250.00",
    ]
    assert split["Safe Harbor for Youth account (victim-service organizations) (40%)"] == [
        "300.00",
        "200.00",
        "500.00",
    ]


def test_deadlines_are_counted_met_on_time_late_missed_and_waived(
    client, handed_cases, wash_supervisor
):
    now = timezone.now()
    # The cases' own deadlines: an arrest's or a charge's id may equal a case's (the sequences
    # run apart), and a deadline of the one arrest not handed off is not the supervisor's to count.
    rows = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Case),
        object_id__in=[c.pk for c in handed_cases],
    )
    assert rows.exists()
    base = rows.first()
    Deadline.objects.all().delete()
    kept = {
        name: getattr(base, name)
        for name in ("content_type", "object_id", "rule", "rule_version", "title",
                     "responsible_agency")
    } | {"event_at": now}  # fmt: skip
    made = [
        (now - dt.timedelta(days=3), DeadlineStatus.MET, now - dt.timedelta(days=4)),
        (now - dt.timedelta(days=3), DeadlineStatus.MET, now - dt.timedelta(days=1)),
        (now - dt.timedelta(days=2), DeadlineStatus.OPEN, None),
        (now - dt.timedelta(days=2), DeadlineStatus.WAIVED, now),
        (now + dt.timedelta(days=2), DeadlineStatus.OPEN, None),
    ]
    for sequence, (due, status, closed) in enumerate(made):
        Deadline.objects.create(**kept, sequence=sequence, due_at=due, status=status,
                                closed_at=closed)  # fmt: skip
    verified_login(client, wash_supervisor)
    ahead = (TODAY() + dt.timedelta(days=7)).isoformat()  # a period may end in the future
    found = shown(table(report(client, "deadlines", end=ahead), "deadlines-cases"))
    [rule_row] = [label for label in found if label != "Total"]
    assert found[rule_row] == ["1", "1", "1", "1", "1", "5"]


def test_the_year_over_year_page_counts_each_year(client, survey, advocate_supervisor):
    verified_login(client, advocate_supervisor)
    page = report(client, "trends")
    victims = table(page, "trend-victims")
    this_year, two_years_ago = TODAY().year, (TODAY() - dt.timedelta(days=900)).year
    counts = dict(zip(victims.columns, [c.value for c in victims.body[0][1]], strict=True))
    identified = Victim.objects.filter(identified_on__year=this_year).count()
    assert counts[str(this_year)] == identified
    assert counts[str(two_years_ago)] == 2 + (identified if two_years_ago == this_year else 0)


def test_the_grant_export_counts_new_victims_by_type_age_and_gender(
    client, survey, advocate, advocate_supervisor
):
    # Served: a service being delivered in the period (identified alone is not served).
    Service.objects.bulk_create(
        Service(victim=v, kind="housing", status="delivering", started_on=v.identified_on,
                recorded_by=advocate)
        for v in Victim.objects.filter(identified_on__gte=TODAY() - dt.timedelta(days=364))
    )  # fmt: skip
    verified_login(client, advocate_supervisor)
    answer = client.get(reverse("report_grant"))
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["section", "measure", "category", "value"]
    values = {(r[1], r[2]): r[3] for r in rows[1:]}
    assert values[("Victims served, new", "age group: Under 18")] == "91"
    assert values[("Victims served, new", "gender: Male")] == "16"
    assert values[("Victims served, new", "type of trafficking: Sex trafficking")] == "182"
    assert values[("Victims served, new", "type of trafficking: total")] == "182"
    assert AuditEvent.objects.filter(action="report.exported", changes__table="grant").exists()


def test_only_supervisors_and_the_coordinator_reach_reports_and_nobody_reaches_a_victim_row(
    client, survey, coordinator, advocate, wash_prosecutor, sheriff_liaison
):
    for person in (advocate, wash_prosecutor, sheriff_liaison):
        client.logout()
        verified_login(client, person)
        for url in (reverse("report", args=["victims"]), reverse("report_grant"), "/reports/"):
            assert client.get(url).status_code == 404, (person, url)
    client.logout()
    verified_login(client, coordinator)
    assert client.get(reverse("report", args=["nothing-here"])).status_code == 404
    victim = Victim.objects.first()
    assert client.get(reverse("victims:detail", args=[victim.public_id])).status_code == 404
    page = report(client, "victims").content.decode()
    assert "Survivor" not in page and str(victim.public_id) not in page


def test_bad_periods_and_counties_get_a_message_beside_the_field(
    client, wash_supervisor, coordinator
):
    verified_login(client, wash_supervisor)
    url = reverse("report", args=["operations"])
    backwards = client.get(url, {"start": "2026-05-01", "end": "2026-04-01"})
    assert backwards.status_code == 400
    assert backwards.context["form"].errors["end"] == ["The end date is before the start date."]
    ramsey = County.objects.get(name="Ramsey")  # the Washington County Attorney's is Washington
    foreign = client.get(reverse("report", args=["operations"]), {"counties": ramsey.pk})
    assert foreign.status_code == 400
    assert "is not a county you may report on" in foreign.context["form"].errors["counties"][0]
    nonsense = client.get(reverse("report", args=["operations"]), {"start": "last spring"})
    assert nonsense.status_code == 400 and "start" in nonsense.context["form"].errors
    client.logout()
    verified_login(client, coordinator)
    assert report(client, "operations", counties=ramsey.pk).status_code == 200


def test_a_victim_shared_under_consent_is_counted_by_the_owning_agency_only(
    client, referral, advocate, advocate_supervisor, sheriff, sheriff_supervisor
):
    from referrals.services import referral_open_victim, referral_transition
    from victims.services import consent_record

    for status in ("received", "accepted"):
        referral_transition(actor=advocate, referral=referral, to_status=status)
    victim = referral_open_victim(
        actor=advocate, referral=referral, identified_how="sting", guardian_note="Aunt"
    )
    consent_record(
        actor=advocate, victim=victim, to_agency=sheriff, scope="status", purpose="Updates",
        signed_on=TODAY(), expires_on=TODAY() + dt.timedelta(days=30), signed_by_minor=True,
        guardian_name="Aunt", guardian_relationship="Aunt",
    )  # fmt: skip
    verified_login(client, sheriff_supervisor)
    assert client.get(reverse("victims:detail", args=[victim.public_id])).status_code == 200
    assert figures(report(client, "victims"))["Victims identified"] == "0"
    client.logout()
    verified_login(client, advocate_supervisor)
    assert figures(report(client, "victims"))["Victims identified"] == "1"


def test_the_coordinator_counts_every_agencys_deadlines_but_a_sealed_records(
    client, handed_cases, coordinator
):
    from taskforce.sealing import record_seal
    from tests.factories import UserFactory

    verified_login(client, coordinator)

    ahead = TODAY() + dt.timedelta(days=300)

    def counted():
        page = report(client, "deadlines", end=ahead.isoformat())
        found = shown(table(page, "deadlines-cases"))
        return sum(int(values[-1]) for label, values in found.items() if label != "Total")

    before = counted()
    sealed_case = handed_cases[1]
    own = Deadline.objects.filter(object_id=sealed_case.pk, content_type__model="case")
    past = own.filter(due_at__date__lte=ahead).count()
    assert before > 0 and past > 0
    admin = UserFactory(is_superuser=True, is_staff=True)
    record_seal(actor=admin, obj=sealed_case, reason="Court order 26-X-1")
    assert counted() == before - past


def test_a_consents_deadline_counts_among_the_victims_deadlines_and_is_suppressed(
    client, referral, advocate, sheriff, coordinator
):
    from referrals.services import referral_open_victim, referral_transition
    from victims.services import consent_record

    for status in ("received", "accepted"):
        referral_transition(actor=advocate, referral=referral, to_status=status)
    victim = referral_open_victim(
        actor=advocate, referral=referral, identified_how="sting", guardian_note="Aunt"
    )
    consent_record(
        actor=advocate, victim=victim, to_agency=sheriff, scope="status", purpose="Updates",
        signed_on=TODAY(), expires_on=TODAY() + dt.timedelta(days=30), signed_by_minor=True,
        guardian_name="Aunt", guardian_relationship="Aunt",
    )  # fmt: skip
    consent_rules = set(
        Deadline.objects.filter(content_type__model="consent").values_list("title", flat=True)
    )
    assert consent_rules
    verified_login(client, coordinator)
    page = report(client, "deadlines", end=(TODAY() + dt.timedelta(days=60)).isoformat())
    people, cases = table(page, "deadlines-people"), table(page, "deadlines-cases")
    assert not consent_rules & {label for label, _ in cases.body}
    [(_, cells)] = [(label, cells) for label, cells in people.body if label in consent_rules]
    assert cells[-1].shown == "x"


def test_a_bad_grant_export_period_is_explained_and_offers_a_page_that_exists(
    client, wash_supervisor
):
    verified_login(client, wash_supervisor)
    answer = client.get(reverse("report_grant"), {"start": "2026-05-01", "end": "2026-04-01"})
    assert answer.status_code == 400
    assert answer.context["form"].errors["end"] == ["The end date is before the start date."]
    assert client.get(answer.context["reset_url"]).status_code == 200


def test_a_sealed_case_leaves_the_coordinators_prosecution_and_outcome_counts(
    client, handed_cases, coordinator
):
    from taskforce.sealing import record_seal
    from tests.factories import UserFactory

    verified_login(client, coordinator)
    assert figures(report(client, "prosecution"))["Counts filed"] == "3"
    record_seal(
        actor=UserFactory(is_superuser=True, is_staff=True), obj=handed_cases[0],
        reason="Court order 26-X-2",
    )  # fmt: skip
    assert figures(report(client, "prosecution"))["Counts filed"] == "2"
    operations = figures(report(client, "operations"))
    # Its arrest is not sealed: still counted and handed off, its outcome no longer shown.
    assert (operations["Arrests"], operations["Convicted"], operations["Pending"]) == (
        "6", "0", "2",
    )  # fmt: skip


def test_a_supervisor_counts_a_case_shared_with_their_agency_and_not_before(
    client, handed_cases, wash_prosecutor
):
    from taskforce import access
    from taskforce.models import AgencyKind
    from tests.factories import AgencyFactory

    ag = AgencyFactory(name="Attorney General's Office", kind=AgencyKind.PROSECUTION)
    ag_supervisor = member(ag, Role.SUPERVISOR, username="ag_supervisor")
    verified_login(client, ag_supervisor)
    assert figures(report(client, "prosecution"))["Counts filed"] == "0"
    access.share(actor=wash_prosecutor, obj=handed_cases[0], to_agency=ag, reason="Co-prosecution")
    numbers = figures(report(client, "prosecution"))
    assert (numbers["Cases opened"], numbers["Counts filed"], numbers["Sentences"]) == (
        "1", "1", "0",
    )  # fmt: skip


def test_the_three_forms_of_what_a_report_may_count_agree_with_the_policy(
    handed_cases, coordinator, wash_supervisor, sheriff_supervisor, wash_prosecutor
):
    """`report_rows` (the rows), `report_q` (a related row's key, as id sets) and the joined
    form must name the same records: for a supervisor exactly what `visible` gives them, for the
    coordinator every unsealed one. A shared and a sealed case make the sets differ."""
    from cases.models import Arrest, Case
    from taskforce import access
    from taskforce.sealing import record_seal
    from tests.factories import UserFactory

    for shared in (handed_cases[0], handed_cases[3]):  # the second is sealed below
        access.share(
            actor=wash_prosecutor, obj=shared, to_agency=sheriff_supervisor.membership.agency,
            reason="Keep the arresting agency informed",
        )  # fmt: skip
    record_seal(
        actor=UserFactory(is_superuser=True, is_staff=True), obj=handed_cases[3],
        reason="Court order 26-X-3",
    )  # fmt: skip
    for actor in (coordinator, wash_supervisor, sheriff_supervisor):
        for model in (Case, Arrest):
            rows = set(access.report_rows(actor, model).values_list("pk", flat=True))
            by_ids = set(
                model.objects.filter(access.report_ids_q(actor, model, "pk"))
                .values_list("pk", flat=True)
            )  # fmt: skip
            assert rows == by_ids, (actor, model)
            if actor == coordinator:
                assert rows == set(
                    model.objects.filter(sealed_at=None).values_list("pk", flat=True)
                )
            else:
                assert rows == set(access.visible(actor, model).values_list("pk", flat=True))
        cases = set(access.report_rows(actor, Case).values_list("pk", flat=True))
        charged = {c.case_id for c in Charge.objects.filter(case__in=handed_cases)}
        for joined in (False, True):
            counted = set(
                Charge.objects.filter(access.report_q(actor, Case, "case", joined=joined))
                .values_list("case", flat=True)
            )  # fmt: skip
            assert counted == charged & cases, (actor, joined)
    sheriffs = set(access.report_rows(sheriff_supervisor, Case).values_list("pk", flat=True))
    assert sheriffs == {handed_cases[0].pk}
    assert handed_cases[3].pk not in set(
        access.report_rows(coordinator, Case).values_list("pk", flat=True)
    )


def _metro_referrals(advocacy_center, advocate, counties):
    from referrals.models import Region
    from referrals.services import referral_send

    metro = Region.objects.create(name="Metro (test)", navigator=advocacy_center)
    metro.counties.set(counties)
    for n in range(6):
        person = Person.objects.create(
            first_name="Youth", last_name=f"Referred{n}", owner_agency=advocacy_center,
            created_by=advocate, updated_by=advocate,
        )  # fmt: skip
        referral_send(
            actor=advocate, person=person, to_agency=advocacy_center, source="self",
            region=metro, reason="Asked for help.",
        )  # fmt: skip


def test_referrals_in_a_region_count_once_when_several_of_its_counties_are_chosen(
    client, advocacy_center, advocate
):
    counties = list(County.objects.filter(name__in=["Washington", "Ramsey", "Dakota"]))
    _metro_referrals(advocacy_center, advocate, counties)
    verified_login(client, member(advocacy_center, username="sh_supervisor_metro"))
    page = report(client, "victims", counties=[c.pk for c in counties])
    [headline] = [f for f in page.context["figures"] if f.label == "Safe Harbor referrals"]
    assert headline.value.shown == "6"  # the agency's own figures are exact
    assert shown(table(page, "referral-region"))["Metro (test)"] == ["6", "6"]
    trend = shown(table(report(client, "trends", counties=[c.pk for c in counties]),
                        "trend-referrals"))  # fmt: skip
    assert trend["Safe Harbor referrals"][-1] == "6"


def test_the_coordinators_region_referrals_are_rounded_and_a_set_of_counties_refused(
    client, advocacy_center, advocate, coordinator, task_force
):
    counties = list(County.objects.filter(name__in=["Washington", "Ramsey", "Dakota"]))
    _metro_referrals(advocacy_center, advocate, counties)
    verified_login(client, coordinator)
    page = report(client, "victims", counties=counties[0].pk)
    # The counts under the coordinator's rounded figures (issue #21); the same 6 referrals show
    # the same rounded figure in every table and the headline.
    [headline] = [f for f in page.context["figures"] if f.label == "Safe Harbor referrals"]
    assert headline.value.value == 6
    assert exact(table(page, "referral-source"))["Total"] == ["6", "6"]  # the column, the total
    assert exact(table(page, "referral-region"))["Metro (test)"] == ["6", "6"]
    assert exact(table(page, "referral-status"))["Total"] == ["6", "6"]
    # Fewer than 20 referrals (disclosure.MINIMUM): the breakdown is withheld, the total shown
    # rounded, the same figure as the headline.
    assert shown(table(page, "referral-region"))["Metro (test)"] == ["x", "x"]
    assert shown(table(page, "referral-region"))["Total"] == ["x", headline.value.shown]
    assert headline.value.shown in ("5", "10")
    trend = exact(table(report(client, "trends", counties=counties[0].pk), "trend-referrals"))
    assert trend["Safe Harbor referrals"][-1] == "6"
    elsewhere = County.objects.get(name="Hennepin")
    trend = shown(table(report(client, "trends", counties=[elsewhere.pk]), "trend-referrals"))
    assert trend["Safe Harbor referrals"][-1] == "0"
    # A set of counties (or agencies) is refused next to its field, not cut to one of them.
    several = {"counties": counties[:2], "agencies": [advocacy_center, task_force]}
    for name, chosen in several.items():
        answer = client.get(reverse("report", args=["victims"]), {name: [c.pk for c in chosen]})
        assert answer.status_code == 400
        assert "not offered for a set of several" in str(answer.context["form"].errors[name])
        assert "tables" not in answer.context
