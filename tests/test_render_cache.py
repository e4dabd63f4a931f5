"""Drawn callback answers are kept per store version (dashboard/render_cache.py): served again without running the
callback, never across rights, and never after the store changed: a kept answer always equals the one a server
without the cache draws."""

from __future__ import annotations

import json

import pytest

from dashboard import ids
from dashboard.render_cache import RenderCache
from data_access import results
from tests.conftest import dash_post, login
from tests.test_first_view import _deliver, _inp, delivered  # noqa: F401 — the fixture
from tests.test_pages_beeld import haarlem  # noqa: F401 — the fixture behind `delivered`

TABLES = (f"..{ids.UIT_TITLE}.children...{ids.UIT_CONTENT}.children..",
          [_inp(ids.BUURT_AREA, "data", {"kind": "buurt", "code": "de-vijfhoek"}), _inp(ids.UIT_REVIEW, "value", None)],
          [])
KPI = (f"{ids.UIT_KPI}.children", TABLES[1], [])
NAV_USER = (f"{ids.NAV_USER}.children", [_inp(ids.URL, "pathname", "/")], [])


def _answer(client, case) -> bytes:  # noqa: ANN001
    output, inputs, state = case
    response = dash_post(client, output, inputs, state)
    assert response.status_code == 200
    return response.get_data()


def _text(body: bytes) -> str:
    return json.dumps(json.loads(body), ensure_ascii=False)


def _client(server, email: str):  # noqa: ANN001, ANN202
    client = server.test_client()
    login(client, email)
    return client


@pytest.fixture
def uncached(delivered, make_app):  # noqa: ANN001, ANN201, F811
    """A second server on the same database that draws every answer itself."""
    return make_app(RENDER_CACHE_MB=0)


def test_a_kept_answer_is_served_again_without_running_the_callback(delivered, monkeypatch):  # noqa: F811
    _engine, client = delivered
    first = _answer(client, TABLES)

    def must_not_run(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the callback ran again")

    monkeypatch.setattr("callbacks.buurt.uitkomsten_view", must_not_run)
    assert _answer(client, TABLES) == first
    assert b"Vijfhoek" in first


def test_after_a_delivery_the_answer_is_drawn_anew_and_equals_an_uncached_servers(delivered, uncached, tmp_path):  # noqa: F811
    engine, client = delivered
    before = _answer(client, TABLES)
    _deliver(engine, tmp_path)
    assert results.refresh(engine)
    after = _answer(client, TABLES)
    assert after != before
    assert "jan–feb 2026" in _text(after) and "jan–feb 2026" not in _text(before)  # the newest value now
    assert after == _answer(_client(uncached.server, "transitie@demo.nl"), TABLES)


def test_each_set_of_rights_gets_its_own_answer(delivered, uncached):  # noqa: F811
    _engine, team = delivered
    cache = team.application.extensions["render_cache"]
    for email in ("transitie@demo.nl", "verzekeraar@demo.nl", "sterrenwijk@demo.nl", "transitie@demo.nl"):
        client = team if email == "transitie@demo.nl" else _client(team.application, email)
        assert _answer(client, KPI) == _answer(_client(uncached.server, email), KPI), email
    assert len(cache) == 3  # the team, the supplier, the other buurt's network; the team's second visit was kept
    supplier = _answer(_client(team.application, "verzekeraar@demo.nl"), KPI)
    assert supplier != _answer(team, KPI)  # a supplier sees only its own source: a different answer


def test_callbacks_not_marked_as_pure_reads_are_never_kept(delivered):  # noqa: F811
    _engine, client = delivered
    cache = client.application.extensions["render_cache"]
    before = len(cache)
    assert b"transitie@demo.nl" in _answer(client, NAV_USER)  # the navbar names the person
    _answer(client, NAV_USER)
    assert len(cache) == before


def test_the_cache_stays_within_its_size_and_drops_the_least_recently_used():
    cache = RenderCache(max_bytes=800)
    for key in "abcd":
        cache.put(key, b"x" * 100)
    assert cache.get("a") == b"x" * 100  # a is now the most recently used
    for key in "efghij":
        cache.put(key, b"y" * 100)
    assert cache.bytes == 800 and len(cache) == 8
    assert cache.get("b") is None and cache.get("a") is not None
    cache.put("huge", b"z" * 101)  # more than an eighth of the whole: never kept
    assert cache.get("huge") is None and cache.bytes == 800
