"""The review summary on /buurt/<slug>/uitkomsten (data_access/review_summary.py, layouts/review.py) and its handout.

De Vijfhoek's buurtnetwerk delivers survey percentages through the real `levering` import with a planted
improvement (mantelzorgbelasting falls from 60% to 20%: lower is better), a planted deterioration (trainingen gevolgd
falls from 80% to 30%: higher is better) and a change within the noise (zelfredzaamheid 50% → 53%).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from data_access import queries, records
from data_access.access import Viewer
from data_access.importers import import_file
from data_access.models import ProgrammeBuurt, ReviewSession
from data_access.review_summary import judge, judgements, parse_actions, review_summary
from layouts.review import change_text
from tests.conftest import browser_login, console_errors, login, start_browser_app, write_csv
from tests.test_pages_beeld import GEBIEDEN

TRANSITIE = Viewer(role="transitieteam")
DELIVERY = """gebied;indicator;periode;teller;noemer;waarde;bron;criticasters
de-vijfhoek;prev_mantelzorgbelasting;2025-B3;58;100;;Buurtnetwerk;
de-vijfhoek;prev_mantelzorgbelasting;2025-B4;60;100;;Buurtnetwerk;
de-vijfhoek;prev_mantelzorgbelasting;2025-B5;20;100;;Buurtnetwerk;
de-vijfhoek;prev_trainingen_gevolgd;2025-B4;80;100;;Buurtnetwerk;
de-vijfhoek;prev_trainingen_gevolgd;2025-B5;30;100;;Buurtnetwerk;
de-vijfhoek;prev_zelfredzaamheid;2025-B4;50;100;;Buurtnetwerk;
de-vijfhoek;prev_zelfredzaamheid;2025-B5;53;100;;Buurtnetwerk;
de-vijfhoek;prev_nps_clienten;2025-B4;30;100;;Buurtnetwerk;40
de-vijfhoek;prev_nps_clienten;2025-B5;60;100;;Buurtnetwerk;10
"""


@pytest.fixture
def planted(app, tmp_path):
    engine = app.server.extensions["engine"]
    for kind, name, text in (("gebieden", "gebieden.csv", GEBIEDEN), ("levering", "levering.csv", DELIVERY)):
        report = import_file(engine, kind, write_csv(tmp_path / name, text))
        assert report.ok, report.summary()
    with engine.begin() as conn:
        pid = conn.execute(select(ProgrammeBuurt.id).where(ProgrammeBuurt.slug == "de-vijfhoek")).scalar_one()
        records.save_record(conn, ReviewSession, None, {
            "period": "2025-B4", "held_on": dt.date(2025, 9, 10), "attendees": "wijkverpleegkundige, huisarts",
            "actions": "- Mantelzorgcafé starten (Anna) [afgerond]\n- Training valpreventie plannen [loopt]\n"
                       "- Huisbezoeken 80-plussers",
        }, None, "test", pid)
    return app


def _summary(app, review="2025-B5"):
    with app.server.extensions["engine"].connect() as conn:
        area = queries.find_area(conn, "de-vijfhoek")
        return review_summary(conn, TRANSITIE, area, review, with_kpi=False)


def test_planted_improvement_and_deterioration_are_judged_by_polarity_and_interval(planted):
    found = judgements(_summary(planted))
    assert (found["beter"], found["slechter"], found["gelijk"]) == (
        ["prev_mantelzorgbelasting", "prev_nps_clienten"], ["prev_trainingen_gevolgd"], ["prev_zelfredzaamheid"])


def test_each_indicator_once_with_changes_in_points(planted):
    summary = _summary(planted)
    items = {i["indicator"]: i for t in summary["themes"] for i in t["items"]}
    assert sum(len(t["items"]) for t in summary["themes"]) == len(items)
    nps = items["prev_nps_clienten"]["since_previous"]
    assert change_text(nps.difference, "nps", "NPS") == "+60 punten"
    care = items["prev_mantelzorgbelasting"]
    assert change_text(care["since_start"].difference, "percentage", "%") == "−38,0 procentpunten"


def test_summary_carries_the_actions_of_the_last_session_with_their_status(planted):
    session = _summary(planted)["session"]
    assert [(a["text"], a["status"]) for a in session["actions"]] == [
        ("Mantelzorgcafé starten (Anna)", "afgerond"), ("Training valpreventie plannen", "loopt"),
        ("Huisbezoeken 80-plussers", "open")]


def test_shared_indicators_name_the_other_themes_they_serve(planted, tmp_path):
    engine = planted.server.extensions["engine"]
    text = "gebied;indicator;periode;teller;noemer;waarde;bron\nde-vijfhoek;verloop_wvpk;2025-Q3;15;150;;Alliantie\n"
    assert import_file(engine, "levering", write_csv(tmp_path / "v.csv", text)).ok
    summary = _summary(planted)
    themes = {i["indicator"]: (t["theme"], i["also"]) for t in summary["themes"] for i in t["items"]}
    assert themes["verloop_wvpk"] == ("preventie", ["Integrale eerste lijn"])


def test_judge_without_interval_or_earlier_value_says_so():
    import pandas as pd

    row = pd.Series({"value": 5.0, "period": "2025-B5", "ci_low": None, "ci_high": None})
    old = pd.Series({"value": 3.0, "period": "2025-B4", "ci_low": None, "ci_high": None})
    assert judge(row, None, "higher_is_better").judgement == "geen_eerdere_waarde"
    assert judge(row, old, "higher_is_better").judgement == "geen_interval"


def test_actions_without_marker_are_open():
    assert parse_actions("1. Bel de huisarts\n\n* Flyer [x]") == [
        {"text": "Bel de huisarts", "status": "open", "status_label": "open"},
        {"text": "Flyer", "status": "afgerond", "status_label": "afgerond"}]


def test_handout_pdf_is_one_page_for_members_and_refused_for_anonymous(planted):
    client = planted.server.test_client()
    refused = client.get("/export/review/de-vijfhoek/2025-B5.pdf")
    assert (refused.status_code, refused.headers["Location"]) == (
        302, "/login?next=/export/review/de-vijfhoek/2025-B5.pdf")
    login(client, "transitie@demo.nl")
    response = client.get("/export/review/de-vijfhoek/2025-B5.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = re.findall(rb"/Type /Page\b(?!s)", response.data)
    assert (len(pages), b"/Title (Review De Vijfhoek 2025-B5)" in response.data) == (1, True)


def test_review_summary_in_the_browser_names_the_improvement_and_the_deterioration(dash_duo, planted):
    start_browser_app(dash_duo, planted)
    browser_login(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/buurt/de-vijfhoek/uitkomsten?review=2025-B5")
    better = dash_duo.wait_for_element("#review-row-prev_mantelzorgbelasting", timeout=60)
    worse = dash_duo.find_element("#review-row-prev_trainingen_gevolgd")
    better_cell = better.find_elements("css selector", "td")[1]
    worse_cell = worse.find_elements("css selector", "td")[1]
    assert better_cell.text.split("\n")[0] == "▲ beter"
    assert worse_cell.text.split("\n")[0] == "▼ slechter"
    assert "Training valpreventie plannen" in dash_duo.find_element(".review-actions").text
    assert console_errors(dash_duo) == []


def test_counts_without_interval_are_judged_as_poisson_counts():
    import pandas as pd

    def row(value, period):
        return pd.Series({"value": value, "period": period, "ci_low": None, "ci_high": None})

    assert (judge(row(40.0, "2025-B5"), row(4.0, "2025-B4"), "higher_is_better", "count").judgement,
            judge(row(27.0, "2025-B5"), row(25.0, "2025-B4"), "higher_is_better", "count").judgement) == (
        "beter", "gelijk")


def test_the_stored_summary_equals_the_computed_one_and_is_shared_by_every_network(planted):
    # Computed once per buurt, review and scope: the team and another buurt's network read the same stored row.
    from data_access.results import store
    from data_access.review_summary import KIND, stored_review_summary

    engine = planted.server.extensions["engine"]
    other_network = Viewer(role="buurtnetwerk", programme_ids=frozenset({999}))
    with engine.connect() as conn:
        area = queries.find_area(conn, "de-vijfhoek")
        direct = review_summary(conn, TRANSITIE, area, "2025-B5")
        before = store.COMPUTED.get(KIND, 0)
        stored = stored_review_summary(conn, TRANSITIE, area, "2025-B5")
        again = stored_review_summary(conn, other_network, area, "2025-B5")
    assert store.COMPUTED.get(KIND, 0) == before + 1
    assert judgements(stored) == judgements(direct) == judgements(again)
    assert judgements(stored, "since_start") == judgements(direct, "since_start")
    assert stored["kpi"] == direct["kpi"]


def test_latest_value_as_of_a_review_follows_the_one_definition():
    """The summary picks its latest value from plain records (fast); it must pick the row
    `definitions.latest_as_of` picks for every review, with missing values and gaps among the periods."""
    import numpy as np
    import pandas as pd

    from data_access import definitions, periods
    from data_access.review_summary import _as_of
    from data_access.services.uitkomsten_view import records_by_area

    rng = np.random.default_rng(11)
    all_periods = periods.bimonthly_range("2024-B1", "2026-B6")
    rows = [{"area": area, "indicator": indicator, "period": period, "indeling": 2024,
             "value": None if rng.random() < 0.3 else float(rng.integers(1, 100))}
            for area in ("a", "b") for indicator in ("x", "y") for period in all_periods if rng.random() < 0.7]
    frame = pd.DataFrame(rows)
    frame["value"] = pd.to_numeric(frame["value"])
    by_key = records_by_area(frame)
    checked = 0
    for review in all_periods:
        expected = definitions.latest_as_of(frame, review).set_index(["area", "indicator"])["period"].to_dict()
        for key, records_ in by_key.items():
            found = _as_of(records_, review)
            assert (found["period"] if found else None) == expected.get(key), (review, key)
            checked += found is not None
    assert checked > 50  # most (review, key) pairs have a value to pick
