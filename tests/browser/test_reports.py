"""The task force's coordinator reads the reports on the demo data; a supervisor reads its own.

The journey, in Chromium (demo data: the sheriff's "Operation Northern Lights (demo)" with its
arrests handed to both county attorneys, Ramsey's case taken to a plea, two Safe Harbor
referrals taken up by the St. Croix Valley advocacy center):
1. The coordinator signs in (password, then authenticator code) and follows "Reports": the
   operations page shows the headline figures and, per operation, a chart (an SVG image named
   by its title) beside a table whose numbers are the demo's arrests, hand-offs and outcomes.
2. They narrow the period with the date inputs and press Enter: the figures follow the period.
3. On "Victims and referrals" the demo's few victims and referrals show as "x" (in figures,
   tables and charts alike), no victim's name is anywhere in the page, and every table has its
   CSV link (nothing is downloaded).
4. Washington's county attorney's supervisor sees the real small numbers of its own records,
   and of the referral its office sent, no more progress than the referral's page shows it.
Every page is checked for what keyboard and screen-reader users rely on.
"""

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Q
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from cases.models import Arrest, CaseStatus, Disposition, Operation
from home.demo import DEMO_OPERATION, DEMO_PASSWORD, seed_demo
from referrals.models import Referral, ReferralStatus
from taskforce.models import Agency
from tests.browser.pages import follow_nav, h1, sign_in, submit_and_wait, texts, type_date
from victims.models import Consent, Victim

# Counties and statutes are seeded by data migrations, and an earlier transactional test flushes
# them: serialized_rollback starts this test from the migrated database instead.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CONVICTIONS = [
    Disposition.CONVICTED,
    Disposition.PLEADED_AS_CHARGED,
    Disposition.PLEADED_LESSER,
]
SMALL = {"1", "2", "3", "4"}


# --- Expected numbers, from the database ------------------------------------------------------


def period(start: dt.date, end: dt.date) -> Q:
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return Q(arrested_at__gte=since, arrested_at__lt=until)


def outcomes(arrests) -> dict[str, int]:
    """What the operations page counts of these arrests, column by column."""
    handed = arrests.filter(handoffs__isnull=False).distinct()
    charged = handed.filter(handoffs__case__charges__isnull=False).distinct()
    convicted = handed.filter(handoffs__case__charges__disposition__in=CONVICTIONS).distinct()
    decided = handed.filter(
        Q(handoffs__case__charges__disposition__in=Disposition.values)
        | Q(handoffs__case__status=CaseStatus.DECLINED)
    ).distinct()
    return {
        "Arrests": arrests.count(),
        "Handed off": handed.count(),
        "Charged": charged.count(),
        "Convicted": convicted.count(),
        "Pending": handed.exclude(pk__in=decided.values("pk")).count(),
    }


def people_served():
    """Everyone a victim record or a referral is about: none of their names may be shown."""
    persons = [v.person for v in Victim.objects.select_related("person")]
    persons += [r.person for r in Referral.objects.select_related("person")]
    return {p.pk: p for p in persons}.values()


# --- Reading pages ----------------------------------------------------------------------------


def figures(browser) -> dict[str, str]:
    """The headline figures: label (without the note of what a median stands on) → value."""
    return browser.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('main dl.figures .figure')]"
        ".map(f => [f.querySelector('dt').firstChild.textContent.trim(),"
        " f.querySelector('dd').innerText.trim()]))"
    )


def report_table(browser, key) -> dict[str, dict[str, str]]:
    """A report table by its key: row label → column header → cell as shown (headers as
    written, not as styled: the stylesheet capitalises them)."""
    headers, *rows = browser.execute_script(
        "const t = document.querySelector(`section#${arguments[0]} table`);"
        "return [[...t.tHead.rows[0].cells], ...[...t.tBodies[0].rows].map(r => [...r.cells])]"
        ".map(cells => cells.map(c => c.textContent.trim()));",
        key,
    )
    return {row[0]: dict(zip(headers[1:], row[1:], strict=True)) for row in rows}


def all_cells(browser) -> list[str]:
    return texts(browser, "main table td")


def chart(browser, key) -> dict:
    """The chart beside a table: its accessible name and what it draws."""
    return browser.execute_script(
        "const svg = document.querySelector(`section#${arguments[0]} svg[role=img]`);"
        "if (!svg) return null;"
        "const label = document.getElementById(svg.getAttribute('aria-labelledby'));"
        "return {name: label && label.textContent, title: svg.querySelector('title').textContent,"
        " bars: [...svg.querySelectorAll('rect > title')].map(t => t.textContent),"
        " values: [...svg.querySelectorAll('text.chart__value')].map(t => t.textContent)};",
        key,
    )


def current_tab(browser) -> list[str]:
    return texts(browser, "nav.tabs a[aria-current=page]")


def export_links(browser) -> dict[str, str]:
    """Each table's CSV link: table key → address (the links are only read, never followed)."""
    return browser.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('main section.report-table')]"
        ".map(s => [s.id, s.querySelector('a[href*=\"export=\"]')?.getAttribute('href')]))"
    )


def check_accessible(browser):
    """What keyboard and screen-reader users rely on, on a reports page."""
    problems = browser.execute_script(
        """
        const problems = [];
        const main = document.querySelector('main');
        const levels = [...main.querySelectorAll('h1, h2, h3, h4, h5, h6')]
          .map(h => Number(h.tagName[1]));
        if (levels[0] !== 1 || levels.filter(l => l === 1).length !== 1)
          problems.push('one h1, first: ' + levels);
        levels.forEach((l, i) => { if (i && l > levels[i - 1] + 1)
          problems.push('heading skips a level: ' + levels); });
        for (const field of main.querySelectorAll('form input, form select')) {
          if (field.type === 'hidden') continue;
          if (!field.id || !document.querySelector(`label[for="${field.id}"]`))
            problems.push('no label: ' + field.name);
        }
        for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby]')) {
          for (const attr of ['aria-describedby', 'aria-labelledby'])
            for (const id of (el.getAttribute(attr) || '').split(/\\s+/).filter(Boolean))
              if (!document.getElementById(id)) problems.push(`${attr} ${id}: no such element`);
        }
        for (const t of main.querySelectorAll('table')) {
          if (!t.caption || !t.caption.textContent.trim()) problems.push('table without caption');
          for (const th of t.querySelectorAll('thead th'))
            if (th.getAttribute('scope') !== 'col') problems.push('column header without scope');
          for (const th of t.querySelectorAll('tbody th, tfoot th'))
            if (th.getAttribute('scope') !== 'row') problems.push('row header without scope');
        }
        for (const svg of main.querySelectorAll('svg[role=img]')) {
          const name = document.getElementById(svg.getAttribute('aria-labelledby'));
          if (!name || name.tagName !== 'title' || !name.textContent.trim())
            problems.push('chart without a title');
        }
        if (document.querySelectorAll('nav.tabs a[aria-current=page]').length > 1)
          problems.push('more than one current tab');
        for (const a of document.querySelectorAll('nav.tabs a'))
          if (!a.getAttribute('href')) problems.push('a tab the keyboard cannot reach');
        if (document.querySelector('[style]')) problems.push('inline style (CSP)');
        return problems;
        """
    )
    assert problems == []


# --- Acting on pages --------------------------------------------------------------------------


def press_enter(browser, element):
    """Press Enter in a form field (the form's implicit submission) and wait for the new page."""
    browser.execute_script("window.__leaving = true")
    element.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(
        lambda b: b.execute_script(
            "return window.__leaving === undefined && document.readyState === 'complete'"
        )
    )


def open_tab(browser, label):
    tabs = browser.find_element(By.CSS_SELECTOR, "nav.tabs")
    submit_and_wait(browser, tabs.find_element(By.LINK_TEXT, label))


# --- The journeys -----------------------------------------------------------------------------


def test_the_coordinator_reads_operations_and_suppressed_referrals(
    browser, live_server, screenshot
):
    seed_demo()
    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=364)  # the pages' default period: the last 12 months
    operation = Operation.objects.get(name=DEMO_OPERATION)
    demo_arrests = Arrest.objects.filter(operation=operation)
    # The page's headline figures count every sting's arrests in the period (the demo's story
    # has several), the table each operation's.
    expected = outcomes(Arrest.objects.filter(period(year_ago, today)))
    assert expected["Handed off"] > expected["Charged"] >= expected["Convicted"] > 0

    # 1. Sign in, follow "Reports": the operations page, its figures, chart and table.
    sign_in(browser, live_server, "taskforce_coordinator", DEMO_PASSWORD)
    follow_nav(browser, "Reports")
    assert h1(browser) == "Reports: Operations"
    assert current_tab(browser) == ["Operations"]
    assert browser.find_element(By.ID, "id_start").get_attribute("value") == year_ago.isoformat()
    check_accessible(browser)

    shown = figures(browser)
    operations_run = Operation.objects.filter(starts_on__gte=year_ago, starts_on__lte=today)
    assert shown["Operations run"] == str(operations_run.count())
    for label, column in [("Arrests", "Arrests"), ("Handed off to prosecution", "Handed off"),
                          ("Charged", "Charged"), ("Convicted", "Convicted"),
                          ("Pending", "Pending")]:  # fmt: skip
        assert shown[label] == str(expected[column]), label

    by_operation = report_table(browser, "by-operation")
    row = by_operation[DEMO_OPERATION]
    of_demo = outcomes(demo_arrests.filter(period(year_ago, today)))
    assert {column: row[column] for column in of_demo} == {
        column: str(n) for column, n in of_demo.items()
    }
    drawn = chart(browser, "by-operation")
    assert drawn["name"] == drawn["title"]
    assert drawn["title"].startswith("Arrests by operation (chart;")
    # The bar splits the arrests handed off into their outcomes, each named with its number.
    assert str(of_demo["Handed off"]) in drawn["values"]
    assert f"{DEMO_OPERATION}: Convicted {of_demo['Convicted']}" in drawn["bars"]
    assert f"{DEMO_OPERATION}: Pending {of_demo['Pending']}" in drawn["bars"]
    browser.execute_script("document.querySelector('dl.figures').scrollIntoView()")
    assert screenshot("reports-operations-coordinator").stat().st_size > 0

    # 2. A shorter period, typed into the date input and submitted with Enter.
    start = timezone.localdate(demo_arrests.order_by("arrested_at").last().arrested_at)
    start_field = browser.find_element(By.ID, "id_start")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=id_start]").text.startswith("From")
    type_date(browser, "id_start", start)
    press_enter(browser, start_field)
    assert f"start={start.isoformat()}" in browser.current_url
    assert h1(browser) == "Reports: Operations"
    assert browser.find_element(By.ID, "id_start").get_attribute("value") == start.isoformat()
    narrowed = outcomes(Arrest.objects.filter(period(start, today)))
    assert 0 < narrowed["Arrests"] < expected["Arrests"]
    shown = figures(browser)
    assert shown["Arrests"] == str(narrowed["Arrests"])
    assert shown["Operations run"] == str(
        Operation.objects.filter(starts_on__gte=start, starts_on__lte=today).count()
    )
    assert report_table(browser, "by-operation")[DEMO_OPERATION]["Arrests"] == str(
        narrowed["Arrests"]
    )

    # 3. Victims and referrals, over the same period (the tabs keep it): a count of 1 to 4 is
    # hidden as "x", larger ones as they are, and hidden counts are not drawn.
    open_tab(browser, "Victims and referrals")
    assert h1(browser) == "Reports: Victims and referrals"
    assert f"start={start.isoformat()}" in browser.current_url
    assert current_tab(browser) == ["Victims and referrals"]
    check_accessible(browser)
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    in_period = Referral.objects.filter(created_at__gte=since)
    victims = Victim.objects.filter(identified_on__gte=start).count()
    assert in_period.exists() and victims >= 1  # the demo has some in the period

    def shows(figure: str, count: int) -> bool:
        """How the coordinator sees a count of people (issue #21): 1 to 4 hidden as "x", the
        rest rounded by its cell key to a multiple of 5 at most 4 away."""
        if figure == "x":
            return 1 <= count <= 4
        return int(figure) % 5 == 0 and abs(int(figure) - count) <= 4

    shown = figures(browser)
    assert shows(shown["Victims identified"], victims), (shown, victims)
    assert shows(shown["Safe Harbor referrals"], in_period.count()), (shown, in_period.count())
    by_source = Counter(in_period.values_list("source", flat=True))
    sources = report_table(browser, "referral-source")
    cells = {cell for row in sources.values() for cell in row.values()}
    if any(1 <= n <= 4 for n in by_source.values()):
        assert "x" in cells
    assert not SMALL & set(all_cells(browser))  # no count of 1 to 4 anywhere
    drawn = chart(browser, "referral-source")
    drawn_counts = [bar.rsplit(" ", 1)[-1] for bar in (drawn or {}).get("bars", [])]
    assert not SMALL & set(drawn_counts)  # hidden counts are not drawn either
    hidden_note = "Some counts are hidden to protect the people they count."
    assert (hidden_note in browser.find_element(By.TAG_NAME, "main").text) == (
        "x" in set(all_cells(browser)) or "x" in shown.values()
    )

    page = browser.page_source
    names = [(p.first_name, p.last_name) for p in people_served()]
    assert names
    # Named as the app names people ("Last, First") or as written ("First Last"); a first name
    # alone may be a place's ("St. Paul", "Roseau").
    for first, last in names:
        for name in (f"{last}, {first}", f"{first} {last}"):
            assert name not in page, "a victim's name is on the page"

    links = export_links(browser)
    assert links["referral-source"].endswith("export=referral-source")
    assert all(links.values()), links
    grant = browser.find_element(By.CSS_SELECTOR, "nav.tabs").find_element(
        By.LINK_TEXT, "Grant export (CSV)"
    )
    assert grant.get_attribute("href").startswith(f"{live_server.url}/reports/grant.csv")
    browser.execute_script("document.querySelector('dl.figures').scrollIntoView()")
    assert screenshot("reports-victims-coordinator").stat().st_size > 0


def test_a_supervisor_sees_the_real_small_numbers_of_its_own_records(browser, live_server):
    seed_demo()
    attorney = Agency.objects.get(short_name="WCAO")
    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=364)  # the pages' default period: the last 12 months
    handed_here = (
        Arrest.objects.filter(handoffs__to_agency=attorney)
        .filter(period(year_ago, today))
        .distinct()
    )
    sent_here = Referral.objects.filter(referring_agency=attorney)
    assert 1 <= sent_here.count() <= 4  # small: the coordinator sees "x"

    sign_in(browser, live_server, "wash_supervisor", DEMO_PASSWORD)
    follow_nav(browser, "Reports")
    assert h1(browser) == "Reports: Operations"
    assert browser.find_element(By.CSS_SELECTOR, "main .lede").text.startswith(
        "Figures over the records your agency may open"
    )
    check_accessible(browser)
    shown = figures(browser)
    assert shown["Arrests"] == str(handed_here.count())
    assert shown["Handed off to prosecution"] == str(handed_here.count())

    open_tab(browser, "Victims and referrals")
    check_accessible(browser)
    assert figures(browser)["Safe Harbor referrals"] == str(sent_here.count())
    sources = report_table(browser, "referral-source")
    assert sources["Prosecution"]["Referrals"] == str(
        sent_here.filter(source="prosecution").count()
    )
    assert not {"x", "<5", "—"} & set(all_cells(browser))

    # As on the referral's own page, the sender sees its progress no further than "received"
    # without the victim's consent to it (none in the demo), nor the advocates' contact log.
    assert not Consent.objects.filter(to_agency=attorney).exists()
    assert sent_here.filter(status=ReferralStatus.ENGAGED).exists()  # what it may not learn
    statuses = report_table(browser, "referral-status")
    assert statuses["Received"]["Referrals"] == str(
        sent_here.exclude(status=ReferralStatus.SENT).count()
    )
    assert statuses["Engaged in services"]["Referrals"] == "0"
    assert figures(browser)["Median days, referral to first contact"] == "n/a"
