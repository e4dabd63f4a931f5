"""The read-only API: catalogue, areas, observations, CSV, errors, access to non-public data, suppression."""

from __future__ import annotations

import csv
import io

import pytest

from data_access.importers import import_file
from tests.conftest import login, write_csv

DELIVERY = """gebied;indicator;periode;teller;noemer;waarde;bron
BU03920105;wvpk_uren_per_client;2024-B1;4200;30;;Verzekeraar A
BU03920105;wvpk_uren_per_client;2024-B2;3900,5;30;;Verzekeraar A
BU03920105;seh_per_1000;2024-B1;4;3000;;Verzekeraar A
BU03921207;wvpk_uren_per_client;2024-B1;800;6;;Verzekeraar A
BU03520000;verloop_wvpk;2024-B1;30;400;;Alliantie
BU03520001;verloop_wvpk;2024-B1;50;600;;Alliantie
BU03520000;wvpk_uren_per_client;2024-B1;1500;12;;Verzekeraar A
de-vijfhoek;lb_sessies;2024-B1;;;1;Buurtnetwerk
"""


@pytest.fixture
def loaded(app, tmp_path):
    engine = app.server.extensions["engine"]
    report = import_file(engine, "levering", write_csv(tmp_path / "levering.csv", DELIVERY))
    assert report.ok, report.summary()
    return app


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["data"]


def test_indicator_catalogue_lists_every_monitoring_indicator_with_its_fields(client):
    data = rows(client.get("/api/v1/indicators"))
    codes = {d["code"] for d in data}
    for code in ("wvpk_uren_per_client", "seh_per_1000", "ha_consulten_per_patient", "prev_nps_clienten",
                 "zb_initiatieven", "lb_sessies", "bd_zorgpaden_gestart", "verzuim_wvpk"):
        assert code in codes
    kpi = next(d for d in data if d["code"] == "wvpk_uren_per_client")
    assert kpi["target_value"] == -0.15 and kpi["public"] is False and kpi["polarity"] == "lower_is_better"
    assert {"theme", "group", "unit", "kind", "frequency", "source", "source_field", "actiehouder",
            "suppression_threshold"} <= set(kpi)


def test_programme_areas_list_the_twenty_buurten_with_members(client):
    data = rows(client.get("/api/v1/areas?level=programma"))
    assert len(data) == 20
    zwolle = next(d for d in data if d["slug"] == "zwolle-zuid")
    assert zwolle["member_codes"] == ["WK019350", "WK019351"] and zwolle["cohort"] == 1
    assert zwolle["alliance_partner"] == "Icare/Espria"


def test_anonymous_caller_gets_no_nonpublic_values(loaded):
    client = loaded.server.test_client()
    assert rows(client.get("/api/v1/observations?area=BU03920105")) == []
    assert rows(client.get("/api/v1/observations?area=de-vijfhoek")) == []


def test_transitieteam_sees_member_values_with_interval(loaded):
    client = loaded.server.test_client()
    assert login(client, "transitie@demo.nl").status_code == 302
    data = rows(client.get("/api/v1/observations?area=BU03920105&indicator=wvpk_uren_per_client"))
    assert [d["period"] for d in data] == ["2024-B1", "2024-B2"]
    first = data[0]
    assert first["value"] == pytest.approx(140.0) and first["numerator"] == 4200 and first["denominator"] == 30
    assert first["ci_low"] < 140 < first["ci_high"] and first["ci_method"]
    assert data[1]["value"] == pytest.approx(3900.5 / 30)


def test_programme_buurt_aggregates_members_as_ratio_of_sums(loaded):
    client = loaded.server.test_client()
    login(client, "transitie@demo.nl")
    data = rows(client.get("/api/v1/observations?area=wijk-bij-duurstede&indicator=verloop_wvpk"))
    assert len(data) == 1
    # (30 + 50) / (400 + 600) = 8%, not the mean of 7.5% and 8.33%
    assert data[0]["value"] == pytest.approx(8.0)
    assert data[0]["numerator"] == 80 and data[0]["denominator"] == 1000


def test_incomplete_member_delivery_gives_no_aggregate_value(loaded):
    client = loaded.server.test_client()
    login(client, "transitie@demo.nl")
    data = rows(client.get("/api/v1/observations?area=wijk-bij-duurstede&indicator=wvpk_uren_per_client"))
    assert data[0]["value"] is None and "niet voor alle deelgebieden" in data[0]["note"]


def test_small_numbers_are_hidden_in_json_and_csv(loaded):
    client = loaded.server.test_client()
    login(client, "transitie@demo.nl")
    data = rows(client.get("/api/v1/observations?area=BU03921207&indicator=wvpk_uren_per_client"))
    assert data[0]["suppressed"] is True and data[0]["value"] is None and data[0]["denominator"] is None
    assert "te weinig" in data[0]["note"]
    seh = rows(client.get("/api/v1/observations?area=BU03920105&indicator=seh_per_1000"))
    assert seh[0]["suppressed"] is True and seh[0]["numerator"] is None
    body = client.get("/api/v1/observations?area=BU03921207&format=csv").get_data(as_text=True)
    record = next(csv.DictReader(io.StringIO(body)))
    assert record["value"] == "" and record["numerator"] == "" and record["suppressed"] == "True"


def test_buurtnetwerk_sees_other_buurten_only_at_aggregate_level(loaded):
    client = loaded.server.test_client()
    login(client, "sterrenwijk@demo.nl")
    assert rows(client.get("/api/v1/observations?area=BU03920105")) == []
    aggregate = rows(client.get("/api/v1/observations?area=de-vijfhoek&indicator=wvpk_uren_per_client"))
    assert aggregate and aggregate[0]["value"] == pytest.approx(140.0)
    own = loaded.server.test_client()
    login(own, "vijfhoek@demo.nl")
    assert rows(own.get("/api/v1/observations?area=BU03920105&indicator=wvpk_uren_per_client"))


def test_csv_nl_uses_semicolon_and_decimal_comma(loaded):
    client = loaded.server.test_client()
    login(client, "transitie@demo.nl")
    response = client.get("/api/v1/observations?area=BU03920105&indicator=wvpk_uren_per_client&format=csv-nl")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.splitlines()[0].startswith("area;area_name;indeling")
    assert ";130,01666" in text  # 3900.5 / 30


@pytest.mark.parametrize("url, status", [
    ("/api/v1/observations?area=BU99999999", 404),
    ("/api/v1/observations?area=BU03920105&indicator=bestaat_niet", 404),
    ("/api/v1/observations", 400),
    ("/api/v1/observations?area=BU03920105&period=2024-B7", 400),
    ("/api/v1/areas?level=provincie", 400),
    ("/api/v1/areas?level=buurt&indeling=twee", 400),
    ("/api/v1/indicators?format=xml", 400),
])
def test_bad_requests_get_json_errors(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.get_json()["error"]


def test_benchmark_against_programme_adds_value_and_verdict(loaded):
    client = loaded.server.test_client()
    login(client, "transitie@demo.nl")
    data = rows(client.get("/api/v1/observations?area=de-vijfhoek&indicator=wvpk_uren_per_client"
                           "&period=2024-B1&benchmark=programma"))
    # pooled over programme buurten with a shown value: kleverpark-zuid's 800 / 6 has fewer than 10 clients, so
    # it is hidden and does not count (visibility gate); de-vijfhoek's own 4200 / 30 remains
    assert data[0]["benchmark_value"] == pytest.approx(4200 / 30)
    assert data[0]["comparison"] == "similar" and data[0]["comparison_label"] == "vergelijkbaar"


def test_unknown_benchmark_is_a_bad_request(client):
    response = client.get("/api/v1/observations?area=de-vijfhoek&benchmark=wereld")
    assert response.status_code == 400 and "benchmark" in response.get_json()["error"]


PEER_CONTEXT = "gebied;indicator;periode;teller;noemer;waarde;bron\n" + "".join(
    f"{code};pct_65plus;2024;{n65};{inw};;CBS\n{code};inwoners;2024;;;{inw};CBS\n"
    f"{code};pct_eenpersoonshuishoudens;2023;{alone};{hh};;CBS\n{code};stedelijkheid;2023;;;{sted};CBS\n"
    f"{code};bevolkingsdichtheid;2024;{inw};{area};;CBS\n"
    for code, inw, n65, hh, alone, sted, area in (
        ("BU03920105", 3500, 520, 2200, 1240, 1, 0.25),   # De Vijfhoek: young, urban, many living alone
        ("BU03920106", 3300, 500, 2100, 1150, 1, 0.24),   # its twin
        ("BU03920107", 3700, 560, 2300, 1300, 1, 0.27),   # another twin
        ("BU03920108", 2000, 700, 900, 300, 4, 2.0),      # old, rural families
        ("BU03920109", 2100, 760, 950, 310, 5, 2.4),      # old, rural families
    ))
PEER_AREAS = "bu_code,bu_naam,wk_code,wk_naam,gm_code,gm_naam\n" + "".join(
    f"BU0392010{i},Buurt {i},WK039201,Oude Stad,GM0392,Haarlem\n" for i in range(5, 10))


def test_benchmark_against_peers_pools_the_most_alike_buurten(app, tmp_path):
    """With context for five buurten, De Vijfhoek's peers are all four others, nearest first; the pooled
    benchmark of a count-based indicator is their ratio of sums."""
    engine = app.server.extensions["engine"]
    assert import_file(engine, "gebieden", write_csv(tmp_path / "gebieden.csv", PEER_AREAS)).ok
    report = import_file(engine, "levering", write_csv(tmp_path / "ctx.csv", PEER_CONTEXT))
    assert report.ok, report.summary()
    from data_access.peer_groups import context_peers

    with engine.connect() as conn:
        peers = context_peers(conn, "BU03920105", n=20)
    assert set(peers["code"][:2]) == {"BU03920106", "BU03920107"}
    assert peers["similarity"].is_monotonic_decreasing and peers["similarity"].between(0, 1).all()
    assert sum(v for v in peers["contributions"][0].values() if v) == pytest.approx(1.0)
    client = app.server.test_client()
    data = rows(client.get("/api/v1/observations?area=BU03920105&indicator=pct_65plus&benchmark=peers"))
    assert data[0]["benchmark_value"] == pytest.approx(100 * (500 + 560 + 700 + 760) / (3300 + 3700 + 2000 + 2100))
    # the share of 65-plussers is a complete count of the population's make-up: no interval, not tested (issue 14)
    assert data[0]["ci_low"] is None and data[0]["comparison"] == "not_comparable"
    wijk = rows(client.get("/api/v1/observations?area=WK039201&benchmark=peers"))
    assert all(r["benchmark_value"] is None for r in wijk)
