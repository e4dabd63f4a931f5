"""Lists of buurten send one page: the /publiek list and the per-buurt impact table of /transitie (issue 15).

More programme buurten than one page holds are made by adding 30 copies ("Aaa 00" … "Aaa 29", sorted before the
real buurten) to what `queries.programme_buurten` returns; the callbacks are called as dash-renderer calls them.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from data_access import impact, impact_service, queries
from data_access.access import Viewer
from layouts.begroting import IMPACT_PAGE
from tests.conftest import dash_post, login

EXTRA = 30
PUBLIC = "..publiek-list.children...publiek-list-status.children...publiek-list-page.max_value" \
         "...publiek-list-page.active_page.."


@pytest.fixture
def many(monkeypatch):
    """The real programme buurten plus 30 extra ones, so that every list has a second page."""
    real = queries.programme_buurten

    def more(conn):  # noqa: ANN001, ANN202
        frame = real(conn)
        copies = pd.concat([frame.iloc[[0]]] * EXTRA, ignore_index=True)
        copies["programme_id"] = [100_000 + i for i in range(EXTRA)]
        copies["code"] = [f"aaa-{i:02d}" for i in range(EXTRA)]
        copies["name"] = [f"Aaa {i:02d}" for i in range(EXTRA)]
        return pd.concat([frame, copies], ignore_index=True)

    monkeypatch.setattr(queries, "programme_buurten", more)
    return more


def _links(tree) -> list[str]:  # noqa: ANN001
    """Every href in a serialised component tree, in order."""
    if isinstance(tree, dict):
        own = [tree["href"]] if isinstance(tree.get("href"), str) else []
        return own + [h for key, value in tree.items() if key != "href" for h in _links(value)]
    if isinstance(tree, list):
        return [h for item in tree for h in _links(item)]
    return []


def _public(client, page: int) -> tuple[str, dict]:
    response = dash_post(client, PUBLIC, [{"id": "shell-url", "property": "pathname", "value": "/publiek"},
                                          {"id": "publiek-list-page", "property": "active_page", "value": page}])
    assert response.status_code == 200
    body = response.get_json()["response"]
    return " ".join(_links(body["publiek-list"])), body


def test_publiek_list_sends_one_page_and_the_next_page_holds_the_next_buurten(app, many):
    client = app.server.test_client()  # anonymous: the landing page is public
    first, body = _public(client, 1)
    second, _ = _public(client, 2)
    names = re.findall(r'/publiek/buurt/(aaa-\d\d)', first)
    assert names == [f"aaa-{i:02d}" for i in range(24)]
    assert re.findall(r'/publiek/buurt/(aaa-\d\d)', second)[:6] == [f"aaa-{i:02d}" for i in range(24, 30)]
    assert body["publiek-list-page"]["max_value"] >= 2


def test_publiek_search_finds_a_buurt_beyond_the_first_page(app, many):
    client = app.server.test_client()
    first, _ = _public(client, 1)
    assert "/publiek/buurt/de-vijfhoek" not in first  # "De Vijfhoek" sorts after the 24 "Aaa" buurten
    found = dash_post(client, "publiek-search.options",
                      [{"id": "publiek-search", "property": "search_value", "value": "Vijfhoek"}],
                      state=[{"id": "publiek-search", "property": "value", "value": None}])
    options = found.get_json()["response"]["publiek-search"]["options"]
    assert "/publiek/buurt/de-vijfhoek" in [o["value"] for o in options]


def _slugs(table) -> list[str]:  # noqa: ANN001
    return re.findall(r"""id=?['"]?:? ?['"]impact-buurt-([a-z0-9-]+)['"]""", str(table))


def _impact(app, client, page: int, search: str | None = None) -> tuple[list[str], dict]:
    """The paging callback of the impact table (its outputs are shared with the section: allow_duplicate keys)."""
    key = next(k for k in app.callback_map if "impact-page.active_page" in k)
    response = dash_post(client, key, [{"id": "impact-search", "property": "value", "value": search},
                                       {"id": "impact-page", "property": "active_page", "value": page}],
                         changed=["impact-page.active_page"])
    assert response.status_code == 200
    body = response.get_json()["response"]
    return _slugs(body["impact-buurten-block"]), body


def test_impact_table_sends_one_page_and_the_next_page_holds_the_next_buurten(app, engine, many):
    client = app.server.test_client()
    login(client, "transitie@demo.nl")
    first, body = _impact(app, client, 1)
    second, _ = _impact(app, client, 2)
    with engine.connect() as conn:
        rows = impact_service.buurten_impact(conn, Viewer(role="transitieteam"))
    ordered = [r["slug"] for r in impact_service.buurten_page(rows, None, 1, per_page=len(rows))["rows"]]
    assert len(first) == IMPACT_PAGE
    assert first + second == ordered[:len(first) + len(second)]  # page 2 continues where page 1 stopped
    assert body["impact-page"]["max_value"] == -(-len(rows) // IMPACT_PAGE)
    section = dash_post(client, "..impact-content.children...impact-buurten-block.children...impact-status.children"
                                "...impact-page.max_value..",
                        [{"id": "impact-section", "property": "id", "value": "impact-section"}])
    assert _slugs(section.get_json()["response"]["impact-buurten-block"]) == first  # the section brings page 1


def test_impact_search_finds_a_buurt_beyond_the_first_page(app, many):
    client = app.server.test_client()
    login(client, "transitie@demo.nl")
    first, _ = _impact(app, client, 1)
    assert "aaa-29" not in first  # without an effect, by name: the last of the extra buurten
    found, body = _impact(app, client, 1, "Aaa 29")
    assert found == ["aaa-29"]
    assert "1 van de" in str(body["impact-status"]["children"])


def test_impact_page_puts_the_most_hours_first_and_buurten_without_an_effect_last():
    rows = [{"name": name, "slug": name.lower(), "cohort": 1, "hours": hours} for name, hours in
            [("B", None), ("A", impact.Estimate(10.0, 5.0, 15.0)), ("C", impact.Estimate(30.0, 20.0, 40.0)),
             ("D", None)]]
    view = impact_service.buurten_page(rows, None, 1, per_page=3)
    assert [r["name"] for r in view["rows"]] == ["C", "A", "B"]
    assert impact_service.buurten_page(rows, None, 2, per_page=3)["rows"][0]["name"] == "D"
