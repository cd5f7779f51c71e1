"""A supervisor reassigns a departing prosecutor's case the day before its hearing, and the
hearing's reminder, sent by a real Celery worker, reaches the new prosecutor.

The journey, in Chromium, as each person sees it (Washington's county attorney's office: a
supervisor and two prosecutors; Alex Berg, leaving, has two open cases, one with a hearing
tomorrow whose reminder is already due):
1. The supervisor signs in; her home page lists the hearing among the office's deadlines.
2. From "Your team" she opens Reassign, picks Alex and sees both cases listed as his.
3. She keeps only the case with the hearing chosen, gives it to Casey Lund and sees the
   confirmation; the other case stays Alex's.
4. A real Celery worker runs the reminder sweep: the hearing's reminder goes to Casey (once),
   nothing to Alex, nothing redirected or dropped.
5. Casey signs in and finds the reminder under Notifications.

Clocks: the worker is another process, so nothing is frozen. The hearing is set a day less five
minutes from real now and each prosecutor is reminded a day ahead, so the reminder is due five
minutes ago whatever the hour, and the sweep sends it at once.
"""

import datetime as dt

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from cases.models import Case
from cases.services.cases import case_create
from cases.services.court import court_event_schedule
from deadlines.tasks import dispatch_reminders
from taskforce.models import Deadline, Notification, Reminder, ReminderSettings, Role
from tests.browser.pages import h1, messages, sign_in, submit_and_wait, texts
from tests.factories import TEST_PASSWORD, member
from tests.workers import running_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DAY_AHEAD = {"court_event": [24 * 60]}


@pytest.fixture
def office(wash_cao):
    """The supervisor, Alex (leaving) with two open cases, and Casey, who takes one over."""
    supervisor = member(wash_cao, Role.SUPERVISOR, username="wash_supervisor",
                        first_name="Morgan", last_name="Hale")  # fmt: skip
    alex = member(wash_cao, Role.PROSECUTOR, username="wash_aberg", first_name="Alex",
                  last_name="Berg")  # fmt: skip
    casey = member(wash_cao, Role.PROSECUTOR, username="wash_clund", first_name="Casey",
                   last_name="Lund")  # fmt: skip
    for prosecutor in (alex, casey):
        ReminderSettings.objects.create(user=prosecutor, lead_minutes=DAY_AHEAD)
    heard, other = (
        case_create(actor=alex, number=number, assigned_prosecutor=alex)
        for number in ("27-CR-26-101", "27-CR-26-102")
    )
    starts_at = timezone.now() + dt.timedelta(days=1, minutes=-5)
    court_event_schedule(actor=alex, case=heard, kind="omnibus", starts_at=starts_at)
    return supervisor, alex, casey, heard, other


def option(user):
    """How the Reassign page's selects name a person."""
    return f"{user.display_name()} ({user.username})"


def pick_by_label(browser, label, text):
    """Choose `text` in the select that the label (by its whole visible text) names."""
    for_id = browser.find_element(
        By.XPATH, f"//main//label[normalize-space()='{label}']"
    ).get_attribute("for")
    Select(browser.find_element(By.ID, for_id)).select_by_visible_text(text)


def checkbox_labelled(browser, label):
    for_id = browser.find_element(
        By.XPATH, f"//main//label[normalize-space()='{label}']"
    ).get_attribute("for")
    return browser.find_element(By.ID, for_id)


def test_a_supervisor_reassigns_a_case_before_its_hearing_and_the_reminder_follows(
    browser, live_server, screenshot, office
):
    supervisor, alex, casey, heard, other = office
    deadline = Deadline.objects.get(rule="court_event")
    [alexs] = Reminder.objects.filter(recipient=alex, status="pending")
    assert alexs.send_at <= timezone.now()  # due already: the next sweep sends it

    # 1. The supervisor's home page lists the hearing among the office's deadlines.
    sign_in(browser, live_server, supervisor.username, TEST_PASSWORD)
    assert texts(browser, "section[aria-labelledby=panel-deadlines] li a") == ["Hearing"]

    # 2. From her team panel to Reassign, and Alex's open cases.
    team = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=panel-team]")
    submit_and_wait(
        browser, team.find_element(By.LINK_TEXT, "Reassign someone's cases and referrals")
    )
    assert h1(browser) == "Reassign"
    pick_by_label(browser, "Person", option(alex))
    submit_and_wait(browser, browser.find_element(By.XPATH, "//main//button[.='Show']"))
    assert texts(browser, "#assignments-heading") == ["Assigned to Alex Berg"]
    rows = browser.execute_script(
        "return [...document.querySelectorAll('main form[method=post] tbody tr')]"
        ".map(tr => [tr.cells[1].querySelector('label').innerText.trim(),"
        " ...[...tr.cells].slice(2, 5).map(td => td.innerText.trim())])"
    )
    heard_label, other_label = str(heard), str(other)
    # Each row says what follows the record: the hearing's deadline and Alex's reminder of it.
    [heard_row] = [row for row in rows if row[0] == heard_label]
    assert heard_row[1] == "Assigned prosecutor" and heard_row[3] == "1"
    assert heard_row[2].startswith("Hearing, due ")
    assert [row for row in rows if row[0] == other_label] == [
        [other_label, "Assigned prosecutor", "—", "—"]
    ]

    # 3. Only the case with the hearing goes, to Casey.
    keep = checkbox_labelled(browser, other_label)
    assert keep.is_selected()  # all are chosen until cleared
    keep.click()
    assert checkbox_labelled(browser, heard_label).is_selected()
    pick_by_label(browser, "To", option(casey))
    submit_and_wait(browser, browser.find_element(By.XPATH, "//main//button[.='Reassign']"))

    assert messages(browser) == ["1 reassigned from Alex Berg to Casey Lund."]
    assert texts(browser, "main form[method=post] tbody td:nth-child(2) label") == [other_label]
    assert screenshot("reassigned-before-hearing").stat().st_size > 0
    assert Case.objects.get(pk=heard.pk).assigned_prosecutor == casey
    assert Case.objects.get(pk=other.pk).assigned_prosecutor == alex
    alexs.refresh_from_db()
    assert alexs.status == "skipped"
    [caseys] = Reminder.objects.filter(recipient=casey, status="pending")
    assert caseys.deadline == deadline and caseys.send_at <= timezone.now()

    # 4. The sweep, on a real worker, twice (as beat may fire it): Casey's reminder, once.
    with running_worker() as worker:
        first, second = dispatch_reminders.delay(), dispatch_reminders.delay()
        assert sorted([first.get(timeout=120), second.get(timeout=120)]) == [0, 1]
        log = worker.log()
    caseys.refresh_from_db()
    assert caseys.status == "sent"
    [note] = Notification.objects.all()  # nothing to Alex, nothing redirected to a supervisor
    assert (note.user, note.reminder, note.redirected_from) == (casey, caseys, None)
    assert note.title.startswith("Hearing: due ")
    assert log.count(f"reminders sent 1 [{caseys.pk}:{casey.pk}]") == 1
    assert "redirected to supervisors 0 []" in log and "undeliverable" not in log
    assert Reminder.objects.filter(status="pending", send_at__lte=timezone.now()).count() == 0

    # 5. Casey finds it among her notifications, marked new.
    sign_in(browser, live_server, casey.username, TEST_PASSWORD)
    bell = browser.find_element(By.CSS_SELECTOR, "a.bell")
    assert bell.get_attribute("textContent").split() == ["Notifications", "1", "unread"]
    submit_and_wait(browser, bell)
    assert h1(browser) == "Notifications"
    assert texts(browser, "main li.row--new button") == [note.title]
