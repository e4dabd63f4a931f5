"""Public buurtverslagen (/verslag, /verslag/<slug>/<year>): anonymous access once published, 404 otherwise, and
figures equal to what the API serves (public sources anonymously; adoption counts at programme level, suppressed
when small)."""

from __future__ import annotations

import json
import re

import pytest

from dashboard.verslag import figure_text
from data_access import records
from data_access.importers import import_file
from data_access.models import BuurtReport, utcnow
from data_access.verslag import Figure
from tests.conftest import login, write_csv
from tests.netwerk_helpers import programme_id

# inwoners is a public CBS figure of the member CBS buurt; the adoption counts are the network's own (non-public),
# one of them below the small-number threshold of 10.
DELIVERY = """gebied;indicator;periode;teller;noemer;waarde;bron
BU03920105;inwoners;2024;;;4235;CBS Kerncijfers wijken en buurten 2024
BU03920105;huishoudens;2024;;;2180;CBS Kerncijfers wijken en buurten 2024
de-vijfhoek;prev_interventies_gestart;2026-B2;12;;;buurtnetwerk De Vijfhoek
de-vijfhoek;zb_deelnemende_burgers;2026-B2;4;;;buurtnetwerk De Vijfhoek
de-vijfhoek;prev_clienten_geincludeerd;2026-B2;37;;;buurtnetwerk De Vijfhoek
BU03920105;wvpk_uren_per_client;2026-B2;4200;30;;Verzekeraar A
"""


@pytest.fixture
def published(app, tmp_path):
    engine = app.server.extensions["engine"]
    report = import_file(engine, "levering", write_csv(tmp_path / "levering.csv", DELIVERY))
    assert report.ok, report.summary()
    pid = programme_id(engine, "de-vijfhoek")
    with engine.begin() as conn:
        records.save_record(conn, BuurtReport, None, {"year": 2026, "intro": "Beste buurtgenoten,\nWij zijn gestart.",
                                                      "published": True, "published_at": utcnow()}, None, "v", pid)
        records.save_record(conn, BuurtReport, None, {"year": 2025, "intro": "Nog geheim concept",
                                                      "published": False}, None, "v", pid)
    return app


def _api(client, query: str) -> dict:
    data = client.get(f"/api/v1/observations?{query}").get_json()["data"]
    return {r["indicator"]: r for r in data}


def _figure(page: str, code: str) -> str:
    match = re.search(rf'data-indicator="{code}">.*?class="value">([^<]*)<', page, re.S)
    return match.group(1) if match else ""


def test_published_report_is_public_and_shows_the_apis_anonymous_values(published):
    anonymous = published.server.test_client()
    response = anonymous.get("/verslag/de-vijfhoek/2026")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Buurtverslag De Vijfhoek 2026" in page and "<p>Wij zijn gestart.</p>" in page
    api = _api(anonymous, "area=de-vijfhoek&indicator=inwoners,huishoudens,prev_interventies_gestart")
    assert "prev_interventies_gestart" not in api  # anonymous API: public sources only
    for code in ("inwoners", "huishoudens"):
        expected = Figure(code, "", "", "count", api[code]["value"], "2024", "")
        assert _figure(page, code) == figure_text(expected) != ""
    assert _figure(page, "inwoners") == "4.235"


def test_adoption_counts_are_programme_level_and_small_numbers_stay_hidden(published):
    page = published.server.test_client().get("/verslag/de-vijfhoek/2026").get_data(as_text=True)
    other_network = published.server.test_client()
    assert login(other_network, "sterrenwijk@demo.nl").status_code == 302
    api = _api(other_network, "area=de-vijfhoek&indicator=prev_interventies_gestart,zb_deelnemende_burgers,"
                              "prev_clienten_geincludeerd")
    assert _figure(page, "prev_interventies_gestart") == "12" == figure_text(
        Figure("x", "", "", "count", api["prev_interventies_gestart"]["value"], "", ""))
    assert _figure(page, "prev_clienten_geincludeerd") == "37"
    assert api["zb_deelnemende_burgers"]["value"] is None and api["zb_deelnemende_burgers"]["suppressed"]
    assert "te weinig personen" in _figure(page, "zb_deelnemende_burgers")
    # non-adoption non-public data (insurers' claims) never appears in a report
    assert "wvpk_uren_per_client" not in page and "4200" not in page and "140" not in page


def test_unpublished_unknown_and_malformed_reports_are_not_found(published):
    client = published.server.test_client()
    assert client.get("/verslag/de-vijfhoek/2025").status_code == 404  # exists, not published
    assert "Nog geheim concept" not in client.get("/verslag/de-vijfhoek/2025").get_data(as_text=True)
    assert client.get("/verslag/sterrenwijk/2026").status_code == 404
    assert client.get("/verslag/bestaat-niet/2026").status_code == 404
    assert client.get("/verslag/BU03920105/2026").status_code == 404
    assert client.get("/verslag/de-vijfhoek/abc").status_code == 404


def test_the_list_shows_published_reports_only(published):
    page = published.server.test_client().get("/verslag").get_data(as_text=True)
    assert 'href="/verslag/de-vijfhoek/2026"' in page
    assert "/verslag/de-vijfhoek/2025" not in page


def _publish(client, app, slug: str, year: int):
    from tests.netwerk_helpers import dash_post

    return dash_post(client, app, "netwerk-verslag-message",
                     inputs=[("netwerk-verslag-save", "n_clicks", 1), ("netwerk-verslag-overwrite", "n_clicks", None)],
                     state=[("netwerk-area", "data", {"kind": "buurt", "code": slug}),
                            ("netwerk-verslag-year", "value", year),
                            ("netwerk-verslag-state", "data", {"id": None, "version": None}),
                            ("netwerk-verslag-intro", "value", "Hallo buren"),
                            ("netwerk-verslag-published", "value", True)],
                     trigger="netwerk-verslag-save.n_clicks")


def test_only_the_buurts_own_network_can_publish_its_report(app):
    other = app.server.test_client()
    assert login(other, "sterrenwijk@demo.nl").status_code == 302
    assert "Opslaan geweigerd" in _publish(other, app, "de-vijfhoek", 2026).get_data(as_text=True)
    anonymous = app.server.test_client()
    assert anonymous.get("/verslag/de-vijfhoek/2026").status_code == 404
    own = app.server.test_client()
    assert login(own, "vijfhoek@demo.nl").status_code == 302
    assert "/verslag/de-vijfhoek/2026" in json.dumps(_publish(own, app, "de-vijfhoek", 2026).get_json())
    page = anonymous.get("/verslag/de-vijfhoek/2026")
    assert page.status_code == 200 and "Hallo buren" in page.get_data(as_text=True)
