"""Browser test of /beheer/gebruikers: a beheerder creates a user and sees it listed; no console (CSP) errors."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import select

from data_access.models import User
from tests.conftest import browser_login, start_browser_app


def test_beheerder_creates_a_user_and_sees_it_in_the_list(dash_duo, app):
    start_browser_app(dash_duo, app)
    browser_login(dash_duo, "beheer@demo.nl")
    dash_duo.driver.get(dash_duo.server_url + "/beheer/gebruikers")
    dash_duo.wait_for_element("#beheer-users-table table", timeout=30)
    dash_duo.find_element("#beheer-users-new-email").send_keys("nieuwe.collega@transitie.nl")
    dash_duo.find_element("#beheer-users-new-name").send_keys("Nieuwe Collega")
    dash_duo.find_element("#beheer-users-new-role").click()  # Dash 4's dropdown opens a list of options
    option = next(o for o in dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role=option]")
                  if o.text == "transitieteam")
    option.click()
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ESCAPE)  # close the list again
    dash_duo.wait_for_no_elements("[role=option]", timeout=5)
    dash_duo.wait_for_contains_text("#beheer-users-new-role", "transitieteam", timeout=5)
    # keyboard activation, as a user tabbing through the form would (the closing popover may still overlap)
    dash_duo.find_element("#beheer-users-new-submit").send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#beheer-users-new-feedback", "is aangemaakt", timeout=30)
    password = dash_duo.find_element("#beheer-users-new-feedback code").text
    assert len(password) >= 12
    with app.server.extensions["engine"].connect() as conn:
        user_id, role = conn.execute(select(User.id, User.role).where(
            User.email == "nieuwe.collega@transitie.nl")).one()
    assert role == "transitieteam"
    dash_duo.wait_for_contains_text(f"#beheer-users-row-{user_id}", "nieuwe.collega@transitie.nl", timeout=30)
    cells = [td.text for td in dash_duo.find_element(f"#beheer-users-row-{user_id}").find_elements(By.TAG_NAME, "td")]
    assert cells[1:3] == ["Nieuwe Collega", "transitieteam"] and cells[5] == "actief"
    # the audit page lists the creation, filtered through the URL
    dash_duo.driver.get(dash_duo.server_url + "/beheer/audit?actie=user_created")
    dash_duo.wait_for_contains_text("#beheer-audit-table", "nieuwe.collega@transitie.nl", timeout=30)
    assert dash_duo.get_logs() == []  # no console errors, CSP violations included
