"""/lerende-buurt's ranked partners per buurt, as a stored view-model: one page of cards at a time.

The ranked list once read every programme buurt's outcome series and drew a small chart per buurt on each request
(3 s and 380 kB at 1,000 buurten). Now the refresh stores, next to each learning network, what the list shows:
per buurt with partners its `MAX_PARTNERS` partners with the largest difference, and the outcome lines (period
labels and values) of those buurten. A page reads that row (parsed once per process, `store.read_parsed`) and
sends the `PER_PAGE` cards one screen shows. An outcome no refresh computed is computed on first request and
stored, like its network.
"""

from __future__ import annotations

import math

import pandas as pd
from sqlalchemy import Connection, select

from data_access import learning, periods, queries
from data_access.access import Viewer
from data_access.models import ProgrammeBuurt

RANKED_KIND = "learning_ranked"
MAX_PARTNERS = 3
PER_PAGE = 6


def ranked_payload(result: learning.Learning, series: pd.DataFrame | None = None) -> dict:
    """What the ranked list shows for one network: the buurten with partners (by name), each with its partners of
    largest difference first (ties: most similar first), and the lines of every buurt named in a card."""
    series = result.series if series is None else series
    names = dict(zip(result.buurten["slug"], result.buurten["name"], strict=True))
    links = result.links
    cards = []
    if not result.reason and not links.empty:
        # links are ordered by slug, most similar first (learning._compute); a stable sort keeps that among ties
        ordered = links.assign(size=links["difference"].abs()).sort_values(["slug", "size"], ascending=[True, False],
                                                                           kind="stable")
        for slug, rows in ordered.groupby("slug", sort=False):
            cards.append({"slug": slug, "name": names.get(slug, slug), "partners": [
                {"partner_code": p, "partner_name": names.get(p, p), "difference": float(d), "better": b}
                for p, d, b in zip(rows["partner"], rows["difference"], rows["better"], strict=True)
            ][:MAX_PARTNERS]})
        position = {s: i for i, s in enumerate(result.buurten["slug"])}  # ties in name: programme order
        cards.sort(key=lambda c: (c["name"], position[c["slug"]]))
    shown = {c["slug"] for c in cards} | {p["partner_code"] for c in cards for p in c["partners"]}
    lines: dict[str, dict] = {}
    if series is not None and not series.empty:
        part = series[series["slug"].isin(shown)]
        for slug, rows in part.groupby("slug", sort=False):
            lines[slug] = {"x": [periods.label(p) for p in rows["period"]], "y": rows["value"].astype(float).tolist()}
    return {"indicator": result.indicator, "indicator_name": result.indicator_name, "unit": result.unit,
            "reason": result.reason, "names": names, "cards": cards, "lines": lines}


def _compute(conn: Connection, viewer: Viewer, indicator: str) -> dict:
    result = learning.learning_network(conn, viewer, indicator)
    return ranked_payload(result, learning.outcome_series(conn, viewer, indicator))


def ranked_view(conn: Connection, viewer: Viewer, indicator: str, buurt: str | None = None,
                page: int | None = 1, per_page: int = PER_PAGE) -> dict:
    """One page of the ranked list (or the one card of `buurt`), with the lines its charts need and the totals;
    ValueError (Dutch) for an unusable indicator."""
    from data_access.results import store

    learning.check_outcome(queries.indicators(conn), indicator)
    key = learning.network_key(learning.viewer_scope(viewer), indicator)
    stored = store.read_parsed(conn, RANKED_KIND, key, lambda payload: payload,
                               lambda: _compute(conn, viewer, indicator))
    names = stored["names"]
    if buurt in names:
        cards = [next((c for c in stored["cards"] if c["slug"] == buurt),
                      {"slug": buurt, "name": names[buurt], "partners": []})]
    else:
        cards = stored["cards"]
    pages = max(1, math.ceil(len(cards) / per_page))
    page = min(max(1, int(page or 1)), pages)
    part = cards[(page - 1) * per_page: page * per_page]
    wanted = {c["slug"] for c in part} | {p["partner_code"] for c in part for p in c["partners"]}
    return {"indicator_name": stored["indicator_name"], "unit": stored["unit"], "reason": stored["reason"],
            "cards": part, "lines": {s: v for s, v in stored["lines"].items() if s in wanted},
            "total": len(cards), "page": page, "pages": pages}


def filter_choices(conn: Connection) -> dict[str, list[tuple[str, str]]]:
    """The page's filters: the outcome indicators (catalogue order) and the programme buurten by name, as
    (code, name); two light queries (the full programme table with members took 0.1 s at 1,000 buurten)."""
    outcomes = learning.outcome_indicators(queries.indicators(conn))
    buurten = conn.execute(select(ProgrammeBuurt.slug, ProgrammeBuurt.name)
                           .order_by(ProgrammeBuurt.name, ProgrammeBuurt.cohort, ProgrammeBuurt.id)).all()
    return {"outcomes": list(zip(outcomes["code"], outcomes["name"], strict=True)),
            "buurten": [(slug, name) for slug, name in buurten]}
