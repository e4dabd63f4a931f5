"""Browser tests of the buurt pages (/buurt/<slug>, /beeld, /uitkomsten, /gebied/<code>) on a small delivery.

The delivery goes through the real `levering` import; the page's figures are compared with what the API serves.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from callbacks.buurt import fmt
from data_access.importers import import_file
from tests.conftest import browser_login, console_errors, login, start_browser_app, write_csv

# De Vijfhoek = one CBS buurt (BU03920105). 2025-B4 is missing; seh_per_1000 in 2025-B5 has only 4 events
# (fewer than 10) and must be hidden with its explanation.
DELIVERY = """gebied;indicator;periode;teller;noemer;waarde;bron
BU03920105;wvpk_uren_per_client;2025-B1;4200;30;;Verzekeraar A
BU03920105;wvpk_uren_per_client;2025-B2;3900;30;;Verzekeraar A
BU03920105;wvpk_uren_per_client;2025-B3;3600;30;;Verzekeraar A
BU03920105;wvpk_uren_per_client;2025-B5;3300;30;;Verzekeraar A
BU03920105;seh_per_1000;2025-B1;40;3000;;Verzekeraar A
BU03920105;seh_per_1000;2025-B5;4;3000;;Verzekeraar A
"""
UIT = "/buurt/de-vijfhoek/uitkomsten"


@pytest.fixture
def loaded_app(app, tmp_path):
    report = import_file(app.server.extensions["engine"], "levering", write_csv(tmp_path / "levering.csv", DELIVERY))
    assert report.ok, report.summary()
    return app


def _api(app, query: str) -> list[dict]:
    client = app.server.test_client()
    assert login(client, "transitie@demo.nl").status_code == 302
    response = client.get(f"/api/v1/observations?{query}")
    assert response.status_code == 200
    return response.get_json()["data"]


def _cells(dash_duo, row_id: str) -> list[str]:
    row = dash_duo.wait_for_element(f"#{row_id}", timeout=30)  # the first view after a refresh computes stored results
    return [td.text for td in row.find_elements(By.TAG_NAME, "td")]


def test_uitkomsten_show_the_values_the_api_serves_with_explanations(dash_duo, loaded_app):
    start_browser_app(dash_duo, loaded_app)
    browser_login(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + UIT + "?review=2025-B5&indicator=wvpk_uren_per_client")
    api = {r["period"]: r for r in _api(loaded_app, "area=de-vijfhoek&indicator=wvpk_uren_per_client")}
    cells = _cells(dash_duo, "uit-row-preventie-wvpk_uren_per_client")
    # latest value and period, nulmeting, change since nulmeting, missing period
    row = "#uit-row-preventie-wvpk_uren_per_client"
    assert cells[1].split("\n")[0] == fmt(api["2025-B5"]["value"]) == "110"
    assert dash_duo.find_element(f"{row} .uit-period").text == "sep–okt 2025"
    assert dash_duo.find_element(f"{row} .uit-interval").text.startswith("95%: " + fmt(api["2025-B5"]["ci_low"]))
    assert cells[2].startswith(fmt(api["2025-B1"]["value"])) and "jan–feb 2025" in cells[2]
    assert cells[3].startswith("−30")  # 110 − 140
    assert "nog niet aangeleverd: jul–aug 2025" in cells[8]
    assert "/api/v1/observations?area=de-vijfhoek&indicator=wvpk_uren_per_client&format=csv-nl" in \
        dash_duo.find_element("#uit-row-preventie-wvpk_uren_per_client a.csv-link").get_attribute("href")
    # the suppressed value is hidden with its reason, as in the API
    seh = {r["period"]: r for r in _api(loaded_app, "area=de-vijfhoek&indicator=seh_per_1000")}
    assert seh["2025-B5"]["value"] is None and seh["2025-B5"]["suppressed"]
    cells = _cells(dash_duo, "uit-row-preventie-seh_per_1000")
    assert cells[1].split("\n")[0] == "–" and "te weinig personen" in cells[8]
    # the detail panel from ?indicator= lists every period, the missing one explained
    detail = dash_duo.wait_for_element(".uit-detail", timeout=30).text
    assert "Uren wijkverpleging per cliënt per jaar" in detail and "nog niet aangeleverd" in detail
    # an earlier review makes an earlier period the latest, and the URL records the choice
    dash_duo.select_dcc_dropdown("#buurt-uit-review", value="Review 2025-B2 (mrt–apr 2025)")
    dash_duo.wait_for_text_to_equal("#uit-row-preventie-wvpk_uren_per_client .uit-period", "mrt–apr 2025",
                                    timeout=30)
    assert "review=2025-B2" in dash_duo.driver.current_url
    assert console_errors(dash_duo) == []


def test_anonymous_visitor_is_sent_to_login_and_back_to_the_page(dash_duo, loaded_app):
    # The request guard: no Dash page for anonymous visitors; after logging in they return to the page they asked.
    start_browser_app(dash_duo, loaded_app)
    dash_duo.driver.get(dash_duo.server_url + UIT)
    dash_duo.wait_for_element("#email", timeout=30)
    assert "/login?next=/buurt/de-vijfhoek/uitkomsten" in dash_duo.driver.current_url
    assert loaded_app.server.test_client().get(
        "/api/v1/observations?area=de-vijfhoek&indicator=wvpk_uren_per_client").get_json()["data"] == []
    dash_duo.find_element("#email").send_keys("vijfhoek@demo.nl")
    dash_duo.find_element("#password").send_keys("demo")
    dash_duo.find_element("button[type=submit]").click()
    cells = _cells(dash_duo, "uit-row-preventie-wvpk_uren_per_client")
    assert cells[1].split("\n")[0] == "110"
    assert console_errors(dash_duo) == []


def test_buurt_without_deliveries_explains_instead_of_failing(dash_duo, loaded_app):
    start_browser_app(dash_duo, loaded_app)
    browser_login(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/buurt/kleverpark-zuid/uitkomsten")
    assert "nog niets aangeleverd" in dash_duo.wait_for_element(".no-data-explanation", timeout=30).text
    assert "nog niet aangeleverd" in _cells(dash_duo, "uit-row-preventie-wvpk_uren_per_client")[8]
    assert console_errors(dash_duo) == []


def test_each_buurt_url_renders_its_own_page_and_unknown_slugs_are_friendly(dash_duo, loaded_app):
    start_browser_app(dash_duo, loaded_app)
    browser_login(dash_duo)
    cases = [
        ("/buurt/de-vijfhoek", "#buurt-overview h1", "De Vijfhoek", "De Vijfhoek"),
        ("/buurt/de-vijfhoek/beeld", "#buurt-beeld-title h1", "Buurtbeeld De Vijfhoek", "De Vijfhoek – buurtbeeld"),
        ("/buurt/de-vijfhoek/uitkomsten", "#buurt-uit-title h1", "Uitkomsten De Vijfhoek",
         "De Vijfhoek – uitkomsten"),
        ("/gebied/BU03920105", "#buurt-beeld-title h1", "BU03920105", "BU03920105 – gebied"),
    ]
    for path, selector, text, title in cases:
        dash_duo.wait_for_page(dash_duo.server_url + path)
        dash_duo.wait_for_text_to_equal(selector, text, timeout=30)
        assert dash_duo.driver.title == f"{title} – Buurtdashboard"
    dash_duo.wait_for_page(dash_duo.server_url + "/buurt/bestaat-niet/uitkomsten")
    dash_duo.wait_for_contains_text("#buurt-uit-title", "Onbekende buurt", timeout=30)
    assert dash_duo.driver.title == "Onbekende buurt – Buurtdashboard"
    dash_duo.wait_for_page(dash_duo.server_url + "/gebied/XX123")
    dash_duo.wait_for_contains_text("#buurt-beeld-title", "Onbekend gebied", timeout=30)
    assert dash_duo.driver.title == "Onbekend gebied – Buurtdashboard"
    assert console_errors(dash_duo) == []
