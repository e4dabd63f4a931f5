"""Public pages for anonymous visitors: landing page, public profiles, definitions, reports, and the Dutch 404.

Anonymous visitors reach only whitelisted pages and callback outputs (dashboard/public.py); a non-public delivery
planted for De Vijfhoek (source "Geheime Verzekeraar") must not reach them through any page or crafted callback.
"""

from __future__ import annotations

import pytest

from data_access import records
from data_access.importers import import_file
from data_access.models import BuurtReport, utcnow
from tests.conftest import browser_login, console_errors, dash_post, login, start_browser_app, write_csv
from tests.netwerk_helpers import programme_id
from tests.test_pages_beeld import haarlem  # noqa: F401 — fixture: Haarlem's areas, context figures and outlines

SECRET = "Geheime Verzekeraar"
PUBLIC_PAGES = ["/", "/publiek", "/publiek/buurt/de-vijfhoek", "/gebied/BU03920105", "/indicatoren"]
BEELD = "..buurt-beeld-title.children...buurt-beeld-headlines.children...buurt-beeld-trends.children.."
SPINE = "..buurt-beeld-spine.children...buurt-beeld-words.children.."
TABLE = "buurt-beeld-table.children"  # the spine chart's table, sent when its <details> is opened
UIT = "..buurt-uit-title.children...buurt-uit-content.children.."
ROUTER = ".._pages_content.children..._pages_store.data.."


def _area(kind: str, code: str = "de-vijfhoek") -> list[dict]:
    return [{"id": "buurt-area", "property": "data", "value": {"kind": kind, "code": code}}]


def _table(client, kind: str) -> str:  # noqa: ANN001
    """The spine chart's table as the browser asks for it when its <details> is opened."""
    return dash_post(client, TABLE, [{"id": "buurt-beeld-table-summary", "property": "n_clicks", "value": 1}],
                     [*_area(kind), {"id": "buurt-beeld-table", "property": "children", "value": None}]
                     ).get_data(as_text=True)


def _route(path: str) -> list[dict]:
    return [{"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""}]


@pytest.fixture
def planted(haarlem, tmp_path):  # noqa: F811 — the fixture imported above
    """Haarlem's public figures, a non-public delivery for De Vijfhoek and one published and one draft report."""
    engine = haarlem.server.extensions["engine"]
    delivery = ("gebied;indicator;periode;teller;noemer;waarde;bron\n"
                f"de-vijfhoek;wvpk_uren_per_client;2025-B3;9753;100;;{SECRET}\n"
                f"BU03920105;wvpk_uren_per_client;2025-B3;9753;100;;{SECRET}\n")
    report = import_file(engine, "levering", write_csv(tmp_path / "geheim.csv", delivery))
    assert report.ok, report.summary()
    pid = programme_id(engine, "de-vijfhoek")
    with engine.begin() as conn:
        records.save_record(conn, BuurtReport, None, {"year": 2025, "intro": "Beste buurtgenoten.", "published": True,
                                                      "published_at": utcnow()}, None, "test", pid)
        records.save_record(conn, BuurtReport, None, {"year": 2024, "intro": "Concept", "published": False},
                            None, "test", pid)
    return haarlem


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_anonymous_opens_every_public_page_in_dutch(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page and "_dash-config" in page


@pytest.mark.parametrize("path", ["/buurt/de-vijfhoek", "/buurt/de-vijfhoek/uitkomsten", "/transitie",
                                  "/vergelijken", "/beheer/upload"])
def test_anonymous_request_for_a_non_public_page_still_goes_to_login(client, path):
    assert client.get(path).headers["Location"] == f"/login?next={path}"


@pytest.mark.parametrize("role", [None, "transitie@demo.nl"])
def test_unknown_path_answers_a_dutch_404_page(app, role):
    client = app.server.test_client()
    if role:
        login(client, role)
    response = client.get("/bestaat/niet")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page and "<h1>Pagina niet gevonden</h1>" in page


def test_unpublished_report_answers_the_dutch_404_and_the_published_one_opens(planted):
    client = planted.server.test_client()
    draft = client.get("/verslag/de-vijfhoek/2024")
    assert draft.status_code == 404
    assert "Pagina niet gevonden" in draft.get_data(as_text=True)
    assert client.get("/verslag/de-vijfhoek/2025").status_code == 200


def test_login_page_links_to_the_public_pages_not_the_raw_api(client):
    page = client.get("/login").get_data(as_text=True)
    for href in ('href="/"', 'href="/verslag"', 'href="/indicatoren"'):
        assert href in page
    assert "/api/v1" not in page


def test_anonymous_callbacks_are_limited_to_whitelisted_outputs(planted):
    client = planted.server.test_client()
    nav = dash_post(client, "shell-nav-user.children", [{"id": "shell-url", "property": "pathname", "value": "/"}])
    assert nav.status_code == 200 and "Inloggen" in nav.get_data(as_text=True)
    assert dash_post(client, UIT, _area("buurt") + [{"id": "buurt-uit-review", "property": "value",
                                                     "value": "2025-B3"}]).status_code == 401
    # one non-public output among public ones refuses the whole request
    mixed = "..buurt-beeld-map.children...netwerk-beeld.children.."
    assert dash_post(client, mixed, _area("publiek")).status_code == 401


def test_anonymous_router_answers_a_login_prompt_for_non_public_pages(client):
    transitie = dash_post(client, ROUTER, _route("/transitie")).get_data(as_text=True)
    assert "Inloggen nodig" in transitie and "transitie-grid" not in transitie
    home = dash_post(client, ROUTER, _route("/")).get_data(as_text=True)
    assert "publiek-map" in home and "home-buurten" not in home


@pytest.mark.parametrize("kind", ["publiek", "buurt"])
def test_public_profile_callbacks_serve_public_figures_only(planted, kind):
    client = planted.server.test_client()
    beeld = dash_post(client, BEELD, _area(kind)).get_data(as_text=True)
    spine = dash_post(client, SPINE, _area(kind)).get_data(as_text=True)
    spine += _table(client, kind)
    assert "3.500" in beeld  # inwoners of De Vijfhoek, CBS
    assert "beeld-row-uitkering_ww_per_100" in spine
    assert SECRET not in beeld + spine and "97,5" not in beeld + spine


def test_logged_in_user_sees_the_public_profile_as_the_public_does(planted):
    client = planted.server.test_client()
    login(client, "transitie@demo.nl")
    spine = dash_post(client, SPINE, _area("publiek")).get_data(as_text=True) + _table(client, "publiek")
    assert "beeld-row-uitkering_ww_per_100" in spine and SECRET not in spine


def test_definitions_page_lists_every_catalogue_field(client):
    table = dash_post(client, "indicatoren-table.children",
                      [{"id": "shell-url", "property": "pathname", "value": "/indicatoren"}]).get_json()
    rows = _rows_by_id(table["response"]["indicatoren-table"]["children"])
    wvpk = rows["indicator-wvpk_uren_per_client"]
    assert wvpk == ["Uren wijkverpleging per cliënt per jaar", "wvpk_uren_per_client · uren per cliënt per jaar",
                    "Preventie als mindset, Integrale eerste lijn, Behandeling dichtbij",
                    "Geleverde uren wijkverpleging (Zvw) gedeeld door cliëntjaren: hoeveel zorg een cliënt gemiddeld "
                    "per jaar krijgt.", "Verzekeraars (declaraties Zvw)",
                    "Buurtnetwerk / lerende buurt / research coalitie", "tweemaandelijks", "lager is beter",
                    "verborgen bij tellers of noemers onder 10",
                    "−15%: −15% uren per cliënt t.o.v. niet-transitiebuurten binnen 3 jaar (verschil-in-verschillen, "
                    "index 2024 = 100)", "nee"]
    assert rows["indicator-inwoners"][-1] == "ja"


def _texts(node) -> list[str]:  # noqa: ANN001
    """The text leaves of a serialised Dash component tree, in order."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [t for child in node for t in _texts(child)]
    if isinstance(node, dict):
        return _texts(node.get("props", {}).get("children"))
    return []


def _rows_by_id(node, found=None) -> dict[str, list[str]]:  # noqa: ANN001
    found = {} if found is None else found
    if isinstance(node, list):
        for child in node:
            _rows_by_id(child, found)
    elif isinstance(node, dict):
        props = node.get("props", {})
        if node.get("type") == "Tr" and str(props.get("id", "")).startswith("indicator-"):
            found[props["id"]] = _texts(props.get("children"))
        else:
            _rows_by_id(props.get("children"), found)
    return found


def test_anonymous_visitor_in_the_browser_reaches_public_pages_and_no_nonpublic_value(dash_duo, planted):
    start_browser_app(dash_duo, planted)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/")
    dash_duo.wait_for_text_to_equal("h1", "De buurt als ecosysteem", timeout=30)
    dash_duo.wait_for_element("#publiek-list a[href='/publiek/buurt/de-vijfhoek']", timeout=30)
    assert dash_duo.find_element("#publiek-reports a[href='/verslag/de-vijfhoek/2025']").text == "De Vijfhoek – 2025"
    assert [a.text for a in dash_duo.find_elements("#shell-nav-links a")] == ["Start", "Indicatoren",
                                                                              "Buurtverslagen"]
    seen = driver.find_element("tag name", "body").text
    link = dash_duo.find_element("#publiek-list a[href='/publiek/buurt/de-vijfhoek']")
    driver.execute_script("arguments[0].click();", link)  # a client-side link: Dash routes without reloading
    dash_duo.wait_for_text_to_equal("#buurt-beeld-title h1", "Buurtbeeld De Vijfhoek – openbaar profiel", timeout=30)
    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.wait_for_element(
        "#buurt-beeld-table-details summary", timeout=30))
    dash_duo.wait_for_element("#beeld-row-uitkering_ww_per_100", timeout=30)
    seen += driver.find_element("tag name", "body").text
    driver.get(dash_duo.server_url + "/indicatoren")
    dash_duo.wait_for_element("#indicator-wvpk_uren_per_client", timeout=30)
    driver.get(dash_duo.server_url + "/verslag/de-vijfhoek/2025")
    seen += driver.find_element("tag name", "body").text
    assert "Beste buurtgenoten." in seen and SECRET not in seen and "97,5" not in seen
    driver.get(dash_duo.server_url + "/buurt/de-vijfhoek/uitkomsten")
    assert driver.current_url.startswith(dash_duo.server_url + "/login?next=")
    assert console_errors(dash_duo) == []


def test_search_on_the_landing_page_leads_anonymous_visitors_to_the_public_profile(planted):
    client = planted.server.test_client()
    options = dash_post(client, "publiek-search.options",
                        [{"id": "publiek-search", "property": "search_value", "value": "Vijfhoek"}],
                        state=[{"id": "publiek-search", "property": "value", "value": None}]).get_json()
    values = [o["value"] for o in options["response"]["publiek-search"]["options"]]
    assert values[0] == "/publiek/buurt/de-vijfhoek"
    login(client, "transitie@demo.nl")
    options = dash_post(client, "publiek-search.options",
                        [{"id": "publiek-search", "property": "search_value", "value": "Vijfhoek"}],
                        state=[{"id": "publiek-search", "property": "value", "value": None}]).get_json()
    assert options["response"]["publiek-search"]["options"][0]["value"] == "/buurt/de-vijfhoek"


def test_browser_login_still_reaches_the_dashboard(dash_duo, planted):
    start_browser_app(dash_duo, planted)
    browser_login(dash_duo, "transitie@demo.nl")
    assert dash_duo.driver.current_url.endswith("/transitie")
