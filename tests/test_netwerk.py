"""Callbacks of the Buurtnetwerk page (/buurt/<slug>/netwerk) through Dash's real callback endpoint.

Requests are crafted as a browser would send them, so authorisation inside the callbacks is what is tested:
a member of De Vijfhoek must not be able to write anything for Sterrenwijk.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from sqlalchemy import select

from callbacks.netwerk import agenda_values, coverage
from data_access import records
from data_access.models import (
    AgendaItem,
    Area,
    AuditEvent,
    ImportBatch,
    Indicator,
    Narrative,
    Observation,
    RecordVersion,
    RejectedRow,
    ReviewSession,
)
from tests.conftest import login
from tests.netwerk_helpers import count, dash_post, programme_id

STORY = ["challenges", "strengths", "why-it-matters", "if-tackled"]


@pytest.fixture
def db(app):
    return app.server.extensions["engine"]


def _client(app, email: str | None):
    client = app.server.test_client()
    if email:
        assert login(client, email).status_code == 302
    return client


def save_story(client, app, slug: str, texts: list[str], state: dict | None, overwrite: bool = False):
    trigger = "netwerk-verhaal-overwrite.n_clicks" if overwrite else "netwerk-verhaal-save.n_clicks"
    return dash_post(
        client, app, "netwerk-verhaal-message",
        inputs=[("netwerk-verhaal-save", "n_clicks", None if overwrite else 1),
                ("netwerk-verhaal-overwrite", "n_clicks", 1 if overwrite else None)],
        state=[("netwerk-area", "data", {"kind": "buurt", "code": slug}),
               ("netwerk-verhaal-state", "data", state or {"id": None, "version": None}),
               *[(f"netwerk-verhaal-{f}", "value", t) for f, t in zip(STORY, texts, strict=True)]],
        trigger=trigger)


def _response(resp) -> dict:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return resp.get_json()["response"]


def test_member_of_one_buurt_cannot_save_another_buurts_narrative(app, db):
    client = _client(app, "vijfhoek@demo.nl")
    resp = save_story(client, app, "sterrenwijk", ["Overgenomen door een ander", "", "", ""], None)
    body = json.dumps(_response(resp))
    assert "Opslaan geweigerd" in body
    assert count(db, Narrative) == 0 and count(db, RecordVersion) == 0
    assert count(db, AuditEvent, AuditEvent.action == "access_denied",
                 AuditEvent.actor == "vijfhoek@demo.nl") == 1
    # the same request for the member's own buurt is saved: the refusal above is the authorisation, not the payload
    resp = save_story(client, app, "de-vijfhoek", ["Eenzaamheid", "Buurtvereniging", "", ""], None)
    out = _response(resp)
    assert "Opgeslagen als versie 1" in json.dumps(out)
    with db.connect() as conn:
        saved = records.load_where(conn, Narrative, programme_id=programme_id(db, "de-vijfhoek"))
    assert saved["challenges"] == "Eenzaamheid" and saved["updated_by"] == "vijfhoek@demo.nl"


def test_a_crafted_record_id_of_another_buurt_is_not_overwritten(app, db):
    sterrenwijk = programme_id(db, "sterrenwijk")
    with db.begin() as conn:
        theirs = records.save_record(conn, Narrative, None, {"challenges": "Tekst Sterrenwijk"}, None,
                                     "sterrenwijk@demo.nl", sterrenwijk).record
    client = _client(app, "vijfhoek@demo.nl")
    resp = save_story(client, app, "de-vijfhoek", ["Gekaapt", "", "", ""], {"id": theirs["id"], "version": 1})
    assert "bestaat niet" in json.dumps(_response(resp))
    with db.connect() as conn:
        assert records.load(conn, Narrative, theirs["id"])["challenges"] == "Tekst Sterrenwijk"
    assert count(db, RecordVersion) == 1


def test_anonymous_saves_are_refused_by_the_guard(app, db):
    resp = save_story(_client(app, None), app, "de-vijfhoek", ["x", "", "", ""], None)
    assert resp.status_code == 401
    assert count(db, RecordVersion) == 0


def test_supplier_saves_are_refused_by_the_callback(app, db):
    resp = save_story(_client(app, "verzekeraar@demo.nl"), app, "de-vijfhoek", ["x", "", "", ""], None)
    assert "Opslaan geweigerd" in json.dumps(resp.get_json()["response"])
    assert count(db, RecordVersion) == 0
    assert count(db, Narrative) == 0


def test_concurrent_edits_through_the_page_give_a_conflict_with_both_texts(app, db):
    anna, team = _client(app, "vijfhoek@demo.nl"), _client(app, "transitie@demo.nl")
    first = _response(save_story(anna, app, "de-vijfhoek", ["Begin", "", "", ""], None))
    state = first["netwerk-verhaal-state"]["data"]
    assert state["version"] == 1
    # both start from version 1; the transitieteam saves first
    assert "versie 2" in json.dumps(_response(save_story(team, app, "de-vijfhoek", ["Tekst team", "", "", ""],
                                                         state)))
    out = _response(save_story(anna, app, "de-vijfhoek", ["Tekst Anna", "", "", ""], state))
    body = json.dumps(out, ensure_ascii=False)
    assert "Iemand anders heeft dit intussen opgeslagen" in body
    assert "Tekst team" in body and "Tekst Anna" in body and "transitie@demo.nl" in body
    assert out["netwerk-verhaal-overwrite"]["style"] == {}  # the 'save mine anyway' button appears
    conflict_state = out["netwerk-verhaal-state"]["data"]
    assert conflict_state["conflict_version"] == 2
    with db.connect() as conn:
        assert records.load(conn, Narrative, state["id"])["challenges"] == "Tekst team"
    # after reading both, Anna saves hers as the new version; the team's text stays in the history
    out = _response(save_story(anna, app, "de-vijfhoek", ["Tekst Anna", "", "", ""], conflict_state,
                               overwrite=True))
    assert out["netwerk-verhaal-state"]["data"]["version"] == 3
    with db.connect() as conn:
        versions = records.history(conn, "narrative", state["id"])
    assert [(v.version, v.data["challenges"]) for v in versions] == [(3, "Tekst Anna"), (2, "Tekst team"),
                                                                    (1, "Begin")]


def _adoptie_post(client, app, slug: str, period: str, values: dict[tuple[str, str], str]):
    entries = [({"type": "netwerk-adoptie-input", "index": ind, "field": field}, "value", v)
               for (ind, field), v in values.items()]
    ids_ = [(e[0], "id", e[0]) for e in entries]
    return dash_post(client, app, "netwerk-adoptie-message",
                     inputs=[("netwerk-adoptie-save", "n_clicks", 1)],
                     state=[("netwerk-area", "data", {"kind": "buurt", "code": slug}),
                            ("netwerk-adoptie-period", "value", period), list(entries), list(ids_)],
                     trigger="netwerk-adoptie-save.n_clicks")


def _observations(db, slug: str) -> pd.DataFrame:
    with db.connect() as conn:
        return pd.read_sql(select(Indicator.code, Observation.period, Observation.value, Observation.numerator,
                                  Observation.denominator, Observation.source, ImportBatch.kind,
                                  ImportBatch.imported_by, ImportBatch.file_name)
                           .join(Indicator, Indicator.id == Observation.indicator_id)
                           .join(Area, Area.id == Observation.area_id)
                           .join(ImportBatch, ImportBatch.id == Observation.batch_id)
                           .where(Area.code == slug), conn)


def test_adoption_form_is_imported_through_the_levering_pipeline(app, db):
    client = _client(app, "vijfhoek@demo.nl")
    out = _response(_adoptie_post(client, app, "de-vijfhoek", "2026-B3", {
        ("prev_interventies_gestart", "teller"): "3",
        ("lb_sessies", "teller"): "1",
        ("prev_trainingen_gevolgd", "teller"): "4", ("prev_trainingen_gevolgd", "noemer"): "5",
    }))
    assert "3 aantal(len)" in json.dumps(out)
    frame = _observations(db, "de-vijfhoek").set_index("code")
    assert sorted(frame.index) == ["lb_sessies", "prev_interventies_gestart", "prev_trainingen_gevolgd"]
    assert frame.at["prev_interventies_gestart", "value"] == 3
    assert frame.at["prev_trainingen_gevolgd", "value"] == pytest.approx(80.0)  # derived by the importer
    assert set(frame["source"]) == {"buurtnetwerk De Vijfhoek"} and set(frame["kind"]) == {"levering"}
    assert set(frame["imported_by"]) == {"vijfhoek@demo.nl"} and set(frame["period"]) == {"2026-B3"}
    assert count(db, AuditEvent, AuditEvent.action == "import") == 1


def test_rejected_adoption_counts_give_the_importers_reasons_and_store_nothing(app, db):
    client = _client(app, "vijfhoek@demo.nl")
    out = json.dumps(_response(_adoptie_post(client, app, "de-vijfhoek", "2026-B3", {
        ("prev_interventies_gestart", "teller"): "-2",
        ("prev_trainingen_gevolgd", "teller"): "9", ("prev_trainingen_gevolgd", "noemer"): "5",
        ("lb_sessies", "teller"): "twee",
    })), ensure_ascii=False)
    assert "Niet opgeslagen" in out
    assert "prev_interventies_gestart: negatieve teller" in out
    assert "prev_trainingen_gevolgd: teller groter dan noemer" in out
    assert "lb_sessies: ongeldig getal 'twee' in kolom teller" in out
    assert _observations(db, "de-vijfhoek").empty
    with db.connect() as conn:
        batch = conn.execute(select(ImportBatch.status, ImportBatch.rows_rejected)).one()
    assert batch.status == "afgewezen" and batch.rows_rejected == count(db, RejectedRow) == 3


def test_adoption_counts_for_another_buurt_are_refused(app, db):
    out = json.dumps(_response(_adoptie_post(_client(app, "vijfhoek@demo.nl"), app, "sterrenwijk", "2026-B3",
                                             {("prev_interventies_gestart", "teller"): "3"})))
    assert "Opslaan geweigerd" in out
    assert count(db, ImportBatch) == 0 and count(db, Observation) == 0


def test_agenda_rules_for_mandatory_and_skipped_themes(app, db):
    with db.connect() as conn:
        with pytest.raises(ValueError, match="verplicht"):
            agenda_values(conn, "zorgzaam", "overslaan", "", None, "gepland", "geen tijd")
        with pytest.raises(ValueError, match="waarom"):
            agenda_values(conn, "dichtbij", "overslaan", "", None, "gepland", "  ")
        with pytest.raises(ValueError, match="naam"):
            agenda_values(conn, "zorgzaam", "eigen", "", None, "gepland", "")
        with pytest.raises(ValueError, match="datum"):
            agenda_values(conn, "zorgzaam", "eigen", "Buurtkamer", "1-3-2026", "gepland", "")
        skipped = agenda_values(conn, "dichtbij", "overslaan", "", None, "gepland", "Geen ziekenhuis in de buurt")
        from data_access.netwerk import menukaart

        menu = menukaart(conn)
        lerend = menu[menu["theme"] == "lerend"].iloc[0]
        from_menu = agenda_values(conn, None, str(lerend["id"]), "genegeerd", "2026-03-01", "gestart", "")
    assert skipped["status"] == "overgeslagen" and skipped["note"] == "Geen ziekenhuis in de buurt"
    assert from_menu["theme"] == "lerend" and from_menu["title"] == ""
    assert from_menu["start_date"] == dt.date(2026, 3, 1)
    items = pd.DataFrame([{"theme": "lerend", "status": "gestart", "note": ""},
                          {"theme": "dichtbij", "status": "overgeslagen", "note": "Geen ziekenhuis"}])
    text = json.dumps(coverage(items)[0].to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False)
    assert "Zorgzame buurt" in text and "verplicht thema" in text
    assert "overgeslagen – " in text and "Geen ziekenhuis" in text
    assert "geen motivatie" in text  # preventie and eerste lijn: neither chosen nor justified


def test_agenda_line_is_added_edited_and_soft_deleted_with_history(app, db):
    client = _client(app, "vijfhoek@demo.nl")
    area = ("netwerk-area", "data", {"kind": "buurt", "code": "de-vijfhoek"})

    def save(state, title, status):  # noqa: ANN001, ANN202
        return _response(dash_post(client, app, "netwerk-agenda-message",
                                   inputs=[("netwerk-agenda-save", "n_clicks", 1)],
                                   state=[area, ("netwerk-agenda-state", "data", state),
                                          ("netwerk-agenda-theme", "value", "zorgzaam"),
                                          ("netwerk-agenda-intervention", "value", "eigen"),
                                          ("netwerk-agenda-title", "value", title),
                                          ("netwerk-agenda-start", "value", "2026-05-01"),
                                          ("netwerk-agenda-status", "value", status),
                                          ("netwerk-agenda-note", "value", "")],
                                   trigger="netwerk-agenda-save.n_clicks"))

    out = save({"id": None, "version": None}, "Buurtkamer", "gepland")
    versions = out["netwerk-agenda-items"]["data"]
    (item_id, version), = versions.items()
    assert version == 1 and "Buurtkamer" in json.dumps(out["netwerk-agenda-list"]["children"])
    out = save({"id": int(item_id), "version": 1}, "Buurtkamer Oost", "gestart")
    assert out["netwerk-agenda-items"]["data"] == {item_id: 2}
    # delete through the row's button (a pattern-matching id), with the listed version
    edit_ids = [{"type": "netwerk-agenda-edit", "index": int(item_id)}]
    delete_ids = [{"type": "netwerk-agenda-delete", "index": int(item_id)}]
    resp = dash_post(client, app, "netwerk-agenda-theme",
                     inputs=[[(i, "n_clicks", None) for i in edit_ids], [(i, "n_clicks", 1) for i in delete_ids],
                             ("netwerk-agenda-new", "n_clicks", None)],
                     state=[area, ("netwerk-agenda-items", "data", {item_id: 2})],
                     trigger=json.dumps(delete_ids[0], separators=(",", ":"), sort_keys=True) + ".n_clicks")
    out = _response(resp)
    assert "verwijderd" in json.dumps(out)
    with db.connect() as conn:
        stored = records.load(conn, AgendaItem, int(item_id))
        history = records.history(conn, "agenda_item", int(item_id))
    assert stored["deleted"] and stored["title"] == "Buurtkamer Oost"
    assert [(v.version, v.data["deleted"]) for v in history] == [(3, True), (2, False), (1, False)]


def test_uitkomsten_shows_notes_of_the_chosen_and_the_previous_review(app, db):
    pid = programme_id(db, "de-vijfhoek")
    with db.begin() as conn:
        records.save_record(conn, ReviewSession, None, {"period": "2026-B4", "notes": "Notitie B4",
                                                        "actions": "Actie B4"}, None, "a", pid)
        records.save_record(conn, ReviewSession, None, {"period": "2026-B5", "notes": "Notitie B5",
                                                        "actions": "Actie B5", "held_on": dt.date(2026, 11, 10)},
                            None, "a", pid)
    client = _client(app, "sterrenwijk@demo.nl")  # another network may read the reviews
    out = json.dumps(_response(dash_post(client, app, "netwerk-uit-reviews",
                                         inputs=[("buurt-area", "data", {"kind": "buurt", "code": "de-vijfhoek"}),
                                                 ("buurt-uit-review", "value", "2026-B5")], state=[])))
    assert "Notitie B5" in out and "Actie B5" in out and "10-11-2026" in out
    assert "Notitie B4" in out and "Vorige review" in out
    out = json.dumps(_response(dash_post(client, app, "netwerk-uit-reviews",
                                         inputs=[("buurt-area", "data", {"kind": "buurt", "code": "de-vijfhoek"}),
                                                 ("buurt-uit-review", "value", "2026-B4")], state=[])))
    assert "Notitie B4" in out and "Notitie B5" not in out and "nog geen aantekeningen" in out


def test_review_save_for_a_period_is_versioned_and_refused_for_other_buurten(app, db):
    client = _client(app, "vijfhoek@demo.nl")

    def save(slug, state):  # noqa: ANN001, ANN202
        return dash_post(client, app, "netwerk-review-message",
                         inputs=[("netwerk-review-save", "n_clicks", 1),
                                 ("netwerk-review-overwrite", "n_clicks", None)],
                         state=[("netwerk-area", "data", {"kind": "buurt", "code": slug}),
                                ("netwerk-review-period", "value", "2026-B5"), ("netwerk-review-state", "data", state),
                                ("netwerk-review-held-on", "value", "2026-11-10"),
                                ("netwerk-review-attendees", "value", "Anna, Bram"),
                                ("netwerk-review-notes", "value", "Uren per cliënt dalen"),
                                ("netwerk-review-actions", "value", "Bram belt de huisarts")],
                         trigger="netwerk-review-save.n_clicks")

    assert "Opslaan geweigerd" in json.dumps(_response(save("sterrenwijk", {"id": None, "version": None})))
    assert count(db, ReviewSession) == 0
    out = _response(save("de-vijfhoek", {"id": None, "version": None}))
    assert out["netwerk-review-state"]["data"]["version"] == 1
    with db.connect() as conn:
        review = records.load_where(conn, ReviewSession, period="2026-B5")
    assert review["held_on"] == dt.date(2026, 11, 10) and review["actions"] == "Bram belt de huisarts"
