"""Role-aware start and navigation: each role lands where its work is, and sees only links it may open."""

from __future__ import annotations

import pytest

from callbacks.transitie import late_message
from dashboard import ids
from layouts.buurt import review_options
from tests.a11y_helpers import settled
from tests.conftest import browser_login, dash_post, login, start_browser_app

ACCOUNTS = {"beheerder": "beheer@demo.nl", "transitieteam": "transitie@demo.nl", "buurtnetwerk": "vijfhoek@demo.nl",
            "leverancier": "verzekeraar@demo.nl"}
NAV = [{"id": ids.URL, "property": "pathname", "value": "/"}]


def _nav(client) -> list[tuple[str, str]]:
    """(label, href) of the navigation links the server sends this client."""
    items = dash_post(client, f"{ids.NAV_LINKS}.children", NAV).get_json()["response"][ids.NAV_LINKS]["children"]
    return [(i["props"]["children"]["props"]["children"], i["props"]["children"]["props"]["href"]) for i in items]


@pytest.mark.parametrize(("role", "start"), [
    ("buurtnetwerk", "/buurt/de-vijfhoek/uitkomsten?review={review}"),
    ("transitieteam", "/transitie"),
    ("leverancier", "/beheer/upload"),
    ("beheerder", "/"),
])
def test_login_without_a_page_asked_lands_each_role_on_its_start(app, role, start):
    response = login(app.server.test_client(), ACCOUNTS[role])
    assert response.headers["Location"] == start.format(review=review_options()[0]["value"])


def test_login_with_a_page_asked_goes_there(app):
    client = app.server.test_client()
    page = client.get("/login?next=/vergelijken").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/login", data={"email": ACCOUNTS["buurtnetwerk"], "password": "demo",
                                           "csrf_token": token, "next": "/vergelijken"})
    assert response.headers["Location"] == "/vergelijken"


@pytest.mark.parametrize(("role", "expected"), [
    (None, [("Start", "/"), ("Indicatoren", "/indicatoren"), ("Buurtverslagen", "/verslag")]),
    ("buurtnetwerk", [("Mijn buurt: De Vijfhoek", "/buurt/de-vijfhoek/uitkomsten"), ("Overzicht", "/"),
                      ("Vergelijken", "/vergelijken"), ("Lerende buurt", "/lerende-buurt"),
                      ("Best practices", "/best-practices"), ("Menukaart", "/menukaart"),
                      ("Indicatoren", "/indicatoren")]),
    ("leverancier", [("Mijn leveringen", "/beheer/upload"), ("Overzicht", "/"), ("Vergelijken", "/vergelijken"),
                     ("Lerende buurt", "/lerende-buurt"), ("Indicatoren", "/indicatoren")]),
    ("transitieteam", [("Transitie", "/transitie"), ("Overzicht", "/"), ("Vergelijken", "/vergelijken"),
                       ("Lerende buurt", "/lerende-buurt"), ("Best practices", "/best-practices"),
                       ("Menukaart", "/menukaart"), ("Indicatoren", "/indicatoren")]),
])
def test_navigation_shows_only_what_the_role_may_open(app, role, expected):
    client = app.server.test_client()
    if role:
        login(client, ACCOUNTS[role])
    assert _nav(client) == expected


def test_late_deliveries_are_named_with_links_to_their_buurt():
    rows = [{"slug": s, "verzekeraars_late": late, "buurtnetwerk_late": False, "alliantie_late": False}
            for s, late in (("zwolle-zuid", True), ("de-vijfhoek", False), ("sterrenwijk", True))]
    names = {"zwolle-zuid": "Zwolle Zuid", "sterrenwijk": "Sterrenwijk", "de-vijfhoek": "De Vijfhoek"}
    parts = late_message(rows, names)
    text = "".join(p if isinstance(p, str) else p.children for p in parts)
    assert text == ("2 buurt(en) met een ontbrekende of late levering (oranje gemarkeerd in de tabel): Sterrenwijk, "
                    "Zwolle Zuid.")
    assert [p.href for p in parts if not isinstance(p, str)] == ["/buurt/sterrenwijk", "/buurt/zwolle-zuid"]


def test_best_practices_do_not_point_a_buurtnetwerk_to_proposals_it_cannot_see(app):
    client = app.server.test_client()
    login(client, ACCOUNTS["buurtnetwerk"])
    response = dash_post(client, f"{ids.BEST_LIST}.children",
                         NAV + [{"id": ids.BEST_EDIT_ID, "property": "data", "value": None}])
    text = response.get_data(as_text=True)
    assert "Nog geen gepubliceerde verhalen" in text and "hierboven" not in text


def test_home_page_offers_the_buurtnetwerk_its_own_review(app):
    client = app.server.test_client()
    login(client, ACCOUNTS["buurtnetwerk"])
    block = str(dash_post(client, f"{ids.HOME_START}.children", NAV).get_json())
    review = review_options()[0]["value"]
    assert f"/buurt/de-vijfhoek/uitkomsten?review={review}" in block


@pytest.mark.parametrize("role", ["buurtnetwerk", "leverancier", "transitieteam", "beheerder"])
def test_every_navigation_link_opens_without_geen_toegang(dash_duo, app, role):
    start_browser_app(dash_duo, app)
    browser_login(dash_duo, ACCOUNTS[role])
    dash_duo.wait_for_element(f"#{ids.NAV_LINKS} a", timeout=30)
    hrefs = [a.get_attribute("href") for a in dash_duo.find_elements(f"#{ids.NAV_LINKS} a")]
    assert hrefs
    for href in hrefs:
        dash_duo.driver.get(href)
        text = settled(dash_duo.driver)
        assert "Geen toegang" not in text, href
        assert "Inloggen nodig" not in text, href
