"""Downloads (dashboard/downloads.py): tables as CSV, Dutch CSV and XLSX with formula neutralisation and the page's
suppression, and the PNG/SVG bar under every chart (assets/chart-export.js)."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from data_access.export_safety import safe_cell, safe_frame
from data_access.importers import import_file
from tests.conftest import browser_login, console_errors, login, start_browser_app, write_csv
from tests.test_pages_beeld import GEBIEDEN

DELIVERY = """gebied;indicator;periode;teller;noemer;waarde;bron
de-vijfhoek;prev_zelfredzaamheid;2025-B4;50;100;;=HYPERLINK("x")
de-vijfhoek;prev_zelfredzaamheid;2025-B5;53,5;100;;=HYPERLINK("x")
de-vijfhoek;prev_clienten_geincludeerd;2025-B5;4;;;Buurtnetwerk
"""


@pytest.fixture
def delivered(app, tmp_path):
    engine = app.server.extensions["engine"]
    for kind, name, text in (("gebieden", "gebieden.csv", GEBIEDEN), ("levering", "levering.csv", DELIVERY)):
        report = import_file(engine, kind, write_csv(tmp_path / name, text))
        assert report.ok, report.summary()
    return app


def test_formula_cells_get_a_leading_quote_and_numbers_stay():
    frame = pd.DataFrame({"a": ["=1+1", "+31", "-x", "@SUM", "\tx", "\rx", "gewoon"], "b": [1, -2, 3, 4, 5, 6, 7]})
    out = safe_frame(frame)
    assert (list(out["a"]), list(out["b"]), safe_cell(-3)) == (
        ["'=1+1", "'+31", "'-x", "'@SUM", "'\tx", "'\rx", "gewoon"], [1, -2, 3, 4, 5, 6, 7], -3)


def test_dutch_csv_has_dutch_headers_decimal_comma_and_neutralised_source(delivered):
    client = delivered.server.test_client()
    login(client, "transitie@demo.nl")
    response = client.get("/download/uitkomsten.csv-nl?slug=de-vijfhoek&review=2025-B5")
    text = response.get_data(as_text=True).lstrip("\ufeff")
    frame = pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype={"Bron": str})
    row = frame[(frame["Indicatorcode"] == "prev_zelfredzaamheid") & (frame["Periode"] == "2025-B5")].iloc[0]
    assert (row["Waarde"], row["Bron"]) == (53.5, "'=HYPERLINK(\"x\")")


def test_download_hides_what_the_page_hides(delivered):
    client = delivered.server.test_client()
    login(client, "transitie@demo.nl")
    frame = pd.read_csv(io.BytesIO(client.get("/download/uitkomsten.csv?slug=de-vijfhoek&review=2025-B5").data))
    small = frame[frame["indicator"] == "prev_clienten_geincludeerd"].iloc[0]
    assert (pd.isna(small["value"]), bool(small["suppressed"])) == (True, True)


def test_xlsx_has_dutch_headers_and_numbers(delivered):
    client = delivered.server.test_client()
    login(client, "transitie@demo.nl")
    response = client.get("/download/review.xlsx?slug=de-vijfhoek&review=2025-B5")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert (header[:3], row[header.index("Waarde")]) == (["Thema", "Indicatorcode", "Indicator"], 53.5)


def test_downloads_refuse_anonymous_and_other_roles(delivered):
    client = delivered.server.test_client()
    assert client.get("/download/uitkomsten.csv?slug=de-vijfhoek").status_code == 302  # to /login
    login(client, "vijfhoek@demo.nl")
    statuses = [client.get("/download/transitie.xlsx").status_code,
                client.get("/download/uitkomsten.csv?slug=bestaat-niet").status_code,
                client.get("/download/uitkomsten.csv?slug=de-vijfhoek&review=2025-X9").status_code,
                client.get("/download/uitkomsten.csv?slug=de-vijfhoek&review=2025-B5").status_code]
    assert statuses == [403, 404, 400, 200]


def test_transitie_table_for_the_team(delivered):
    client = delivered.server.test_client()
    login(client, "transitie@demo.nl")
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/download/transitie.xlsx").data)).active
    assert "Alliantiepartner" in [c.value for c in sheet[1]]


def test_chart_bar_downloads_svg_of_the_chart_on_the_page(dash_duo, delivered):
    start_browser_app(dash_duo, delivered)
    browser_login(dash_duo)
    dash_duo.driver.get(dash_duo.server_url
                        + "/buurt/de-vijfhoek/uitkomsten?review=2025-B5&indicator=prev_zelfredzaamheid")
    dash_duo.wait_for_element(".uit-detail .js-plotly-plot .main-svg", timeout=60)
    dash_duo.wait_for_element("#review-summary", timeout=60)  # loaded: no spinner over the chart any more
    dash_duo.wait_for_element(".uit-table", timeout=60)
    # record what Plotly is asked to download instead of writing a file
    dash_duo.driver.execute_script(
        "window.__asked = []; window.Plotly.downloadImage = (gd, opts) => "
        "{ window.__asked.push([gd.closest('.uit-detail') !== null, opts.format, opts.filename]); };")
    button = dash_duo.find_element(".uit-detail .chart-download[data-format='svg']")
    dash_duo.driver.execute_script("arguments[0].click();", button)  # the page scrolls inside the shell
    asked = dash_duo.driver.execute_script("return window.__asked;")
    assert asked == [[True, "svg", "de-vijfhoek-prev_zelfredzaamheid"]]
    assert console_errors(dash_duo) == []
