"""Best practices: the positive-deviance proposal on a hand-built panel, versioned stories, presentation mode with
keyboard navigation, and the PNG/PDF export.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from selenium.webdriver.common.keys import Keys

from data_access import best_practices as bp
from data_access.models import ProgrammeBuurt
from tests.conftest import login, start_browser_app

PERIODS = ["2025-B1", "2025-B2", "2025-B3", "2025-B4", "2025-B5", "2025-B6"]
PEERS = [f"P{i}" for i in range(8)]


def _panel() -> pd.DataFrame:
    """Eight peers with ±1 % noise around a flat rate of 10; TWO falls 20 % in B3 and B4 only (two consecutive
    periods), ONE falls 20 % in B3 only, SPLIT falls in B2 and B4 (not consecutive), WORSE rises 20 % in B3–B4."""
    rng = np.random.default_rng(11)
    rows = []
    drops = {"TWO": {"2025-B3": 0.8, "2025-B4": 0.8}, "ONE": {"2025-B3": 0.8},
             "SPLIT": {"2025-B2": 0.8, "2025-B4": 0.8}, "WORSE": {"2025-B3": 1.2, "2025-B4": 1.2}}
    for period in PERIODS:
        for unit in PEERS:
            rows.append({"unit": unit, "period": period, "numerator": 1000 * (1 + rng.normal(0, 0.01)),
                         "denominator": 100})
        for unit, factors in drops.items():
            rows.append({"unit": unit, "period": period, "numerator": 1000 * factors.get(period, 1.0),
                         "denominator": 100})
    return pd.DataFrame(rows)


def _proposals(polarity: str = "lower_is_better") -> pd.DataFrame:
    targets = ["TWO", "ONE", "SPLIT", "WORSE"]
    series = bp.deviance_series(_panel(), {t: PEERS for t in targets}, {t: "2025-B1" for t in targets}, polarity)
    return bp.propose(series).set_index("target")


def test_a_buurt_that_beats_its_peers_in_two_consecutive_periods_is_proposed():
    result = _proposals()
    assert bool(result.at["TWO", "proposed"]) and result.at["TWO", "longest_run"] == 2
    assert result.at["TWO", "run_end"] == "2025-B4"
    assert result.at["TWO", "periods_better"] == ["2025-B3", "2025-B4"]


def test_one_period_or_non_consecutive_periods_are_not_enough_and_worse_is_never_better():
    result = _proposals()
    assert not bool(result.at["ONE", "proposed"]) and result.at["ONE", "longest_run"] == 1
    assert not bool(result.at["SPLIT", "proposed"]) and result.at["SPLIT", "periods_better"] == ["2025-B2", "2025-B4"]
    assert not bool(result.at["WORSE", "proposed"]) and result.at["WORSE", "periods_better"] == []
    # for a higher-is-better indicator the rise is the favourable side
    assert bool(_proposals("higher_is_better").at["WORSE", "proposed"])


def test_deviance_band_is_the_peer_prediction_interval_and_needs_enough_peers():
    series = bp.deviance_series(_panel(), {"TWO": PEERS}, {"TWO": "2025-B1"})
    row = series.set_index("period").loc["2025-B3"]
    assert row["change"] == pytest.approx(np.log(0.8))
    assert row["n_peers"] == 8
    assert row["peer_low"] < row["peer_mean"] < row["peer_high"]
    assert row["relative_difference"] == pytest.approx(0.8 / np.exp(row["peer_mean"]) - 1)
    few = bp.deviance_series(_panel(), {"TWO": PEERS[:3]}, {"TWO": "2025-B1"})
    assert not few["better"].any() and few["peer_mean"].isna().all()


# ---------------------------------------------------------------- stories through the store

def _programme_id(engine, slug: str) -> int:
    with engine.connect() as conn:
        return conn.execute(ProgrammeBuurt.__table__.select().with_only_columns(ProgrammeBuurt.id)
                            .where(ProgrammeBuurt.slug == slug)).scalar_one()


def _story(title: str, status: str = "gepubliceerd") -> dict:
    return {"title": title, "story": "Wijkverpleging en huisarts bespreken samen kwetsbare ouderen.",
            "interventions": ["wvp-als-poh-ouderen", "acp"], "indicator_code": "wvpk_uren_per_client",
            "contact": "Anna, wijkverpleegkundige", "status": status}


def test_story_save_is_versioned_with_history_and_refuses_a_stale_version(app):
    engine = app.server.extensions["engine"]
    pid = _programme_id(engine, "de-vijfhoek")
    with engine.begin() as conn:
        first = bp.save_practice(conn, None, _story("Eerste titel", "concept"), None, "a@demo.nl", pid)
        assert first.ok and first.record["version"] == 1
        second = bp.save_practice(conn, first.record["id"], _story("Betere titel"), 1, "b@demo.nl", pid)
        assert second.ok and second.record["version"] == 2
        stale = bp.save_practice(conn, first.record["id"], _story("Oude bewerking"), 1, "c@demo.nl", pid)
        assert stale.status == "conflict" and stale.record["title"] == "Betere titel"
        assert stale.unsaved["title"] == "Oude bewerking"
        with pytest.raises(ValueError, match="Onbekende interventie"):
            bp.save_practice(conn, None, {**_story("x"), "interventions": ["bestaat-niet"]}, None, "a@demo.nl", pid)
        history = bp.practice_history(conn, first.record["id"])
    assert [(v["version"], v["author"], v["data"]["title"]) for v in history] == [
        (2, "b@demo.nl", "Betere titel"), (1, "a@demo.nl", "Eerste titel")]
    assert history[0]["data"]["interventions"] == "wvp-als-poh-ouderen,acp"


def _callback(client, outputs, inputs, state=()):
    payload = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
    }
    cookie = client.get_cookie("_csrf_token")  # the double-submit token dash-renderer sends as a header
    headers = {"Content-Type": "application/json"} | ({"X-CSRFToken": cookie.value} if cookie else {})
    return client.post("/_dash-update-component", data=json.dumps(payload), headers=headers)


SAVE_OUTPUTS = [("best-edit-result", "children"), ("best-edit-id", "data"), ("best-edit-history", "children")]


def _save_state(story: dict, record: dict | None, slug: str = "de-vijfhoek") -> list:
    return [("best-edit-id", "data", record), ("best-edit-programme", "value", slug),
            ("best-edit-title", "value", story["title"]), ("best-edit-story", "value", story["story"]),
            ("best-edit-interventions", "value", story["interventions"]),
            ("best-edit-indicator", "value", story["indicator_code"]),
            ("best-edit-contact", "value", story["contact"]), ("best-edit-status", "value", story["status"])]


def test_the_editor_saves_through_the_versioned_service_and_shows_both_versions(app):
    client = app.server.test_client()
    assert login(client, "transitie@demo.nl").status_code == 302
    first = _callback(client, SAVE_OUTPUTS, [("best-edit-save", "n_clicks", 1)],
                      _save_state(_story("Versie een"), None)).get_json()["response"]
    record = first["best-edit-id"]["data"]
    assert record["version"] == 1
    second = _callback(client, SAVE_OUTPUTS, [("best-edit-save", "n_clicks", 2)],
                       _save_state(_story("Versie twee"), record)).get_json()["response"]
    assert second["best-edit-id"]["data"] == {"id": record["id"], "version": 2}
    history = json.dumps(second["best-edit-history"]["children"])
    assert "versie 2" in history and "Versie twee" in history and "versie 1" in history and "Versie een" in history
    with app.server.extensions["engine"].connect() as conn:
        assert [v["version"] for v in bp.practice_history(conn, record["id"])] == [2, 1]
    # a buurtnetwerk may read stories but not write them
    other = app.server.test_client()
    assert login(other, "vijfhoek@demo.nl").status_code == 302
    denied = _callback(other, SAVE_OUTPUTS, [("best-edit-save", "n_clicks", 1)],
                       _save_state(_story("Niet toegestaan"), None)).get_json()["response"]
    assert "Geen toegang" in json.dumps(denied)
    with app.server.extensions["engine"].connect() as conn:
        assert len(bp.practices(conn)) == 1


@pytest.fixture
def stories(app):
    """Two published stories and one concept."""
    engine = app.server.extensions["engine"]
    ids = {}
    with engine.begin() as conn:
        for slug, title, status in (("de-vijfhoek", "Vijfhoek: samen sterk", "gepubliceerd"),
                                    ("sterrenwijk", "Sterrenwijk: ACP voor iedereen", "gepubliceerd"),
                                    ("groenewoud", "Groenewoud: nog in concept", "concept")):
            result = bp.save_practice(conn, None, _story(title, status), None, "transitie@demo.nl",
                                      _programme_id(engine, slug))
            ids[title] = result.record["id"]
    return ids


def test_presentation_shows_one_slide_per_published_story_and_moves_by_keyboard(dash_duo, app, stories):
    start_browser_app(dash_duo, app)
    dash_duo.driver.get(dash_duo.server_url + "/login")
    dash_duo.find_element("#email").send_keys("vijfhoek@demo.nl")
    dash_duo.find_element("#password").send_keys("demo")
    dash_duo.find_element("button[type=submit]").click()
    dash_duo.wait_for_element("#shell-nav-search", timeout=30)
    dash_duo.driver.get(dash_duo.server_url + "/best-practices/presentatie")
    dash_duo.wait_for_text_to_equal("#best-slide-counter", "1 / 2", timeout=30)
    slides = dash_duo.find_elements("section.slide")
    assert len(slides) == 2  # the concept is not presented
    visible = [s for s in slides if s.is_displayed()]
    assert len(visible) == 1
    first_title = visible[0].find_element("css selector", ".slide-title").text
    body = dash_duo.find_element("body")
    body.send_keys(Keys.ARROW_RIGHT)
    dash_duo.wait_for_text_to_equal("#best-slide-counter", "2 / 2", timeout=5)
    visible = [s for s in dash_duo.find_elements("section.slide") if s.is_displayed()]
    assert len(visible) == 1 and visible[0].find_element("css selector", ".slide-title").text != first_title
    assert {s.find_element("css selector", ".slide-title").get_attribute("textContent")
            for s in dash_duo.find_elements("section.slide")} == {"Vijfhoek: samen sterk",
                                                                  "Sterrenwijk: ACP voor iedereen"}
    body.send_keys(Keys.ARROW_RIGHT)  # stays on the last slide
    dash_duo.wait_for_text_to_equal("#best-slide-counter", "2 / 2", timeout=5)
    body.send_keys(Keys.PAGE_UP)
    dash_duo.wait_for_text_to_equal("#best-slide-counter", "1 / 2", timeout=5)
    dash_duo.find_element("#best-slide-next").click()
    dash_duo.wait_for_text_to_equal("#best-slide-counter", "2 / 2", timeout=5)
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []


@pytest.mark.parametrize("fmt, mimetype, magic", [("png", "image/png", b"\x89PNG\r\n\x1a\n"),
                                                  ("pdf", "application/pdf", b"%PDF-")])
def test_export_returns_a_valid_file_of_the_right_type(app, stories, fmt, mimetype, magic):
    client = app.server.test_client()
    assert login(client, "vijfhoek@demo.nl").status_code == 302
    response = client.get(f"/export/best-practice/{stories['Sterrenwijk: ACP voor iedereen']}.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data.startswith(magic) and len(response.data) > 5000
    assert f"best-practice-{stories['Sterrenwijk: ACP voor iedereen']}.{fmt}" in response.headers[
        "Content-Disposition"]


def test_export_hides_concepts_from_buurtnetwerken_and_everything_from_anonymous(app, stories):
    concept = stories["Groenewoud: nog in concept"]
    network = app.server.test_client()
    assert login(network, "vijfhoek@demo.nl").status_code == 302
    assert network.get(f"/export/best-practice/{concept}.png").status_code == 404
    assert network.get(f"/export/best-practice/{concept}.gif").status_code == 404
    assert network.get("/export/best-practice/99999.png").status_code == 404
    anonymous = app.server.test_client().get(f"/export/best-practice/{stories['Vijfhoek: samen sterk']}.png")
    assert anonymous.status_code == 302  # the request guard sends anonymous visitors to the login



def test_export_tries_kaleido_twice_then_answers_503_not_500(app, stories, monkeypatch):
    """On a busy machine kaleido's page script may not be loaded when it is called (JavascriptError): a second
    try starts a new page; when that fails too the user gets a Dutch 503 with Retry-After, never a 500."""
    import plotly.graph_objects as go
    from kaleido.errors import JavascriptError

    calls = []
    real = go.Figure.to_image

    def flaky(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls.append(kwargs["format"])
        if len(calls) in (1, 3, 4):
            raise JavascriptError("ReferenceError: kaleido_scopes is not defined")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(go.Figure, "to_image", flaky)
    client = app.server.test_client()
    assert login(client, "vijfhoek@demo.nl").status_code == 302
    url = f"/export/best-practice/{stories['Sterrenwijk: ACP voor iedereen']}.png"
    first = client.get(url)
    assert (first.status_code, first.data[:8], len(calls)) == (200, b"\x89PNG\r\n\x1a\n", 2)
    second = client.get(url)
    assert (second.status_code, second.headers["Retry-After"], len(calls)) == (503, "5", 4)
    assert "probeer het over enkele seconden opnieuw" in second.get_data(as_text=True)


def test_the_refresh_stores_the_proposals_of_every_indicator_a_story_uses(app, stories):
    """A story's evidence chart is its buurt's rows of its indicator's proposals: the refresh stores them for the
    indicators of all stories (not only the default one), so the list of stories computes nothing."""
    from data_access import results
    from data_access.results import scopes, store

    engine = app.server.extensions["engine"]
    with engine.begin() as conn:
        bp.save_practice(conn, None, _story("Vijfhoek: minder opnames") | {
            "indicator_code": "opnames_kwetsbare_ouderen_per_1000"}, None, "transitie@demo.nl",
            _programme_id(engine, "de-vijfhoek"))
    assert results.refresh(engine)
    with engine.connect() as conn:
        stored = set(store.read_many(conn, "proposals"))
        before = store.COMPUTED.get("proposals", 0)
        for practice in bp.practices(conn).to_dict("records"):
            bp.story_view(conn, practice, scopes.INTERNAL)
    assert {"intern|wvpk_uren_per_client", "intern|opnames_kwetsbare_ouderen_per_1000"} <= stored
    assert store.COMPUTED.get("proposals", 0) == before
