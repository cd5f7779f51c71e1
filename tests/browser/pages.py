"""Steps a person takes in the browser, shared by the browser tests."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait


def sign_in(browser, live_server, username, password):
    """Password, then the second step with a code from the person's authenticator (a new TOTP
    device per sign-in, so signing in twice within 30 seconds is no replayed code)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from taskforce.models import User
    from tests.factories import totp_code

    user = User.objects.filter(username=username).first()
    if user is not None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    sign_in_password_only(browser, live_server, username, password)
    if "/accounts/mfa/verify/" not in browser.current_url:
        return  # a wrong password stays on the sign-in page
    browser.find_element(By.ID, "id_token").send_keys(totp_code(device))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))


def sign_in_password_only(browser, live_server, username, password):
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys(password)
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))


def submit_and_wait(browser, button):
    """Click, then wait until a new page has replaced this one and finished loading."""
    browser.execute_script("window.__leaving = true")
    button.click()
    WebDriverWait(browser, 10).until(
        lambda b: b.execute_script(
            "return window.__leaving === undefined && document.readyState === 'complete'"
        )
    )


def texts(browser, selector):
    """Visible text of every match, right now (no implicit wait when there are none)."""
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText.trim())",
        selector,
    )


def table(browser, selector):
    """Each body row of the matching table(s), as its cells' texts."""
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0] + ' tbody tr')]"
        ".map(tr => [...tr.cells].map(td => td.innerText.trim()))",
        selector,
    )


def h1(browser):
    return browser.find_element(By.TAG_NAME, "h1").text


def messages(browser):
    return texts(browser, ".messages .message")


def value(browser, input_id):
    return browser.find_element(By.ID, input_id).get_attribute("value")


def follow_nav(browser, label):
    nav = browser.find_element(By.CSS_SELECTOR, "nav[aria-label=Main]")
    submit_and_wait(browser, nav.find_element(By.LINK_TEXT, label))


def click(browser, text):
    """Follow the link or press the button in the page's main part whose whole text is `text`
    (text only screen readers hear included)."""
    element = browser.find_element(
        By.XPATH, f"//main//*[self::a or self::button][normalize-space()='{text}']"
    )
    submit_and_wait(browser, element)


def pick(browser, select_id, text):
    Select(browser.find_element(By.ID, select_id)).select_by_visible_text(text)


def type_into(browser, input_id, text):
    field = browser.find_element(By.ID, input_id)
    field.clear()
    field.send_keys(text)


def type_date(browser, input_id, day):
    """Chromium's en-US date input takes the digits of month, day and year."""
    field = browser.find_element(By.ID, input_id)
    field.send_keys(f"{day:%m%d%Y}")
    assert field.get_attribute("value") == day.isoformat()


def type_datetime(browser, input_id, when):
    """Chromium's en-US date-and-time input: month, day, year, then a 12-hour time and A or P."""
    field = browser.find_element(By.ID, input_id)
    half = "P" if when.hour >= 12 else "A"
    field.send_keys(f"{when:%m%d%Y}", Keys.ARROW_RIGHT, f"{when:%I%M}{half}")
    assert field.get_attribute("value") == f"{when:%Y-%m-%dT%H:%M}"


def field_error(browser, input_id):
    """The error shown for a field, checked to sit in the field's own cell or group (marked
    invalid) and to be announced with it by aria-describedby."""
    field = browser.find_element(By.ID, input_id)
    error = browser.find_element(By.ID, f"{input_id}_error")
    container = "./ancestor::*[self::td or contains(@class, 'field')][1]"
    box = field.find_element(By.XPATH, container)
    assert error.find_element(By.XPATH, container) == box
    if box.tag_name != "td":
        assert "field--invalid" in box.get_attribute("class")
    assert f"{input_id}_error" in (field.get_attribute("aria-describedby") or "").split()
    return error.text
