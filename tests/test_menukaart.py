"""The menukaart (/menukaart): the seeded interventions with the buurten that run them, and the descriptive
comparison of outcomes in buurten with and without an intervention.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data_access import menukaart
from data_access.importers import import_file
from data_access.models import AgendaItem, Intervention, ProgrammeBuurt
from data_access.seed import menukaart_entries
from tests.conftest import start_browser_app, write_csv


def test_descriptive_comparison_gives_means_intervals_and_group_sizes():
    changes = pd.DataFrame({"slug": ["a", "b", "c", "d", "e"], "change": [-0.20, -0.10, 0.0, 0.05, -0.05]})
    used = pd.DataFrame({"code": ["acp", "acp", "acp", "reablement"], "slug": ["a", "b", "e", "c"],
                         "status": ["gestart", "afgerond", "gepland", "gestopt"]})
    catalogue = pd.DataFrame({"code": ["acp", "reablement"], "name": ["ACP", "Reablement"],
                              "theme": ["preventie", "preventie"]})
    table = menukaart.descriptive_comparison(changes, used, catalogue).set_index("code")
    acp = table.loc["acp"]
    # a planned item does not count as running
    assert (acp["n_with"], acp["n_without"]) == (2, 3)
    assert acp["mean_with"] == pytest.approx(-0.15)
    assert acp["mean_without"] == pytest.approx(0.0)
    assert acp["difference"] == pytest.approx(-0.15)
    assert acp["low_with"] < acp["mean_with"] < acp["high_with"]
    # a stopped intervention runs nowhere: no mean, no interval, no crash
    assert table.at["reablement", "n_with"] == 0 and np.isnan(table.at["reablement", "mean_with"])


@pytest.fixture
def agenda_app(app, tmp_path):
    """Agenda items for two buurten and a delivery of district-nursing hours for both."""
    engine = app.server.extensions["engine"]
    rows = ["gebied;indicator;periode;teller;noemer;waarde;bron"]
    for code, factor in (("BU03920105", 0.8), ("BU03921207", 1.0)):
        for period in ("2024-B1", "2026-B5"):
            hours = 15000 * (factor if period == "2026-B5" else 1.0)
            rows.append(f"{code};wvpk_uren_per_client;{period};{hours};100;;Verzekeraar A")
    report = import_file(engine, "levering", write_csv(tmp_path / "levering.csv", "\n".join(rows) + "\n"))
    assert report.ok, report.summary()
    with engine.begin() as conn:
        pid = dict(conn.execute(ProgrammeBuurt.__table__.select()
                                .with_only_columns(ProgrammeBuurt.slug, ProgrammeBuurt.id)).all())
        iid = dict(conn.execute(Intervention.__table__.select()
                                .with_only_columns(Intervention.code, Intervention.id)).all())
        conn.execute(AgendaItem.__table__.insert(), [
            {"programme_id": pid[slug], "theme": "preventie", "intervention_id": iid[code], "title": "",
             "status": status, "start_date": dt.date(2024, 6, 1), "deleted": False}
            for slug, code, status in (("de-vijfhoek", "acp", "gestart"), ("kleverpark-zuid", "acp", "gepland"),
                                       ("de-vijfhoek", "voorzorgcirkel", "afgerond"))])
    return app


def test_menukaart_lists_every_seeded_intervention_with_the_buurten_that_run_it(dash_duo, agenda_app):
    start_browser_app(dash_duo, agenda_app)
    dash_duo.driver.get(dash_duo.server_url + "/login")
    dash_duo.find_element("#email").send_keys("sterrenwijk@demo.nl")
    dash_duo.find_element("#password").send_keys("demo")
    dash_duo.find_element("button[type=submit]").click()
    dash_duo.wait_for_element("#shell-nav-search", timeout=30)
    dash_duo.driver.get(dash_duo.server_url + "/menukaart")
    dash_duo.wait_for_element("#menu-row-acp", timeout=30)
    seeded = menukaart_entries()
    assert len(seeded) >= 12
    for entry in seeded:
        row = dash_duo.find_element(f"#menu-row-{entry['code']}")
        assert entry["name"] in row.text
    acp = dash_duo.find_element("#menu-row-acp").text
    assert "De Vijfhoek (gestart, sinds 06-2024)" in acp and "Kleverpark-Zuid (gepland" in acp
    assert "De Vijfhoek (afgerond" in dash_duo.find_element("#menu-row-voorzorgcirkel").text
    assert "nog geen buurt" in dash_duo.find_element("#menu-row-reablement").text
    # the comparison: De Vijfhoek (−20 %) runs ACP, Kleverpark-Zuid (±0 %) only plans it
    assert "geen causaal effect" in dash_duo.find_element("#best-menu-causal").text
    dash_duo.wait_for_element("#menu-cmp-acp", timeout=30)
    cells = [td.text for td in dash_duo.find_elements("#menu-cmp-acp td")]
    assert cells[1] == "1" and cells[2].startswith("−20,0%")
    assert cells[3] == "1" and cells[4].startswith("±0,0%")
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []
