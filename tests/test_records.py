"""The versioned-record service (data_access/records.py): save, optimistic locking, conflicts and history."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from data_access import records
from data_access.access import ANONYMOUS, Viewer
from data_access.models import BestPractice, Narrative, ProgrammeBuurt, RecordVersion, ReviewSession


@pytest.fixture
def db(app):
    return app.server.extensions["engine"]


def _programme(engine, slug: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(ProgrammeBuurt.id).where(ProgrammeBuurt.slug == slug)).scalar_one()


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_first_save_creates_version_one_and_its_history_row(db):
    pid = _programme(db, "de-vijfhoek")
    with db.begin() as conn:
        result = records.save_record(conn, Narrative, None, {"challenges": "Eenzaamheid bij ouderen"}, None,
                                     "a@demo.nl", pid)
    assert result.ok and result.record["version"] == 1 and result.record["programme_id"] == pid
    with db.connect() as conn:
        versions = records.history(conn, "narrative", result.record["id"])
    assert [(v.version, v.author, v.data["challenges"]) for v in versions] == [(1, "a@demo.nl",
                                                                                "Eenzaamheid bij ouderen")]


def test_update_from_current_version_increments_and_keeps_every_version(db):
    pid = _programme(db, "de-vijfhoek")
    with db.begin() as conn:
        first = records.save_record(conn, Narrative, None, {"strengths": "Actieve buurtvereniging"}, None, "a", pid)
    with db.begin() as conn:
        second = records.save_record(conn, Narrative, first.record["id"], {"strengths": "Sterke mantelzorg"}, 1,
                                     "b", pid)
    assert second.ok and second.record["version"] == 2 and second.record["updated_by"] == "b"
    with db.connect() as conn:
        versions = records.history(conn, "narrative", first.record["id"])
    assert [(v.version, v.author, v.data["strengths"]) for v in versions] == [
        (2, "b", "Sterke mantelzorg"), (1, "a", "Actieve buurtvereniging")]


def test_second_of_two_edits_from_the_same_version_gets_both_texts_and_writes_nothing(db):
    pid = _programme(db, "de-vijfhoek")
    with db.begin() as conn:
        record_id = records.save_record(conn, Narrative, None, {"challenges": "Begin"}, None, "a", pid).record["id"]
    # two people opened version 1; Anna saves first, then Bram
    with db.begin() as conn:
        anna = records.save_record(conn, Narrative, record_id, {"challenges": "Tekst van Anna"}, 1, "anna", pid)
    with db.begin() as conn:
        bram = records.save_record(conn, Narrative, record_id, {"challenges": "Tekst van Bram"}, 1, "bram", pid)
    assert anna.ok
    assert bram.conflict and not bram.ok
    assert bram.record["challenges"] == "Tekst van Anna" and bram.record["updated_by"] == "anna"
    assert bram.unsaved == {"challenges": "Tekst van Bram"}
    with db.connect() as conn:
        stored = records.load(conn, Narrative, record_id)
        versions = records.history(conn, "narrative", record_id)
    assert stored["challenges"] == "Tekst van Anna" and stored["version"] == 2
    assert [v.version for v in versions] == [2, 1]
    # after reading, Bram saves his text as the next version on purpose
    with db.begin() as conn:
        again = records.save_record(conn, Narrative, record_id, bram.unsaved, bram.record["version"], "bram", pid)
    assert again.ok and again.record["version"] == 3 and again.record["challenges"] == "Tekst van Bram"


def test_concurrent_saves_from_one_version_never_both_win(db):
    pid = _programme(db, "de-vijfhoek")
    with db.begin() as conn:
        record_id = records.save_record(conn, Narrative, None, {"challenges": "Begin"}, None, "a", pid).record["id"]
    barrier = threading.Barrier(2)
    results = {}

    def save(name: str) -> None:
        barrier.wait()
        with db.begin() as conn:
            results[name] = records.save_record(conn, Narrative, record_id, {"challenges": name}, 1, name, pid)

    threads = [threading.Thread(target=save, args=(n,)) for n in ("een", "twee")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(r.status for r in results.values()) == ["conflict", "opgeslagen"]
    winner = next(n for n, r in results.items() if r.ok)
    loser = next(r for r in results.values() if r.conflict)
    assert loser.record["challenges"] == winner
    with db.connect() as conn:
        assert records.load(conn, Narrative, record_id)["challenges"] == winner
        assert [v.version for v in records.history(conn, "narrative", record_id)] == [2, 1]


def test_two_first_saves_of_the_same_narrative_conflict_instead_of_failing(db):
    pid = _programme(db, "de-vijfhoek")
    with db.begin() as conn:
        records.save_record(conn, Narrative, None, {"challenges": "Eerste"}, None, "a", pid)
    with db.begin() as conn:
        late = records.save_record(conn, Narrative, None, {"challenges": "Tweede"}, None, "b", pid)
    assert late.conflict and late.record["challenges"] == "Eerste" and late.unsaved["challenges"] == "Tweede"
    assert _count(db, Narrative) == 1 and _count(db, RecordVersion) == 1


def test_a_record_of_another_buurt_cannot_be_updated_through_this_buurt(db):
    vijfhoek, sterrenwijk = _programme(db, "de-vijfhoek"), _programme(db, "sterrenwijk")
    with db.begin() as conn:
        theirs = records.save_record(conn, ReviewSession, None, {"period": "2026-B1", "notes": "Sterrenwijk"},
                                     None, "s", sterrenwijk).record
    with db.begin() as conn:
        result = records.save_record(conn, ReviewSession, theirs["id"], {"notes": "overschreven"}, 1, "v", vijfhoek)
    assert result.status == "onbekend"
    with db.connect() as conn:
        assert records.load(conn, ReviewSession, theirs["id"])["notes"] == "Sterrenwijk"


def test_unknown_fields_are_refused_and_the_service_is_generic(db):
    pid = _programme(db, "de-vijfhoek")
    with db.begin() as conn, pytest.raises(ValueError, match="onbekende velden"):
        records.save_record(conn, Narrative, None, {"programme_id": 99, "challenges": "x"}, None, "a", pid)
    with db.begin() as conn:
        practice = records.save_record(conn, BestPractice, None, {"title": "Vitality club", "story": "…"}, None,
                                       "t", pid)
    assert practice.ok
    with db.connect() as conn:
        assert records.history(conn, "best_practice", practice.record["id"])[0].data["title"] == "Vitality club"


def test_edit_rights_follow_role_and_membership():
    assert records.may_edit(Viewer(role="buurtnetwerk", programme_ids=frozenset({1})), 1)
    assert not records.may_edit(Viewer(role="buurtnetwerk", programme_ids=frozenset({1})), 2)
    assert records.may_edit(Viewer(role="transitieteam"), 2) and records.may_edit(Viewer(role="beheerder"), 2)
    assert not records.may_edit(Viewer(role="leverancier", supplier_source="x"), 1)
    assert not records.may_edit(ANONYMOUS, 1)
