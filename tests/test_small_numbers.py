"""Small numbers (issue 10, finding 5): every indicator has a threshold, and a small count, denominator, NPS
detractor count or a 0 over a small denominator is hidden in the verslag, the API's JSON and its CSV.

De Vijfhoek (de-vijfhoek) is a programme buurt; its network delivers for the buurt as a whole.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from data_access import records
from data_access.importers import import_file
from data_access.models import BuurtReport, utcnow
from data_access.privacy import suppression_reason
from data_access.seed import catalogue_entries, check_threshold
from tests.conftest import login, write_csv
from tests.netwerk_helpers import programme_id

# 4 of 6 trainings (66,7 %), 0 of 3, a complaint count of 2, an NPS with 3 detractors among 50 respondents, and
# one figure that is large enough to show (the control: suppression is not simply hiding everything).
DELIVERY = """gebied;indicator;periode;teller;noemer;waarde;bron;criticasters
de-vijfhoek;prev_trainingen_gevolgd;2025-B3;4;6;;buurtnetwerk De Vijfhoek;
de-vijfhoek;prev_trainingen_gevolgd;2025-B4;0;3;;buurtnetwerk De Vijfhoek;
de-vijfhoek;bd_klachten;2025-B3;;;2;buurtnetwerk De Vijfhoek;
de-vijfhoek;prev_nps_clienten;2025-B3;30;50;;buurtnetwerk De Vijfhoek;3
de-vijfhoek;prev_clienten_geincludeerd;2025-B3;;;37;buurtnetwerk De Vijfhoek;
"""
HIDDEN = [("prev_trainingen_gevolgd", "2025-B3"), ("prev_trainingen_gevolgd", "2025-B4"),
          ("bd_klachten", "2025-B3"), ("prev_nps_clienten", "2025-B3")]
REASON = suppression_reason(10)


@pytest.fixture
def delivered(app, tmp_path):
    engine = app.server.extensions["engine"]
    report = import_file(engine, "levering", write_csv(tmp_path / "levering.csv", DELIVERY))
    assert report.ok, report.summary()
    with engine.begin() as conn:
        records.save_record(conn, BuurtReport, None, {"year": 2025, "intro": "Ons jaar.", "published": True,
                                                      "published_at": utcnow()}, None, "v",
                            programme_id(engine, "de-vijfhoek"))
    client = app.server.test_client()
    assert login(client, "transitie@demo.nl").status_code == 302
    return client


def test_catalogue_check_refuses_an_indicator_without_a_threshold():
    with pytest.raises(ValueError, match="suppression_threshold"):
        check_threshold({"code": "x", "public": False})


def test_catalogue_check_refuses_threshold_zero_for_a_nonpublic_indicator():
    with pytest.raises(ValueError, match="niet openbaar"):
        check_threshold({"code": "x", "public": False, "suppression_threshold": 0})


def test_every_nonpublic_indicator_in_the_catalogue_has_a_threshold_of_at_least_one():
    assert all(e["suppression_threshold"] >= 1 for e in catalogue_entries() if not e["public"])


def test_small_numbers_are_hidden_with_the_reason_in_api_json(delivered):
    data = delivered.get("/api/v1/observations?area=de-vijfhoek").get_json()["data"]
    rows = {(r["indicator"], r["period"]): r for r in data}
    for key in HIDDEN:
        row = rows[key]
        assert (row["value"], row["numerator"], row["denominator"], row["detractors"], row["note"]) == \
            (None, None, None, None, REASON), key
    assert rows[("prev_clienten_geincludeerd", "2025-B3")]["value"] == 37


def test_small_numbers_are_empty_cells_in_api_csv(delivered):
    body = delivered.get("/api/v1/observations?area=de-vijfhoek&format=csv").get_data(as_text=True)
    rows = {(r["indicator"], r["period"]): r for r in csv.DictReader(io.StringIO(body))}
    for key in HIDDEN:
        assert [rows[key][c] for c in ("value", "numerator", "denominator", "detractors")] == ["", "", "", ""], key
        assert rows[key]["note"] == REASON


def test_public_verslag_hides_four_of_six_trainings(delivered):
    anonymous = delivered.application.test_client()
    page = anonymous.get("/verslag/de-vijfhoek/2025").get_data(as_text=True)
    match = re.search(r'data-indicator="prev_trainingen_gevolgd">.*?class="value">([^<]*)<', page, re.S)
    assert match is not None and match.group(1) == REASON
    assert "66,7" not in page


def test_a_comparison_buurt_with_few_clients_does_not_count_in_the_kpi(app, tmp_path):
    """The KPI's comparison group is pooled after suppression: a buurt with 4 clients is left out."""
    from data_access import kpi_service
    from data_access.access import Viewer

    controls = [f"BU039230{i:02d}" for i in range(6)]
    gebieden = "bu_code,bu_naam,wk_code,wk_naam,gm_code,gm_naam\n" + "".join(
        f"{c},Buurt {c[-2:]},WK{c[2:8]},Wijk,GM0392,Haarlem\n" for c in ["BU03920105", *controls])
    rows = ["gebied;indicator;periode;teller;noemer;waarde;bron"]
    for period in ("2024-B6", "2025-B1", "2025-B2"):
        for code in ["BU03920105", *controls]:
            clients = 4 if code == controls[0] else 100
            rows.append(f"{code};wvpk_uren_per_client;{period};{clients * 150};{clients};;Verzekeraar A")
    engine = app.server.extensions["engine"]
    for kind, name, body in (("gebieden", "g.csv", gebieden), ("levering", "l.csv", "\n".join(rows) + "\n")):
        assert import_file(engine, kind, write_csv(tmp_path / name, body)).ok
    with engine.connect() as conn:
        results = kpi_service.buurt_kpi(conn, "de-vijfhoek", Viewer(role="transitieteam"))
    kpi = next(r for r in results if r["indicator"] == "wvpk_uren_per_client")
    assert kpi["comparison"]["n_buurten"] == 5
