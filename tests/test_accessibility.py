"""WCAG 2.1 AA on every page for every role: axe-core in headless Chromium, no serious or critical violation.

axe-core comes from tests/a11y_helpers.py (installed with npm into a cache folder on first use). Each role opens
every page it may open, with Haarlem's public figures and a published buurtverslag, so charts, tables and forms
are on the page when axe looks.
"""

from __future__ import annotations

import pytest

from data_access import records
from data_access.models import BuurtReport, utcnow
from tests.a11y_helpers import axe_source, axe_violations, settled
from tests.conftest import browser_login, start_browser_app
from tests.netwerk_helpers import programme_id
from tests.test_pages_beeld import haarlem  # noqa: F401 — fixture: Haarlem's areas, context figures and outlines

ACCOUNTS = {"beheerder": "beheer@demo.nl", "transitieteam": "transitie@demo.nl", "buurtnetwerk": "vijfhoek@demo.nl",
            "leverancier": "verzekeraar@demo.nl"}
PUBLIC = ["/", "/publiek/buurt/de-vijfhoek", "/gebied/BU03920105", "/indicatoren", "/bestaat-niet"]
FLASK_PUBLIC = ["/login", "/verslag", "/verslag/de-vijfhoek/2025"]
LOGGED_IN = ["/", "/buurt/de-vijfhoek", "/buurt/de-vijfhoek/beeld", "/buurt/de-vijfhoek/uitkomsten",
             "/buurt/de-vijfhoek/netwerk", "/buurt/de-vijfhoek/begroting", "/gebied/BU03920105", "/vergelijken",
             "/lerende-buurt", "/indicatoren",
             "/publiek/buurt/de-vijfhoek"]
BY_ROLE = {
    "/transitie": ("transitieteam", "beheerder"),
    "/best-practices": ("buurtnetwerk", "transitieteam", "beheerder"),
    "/best-practices/presentatie": ("buurtnetwerk", "transitieteam", "beheerder"),
    "/menukaart": ("buurtnetwerk", "transitieteam", "beheerder"),
    "/beheer/upload": ("leverancier", "transitieteam", "beheerder"),
    "/beheer/gebruikers": ("beheerder",),
    "/beheer/audit": ("beheerder",),
}
# sections drawn only when opened: opened before the check, so their controls are checked too
OPENED = {"/transitie": "#transitie-cand-summary"}


def pages_for(role: str) -> list[tuple[str, bool]]:
    """(path, is a Dash page) of every page this role may open."""
    if role == "anonymous":
        return [(p, True) for p in PUBLIC] + [(p, False) for p in FLASK_PUBLIC]
    return [(p, True) for p in LOGGED_IN + [p for p, roles in BY_ROLE.items() if role in roles]] + \
        [("/account/wachtwoord", False), ("/verslag", False)]


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


@pytest.fixture
def site(haarlem):  # noqa: F811 — the fixture imported above
    engine = haarlem.server.extensions["engine"]
    with engine.begin() as conn:
        records.save_record(conn, BuurtReport, None, {"year": 2025, "intro": "Beste buurtgenoten.", "published": True,
                                                      "published_at": utcnow()}, None, "test",
                            programme_id(engine, "de-vijfhoek"))
    return haarlem


@pytest.mark.parametrize("role", ["anonymous", "buurtnetwerk", "leverancier", "transitieteam", "beheerder"])
def test_no_serious_or_critical_axe_violation_on_any_page(dash_duo, site, axe, role):
    start_browser_app(dash_duo, site)
    if role != "anonymous":
        browser_login(dash_duo, ACCOUNTS[role])
    found = {}
    for path, dash_page in pages_for(role):
        dash_duo.driver.get(dash_duo.server_url + path)
        settled(dash_duo.driver, dash_page=dash_page)
        if path in OPENED:
            dash_duo.driver.execute_script("arguments[0].click();", dash_duo.find_element(OPENED[path]))
            dash_duo.wait_for_element("#transitie-cand-grid .ag-root-wrapper", timeout=30)
            settled(dash_duo.driver, dash_page=dash_page)
        violations = axe_violations(dash_duo.driver, axe)
        if violations:
            found[path] = [(v["id"], v["impact"], v["nodes"]) for v in violations]
    assert found == {}
