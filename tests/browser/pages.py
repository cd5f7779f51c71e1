"""Steps a person takes in the browser, shared by the browser tests."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait


def sign_in(browser, live_server, username, password):
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
