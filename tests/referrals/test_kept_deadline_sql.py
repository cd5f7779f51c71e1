"""Which deadlines a person sees is decided in SQL compiled once per process and kept
(`access.kept_condition`, issue #22). What it reads is read when it runs: a consent that lapses
after the SQL was kept stops showing the sender the referral's deadlines that very day, and
another person, of another agency or of the same one, never gets the first person's answer."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from deadlines.records import deadlines_seen_rows, deadlines_visible
from deadlines.selectors import agency_deadlines
from referrals.services import referral_open_victim, referral_transition
from taskforce.models import Deadline, Role
from tests.factories import member
from victims.services import consent_record, contact_record

pytestmark = pytest.mark.django_db
REFERRAL_RULES = {"first_contact", "follow_up"}
NOW = timezone.make_aware(dt.datetime(2026, 3, 10, 10, 0))  # a Tuesday morning


@pytest.fixture
def consented(referral, advocate, sheriff):
    """Taken up, a first contact made (the follow-up clock runs), and the victim's consent to
    the sending sheriff's office in force through tomorrow."""
    with time_machine.travel(NOW, tick=False):
        for status in ("received", "accepted"):
            referral = referral_transition(actor=advocate, referral=referral, to_status=status)
        victim = referral_open_victim(
            actor=advocate, referral=referral, identified_how="sting", guardian_note="Mother"
        )
        contact_record(actor=advocate, victim=victim, at=timezone.now() - dt.timedelta(hours=1),
                       method="phone", reached=True)  # fmt: skip
        consent_record(
            actor=advocate, victim=victim, to_agency=sheriff, scope="status", purpose="Updates",
            signed_on=timezone.localdate(), expires_on=timezone.localdate() + dt.timedelta(days=1),
            signed_by_minor=True, guardian_name="Ruth Strand", guardian_relationship="Mother",
        )  # fmt: skip
    return referral


def rules_seen(user) -> set[str]:
    return set(deadlines_visible(user).values_list("rule", flat=True))


def test_a_consent_lapsing_after_the_sql_was_kept_ends_the_senders_view_that_day(
    consented, sheriff_liaison
):
    with time_machine.travel(NOW, tick=False):
        assert rules_seen(sheriff_liaison) >= REFERRAL_RULES  # compiled and kept here
    # The consent's last day: still in force.
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        assert rules_seen(sheriff_liaison) >= REFERRAL_RULES
    # The day after it expires: the same kept SQL, asked again, shows none of them.
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        assert not rules_seen(sheriff_liaison) & REFERRAL_RULES
        assert Deadline.objects.filter(rule__in=REFERRAL_RULES, status="open").exists()


def test_the_rows_tested_one_by_one_end_the_senders_view_the_same_day(consented, sheriff_liaison):
    """`deadlines_seen_rows`, the condition a panel tests each deadline with, kept compiled
    too: the same answers as `deadlines_visible` through the consent's last day and after."""

    def tested(user) -> set[str]:
        rows = Deadline.objects.filter(deadlines_seen_rows(user))
        return set(rows.values_list("rule", flat=True))

    for days, sees in ((0, True), (1, True), (2, False)):
        with time_machine.travel(NOW + dt.timedelta(days=days), tick=False):
            assert bool(tested(sheriff_liaison) & REFERRAL_RULES) is sees
            assert tested(sheriff_liaison) == rules_seen(sheriff_liaison)


def test_no_one_else_gets_the_first_persons_kept_answer(
    consented, sheriff_liaison, advocate, woodbury_liaison
):
    colleague = member(advocate.agency, Role.ADVOCATE)
    with time_machine.travel(NOW, tick=False):
        # The advocate's agency sees its referral's deadlines; the answer is kept for her.
        assert rules_seen(advocate) >= REFERRAL_RULES
        due = agency_deadlines(advocate, now=NOW)
        assert "consent_expiry" in {d.rule for d in due["today"] + due["week"]}
        # Another police agency's liaison, the same role as the consented sender: nothing.
        assert not rules_seen(woodbury_liaison) & REFERRAL_RULES
        # The sender sees them only through the consent; the advocate's colleague through
        # her own agency: each has a kept answer of their own.
        assert rules_seen(sheriff_liaison) >= REFERRAL_RULES
        assert "consent_expiry" not in rules_seen(sheriff_liaison)
        assert rules_seen(colleague) >= REFERRAL_RULES | {"consent_expiry"}
        assert not rules_seen(woodbury_liaison) & REFERRAL_RULES
