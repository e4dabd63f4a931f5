"""The lighter page parts of /transitie, /buurt/<slug>/beeld and /gebied/<code>: same content, fewer things to draw."""

from __future__ import annotations

import re
from urllib.parse import unquote

from callbacks.transitie import overview_map
from data_access import area_memo
from layouts import html_table
from layouts.maps import outline_image


def test_html_table_escapes_every_text_and_attribute_and_stays_one_html_block():
    row = html_table.tag("tr", [html_table.tag("td", "<script>alert(1)</script>\n\nnext"),
                                html_table.tag("td", html_table.link('A "quoted" & <b>', "/buurt/x?a=1&b=2"))],
                         id='row-"x"')
    table = html_table.table_component(["Naam", "Link"], [row], table_id="t", caption="Per buurt")
    markup = table.children
    assert table.dangerously_allow_html is True
    assert "<script>" not in markup and "\n" not in markup  # a blank line would end the HTML block
    assert '<td>&lt;script&gt;alert(1)&lt;/script&gt;  next</td>' in markup
    assert '<a href="/buurt/x?a=1&amp;b=2">A &quot;quoted&quot; &amp; &lt;b&gt;</a>' in markup
    assert '<tr id="row-&quot;x&quot;">' in markup
    assert markup.startswith('<div class="table-responsive"><table id="t" class="table"><caption class="small">')


def test_outline_picture_holds_every_ring_at_the_outlines_place_on_the_map():
    xs = [3.0, 3.1, 3.1, 3.0, None, 5.0, 5.2, 5.0]
    ys = [51.0, 51.0, 51.2, 51.0, None, 53.0, 53.4, 53.0]
    image = outline_image(xs, ys)
    assert (image["x"], image["y"], round(image["sizex"], 2), round(image["sizey"], 2)) == (3.0, 53.4, 2.2, 2.4)
    svg = unquote(image["source"].split(",", 1)[1])
    assert re.search(r"viewBox='0 0 220 240'", svg)
    # two rings, in 0.01° steps from the top-left corner (SVG's y runs downwards)
    assert re.search(r"d='M0,240l10,0,0,-20,-10,20M200,40l20,-40,-20,40'", svg)
    import pandas as pd

    fig = overview_map(pd.DataFrame({"programme_id": [1], "name": ["A"], "cohort": [1],
                                     "kpi_wvpk_uren_per_client": ["op_koers"]}),
                       image, pd.DataFrame({"programme_id": [1], "x": [4.0], "y": [52.0]}))
    assert fig["layout"]["images"] == [image]
    assert fig["layout"]["xaxis"]["range"] == [3.0, 5.2] and fig["layout"]["yaxis"]["range"] == [51.0, 53.4]
    assert [(t["x"], t["y"], t["text"]) for t in fig["data"]] == [([4.0], [52.0], ["A (cohort 1)"])]


def test_area_memo_computes_once_per_store_version(engine, monkeypatch):
    from data_access.results import store

    area_memo.clear()
    # only this test's engine sees the fake versions: a server thread left by an earlier test may read its own
    version = {"now": "v1"}
    real = store.store_version
    monkeypatch.setattr(store, "store_version", lambda conn: version["now"] if conn.engine is engine else real(conn))
    calls = []
    with engine.connect() as conn:
        first = area_memo.remembered(conn, "k", "GM0392", lambda: calls.append(1) or {"n": len(calls)})
        again = area_memo.remembered(conn, "k", "GM0392", lambda: calls.append(1) or {"n": len(calls)})
        version["now"] = "v2"
        after_import = area_memo.remembered(conn, "k", "GM0392", lambda: calls.append(1) or {"n": len(calls)})
    assert (first, again, after_import) == ({"n": 1}, {"n": 1}, {"n": 2})
    area_memo.clear()
