"""An advocate keeps a victim's safety plan current, and a save over a colleague's is refused.

The journey, in Chromium, as each person sees it (a 16-year-old referred by the sheriff's liaison,
accepted by the advocacy center, with a victim record opened):
1. The advocate signs in, finds the youth under "People in services" and opens the record.
2. She changes how to reach the youth, the safe times and the safety concerns, reaching Save by
   keyboard; the record shows the new values.
3. Clearing the custody note of a minor is refused beside the field; nothing is saved.
4. She opens the contact page again; meanwhile a colleague saves a new contact method. Her save
   is refused with both versions side by side, and the colleague's value stays. Saving again,
   knowingly, keeps hers.
5. The center's supervisor sees the change history: "victim.changed" with field names, never
   what was written.
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from referrals.models import Referral
from referrals.services import referral_transition
from taskforce.models import AuditEvent, Role
from tests.browser.pages import (
    click,
    field_error,
    h1,
    messages,
    sign_in,
    submit_and_wait,
    table,
    texts,
    type_into,
    value,
)
from tests.factories import TEST_PASSWORD, member
from victims.models import Victim
from victims.services import victim_create, victim_update

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAME = "Strand, Kaya"  # the `youth` fixture, as pages name people
BEFORE = {"address": "Old shelter", "phone": "651-555-0100", "contact_method": "Call"}
CONTACT_BY = "Text first, never voicemail"
SAFE_TIMES = "Weekdays 3-5pm, at school"
CONCERNS = "Trafficker knows the old shelter; drives a grey sedan"
COLLEAGUES_METHOD = "Through the school counsellor only"


@pytest.fixture
def victim(referral, advocate):
    referral_transition(actor=advocate, referral=referral, to_status="received")
    referral_transition(actor=advocate, referral=referral, to_status="accepted")
    victim = victim_create(
        actor=advocate, person=referral.person, identified_how="sting",
        guardian_note="Mother has custody", **BEFORE,
    )  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(victim=victim)
    return victim


def facts(browser, panel_id):
    """A panel's facts (definition list) as {term: description}, as shown."""
    return browser.execute_script(
        "const dl = document.querySelector(`section[aria-labelledby=${arguments[0]}] dl`);"
        "return Object.fromEntries([...dl.querySelectorAll('dt')]"
        ".map(dt => [dt.innerText.trim(), dt.nextElementSibling.innerText.trim()]))",
        panel_id,
    )


def save_by_keyboard(browser, last_field_id):
    """Tab from the form's last field to Save and press Enter, as a keyboard user does."""
    browser.find_element(By.ID, last_field_id).send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert (focused.tag_name, focused.text) == ("button", "Save")
    browser.execute_script("window.__leaving = true")
    focused.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(
        lambda b: b.execute_script(
            "return window.__leaving === undefined && document.readyState === 'complete'"
        )
    )


def test_an_advocate_updates_a_safety_plan_and_a_stale_save_is_refused(
    browser, live_server, screenshot, victim, advocate, advocate_supervisor, advocacy_center
):
    detail_url = f"{live_server.url}/victims/{victim.public_id}/"

    # 1. The advocate opens the youth's record from her home page.
    sign_in(browser, live_server, advocate.username, TEST_PASSWORD)
    served = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=panel-served]")
    submit_and_wait(browser, served.find_element(By.LINK_TEXT, NAME))
    assert browser.current_url == detail_url
    assert h1(browser) == NAME
    assert facts(browser, "contact")["Contact by"] == "Call"

    # 2. Contact and safety: the form holds what the record holds; Save is reached by Tab.
    click(browser, "Edit contact and safety")
    assert h1(browser) == "Contact and safety"
    assert browser.title.startswith("Edit contact and safety")
    assert NAME not in browser.title
    assert value(browser, "id_address") == "Old shelter"
    type_into(browser, "id_contact_method", CONTACT_BY)
    type_into(browser, "id_safe_times", SAFE_TIMES)
    type_into(browser, "id_safety_concerns", CONCERNS)
    save_by_keyboard(browser, "id_interpreter_needed")

    assert browser.current_url == detail_url
    assert messages(browser) == ["Contact and safety saved."]
    contact = facts(browser, "contact")
    assert (contact["Contact by"], contact["Safe times"]) == (CONTACT_BY, SAFE_TIMES)
    assert contact["Staying at"] == "Old shelter"  # untouched fields keep their values
    assert facts(browser, "record")["Safety"] == CONCERNS

    # 3. A minor's custody note cannot be emptied: the error sits beside the field.
    click(browser, "Edit custody")
    assert h1(browser) == "Custody"
    type_into(browser, "id_guardian_note", " ")
    click(browser, "Save")
    assert h1(browser) == "Custody"  # still on the form
    assert field_error(browser, "id_guardian_note") == (
        "For a minor, note who has custody (and any no-contact orders)."
    )
    assert messages(browser) == []
    assert Victim.objects.get(pk=victim.pk).guardian_note == "Mother has custody"
    click(browser, "Cancel")
    assert facts(browser, "record")["Custody"] == "Mother has custody"

    # 4. She opens the contact page; a colleague saves a new contact method meanwhile.
    click(browser, "Edit contact and safety")
    assert value(browser, "id_contact_method") == CONTACT_BY
    colleague = member(advocacy_center, Role.ADVOCATE, username="scv_colleague",
                       first_name="Dana", last_name="Olson")  # fmt: skip
    opened = Victim.objects.get(pk=victim.pk)
    victim_update(actor=colleague, victim=opened, expected_version=opened.version,
                  section="contact", data={"contact_method": COLLEAGUES_METHOD})  # fmt: skip
    type_into(browser, "id_contact_method", "Call after 6pm")
    click(browser, "Save")

    assert h1(browser) == "Contact and safety"  # refused, still on the form
    [refusal] = texts(browser, ".form-errors")
    assert refusal.startswith("Dana Olson changed this record at ")
    assert "after you opened it. Nothing of yours was saved." in refusal
    conflict = {row[0]: row[1:] for row in table(browser, "table.conflict")}
    assert conflict["Contact by"] == [COLLEAGUES_METHOD, "Call after 6pm"]  # theirs, yours
    assert conflict["Safe times"] == [SAFE_TIMES, SAFE_TIMES]
    assert value(browser, "id_contact_method") == "Call after 6pm"  # what she typed is kept
    assert messages(browser) == []
    assert Victim.objects.get(pk=victim.pk).contact_method == COLLEAGUES_METHOD
    assert screenshot("victim-stale-save-refused").stat().st_size > 0

    # Saving again over the colleague's version is a choice made knowingly: it is kept.
    click(browser, "Save")
    assert messages(browser) == ["Contact and safety saved."]
    assert facts(browser, "contact")["Contact by"] == "Call after 6pm"

    # 5. The supervisor sees that the record changed, by whom and which fields, not the content.
    sign_in(browser, live_server, advocate_supervisor.username, TEST_PASSWORD)
    browser.get(detail_url)
    history = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=access-history]")
    actions = [row[2] for row in table(browser, "section[aria-labelledby=access-history]")]
    changes = [a for a in actions if a.startswith("victim.changed")]
    assert len(changes) == 3  # hers, the colleague's, hers again
    assert "victim.changed (contact_method)" in changes
    assert any("safe_times" in a and "safety_concerns" in a for a in changes)
    shown = history.text
    for written in (CONTACT_BY, SAFE_TIMES, CONCERNS, COLLEAGUES_METHOD, "Call after 6pm"):
        assert written not in shown
    assert "scv_colleague" in shown and advocate.username in shown
    assert AuditEvent.objects.filter(action="victim.changed", target_id=victim.pk).count() == 3
