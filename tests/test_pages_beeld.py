"""The buurtbeeld (/buurt/<slug>/beeld, /gebied/<code>): spine chart, challenges and strengths, map, page titles.

A small Haarlem goes through the real importers (areas, context figures, outlines); the page is compared with
what the API serves (`benchmark=NL`) for the same buurt.
"""

from __future__ import annotations

import json

import pytest

from callbacks.buurt import fmt
from callbacks.buurt_beeld import STYLE, sentence, spine_figure, spine_rows
from data_access import queries
from data_access.access import ANONYMOUS
from data_access.importers import import_file
from data_access.profile import area_outlines, challenges_and_strengths, context_profile
from tests.conftest import browser_login, console_errors, login, start_browser_app, write_csv

GEBIEDEN = "bu_code,bu_naam,wk_code,wk_naam,gm_code,gm_naam,jrstatcode\n" + "".join(
    f"BU039201{i:02d},Buurt {i},WK039201,Oude Stad,GM0392,Haarlem,2024BU039201{i:02d}\n" for i in range(0, 10)
) + "BU03921207,Kleverpark-Zuid,WK039212,Kleverpark,GM0392,Haarlem,2024BU03921207\n"

# Context figures with counts (so intervals exist) for NL, Haarlem, De Vijfhoek (BU03920105) and nine other buurten
# of the same wijk that serve as its peers. Bijstand: far below NL (strength); WW: above NL (challenge);
# 65-plussers: lower (neutral, no judgement); laag inkomen: a percentage without counts (untested, notable).
SOURCE = "CBS Kerncijfers test"


def _context_csv() -> str:
    lines = ["gebied;indicator;periode;teller;noemer;waarde;bron"]
    rows = {
        "NL00": dict(inw=17800000, bij=400000, ww=141900, p65=3560000, een=3200000, laag=25.0),
        "GM0392": dict(inw=167636, bij=4000, ww=1700, p65=28500, een=35000, laag=30.0),
        "BU03920105": dict(inw=3500, bij=30, ww=40, p65=520, een=990, laag=35.2),
    }
    for i in [0, 1, 2, 3, 4, 6, 7, 8, 9]:
        rows[f"BU039201{i:02d}"] = dict(inw=2000 + 150 * i, bij=20 + 3 * i, ww=20 + i, p65=300 + 20 * i,
                                        een=500 + 30 * i, laag=30.0 + i)
    for n, (code, r) in enumerate(rows.items()):
        households = round(r["inw"] / 1.8)
        lines += [
            f"{code};inwoners;2024;;;{r['inw']};{SOURCE}",
            f"{code};uitkering_bijstand_per_100;2024;{r['bij']};{r['inw']};;{SOURCE}",
            f"{code};uitkering_ww_per_100;2024;{r['ww']};{r['inw']};;{SOURCE}",
            f"{code};pct_65plus;2024;{r['p65']};{r['inw']};;{SOURCE}",
            f"{code};pct_eenpersoonshuishoudens;2024;{r['een']};{households};;{SOURCE}",
            f"{code};pct_personen_laag_inkomen;2024;;;{str(r['laag']).replace('.', ',')};{SOURCE}",
            f"{code};bevolkingsdichtheid;2024;;;{9000 + n * 100};{SOURCE}",
            f"{code};stedelijkheid;2024;;;1;{SOURCE}",
        ]
    return "\n".join(lines) + "\n"


def _square(lon: float, lat: float, size: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                                                [lon, lat + size], [lon, lat]]]}


def _geojson(level: str, features: list[tuple[str, str, dict]]) -> str:
    key = {"buurt": "buurt", "wijk": "wijk", "gemeente": "gemeente"}[level]
    return json.dumps({"type": "FeatureCollection", "metadata": {"year": 2024}, "features": [
        {"type": "Feature", "properties": {f"{key}code": code, f"{key}naam": name}, "geometry": geometry}
        for code, name, geometry in features]})


@pytest.fixture
def haarlem(app, tmp_path):
    """The app with Haarlem's areas, context figures and outlines imported through the real importers."""
    engine = app.server.extensions["engine"]
    files = [
        ("gebieden", "gebieden.csv", GEBIEDEN),
        ("levering", "context.csv", _context_csv()),
        ("geo", "gemeenten.geojson", _geojson("gemeente", [("GM0392", "Haarlem", _square(4.58, 52.34, 0.1))])),
        ("geo", "wijken.geojson", _geojson("wijk", [("WK039201", "Oude Stad", _square(4.62, 52.37, 0.02))])),
        ("geo", "buurten.geojson", _geojson("buurt", [
            ("BU03920105", "Vijfhoek", _square(4.625, 52.375, 0.005)),
            ("BU03920101", "Buurt 1", _square(4.631, 52.375, 0.005)),
        ])),
    ]
    for kind, name, text in files:
        report = import_file(engine, kind, write_csv(tmp_path / name, text))
        assert report.ok, report.summary()
    return app


def _api_latest(app, area: str) -> dict[str, dict]:
    client = app.server.test_client()
    assert login(client, "transitie@demo.nl").status_code == 302
    response = client.get(f"/api/v1/observations?area={area}&benchmark=NL")
    assert response.status_code == 200
    return {r["indicator"]: r for r in response.get_json()["data"]}


def test_profile_comparisons_equal_the_api_and_peers_give_a_range(haarlem):
    api = _api_latest(haarlem, "de-vijfhoek")
    with haarlem.server.extensions["engine"].connect() as conn:
        area = queries.find_area(conn, "de-vijfhoek")
        peers = [f"BU039201{i:02d}" for i in [0, 1, 2, 3, 4, 6, 7, 8, 9]]
        profile = context_profile(conn, ANONYMOUS, area, peer_codes=peers).set_index("indicator")
    for code in ("uitkering_bijstand_per_100", "uitkering_ww_per_100", "pct_65plus"):
        assert profile.at[code, "value"] == pytest.approx(api[code]["value"])
        assert profile.at[code, "cmp_nl_label"] == api[code]["comparison_label"]
    assert profile.at["uitkering_bijstand_per_100", "cmp_nl"] == "much_better"
    assert profile.at["uitkering_ww_per_100", "cmp_nl"] in ("worse", "much_worse")
    # the share of 65-plussers describes the population from a complete count: no interval, so not tested (issue 14)
    assert profile.at["pct_65plus", "cmp_nl"] == "not_comparable"
    # peers: nine buurten, quartiles between their lowest and highest value
    bij = profile.loc["uitkering_bijstand_per_100"]
    assert bij["peer_n"] == 9
    assert bij["peer_min"] == pytest.approx(20 / 2000 * 100) and bij["peer_max"] == pytest.approx(47 / 3350 * 100)
    assert bij["peer_min"] <= bij["peer_p25"] <= bij["peer_median"] <= bij["peer_p75"] <= bij["peer_max"]
    assert profile.at["uitkering_bijstand_per_100", "gm_value"] == pytest.approx(4000 / 167636 * 100)


def test_challenges_and_strengths_are_written_out_in_dutch(haarlem):
    with haarlem.server.extensions["engine"].connect() as conn:
        profile = context_profile(conn, ANONYMOUS, queries.find_area(conn, "de-vijfhoek"))
    split = challenges_and_strengths(profile)
    assert list(split["challenges"]["indicator"]) == ["uitkering_ww_per_100"]
    assert list(split["strengths"]["indicator"]) == ["uitkering_bijstand_per_100"]
    assert "pct_personen_laag_inkomen" in set(split["untested"]["indicator"])  # no interval, 41% above NL
    assert "pct_65plus" not in set(split["untested"]["indicator"])  # neutral: no judgement
    untested = split["untested"]
    laag = untested[untested["indicator"] == "pct_personen_laag_inkomen"].iloc[0]
    assert sentence(laag) == ("Meer inwoners met een laag inkomen dan gemiddeld in Nederland (35,2% tegen 25,0%, "
                              "2024)")
    bij = split["strengths"].iloc[0]
    assert sentence(bij).startswith("Minder inwoners in de bijstand dan gemiddeld in Nederland (0,857 tegen 2,25 "
                                    "per 100 inwoners")


def test_spine_chart_scales_each_row_around_nl_with_better_to_the_right(haarlem):
    with haarlem.server.extensions["engine"].connect() as conn:
        profile = context_profile(conn, ANONYMOUS, queries.find_area(conn, "de-vijfhoek"))
    rows = spine_rows(profile).set_index("indicator")
    assert "inwoners" not in rows.index  # counts are not compared
    # bijstand: lower is better and the buurt is far below NL → right of the centre line
    assert 0 < rows.at["uitkering_bijstand_per_100", "x_value"] <= 0.95
    # WW: lower is better and the buurt is above NL → left
    assert rows.at["uitkering_ww_per_100", "x_value"] < 0
    # 65-plussers: neutral, lower → left
    assert rows.at["pct_65plus", "x_value"] < 0
    fig = spine_figure(spine_rows(profile), "De Vijfhoek", "Haarlem", "buurten")
    names = {trace.name for trace in fig.data if trace.name}
    assert {"De Vijfhoek: veel beter", "Haarlem"} <= names
    words = next(trace for trace in fig.data if trace.mode == "text")  # the value and word beside each row
    texts = dict(zip(words.y, words.text, strict=True))
    assert texts["Bijstand per 100 inwoners"].endswith("· veel beter")


def test_map_outlines_hold_the_buurt_its_wijk_gemeente_and_neighbours(haarlem):
    with haarlem.server.extensions["engine"].connect() as conn:
        outlines = area_outlines(conn, queries.find_area(conn, "de-vijfhoek"))
    roles = dict(zip(outlines["code"], outlines["role"], strict=True))
    assert roles == {"BU03920105": "gebied", "BU03920101": "omgeving", "WK039201": "wijk", "GM0392": "gemeente"}
    assert bool(outlines.set_index("code").at["BU03920105", "reconstructed"])
    assert not bool(outlines.set_index("code").at["WK039201", "reconstructed"])


def _spine_data(dash_duo) -> dict:
    dash_duo.wait_for_element("#buurt-beeld-spine-graph .main-svg", timeout=20)
    return dash_duo.driver.execute_script(
        "const gd = document.querySelector('#buurt-beeld-spine-graph .js-plotly-plot');"
        "const words = gd.data.find(t => t.mode === 'text');"
        "return {names: gd.data.map(t => t.name || ''), rows: words.y.map((y, i) => [y, words.text[i]])};")


def test_beeld_page_shows_spine_words_and_map_as_the_api_serves(dash_duo, haarlem):
    api = _api_latest(haarlem, "de-vijfhoek")
    start_browser_app(dash_duo, haarlem)
    browser_login(dash_duo, "vijfhoek@demo.nl")
    dash_duo.driver.get(dash_duo.server_url + "/buurt/de-vijfhoek/beeld")
    dash_duo.wait_for_text_to_equal("#buurt-beeld-title h1", "Buurtbeeld De Vijfhoek", timeout=30)
    assert dash_duo.driver.title == "De Vijfhoek – buurtbeeld – Buurtdashboard"
    # spine chart: a row per compared indicator, with the API's comparison word and the value
    spine = _spine_data(dash_duo)
    rows = dict(spine["rows"])
    with haarlem.server.extensions["engine"].connect() as conn:
        cat = queries.indicators(conn).set_index("code")
    for code in ("uitkering_bijstand_per_100", "uitkering_ww_per_100", "pct_65plus"):
        name, kind, unit = cat.at[code, "name"], cat.at[code, "kind"], cat.at[code, "unit"]
        word = STYLE[api[code]["comparison"]][3]
        assert rows[name].endswith(f"{fmt(api[code]['value'], kind, unit)} · {word}"), rows[name]
    assert "Inwoners" not in rows
    # the table alternative: the same words, per row (sent when its <details> is opened)
    dash_duo.driver.execute_script("arguments[0].click();",
                                   dash_duo.find_element("#buurt-beeld-table-details summary"))
    dash_duo.wait_for_element("#beeld-row-uitkering_ww_per_100", timeout=30)
    table_cell = dash_duo.find_elements("#beeld-row-uitkering_ww_per_100 td.cmp-cell")[-1]  # t.o.v. Nederland
    assert STYLE[api["uitkering_ww_per_100"]["comparison"]][3] in table_cell.get_attribute("textContent")
    csv_href = dash_duo.find_element("#buurt-beeld-spine a.csv-link").get_attribute("href")
    assert "benchmark=NL" in csv_href and "format=csv-nl" in csv_href and "uitkering_ww_per_100" in csv_href
    # challenges and strengths in words
    challenges = dash_duo.find_element(".words-challenges").text
    strengths = dash_duo.find_element(".words-strengths").text
    assert "Meer inwoners met een WW-uitkering dan gemiddeld in Nederland" in challenges
    assert "Minder inwoners in de bijstand dan gemiddeld in Nederland" in strengths
    # map with the reconstruction caption
    caption = dash_duo.wait_for_element("#buurt-beeld-map figcaption", timeout=30).text
    assert "wijk Oude Stad" in caption and "tientallen meters" in caption
    assert dash_duo.find_element("#buurt-beeld-map .map-figure").get_attribute("aria-label").startswith("Kaart")
    assert console_errors(dash_duo) == []


def test_gebied_page_has_spine_and_map_and_a_named_title(dash_duo, haarlem):
    start_browser_app(dash_duo, haarlem)
    browser_login(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/gebied/BU03920101")
    dash_duo.wait_for_text_to_equal("#buurt-beeld-title h1", "Buurt 1", timeout=30)
    assert dash_duo.driver.title == "Buurt 1 (BU03920101) – gebied – Buurtdashboard"
    assert "Bijstand per 100 inwoners" in dict(_spine_data(dash_duo)["rows"])
    assert "wijk Oude Stad" in dash_duo.wait_for_element("#buurt-beeld-map figcaption", timeout=30).text
    # an area without outlines explains instead of showing an empty map
    dash_duo.driver.get(dash_duo.server_url + "/gebied/BU03920102")
    assert "geen kaart" in dash_duo.wait_for_element("#buurt-beeld-map .alert", timeout=30).text
    assert console_errors(dash_duo) == []
