"""The funnel on /vergelijken: chosen buurten stand out and φ is explained in words (issue 14)."""

from __future__ import annotations

import numpy as np

from data_access.importers import import_file
from tests.conftest import dash_post, login, write_csv
from tests.test_kpi_service import _delivery, _gebieden

OUTPUT = "..vergelijk-funnel.figure...vergelijk-funnel-note.children.."


def test_chosen_buurten_are_highlighted_and_phi_is_explained(app, tmp_path):
    engine = app.server.extensions["engine"]
    for kind, name, text in (("gebieden", "gebieden.csv", _gebieden()),
                             ("levering", "levering.csv", _delivery(np.random.default_rng(5)))):
        assert import_file(engine, kind, write_csv(tmp_path / name, text)).ok
    client = app.server.test_client()
    assert login(client, "transitie@demo.nl").status_code == 302
    response = dash_post(client, OUTPUT, [
        {"id": "vergelijk-funnel-indicator", "property": "value", "value": "wvpk_uren_per_client"},
        {"id": "vergelijk-areas", "property": "value", "value": ["de-vijfhoek"]}])
    assert response.status_code == 200
    body = response.get_json()["response"]
    traces = {t["name"]: t for t in body["vergelijk-funnel"]["figure"]["data"]}
    # the chosen buurt is drawn on top, as a large diamond with its name; the other buurten as dots beneath
    chosen = traces["gekozen buurt"]
    assert (chosen["text"], chosen["marker"]["symbol"], chosen["marker"]["size"]) == (["De Vijfhoek"], "diamond", 16)
    assert [t.split(":")[0] for t in chosen["hovertext"]] == ["De Vijfhoek"]
    others = traces["programmabuurt"]
    assert not any(t.startswith("De Vijfhoek") for t in others["hovertext"])
    assert len(others["hovertext"]) == len(others["x"]) == len(others["marker"]["color"]) == 2
    note = body["vergelijk-funnel-note"]["children"]
    # three buurten whose hours differ far beyond counting noise: phi is large and the limits are widened
    assert note.startswith("φ = ") and "keer zo veel van elkaar als het toeval" in note
    assert note.endswith("Gekozen buurten zijn groot en met naam getekend.")
