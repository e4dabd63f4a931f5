"""The refresh builds every programme buurt's buurtbeeld (profile and head) ahead, from one read for all of them: the
figures are those each buurt's page would compute alone, and its first view computes nothing."""

from __future__ import annotations

import json

from data_access import peer_groups, profile_store, queries, results
from data_access.access import ANONYMOUS
from data_access.results import store
from data_access.services import beeld_view
from tests.test_pages_beeld import haarlem  # noqa: F401 — the fixture

CBS_AREAS = ("BU03920105", "BU03920101", "WK039201", "GM0392", "NL00")


def _areas(conn) -> list[queries.AreaInfo]:  # noqa: ANN001
    return queries.programme_areas(conn) + [queries.find_area(conn, code) for code in CBS_AREAS]


def _plain(value) -> object:  # noqa: ANN001
    return json.loads(store.dumps(value))


def test_programme_areas_are_the_areas_find_area_resolves(haarlem):  # noqa: F811
    with haarlem.server.extensions["engine"].connect() as conn:
        together = queries.programme_areas(conn)
        slugs = list(queries.programme_buurten(conn)["code"])
        alone = [queries.find_area(conn, slug) for slug in slugs]
    assert len(together) == 20
    assert sorted(together, key=lambda a: a.code) == sorted(alone, key=lambda a: a.code)
    assert next(a for a in together if a.code == "de-vijfhoek").member_codes  # members resolved too


def test_peer_codes_of_many_areas_are_those_of_context_peers(haarlem):  # noqa: F811
    with haarlem.server.extensions["engine"].connect() as conn:
        codes = ["de-vijfhoek", "BU03920105", "BU03920101", "WK039201", "sterrenwijk"]
        many = peer_groups.context_peer_codes(conn, codes, n=20)
        for code in codes:
            try:
                expected = (list(peer_groups.context_peers(conn, code, n=20)["code"]), "")
            except ValueError as exc:
                expected = ([], str(exc))
            assert many[code] == expected, code
    with haarlem.server.extensions["engine"].connect() as conn:
        members = set(queries.find_area(conn, "de-vijfhoek").member_codes)
    assert many["de-vijfhoek"][0] and not members & set(many["de-vijfhoek"][0])  # never its own member buurten
    assert "onbekend" in many["WK039201"][1]


def test_profiles_of_many_areas_equal_each_profile_computed_alone(haarlem):  # noqa: F811
    with haarlem.server.extensions["engine"].connect() as conn:
        catalogue = queries.indicators(conn)
        areas = _areas(conn)
        together = profile_store._payloads(conn, ANONYMOUS, areas, catalogue, 20)
        alone = {area.code: profile_store._compute(conn, ANONYMOUS, area, catalogue, 20) for area in areas}
    assert _plain(together) == _plain(alone)
    vijfhoek = dict(zip(together["de-vijfhoek"]["profile"]["indicator"],
                        together["de-vijfhoek"]["profile"]["peer_n"], strict=True))
    assert vijfhoek and max(vijfhoek.values()) == together["de-vijfhoek"]["n_peers"] > 0  # spread over its peers
    assert together["sterrenwijk"]["profile"]["indicator"] == []  # no context figures: an empty profile


def test_heads_of_many_areas_equal_each_head_computed_alone(haarlem):  # noqa: F811
    with haarlem.server.extensions["engine"].connect() as conn:
        areas = _areas(conn)
        together = beeld_view.beeld_heads(conn, ANONYMOUS, areas, beeld_view.HEADLINES)
        alone = {area.code: beeld_view.beeld_head(conn, ANONYMOUS, area, beeld_view.HEADLINES) for area in areas}
    assert _plain(together) == _plain(alone)
    assert together["de-vijfhoek"]["gemeente"] == ("GM0392", "Haarlem")


def test_the_refresh_stores_every_programme_buurtbeeld_and_the_page_reads_it(haarlem):  # noqa: F811
    engine = haarlem.server.extensions["engine"]
    assert results.refresh(engine)
    with engine.connect() as conn:
        profiles = store.read_many(conn, profile_store.KIND)
        heads = store.read_many(conn, beeld_view.KIND)
        area = queries.find_area(conn, "de-vijfhoek")
        catalogue = queries.indicators(conn)
        before = dict(store.COMPUTED)
        profile, n_peers, _reason = profile_store.area_profile(conn, ANONYMOUS, area, catalogue)
        head = beeld_view.stored_beeld_head(conn, ANONYMOUS, area)
        computed = {k: n - before.get(k, 0) for k, n in store.COMPUTED.items() if n != before.get(k, 0)}
        direct = profile_store._compute(conn, ANONYMOUS, area, catalogue, profile_store.PEER_COUNT)
        fresh_head = beeld_view.beeld_head(conn, ANONYMOUS, area, beeld_view.HEADLINES)
    assert len(profiles) == len(heads) == 20
    assert computed == {}
    assert n_peers > 0 and list(profile["indicator"]) == direct["profile"]["indicator"]
    assert profiles[f"de-vijfhoek|{profile_store.PEER_COUNT}"] == _plain(direct)  # the refresh's one shared read
    assert head == _plain(fresh_head)


def test_the_gemeente_of_an_area_is_one_rule_for_comparisons_and_the_buurtbeeld():
    from data_access.comparisons import gemeente_of

    def area(code: str, level: str, members: list[str] | None = None) -> queries.AreaInfo:
        return queries.AreaInfo(code, level, code, None, [2024], 1 if members else None, members or [])

    cases = [area("BU03920105", "buurt"), area("WK039201", "wijk"), area("GM0392", "gemeente"),
             area("NL00", "land"), area("de-vijfhoek", "programma", ["BU03630001", "BU03920105"])]
    assert [gemeente_of(a) for a in cases] == ["GM0392", "GM0392", None, None, "GM0363"]
    assert [gemeente_of(a, itself=True) for a in cases] == ["GM0392", "GM0392", "GM0392", None, "GM0363"]



def test_a_full_refresh_computes_the_buurtbeelden_in_a_second_process_with_the_same_figures(haarlem, monkeypatch):  # noqa: F811, E501
    from data_access.results import aside

    engine = haarlem.server.extensions["engine"]
    assert results.refresh(engine)  # computed in this process (20 buurten: below ASIDE_FROM)
    with engine.connect() as conn:
        here = {kind: store.read_many(conn, kind) for kind in (profile_store.KIND, beeld_view.KIND)}
    started, handed = [], []
    start, result = aside.start, aside.result
    monkeypatch.setattr(aside, "ASIDE_FROM", 0)
    monkeypatch.setattr(aside, "start", lambda e: started.append(start(e)) or started[-1])
    monkeypatch.setattr(aside, "result", lambda a: handed.append(result(a)) or handed[-1])
    assert results.refresh(engine)  # by hand, nothing changed: everything again
    with engine.connect() as conn:
        there = {kind: store.read_many(conn, kind) for kind in (profile_store.KIND, beeld_view.KIND)}
    assert len(started) == 1 and started[0].process.returncode == 0 and not started[0].output.exists()
    assert set(handed[0]) == {profile_store.KIND, beeld_view.KIND} and len(handed[0][beeld_view.KIND]) == 20
    assert len(there[profile_store.KIND]) == len(there[beeld_view.KIND]) == 20
    assert there == here


def test_a_failed_second_process_leaves_the_buurtbeelden_to_the_refresh(haarlem, tmp_path, caplog):  # noqa: F811
    from data_access.results import aside, first_view

    failed = aside.launch(f"sqlite:///{tmp_path / 'leeg.db'}")  # no tables: the second process fails
    assert aside.result(failed) is None
    assert failed.process.returncode != 0 and not failed.output.parent.exists()
    assert "mislukt" in caplog.text
    engine = haarlem.server.extensions["engine"]
    with engine.connect() as conn:
        version = store.store_version(conn)
    assert first_view.build_buurtbeelden(engine, version, rows=None) == 40  # computed here instead
