"""Browser test of the Begroting tab: the network drafts and submits its budget, the transitieteam approves it."""

from __future__ import annotations

import datetime as dt
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from data_access import begroting
from tests.conftest import browser_login, console_errors, start_browser_app
from tests.netwerk_helpers import programme_id

PAGE = "/buurt/de-vijfhoek/begroting"


def _click(dash_duo, selector: str) -> None:
    """Click a visible button through JavaScript (the headless window's footer can overlap the form's end)."""
    element = dash_duo.find_element(selector)
    deadline = time.time() + 10
    while not element.is_displayed() and time.time() < deadline:
        time.sleep(0.1)
    assert element.is_displayed(), f"{selector} should be shown"
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)


def _open(dash_duo) -> None:
    dash_duo.driver.get(dash_duo.server_url + PAGE)
    dash_duo.wait_for_text_to_equal("#begroting-title h1", f"Begroting De Vijfhoek {dt.date.today().year}",
                                    timeout=30)


def test_budget_goes_from_concept_to_submitted_to_approved_in_the_browser(dash_duo, app):
    start_browser_app(dash_duo, app)
    dash_duo.driver.set_window_size(1366, 2000)  # the whole tab in view: nothing to scroll to or overlap
    browser_login(dash_duo, "vijfhoek@demo.nl")
    _open(dash_duo)
    dash_duo.wait_for_contains_text("#begroting-table", "nog geen begroting", timeout=30)
    dash_duo.wait_for_contains_text("#begroting-impact", "effect", timeout=30)  # the page has stopped moving
    dash_duo.find_element("#begroting-theme").click()  # Dash 4's dropdown opens a list of options
    next(o for o in dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role=option]")
         if o.text == "Zorgzame buurt").click()
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    dash_duo.wait_for_no_elements("[role=option]", timeout=5)
    dash_duo.find_element("#begroting-act-title").send_keys("Voorzorgcirkel")
    dash_duo.find_element("#begroting-costs").send_keys("8000")
    dash_duo.find_element("#begroting-hours").send_keys("100")
    _click(dash_duo, "#begroting-save")
    dash_duo.wait_for_contains_text(".begroting-saved", "Activiteit opgeslagen", timeout=30)
    dash_duo.wait_for_text_to_equal("#begroting-total-costs", "€ 8.000", timeout=30)
    assert dash_duo.find_element("#begroting-status-badge").text == "Concept"

    _click(dash_duo, "#begroting-submit")
    dash_duo.wait_for_text_to_equal("#begroting-status-badge", "Ingediend", timeout=30)
    assert not dash_duo.find_element("#begroting-approve").is_displayed()  # the network cannot approve its own

    dash_duo.driver.delete_all_cookies()
    browser_login(dash_duo, "transitie@demo.nl")
    _open(dash_duo)
    dash_duo.wait_for_text_to_equal("#begroting-status-badge", "Ingediend", timeout=30)
    _click(dash_duo, "#begroting-comment")
    dash_duo.find_element("#begroting-comment").send_keys("Akkoord, let op de uren in het tweede kwartaal.")
    _click(dash_duo, "#begroting-approve")
    dash_duo.wait_for_text_to_equal("#begroting-status-badge", "Goedgekeurd", timeout=30)
    dash_duo.wait_for_contains_text("#begroting-commission-comment", "let op de uren", timeout=30)
    engine = app.server.extensions["engine"]
    with engine.connect() as conn:
        budget = begroting.budget(conn, programme_id(engine, "de-vijfhoek"), dt.date.today().year)
        versions = begroting.history(conn, budget["id"])
    assert [(v.data["status"], v.author) for v in versions] == [
        ("goedgekeurd", "transitie@demo.nl"), ("ingediend", "vijfhoek@demo.nl"), ("concept", "vijfhoek@demo.nl")]
    assert console_errors(dash_duo) == []
