"""The buurtbegroting: workflow rules, visibility, crafted callbacks from another network, the realisation import
and the API (JSON, CSV, XLSX) — all through the real service, import path and callback endpoint.
"""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from data_access import begroting, records
from data_access.access import Viewer
from data_access.importers import import_file
from data_access.models import AuditEvent, Budget, BudgetActivity, BudgetRealisation
from tests.conftest import login, write_csv
from tests.netwerk_helpers import count, dash_post, programme_id

YEAR = 2026
TEAM = Viewer(role="transitieteam")


@pytest.fixture
def db(app):
    return app.server.extensions["engine"]


def _client(app, email: str | None):
    client = app.server.test_client()
    if email:
        assert login(client, email).status_code == 302
    return client


def _network(db, slug: str) -> Viewer:
    return Viewer(role="buurtnetwerk", programme_ids=frozenset({programme_id(db, slug)}))


def _approved(db, slug: str = "de-vijfhoek", title: str = "Reablement") -> int:
    """An approved budget for YEAR with one activity; returns the activity id."""
    pid = programme_id(db, slug)
    with db.begin() as conn:
        saved = begroting.save_activity(conn, TEAM, pid, YEAR, None, {"theme": "preventie", "title": title,
                                                                     "planned_costs": 12_000, "planned_hours": 160},
                                        None, "t@demo.nl")
        version = begroting.budget(conn, pid, YEAR)["version"]
        version = begroting.change_status(conn, TEAM, pid, YEAR, "indienen", "", version, "t@demo.nl").record["version"]
        begroting.change_status(conn, TEAM, pid, YEAR, "goedkeuren", "akkoord", version, "t@demo.nl")
    return saved.record["id"]


def test_budget_goes_through_concept_submitted_returned_and_approved_with_every_version_kept(db):
    pid = programme_id(db, "de-vijfhoek")
    network = _network(db, "de-vijfhoek")
    with db.begin() as conn:
        first = begroting.save_activity(conn, network, pid, YEAR, None,
                                        {"theme": "zorgzaam", "title": "Voorzorgcirkel", "planned_costs": "8000",
                                         "planned_hours": 100}, None, "vijfhoek@demo.nl")
        assert first.ok and begroting.budget(conn, pid, YEAR)["status"] == "concept"
        submitted = begroting.change_status(conn, network, pid, YEAR, "indienen", "", 1, "vijfhoek@demo.nl")
        with pytest.raises(PermissionError):
            begroting.change_status(conn, network, pid, YEAR, "goedkeuren", "", 2, "vijfhoek@demo.nl")
        with pytest.raises(begroting.BudgetError, match="terugsturen"):
            begroting.change_status(conn, TEAM, pid, YEAR, "terugsturen", " ", 2, "t@demo.nl")
        returned = begroting.change_status(conn, TEAM, pid, YEAR, "terugsturen", "Uren te hoog", 2, "t@demo.nl")
        begroting.save_activity(conn, network, pid, YEAR, first.record["id"], {
            "theme": "zorgzaam", "title": "Voorzorgcirkel", "planned_costs": 8000, "planned_hours": 60},
            first.record["version"], "vijfhoek@demo.nl")
        begroting.change_status(conn, network, pid, YEAR, "indienen", "", returned.record["version"],
                                "vijfhoek@demo.nl")
        approved = begroting.change_status(conn, TEAM, pid, YEAR, "goedkeuren", "Akkoord", 4, "t@demo.nl")
        with pytest.raises(begroting.BudgetError, match="goedgekeurd"):
            begroting.save_activity(conn, network, pid, YEAR, None, {"theme": "lerend", "title": "x"}, None, "v")
        versions = begroting.history(conn, approved.record["id"])
        frame = begroting.activities(conn, pid, YEAR)
    assert submitted.record["status"] == "ingediend"
    assert [v.data["status"] for v in versions] == ["goedgekeurd", "ingediend", "terug", "ingediend", "concept"]
    assert versions[2].author == "t@demo.nl" and versions[2].data["comment"] == "Uren te hoog"
    assert frame["planned_hours"].tolist() == [60.0]


def test_stale_version_does_not_overwrite_a_decision(db):
    pid = programme_id(db, "de-vijfhoek")
    with db.begin() as conn:
        begroting.save_activity(conn, TEAM, pid, YEAR, None, {"theme": "lerend", "title": "Intervisie"}, None, "t")
        begroting.change_status(conn, TEAM, pid, YEAR, "indienen", "", 1, "t")
        begroting.change_status(conn, TEAM, pid, YEAR, "goedkeuren", "", 2, "t")
        with pytest.raises(begroting.BudgetError, match="goedgekeurd"):
            begroting.change_status(conn, TEAM, pid, YEAR, "terugsturen", "toch niet", 2, "t")


def test_other_buurtnetwerk_sees_totals_per_theme_only(app, db):
    _approved(db, title="Geheime activiteit")
    other = _client(app, "sterrenwijk@demo.nl")
    body = other.get(f"/api/v1/programma/de-vijfhoek/begroting?jaar={YEAR}").get_json()
    assert body["detail"] is False
    assert body["data"] == [{"theme": "preventie", "theme_name": "Preventie als mindset", "activities": 1,
                             "planned_costs": 12000.0, "planned_hours": 160.0, "realised_costs": 0.0,
                             "realised_hours": 0.0, "status": "goedgekeurd"}]
    assert "Geheime activiteit" not in json.dumps(body) and "comment" not in body
    assert other.get("/api/v1/programma/de-vijfhoek/realisatie").status_code == 403
    own = _client(app, "vijfhoek@demo.nl").get(f"/api/v1/programma/de-vijfhoek/begroting?jaar={YEAR}").get_json()
    assert own["detail"] is True and own["data"][0]["name"] == "Geheime activiteit" and own["comment"] == "akkoord"
    assert app.server.test_client().get("/api/v1/programma/de-vijfhoek/begroting").status_code == 401
    assert _client(app, "verzekeraar@demo.nl").get("/api/v1/programma/de-vijfhoek/begroting").status_code == 403
    assert other.get("/api/v1/programma/nergens/begroting").status_code == 404


def _save_activity_post(client, app, slug: str, title: str):
    return dash_post(client, app, "begroting-message",
                     inputs=[("begroting-save", "n_clicks", 1), ("begroting-delete", "n_clicks", None)],
                     state=[("begroting-area", "data", {"kind": "buurt", "code": slug}),
                            ("begroting-year", "value", YEAR), ("begroting-edit-state", "data", None),
                            ("begroting-theme", "value", "preventie"), ("begroting-link", "value", None),
                            ("begroting-act-title", "value", title), ("begroting-costs", "value", 5000),
                            ("begroting-hours", "value", 40), ("begroting-note", "value", "")],
                     trigger="begroting-save.n_clicks")


def test_another_buurts_network_cannot_edit_the_budget_through_a_crafted_callback(app, db):
    attacker = _client(app, "sterrenwijk@demo.nl")
    refused = _save_activity_post(attacker, app, "de-vijfhoek", "Ingeschoven")
    assert refused.status_code == 200 and "Geweigerd" in refused.get_data(as_text=True)
    assert count(db, BudgetActivity) == 0 and count(db, Budget) == 0
    assert count(db, AuditEvent, AuditEvent.action == "access_denied", AuditEvent.actor == "sterrenwijk@demo.nl") == 1
    submit = dash_post(attacker, app, "begroting-workflow-message",
                       inputs=[("begroting-submit", "n_clicks", None), ("begroting-approve", "n_clicks", 1),
                               ("begroting-return", "n_clicks", None)],
                       state=[("begroting-area", "data", {"kind": "buurt", "code": "de-vijfhoek"}),
                              ("begroting-year", "value", YEAR), ("begroting-state", "data", {"version": 1}),
                              ("begroting-comment", "value", "")], trigger="begroting-approve.n_clicks")
    assert "Geweigerd" in submit.get_data(as_text=True)
    own = _save_activity_post(_client(app, "vijfhoek@demo.nl"), app, "de-vijfhoek", "Eigen activiteit")
    assert "Activiteit opgeslagen" in own.get_data(as_text=True)
    with db.connect() as conn:
        assert conn.execute(select(BudgetActivity.title)).scalars().all() == ["Eigen activiteit"]


def test_realisation_csv_with_a_bad_row_writes_nothing_and_reports_the_line(db, tmp_path):
    activity = _approved(db)
    rows = ["buurt;activiteit;periode;kosten;uren;bron",
            f"de-vijfhoek;{activity};2026-Q1;3000;40;Buurtnetwerk",
            f"de-vijfhoek;{activity};2026-Q2;-10;5;Buurtnetwerk",
            f"de-vijfhoek;{activity};2026-Q3;2500,50;30;Buurtnetwerk"]
    report = import_file(db, "realisatie", write_csv(tmp_path / "r.csv", "\n".join(rows) + "\n"))
    assert report.status == "afgewezen"
    assert [(r.line, r.reason) for r in report.rejections] == [(3, "negatieve kosten of uren")]
    assert count(db, BudgetRealisation) == 0
    good = import_file(db, "realisatie", write_csv(tmp_path / "ok.csv", "\n".join(rows[:2] + rows[3:]) + "\n"))
    assert good.ok and good.accepted == 2
    with db.connect() as conn:
        frame = begroting.realisation(conn, programme_id(db, "de-vijfhoek"))
    assert frame["costs"].tolist() == [3000.0, 2500.5]


def test_realisation_rules_refuse_unknown_activity_other_year_and_overlap(db, tmp_path):
    activity = _approved(db)
    assert import_file(db, "realisatie", write_csv(tmp_path / "a.csv", "buurt;activiteit;periode;kosten;uren;bron\n"
                                                   f"de-vijfhoek;{activity};2026;1000;;B\n")).ok
    rows = ["buurt;activiteit;periode;kosten;uren;bron", f"de-vijfhoek;{activity};2025-Q1;1;1;B",
            "de-vijfhoek;999;2026-Q1;1;1;B", f"sterrenwijk;{activity};2026-Q1;1;1;B",
            f"de-vijfhoek;{activity};2026-Q2;1;1;B"]
    report = import_file(db, "realisatie", write_csv(tmp_path / "b.csv", "\n".join(rows) + "\n"))
    reasons = {r.line: r.reason for r in report.rejections}
    assert reasons[2] == "periode 2025-Q1 valt buiten het begrotingsjaar 2026"
    assert reasons[3].startswith("onbekende activiteit")
    assert "hoort niet" in reasons[4]
    assert reasons[5].startswith("periode 2026-Q2 overlapt met 2026")


def test_network_form_refuses_realisation_rows_of_another_buurt(db, tmp_path):
    activity = _approved(db, "sterrenwijk")
    path = write_csv(tmp_path / "r.csv", f"buurt;activiteit;periode;kosten;uren;bron\n"
                                         f"sterrenwijk;{activity};2026-Q1;1;1;B\n")
    report = import_file(db, "realisatie", path, allowed_programmes={programme_id(db, "de-vijfhoek")})
    assert report.rejections[0].reason == "geen toegang tot de begroting van 'sterrenwijk'"


def test_api_csv_and_xlsx_quote_formula_cells(app, db):
    _approved(db, title="=HYPERLINK(\"http://x\")")
    client = _client(app, "transitie@demo.nl")
    csv = client.get(f"/api/v1/programma/de-vijfhoek/begroting?jaar={YEAR}&format=csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv and ",=HYPERLINK" not in csv
    xlsx = client.get(f"/api/v1/programma/de-vijfhoek/begroting?jaar={YEAR}&format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("name") + 1).value == "'=HYPERLINK(\"http://x\")"
    assert client.get("/api/v1/programma/de-vijfhoek/begroting?format=pdf").status_code == 400


def test_impact_api_says_why_there_is_no_figure_yet(app, db):
    client = _client(app, "transitie@demo.nl")
    body = client.get("/api/v1/programma/de-vijfhoek/impact").get_json()
    wvpk = next(r for r in body["data"] if r["indicator"] == "wvpk_uren_per_client")
    assert wvpk["per_jaar"] is None and wvpk["reden"]
    assert body["euro_per_uur"] is None and body["euro_per_uur_reden"] == "nog geen effect te berekenen"
    programme = client.get("/api/v1/programma/impact").get_json()
    assert programme["plan"] == {"fte_2033": 27000.0, "euro_2033": 1.5e9, "target_relative": -0.15}
    assert programme["parameters"]["kosten_per_fte"] == 90000.0
    assert app.server.test_client().get("/api/v1/programma/impact").status_code == 401


def test_budget_records_are_versioned_through_the_shared_service(db):
    pid = programme_id(db, "de-vijfhoek")
    with db.begin() as conn:
        saved = begroting.save_activity(conn, TEAM, pid, YEAR, None, {"theme": "lerend", "title": "A"}, None, "a")
        begroting.save_activity(conn, TEAM, pid, YEAR, saved.record["id"], {"theme": "lerend", "title": "B"}, 1, "b")
        stale = begroting.save_activity(conn, TEAM, pid, YEAR, saved.record["id"], {"theme": "lerend", "title": "C"},
                                        1, "c")
        versions = records.history(conn, "budget_activity", saved.record["id"])
    assert stale.conflict and stale.record["title"] == "B"
    assert [(v.version, v.author, v.data["title"]) for v in versions] == [(2, "b", "B"), (1, "a", "A")]


def _realisation_post(client, app, activity, period: str, costs):  # noqa: ANN001
    return dash_post(client, app, "begroting-real-message",
                     inputs=[("begroting-real-save", "n_clicks", 1), ("begroting-real-upload", "contents", None)],
                     state=[("begroting-area", "data", {"kind": "buurt", "code": "de-vijfhoek"}),
                            ("begroting-real-activity", "value", activity), ("begroting-real-period", "value", period),
                            ("begroting-real-costs", "value", costs), ("begroting-real-hours", "value", 12),
                            ("begroting-real-upload", "filename", None)],
                     trigger="begroting-real-save.n_clicks")


def test_realisation_form_goes_through_the_import_and_explains_a_refusal(app, db):
    activity = _approved(db)
    own = _client(app, "vijfhoek@demo.nl")
    refused = _realisation_post(own, app, activity, "2025-Q4", 900).get_data(as_text=True)
    assert "regel 2: periode 2025-Q4 valt buiten het begrotingsjaar 2026" in refused
    assert count(db, BudgetRealisation) == 0
    assert "Realisatie opgeslagen: 1 regel" in _realisation_post(own, app, activity, "2026-Q1", 900).get_data(
        as_text=True)
    with db.connect() as conn:
        row = conn.execute(select(BudgetRealisation.costs, BudgetRealisation.source)).one()
    assert tuple(row) == (900.0, "buurtnetwerk De Vijfhoek")
    other = _realisation_post(_client(app, "sterrenwijk@demo.nl"), app, activity, "2026-Q2", 1)
    assert "Geweigerd" in other.get_data(as_text=True) and count(db, BudgetRealisation) == 1
