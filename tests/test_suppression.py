"""Small-number protection: primary threshold plus secondary suppression, identical in JSON and CSV.

Wijk bij Duurstede is a programme buurt of two CBS buurten (BU03520000, BU03520001), both in wijk WK035200.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from data_access.importers import import_file
from data_access.models import Area
from data_access.privacy import SECONDARY_NOTE, secondary_suppression
from tests.conftest import login, write_csv

DELIVERY = """gebied;indicator;periode;teller;noemer;waarde;bron
BU03520000;verloop_wvpk;2024-B1;5;400;;Alliantie
BU03520001;verloop_wvpk;2024-B1;50;600;;Alliantie
WK035200;verloop_wvpk;2024-B1;55;1000;;Alliantie
BU03520000;verloop_wvpk;2024-B2;30;400;;Alliantie
BU03520001;verloop_wvpk;2024-B2;50;600;;Alliantie
BU03520000;prev_clienten_geincludeerd;2024-B1;;;4;Alliantie
BU03520001;prev_clienten_geincludeerd;2024-B1;;;30;Alliantie
"""
RAW = {  # what was delivered: none of these may appear in a hidden row
    ("BU03520000", "verloop_wvpk", "2024-B1"): (5, 400),
    ("BU03520001", "verloop_wvpk", "2024-B1"): (50, 600),
    ("BU03520000", "prev_clienten_geincludeerd", "2024-B1"): (4, None),
    ("BU03520001", "prev_clienten_geincludeerd", "2024-B1"): (30, None),
}
AREAS = ["wijk-bij-duurstede", "BU03520000", "BU03520001", "WK035200"]


def _deliver(app, tmp_path) -> None:
    """Add wijk WK035200 (the template knows only the programme buurten' own areas) and import the delivery."""
    engine = app.server.extensions["engine"]
    with engine.begin() as conn:
        conn.execute(Area.__table__.insert().values(code="WK035200", indeling=2024, level="wijk",
                                                    name="Wijk 00 Wijk bij Duurstede", parent_code="GM0352"))
    report = import_file(engine, "levering", write_csv(tmp_path / "d.csv", DELIVERY))
    assert report.ok, report.summary()


@pytest.fixture
def loaded(app, tmp_path):
    _deliver(app, tmp_path)
    client = app.server.test_client()
    assert login(client, "transitie@demo.nl").status_code == 302
    return client


def _json(client, area: str) -> dict[tuple[str, str], dict]:
    response = client.get(f"/api/v1/observations?area={area}")
    assert response.status_code == 200
    return {(r["indicator"], r["period"]): r for r in response.get_json()["data"]}


def _csv(client, area: str) -> list[dict]:
    response = client.get(f"/api/v1/observations?area={area}&format=csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_other_member_is_hidden_when_total_minus_it_would_give_the_small_one_away(loaded):
    small = _json(loaded, "BU03520000")[("verloop_wvpk", "2024-B1")]
    other = _json(loaded, "BU03520001")[("verloop_wvpk", "2024-B1")]
    total = _json(loaded, "wijk-bij-duurstede")[("verloop_wvpk", "2024-B1")]
    assert small["suppressed"] and small["numerator"] is None and "te weinig" in small["note"]
    assert other["suppressed"] and other["numerator"] is None and other["value"] is None
    assert other["note"] == SECONDARY_NOTE
    # the programme buurt's own figure stays visible: (5 + 50) / (400 + 600)
    assert total["value"] == pytest.approx(5.5) and total["numerator"] == 55 and not total["suppressed"]
    # the delivered wijk total is visible too, and subtracting from it gives nothing away either
    assert _json(loaded, "WK035200")[("verloop_wvpk", "2024-B1")]["numerator"] == 55


def test_members_stay_visible_when_nothing_in_their_group_is_small(loaded):
    row = _json(loaded, "BU03520001")[("verloop_wvpk", "2024-B2")]
    assert not row["suppressed"] and row["numerator"] == 50 and row["note"] == ""


def test_no_json_or_csv_row_reveals_a_hidden_value_directly_or_by_subtraction(loaded):
    rows = {area: _json(loaded, area) for area in AREAS}
    groups = {"wijk-bij-duurstede": ["BU03520000", "BU03520001"], "WK035200": ["BU03520000", "BU03520001"]}
    for total, parts in groups.items():
        for key, top in rows[total].items():
            if top["suppressed"] or top["numerator"] is None:
                continue
            hidden = [p for p in parts if rows[p].get(key, {}).get("suppressed")]
            assert len(hidden) != 1, f"{total} {key}: one hidden part could be recomputed from the total"
    for area, indicator, period in RAW:
        record = rows[area][(indicator, period)]
        if record["suppressed"]:
            assert record["value"] is None and record["numerator"] is None and record["denominator"] is None
            assert record["ci_low"] is None and record["ci_high"] is None
        csv_row = next(r for r in _csv(loaded, area) if (r["indicator"], r["period"]) == (indicator, period))
        assert csv_row["suppressed"] == str(record["suppressed"])
        if record["suppressed"]:
            assert all(csv_row[c] == "" for c in ("value", "numerator", "denominator", "ci_low", "ci_high"))


def test_anonymous_api_returns_no_nonpublic_value_for_any_level(app, tmp_path):
    _deliver(app, tmp_path)
    client = app.server.test_client()
    public = {r["code"]: r["public"] for r in client.get("/api/v1/indicators").get_json()["data"]}
    for area in AREAS:
        for fmt in ("json", "csv"):
            response = client.get(f"/api/v1/observations?area={area}&format={fmt}")
            assert response.status_code == 200
            if fmt == "json":
                assert all(public[r["indicator"]] for r in response.get_json()["data"])
            else:
                assert all(public[r["indicator"]] for r in csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        assert not any(public[i] for i, _ in (k[1:] for k in RAW))  # the delivery really is non-public


def test_secondary_suppression_tops_up_until_the_hidden_parts_reach_the_threshold():
    catalogue = pd.DataFrame({"code": ["x"], "public": [False], "suppression_threshold": [10]})
    raw = pd.DataFrame({
        "area": ["T", "a", "b", "c", "d"], "indicator": "x", "period": "2024",
        "value": [310.0, 3, 4, 100, 203], "numerator": [310.0, 3, 4, 100, 203], "denominator": float("nan"),
        "hidden": [False, True, False, False, False],
    })
    groups = pd.DataFrame({"total": "T", "part": ["a", "b", "c", "d"]})
    # b (4) makes two hidden parts but only 7 people together: c (100) follows; d stays visible
    assert secondary_suppression(raw, groups, catalogue) == {("b", "x", "2024"), ("c", "x", "2024")}
    # nothing hidden → nothing to protect; a missing part → subtraction isolates nothing
    assert secondary_suppression(raw.assign(hidden=False), groups, catalogue) == set()
    assert secondary_suppression(raw[raw["area"] != "d"], groups, catalogue) == set()
    # a public indicator is not protected a second time
    assert secondary_suppression(raw, groups, catalogue.assign(public=True)) == set()
