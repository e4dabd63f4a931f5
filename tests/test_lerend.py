"""Lerende buurt and vergelijken on demo data loaded through the real import path.

The public CBS/RIVM files, cut down to the gemeenten of the programme buurten (data_access.demo.public_subset),
and the synthetic deliveries go through the importers once per module; the tests only read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, select, text

from data_access import compare, demo, learning, periods, queries
from data_access.access import Viewer
from data_access.db import make_engine
from data_access.models import AgendaItem, ProgrammeBuurt
from data_access.results import store
from data_access.seed import programme_entries, sync_menukaart, sync_programme
from data_access.services import lerend_view
from layouts.formatting import signed
from tests.conftest import POSTGRES_URL, USE_POSTGRES, browser_login, dash_post, login, start_browser_app

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
TODAY = dt.date(2026, 11, 23)
TEAM = Viewer(role="transitieteam")


@pytest.fixture(scope="module")
def demo_url(template_db, tmp_path_factory):
    """A database with the demo (public subset + synthetic deliveries + buurtagenda), shared by this module."""
    import os

    public = Path(os.environ.get("PUBLIC_DATA_DIR") or DATA_DIR)
    if not (public / "cbs_buurtnamen" / "buurten_2024_codes_namen.csv").exists():
        pytest.skip(f"openbare bestanden niet gevonden in {public} (zet PUBLIC_DATA_DIR)")
    tmp = tmp_path_factory.mktemp("lerend")
    if USE_POSTGRES:
        name = f"lerend_{uuid.uuid4().hex[:8]}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
        url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    else:
        shutil.copy(template_db, tmp / "demo.db")
        url = f"sqlite:///{tmp / 'demo.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        sync_programme(conn)
        sync_menukaart(conn)
    gemeenten = {m[2:6] for e in programme_entries() for m in e["members"]}
    demo.load_demo(engine, str(demo.public_subset(public, gemeenten, tmp / "public")), comparison_cap=300,
                   today=TODAY)
    engine.dispose()
    yield url
    if USE_POSTGRES:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def network(demo_url):
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        result = learning.learning_network(conn, TEAM)
    engine.dispose()
    return result


@pytest.fixture
def demo_app(demo_url):
    from dashboard import create_app

    return create_app({"DATABASE_URL": demo_url, "LOAD_DEMO_DATA": False, "TESTING": True, "DEMO_MODE": True})


def _client(app, email: str = "transitie@demo.nl"):
    client = app.server.test_client()
    assert login(client, email).status_code == 302
    return client


# ---------------------------------------------------------------- the service

def test_every_demo_programme_buurt_has_a_learning_partner_beyond_noise(network):
    assert len(network.buurten) == 20
    assert (network.buurten["n_partners"] >= 1).all(), network.buurten[["slug", "reason"]]
    links = network.links
    # each link's difference of changes lies outside its own 95% interval's opposite side: the interval excludes 0
    assert ((links["ci_low"] > 0) | (links["ci_high"] < 0)).all()
    assert np.allclose(links["difference"], links["change_self"] - links["change_partner"])
    assert ((links["ci_low"] < links["difference"]) & (links["difference"] < links["ci_high"])).all()
    # lower hours per client is better: the buurt with the larger decrease is named the better one
    assert ((links["better"] == "self") == (links["difference"] < 0)).all()
    assert links["similarity"].between(0, 1).all()
    assert network.phi >= 1


def test_partners_are_closer_on_the_similarity_variables_than_non_partners(network, demo_url):
    engine = make_engine(demo_url)
    with engine.connect() as conn:  # the distance matrix exists while computing; the stored network keeps positions
        distance = learning.compute_network(conn, "intern").distance
    engine.dispose()
    slugs = list(network.buurten["slug"])
    for i, slug in enumerate(slugs):
        partners = set(network.links.loc[network.links["slug"] == slug, "partner"])
        d = pd.Series(distance[i], index=slugs).drop(slug)
        neighbours = set(d.nsmallest(learning.NEIGHBOURS).index)
        assert partners <= neighbours
        # every partner is at least as close as every buurt outside the neighbourhood
        assert d[list(partners)].max() <= d.drop(list(neighbours)).min()
        assert d[list(partners)].mean() < d.drop(list(partners)).mean()
    # similarity is 1 / (1 + distance) of that same matrix
    first = network.links.iloc[0]
    i, j = slugs.index(first["slug"]), slugs.index(first["partner"])
    assert first["similarity"] == pytest.approx(1 / (1 + distance[i, j]))


def test_links_explain_themselves_with_drivers_changes_and_the_better_buurts_agenda(network):
    records = learning.partner_records(network, network.links.iloc[0]["slug"])
    assert records
    for record in records:
        assert 1 <= len(record["drivers"]) <= learning.TOP_DRIVERS
        assert all(d["value_self"] is not None and d["value_partner"] is not None for d in record["drivers"])
        assert sum(d["contribution"] for d in record["drivers"]) <= 1 + 1e-9
        low, high = record["change_self_ci"]
        assert low < record["change_self"] < high
        assert record["interventions"], "the better buurt's buurtagenda is listed"
        assert all(i["start_date"] and i["synthetic"] for i in record["interventions"])
        assert record["contact_role"]


def test_demo_gives_every_programme_buurt_a_synthetic_buurtagenda_from_the_menukaart(demo_url):
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        rows = pd.read_sql(select(ProgrammeBuurt.slug, AgendaItem.note, AgendaItem.intervention_id,
                                  AgendaItem.start_date, AgendaItem.theme)
                           .join(ProgrammeBuurt, ProgrammeBuurt.id == AgendaItem.programme_id), conn)
    engine.dispose()
    assert rows["slug"].nunique() == 20
    assert (rows["note"] == demo.AGENDA_NOTE).all() and rows["intervention_id"].notna().all()
    assert rows["start_date"].notna().all()
    # Zorgzame buurt and Lerende buurt are mandatory themes
    themes = rows.groupby("slug")["theme"].apply(set)
    assert all({"zorgzaam", "lerend"} <= t for t in themes)


def test_network_is_empty_with_a_reason_for_a_viewer_who_may_not_see_outcomes(demo_url):
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        result = learning.learning_network(conn, Viewer())
        with pytest.raises(ValueError, match="Onbekende uitkomst"):
            learning.learning_network(conn, TEAM, "bestaat_niet")
        with pytest.raises(ValueError, match="geen uitkomst"):
            learning.learning_network(conn, TEAM, "inwoners")
    engine.dispose()
    assert result.links.empty and result.reason


# ---------------------------------------------------------------- the ranked list (stored view-model)

def _largest(network, slug: str) -> list[tuple]:  # noqa: ANN001
    records = sorted(learning.partner_records(network, slug), key=lambda r: abs(r["difference"]), reverse=True)
    return [(r["partner_code"], r["partner_name"], r["better"]) for r in records[:lerend_view.MAX_PARTNERS]]


def test_ranked_list_reads_one_stored_page_of_buurten_with_their_largest_differences(demo_url, network):
    engine = make_engine(demo_url)
    before = store.COMPUTED.get(lerend_view.RANKED_KIND, 0)
    with engine.connect() as conn:
        page = lerend_view.ranked_view(conn, TEAM, learning.DEFAULT_OUTCOME, None, 2)
        one = lerend_view.ranked_view(conn, TEAM, learning.DEFAULT_OUTCOME, "sterrenwijk")
        series = learning.outcome_series(conn, TEAM, learning.DEFAULT_OUTCOME)
    engine.dispose()
    assert store.COMPUTED.get(lerend_view.RANKED_KIND, 0) == before  # the demo's refresh stored it
    assert (page["total"], page["pages"], page["page"]) == (20, 4, 2)
    assert [c["name"] for c in page["cards"]] == sorted(network.buurten["name"])[6:12]
    assert [c["slug"] for c in one["cards"]] == ["sterrenwijk"] and one["pages"] == 1
    for view in (page, one):
        for card in view["cards"]:
            assert [(p["partner_code"], p["partner_name"], p["better"]) for p in card["partners"]] == \
                _largest(network, card["slug"])
            for slug in [card["slug"], *(p["partner_code"] for p in card["partners"])]:
                rows = series[series["slug"] == slug]
                assert view["lines"][slug]["x"] == [periods.label(p) for p in rows["period"]]
                assert view["lines"][slug]["y"] == pytest.approx(rows["value"].tolist())
    first = one["cards"][0]["partners"][0]
    want = next(r for r in learning.partner_records(network, "sterrenwijk")
                if r["partner_code"] == first["partner_code"])
    assert first["difference"] == pytest.approx(want["difference"])


def test_refresh_stores_the_default_outcomes_networks_read_once_as_computed_one_by_one(demo_url):
    engine = make_engine(demo_url)
    before = dict(store.COMPUTED)
    with engine.connect() as conn:
        for indicator in learning.DEFAULT_OUTCOMES:  # stored by the demo's refresh: no view computes them
            network = learning.learning_network(conn, TEAM, indicator)
            assert lerend_view.ranked_view(conn, TEAM, indicator)["total"] == (network.buurten["n_partners"] > 0).sum()
        assert store.COMPUTED == before
        together = learning.compute_networks(conn, "intern")
        alone = learning.compute_network(conn, "intern", "seh_per_1000")
    engine.dispose()
    assert list(together) == list(learning.DEFAULT_OUTCOMES)
    pd.testing.assert_frame_equal(together["seh_per_1000"].links, alone.links)
    pd.testing.assert_frame_equal(together["seh_per_1000"].series, alone.series)
    assert np.allclose(together["seh_per_1000"].positions, alone.positions)


def _ids(component) -> list[str]:  # noqa: ANN001
    """Ids in a serialised component tree, depth first."""
    if isinstance(component, list):
        return [i for c in component for i in _ids(c)]
    if not isinstance(component, dict):
        return []
    props = component.get("props", {})
    own = [props["id"]] if isinstance(props.get("id"), str) else []
    return own + [i for key in ("children",) for i in _ids(props.get(key))]


def test_ranked_callback_sends_one_page_of_cards_and_the_paging(demo_app, network):
    from dashboard import ids

    output = (f"..{ids.LEREND_RANKED}.children...{ids.LEREND_RANKED_PAGE}.max_value..."
              f"{ids.LEREND_RANKED_PAGE}.active_page...{ids.LEREND_RANKED_PAGE}.style..")
    inputs = [{"id": ids.LEREND_INDICATOR, "property": "value", "value": learning.DEFAULT_OUTCOME},
              {"id": ids.LEREND_BUURT, "property": "value", "value": None},
              {"id": ids.LEREND_RANKED_PAGE, "property": "active_page", "value": 4}]
    response = dash_post(_client(demo_app), output, inputs, changed=[f"{ids.LEREND_RANKED_PAGE}.active_page"])
    assert response.status_code == 200
    body = response.get_json()["response"]
    cards = [i for i in _ids(body[ids.LEREND_RANKED]["children"]) if i.startswith("lerend-ranked-")]
    slugs = [s for _n, s in sorted(zip(network.buurten["name"], network.buurten["slug"], strict=True))]
    assert cards == [f"lerend-ranked-{s}" for s in slugs[18:]]
    assert body[ids.LEREND_RANKED_PAGE] == {"max_value": 4, "active_page": 4, "style": None}
    anonymous = dash_post(demo_app.server.test_client(), output, inputs)
    assert anonymous.status_code == 401


# ---------------------------------------------------------------- the API

def test_api_lists_the_same_partners_as_the_service(demo_app, network):
    client = _client(demo_app, "vijfhoek@demo.nl")
    for slug in ("de-vijfhoek", "sterrenwijk", "zwolle-zuid"):
        response = client.get(f"/api/v1/programma/{slug}/leerpartners")
        assert response.status_code == 200
        body = response.get_json()
        expected = learning.partner_records(network, slug)
        assert [r["partner_code"] for r in body["data"]] == [r["partner_code"] for r in expected]
        for got, want in zip(body["data"], expected, strict=True):
            assert got["difference"] == pytest.approx(want["difference"])
            assert got["ci_low"] == pytest.approx(want["ci_low"]) and got["ci_high"] == pytest.approx(want["ci_high"])
            assert {"partner_name", "similarity", "drivers", "outcome_indicator", "change_self", "change_partner",
                    "better", "interventions", "contact_role"} <= set(got)
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/api/v1/programma/de-vijfhoek/leerpartners?format=csv").get_data(as_text=True))))
    assert [r["partner_code"] for r in rows] == [r["partner_code"] for r in learning.partner_records(
        network, "de-vijfhoek")]


def test_api_rejects_anonymous_unknown_and_unusable_requests(demo_app):
    anonymous = demo_app.server.test_client()
    assert anonymous.get("/api/v1/programma/de-vijfhoek/leerpartners").status_code == 401
    client = _client(demo_app)
    assert client.get("/api/v1/programma/bestaat-niet/leerpartners").status_code == 404
    assert client.get("/api/v1/programma/BU03920105/leerpartners").status_code == 404
    assert client.get("/api/v1/programma/de-vijfhoek/leerpartners?indicator=xyz").status_code == 404
    assert client.get("/api/v1/programma/de-vijfhoek/leerpartners?indicator=inwoners").status_code == 400
    seh = client.get("/api/v1/programma/de-vijfhoek/leerpartners?indicator=seh_per_1000").get_json()
    assert all(r["outcome_indicator"] == "seh_per_1000" for r in seh["data"])


# ---------------------------------------------------------------- pages (browser)

def _console_errors(dash_duo) -> list[dict]:
    return [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"]


def test_buurt_page_and_lerende_buurt_page_show_the_partners_the_api_serves(dash_duo, demo_app, network):
    from callbacks import lerend as lerend_callbacks

    api = _client(demo_app).get("/api/v1/programma/sterrenwijk/leerpartners").get_json()["data"]
    start_browser_app(dash_duo, demo_app)
    browser_login(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/buurt/sterrenwijk")
    dash_duo.wait_for_element(".lerend-section .lerend-card", timeout=20)
    cards = dash_duo.driver.find_elements("css selector", ".lerend-section .lerend-card")
    assert [c.get_attribute("id") for c in cards] == [f"lerend-card-{r['partner_code']}" for r in api]
    for card, record in zip(cards, api, strict=True):
        assert record["partner_name"] in card.text
        assert card.find_element("css selector", ".lerend-difference").text == \
            signed(record["difference"] * 100, 1, " procentpunt")
        href = card.find_element("css selector", ".lerend-partner-link").get_attribute("href")
        assert href.endswith(f"/buurt/{record['partner_code']}")
    # the programme-wide page opens on the link from the URL and explains it the same way
    first = api[0]
    a, b = sorted(["sterrenwijk", first["partner_code"]])
    dash_duo.driver.get(dash_duo.server_url + f"/lerende-buurt?indicator=wvpk_uren_per_client&link={a}|{b}")
    card = dash_duo.wait_for_element("#lerend-card .lerend-card", timeout=20)
    assert first["partner_name"] in card.text and "Sterrenwijk" in card.text
    assert "koppelingen tussen 20 programmabuurten" in dash_duo.find_element("#lerend-summary").text
    # the ranked list shows one page of cards, paged
    dash_duo.wait_for_text_to_equal(".lerend-ranked-status", "20 programmabuurten met leerpartners · pagina 1 van 4",
                                    timeout=20)
    assert len(dash_duo.driver.find_elements("css selector", ".lerend-ranked-card")) == lerend_view.PER_PAGE
    # the list of links shows one page of them
    pairs = {tuple(sorted(p)) for p in zip(network.links["slug"], network.links["partner"], strict=True)}
    assert len(pairs) > lerend_callbacks.TABLE_ROWS
    dash_duo.wait_for_text_to_equal(".lerend-table-status",
                                    f"Koppelingen 1–{lerend_callbacks.TABLE_ROWS} van {len(pairs)}", timeout=20)
    assert len(dash_duo.driver.find_elements("css selector", ".lerend-links-table tbody tr")) == \
        lerend_callbacks.TABLE_ROWS
    # clicking a link's midpoint in the network opens its card and records it in the URL
    from selenium.webdriver.common.action_chains import ActionChains

    dash_duo.driver.get(dash_duo.server_url + "/lerende-buurt?buurt=sterrenwijk")
    dash_duo.wait_for_text_to_equal("#lerend-card", "Kies een koppeling in het netwerk of in de lijst hierboven "
                                    "voor de uitleg.", timeout=20)
    dash_duo.wait_for_element("#lerend-ranked-sterrenwijk", timeout=20)
    dash_duo.wait_for_element(f'.lerend-links-table tr[data-link="{a}|{b}"]', timeout=20)  # her links: one page
    assert [c.get_attribute("id") for c in dash_duo.driver.find_elements("css selector", ".lerend-ranked-card")] == \
        ["lerend-ranked-sterrenwijk"]
    traces = dash_duo.driver.find_elements("css selector", "#lerend-graph .scatterlayer .trace")
    midpoints = traces[1].find_elements("css selector", ".point")
    # filtered on Sterrenwijk: a midpoint per partner (and per buurt that counts Sterrenwijk among its partners)
    assert len(midpoints) >= len(api)
    ActionChains(dash_duo.driver).move_to_element(midpoints[0]).click().perform()
    card = dash_duo.wait_for_element("#lerend-card .lerend-card", timeout=20)
    assert "Sterrenwijk" in card.text and "link=" in dash_duo.driver.current_url
    assert _console_errors(dash_duo) == []


def test_vergelijken_reproduces_the_url_state_with_funnel_table_and_csv(dash_duo, demo_app):
    client = _client(demo_app)
    engine = demo_app.server.extensions["engine"]
    with engine.connect() as conn:
        latest = compare.programme_latest(conn, TEAM, "wvpk_uren_per_client")
        catalogue = queries.indicators(conn)
    expected_points = len(compare.funnel_data(latest, "rate", 1.0)["units"])
    assert expected_points == 20
    start_browser_app(dash_duo, demo_app)
    browser_login(dash_duo)
    url = ("/vergelijken?gebieden=de-vijfhoek,BU03440522,XX999&indicatoren=wvpk_uren_per_client,pct_65plus"
           "&funnel=wvpk_uren_per_client&x=pct_65plus&y=wvpk_uren_per_client")
    dash_duo.driver.get(dash_duo.server_url + url)
    dash_duo.wait_for_element(".vergelijk-table", timeout=20)
    assert "XX999" in dash_duo.find_element(".vergelijk-unknown").text
    rows = dash_duo.driver.find_elements("css selector", ".vergelijk-table tbody tr")
    assert [(r.get_attribute("data-area"), r.get_attribute("data-indicator")) for r in rows] == [
        ("de-vijfhoek", "wvpk_uren_per_client"), ("de-vijfhoek", "pct_65plus"),
        ("BU03440522", "wvpk_uren_per_client"), ("BU03440522", "pct_65plus")]
    api = client.get("/api/v1/observations?area=de-vijfhoek&indicator=wvpk_uren_per_client").get_json()["data"]
    newest = max((r for r in api if r["value"] is not None), key=lambda r: r["period"])
    from callbacks.buurt import fmt

    cat = catalogue.set_index("code")
    assert rows[0].find_element("css selector", ".vergelijk-value").text == fmt(
        newest["value"], cat.at["wvpk_uren_per_client", "kind"], cat.at["wvpk_uren_per_client", "unit"])
    # the URL keeps the state (the unknown code dropped), so a copied link reproduces the view
    assert "gebieden=de-vijfhoek,BU03440522&indicatoren=wvpk_uren_per_client,pct_65plus" in \
        dash_duo.driver.current_url
    # the funnel has one point per programme buurt with a value
    dash_duo.wait_for_element("#vergelijk-funnel .scatterlayer", timeout=20)
    points = dash_duo.driver.execute_script(  # the buurten as dots, the chosen one as a diamond on top
        "return document.querySelectorAll('#vergelijk-funnel .scatterlayer .trace .point').length;")
    assert points == expected_points
    # the CSV link serves exactly the selected indicators of that area
    href = dash_duo.find_element(".vergelijk-csv").get_attribute("href")
    body = client.get(href.replace(dash_duo.server_url, "")).get_data(as_text=True)
    table = list(csv.DictReader(io.StringIO(body)))
    assert table and {r["indicator"] for r in table} == {"wvpk_uren_per_client", "pct_65plus"}
    assert {r["area"] for r in table} == {"de-vijfhoek"}
    assert len(table) == len(client.get(
        "/api/v1/observations?area=de-vijfhoek&indicator=wvpk_uren_per_client,pct_65plus").get_json()["data"])
    assert _console_errors(dash_duo) == []


# Last in this module: it adds an agenda line to the shared demo database.
def test_an_agenda_edit_rereads_the_networks_agendas_without_recomputing_them(demo_url):
    import json

    from data_access import records, results
    from data_access.models import Intervention

    engine = make_engine(demo_url)
    key = learning.network_key("intern", learning.DEFAULT_OUTCOME)
    with engine.connect() as conn:
        linked = store.frame_from(store.read_many(conn, "learning", [key])[key]["links"])["slug"].iloc[0]
        pid = queries.find_area(conn, linked).programme_id
        intervention = conn.execute(select(Intervention.id, Intervention.name).order_by(Intervention.id.desc())).first()
    with engine.begin() as conn:
        records.save_record(conn, AgendaItem, None, {"theme": "preventie", "intervention_id": intervention.id,
                                                     "status": "gestart", "start_date": dt.date(2025, 3, 1)},
                            None, "netwerk@demo.nl", pid)
    before = dict(store.COMPUTED)
    assert results.refresh(engine, only_programme_ids=[pid], steps=frozenset({"agenda"})) is True
    assert "learning" not in {k for k, v in store.COMPUTED.items() if before.get(k) != v}
    with engine.connect() as conn:
        kept = store.read_many(conn, "learning", [key])[key]
        fresh = learning.to_payload(learning.compute_network(conn, "intern"))
    engine.dispose()
    assert kept["interventions"] == json.loads(store.dumps(fresh["interventions"]))  # as a recomputation gives
    assert intervention.name in [i["name"] for i in kept["interventions"][linked]]  # the buurt's new line


# Last in this module: it adds a delivery to the shared demo database.
def test_the_refresh_after_one_buurts_delivery_stores_the_networks_and_kpi_of_a_full_refresh(demo_url, tmp_path,
                                                                                              monkeypatch):
    import json

    from data_access import results
    from data_access.importers import import_file
    from data_access.models import DerivedResult
    from tests.conftest import write_csv

    kinds = ["learning", "learning_ranked", "kpi_buurt_matched", "kpi_programme_matched", "kpi_overview_matched"]

    def stored_rows() -> dict:
        with engine.connect() as conn:
            return {(kind, key): json.loads(payload) for kind, key, payload in conn.execute(
                select(DerivedResult.kind, DerivedResult.key, DerivedResult.payload)
                .where(DerivedResult.kind.in_(kinds)))}

    engine = make_engine(demo_url)
    assert results.refresh(engine) is True  # up to date before the delivery
    key = learning.network_key("intern", learning.DEFAULT_OUTCOME)
    with engine.connect() as conn:
        network = store.read_many(conn, "learning", [key])[key]
        buurten = store.frame_from(network["buurten"])
        slug, nulmeting = buurten.dropna(subset=["nulmeting"]).iloc[0][["slug", "nulmeting"]]
        area = queries.find_area(conn, slug)
        member = area.member_codes[0]
        row = queries.observations(conn, [member], ["wvpk_uren_per_client"]).query("period == @nulmeting").iloc[0]
    # a correction of the buurt's nulmeting: its level moves, so the distances and the map positions do too
    text = ("gebied;indicator;periode;teller;noemer;waarde;bron\n"
            f"{member};wvpk_uren_per_client;{nulmeting};{row['numerator'] * 1.3:.1f};{row['denominator']:.0f};;"
            f"{row['source']}\n")
    assert import_file(engine, "levering", write_csv(tmp_path / "correctie.csv", text)).ok
    read_for, published = [], learning._published
    monkeypatch.setattr(learning, "_published", lambda *a, **k: read_for.append(a[5:]) or published(*a, **k))
    before = dict(store.COMPUTED)
    assert results.refresh(engine) is True  # as after an upload: the partial refresh of that buurt
    assert read_for == [([area.programme_id],)]  # only that buurt's outcome rows are read again
    assert store.COMPUTED.get("peer_table") == before.get("peer_table")
    partial = stored_rows()
    assert partial[("learning", key)]["distance_digest"] != network["distance_digest"]
    assert results.refresh(engine) is True  # nothing changed since: the full refresh
    assert store.COMPUTED.get("peer_table", 0) == before.get("peer_table", 0) + 1
    assert partial == stored_rows()
    with engine.connect() as conn:  # positions kept for unchanged distances are those a computation gives
        fresh = learning.to_payload(learning.compute_networks(conn, "intern")[learning.DEFAULT_OUTCOME])
    engine.dispose()
    assert json.loads(store.dumps(fresh)) == partial[("learning", key)]
    assert partial[("kpi_buurt_matched", slug)]["results"]["wvpk_uren_per_client"]["nulmeting"] == nulmeting
