"""View-model of the head of a buurtbeeld (/buurt/<slug>/beeld, /gebied/<code>): the headline figures and their
development next to the gemeente and Nederland.

Only the headline indicators are read (not the whole context catalogue), for the area, its gemeente and
Nederland, each as the viewer may see it (`published.visible_observations`); the result is plain data the
callback renders. A programme buurt's view-model is stored (kind "beeld_head", key "<slug>|<headlines>") by the
refresh for every programme buurt (`results.first_view.build_buurtbeelden`; else on its first view) and shared by
every viewer who sees the same figures, as the buurtbeeld profile is (`profile_store.shareable`); like the profile
it rests on public context figures only, so a delivery keeps it (`results.first_view`). A CBS area's is computed
on each request (14,000 areas; no members to aggregate).
"""

from __future__ import annotations

import json
import math
import zlib

import pandas as pd
from sqlalchemy import Connection

from data_access import area_memo, periods, queries
from data_access.access import ANONYMOUS, Viewer
from data_access.comparisons import gemeente_of
from data_access.profile import rows_of
from data_access.published import visible_observations_of

NL_CODE = "NL00"
HEADLINES = [  # (indicator, scope) of the buurtbeeld's headline figures: scope "gemeente" shows the gemeente's figure
    ("inwoners", "buurt"), ("pct_65plus", "buurt"), ("huishoudens", "buurt"), ("inkomen_per_inwoner", "buurt"),
    ("wmo_per_1000", "buurt"), ("eenzaam_65plus", "buurt"), ("ervaren_gezondheid_goed_18plus", "buurt"),
    ("zvw_kosten_totaal", "gemeente"), ("afstand_huisarts", "buurt"),
]
ROW_FIELDS = ("period", "value", "source", "synthetic", "suppressed", "note")


def _value(value) -> float | None:  # noqa: ANN001
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value) \
        else float(value)


def _rows_by_area(frame: pd.DataFrame, wanted: list[str]) -> dict[str, dict[str, list[dict]]]:
    """Per area and indicator its rows in period order, one per period (the newest indeling)."""
    if frame.empty:
        return {}
    frame = frame[frame["indicator"].isin(wanted)]
    frame = frame.assign(_k=frame["period"].map(periods.sort_key)) \
        .sort_values(["area", "indicator", "_k", "indeling"])
    frame = frame.drop_duplicates(["area", "indicator", "period"], keep="last")
    out: dict[str, dict[str, list[dict]]] = {}
    for record in frame.to_dict("records"):
        note = record.get("note")
        out.setdefault(record["area"], {}).setdefault(record["indicator"], []).append({
            "period": record["period"], "value": _value(record["value"]), "source": record.get("source") or "",
            "synthetic": bool(record.get("synthetic")), "suppressed": bool(record.get("suppressed")),
            "note": note if isinstance(note, str) else ""})
    return out


def latest(rows: list[dict]) -> dict | None:
    """The newest row with a value, else the newest row (None without rows)."""
    valued = [r for r in rows if r["value"] is not None]
    return (valued or rows)[-1] if rows else None


def beeld_head(conn: Connection, viewer: Viewer, area: queries.AreaInfo, headlines: list[tuple[str, str]]) -> dict:
    """Plain data for the title, headline cards and trends of an area's buurtbeeld.

    `headlines`: (indicator, scope) pairs; scope "gemeente" reads the gemeente's figure (the area's own for a
    gemeente). Returns the gemeente (code, name), per indicator its catalogue entry (kind, unit, source), the
    headline row, and its series for the area, the gemeente and Nederland (lists of rows in period order)."""
    return beeld_heads(conn, viewer, [area], headlines)[area.code]


def beeld_heads(conn: Connection, viewer: Viewer, areas: list[queries.AreaInfo],
                headlines: list[tuple[str, str]], observed: pd.DataFrame | None = None) -> dict[str, dict]:
    """`beeld_head` of several areas from one read of their rows and one of their gemeenten and Nederland (area code
    → view-model): the refresh builds every programme buurt's this way. `observed`: the areas' visible rows for this
    viewer when already read (at least the headline indicators)."""
    catalogue = queries.indicators(conn)
    cat = catalogue.set_index("code")
    wanted = [ind for ind, _scope in headlines if ind in cat.index]
    gm_of = {area.code: gemeente_of(area, itself=True) for area in areas}
    benches = {code: queries.find_area(conn, code) for code in sorted({NL_CODE, *filter(None, gm_of.values())})}
    benches = {code: bench for code, bench in benches.items() if bench is not None}
    own = visible_observations_of(conn, viewer, areas, wanted, catalogue=catalogue) if observed is None \
        else rows_of(observed, [a.code for a in areas], wanted)
    own_rows = _rows_by_area(own, wanted)
    bench_rows = _rows_by_area(visible_observations_of(conn, ANONYMOUS, list(benches.values()), wanted,
                                                       catalogue=catalogue), wanted)
    out = {}
    for area in areas:
        gemeente = benches.get(gm_of[area.code]) if gm_of[area.code] else None
        series: dict[str, dict[str, list[dict]]] = {"buurt": own_rows.get(area.code, {})}
        for key, bench in (("gemeente", gemeente), ("nl", benches.get(NL_CODE))):
            same = bench is None or bench.code == area.code
            series[key] = {} if same else bench_rows.get(bench.code, {})
        heads = {}
        for ind, scope in headlines:
            own = "gemeente" if scope == "gemeente" and area.level != "gemeente" else "buurt"
            heads[ind] = latest(series[own].get(ind, [])) if ind in cat.index else None
        out[area.code] = {
            "gemeente": (gemeente.code, gemeente.name) if gemeente is not None else None,
            "gm_code": gm_of[area.code],
            "catalogue": {ind: {"kind": cat.at[ind, "kind"], "unit": cat.at[ind, "unit"],
                                "source": cat.at[ind, "source"]} for ind in wanted},
            "headlines": heads,
            "series": {ind: {key: series[key].get(ind, []) for key in series} for ind in wanted},
        }
    return out


KIND = "beeld_head"


def stored_key(area_code: str, headlines: list[tuple[str, str]]) -> str:
    return f"{area_code}|{zlib.crc32(repr(headlines).encode()):08x}"


def stored_beeld_head(conn: Connection, viewer: Viewer, area: queries.AreaInfo,
                      headlines: list[tuple[str, str]] = HEADLINES) -> dict:
    """`beeld_head`, read from the results tables for a programme buurt when the viewer sees what everyone sees (for
    a CBS area: kept by the process for the last few areas, `area_memo`)."""
    from data_access.profile_store import shareable
    from data_access.results import store

    if not shareable(viewer, queries.indicators(conn)):
        return json.loads(store.dumps(beeld_head(conn, viewer, area, headlines)))  # as if stored
    key = stored_key(area.code, headlines)
    if area.programme_id is None:  # a CBS area: the process keeps the last few (data_access.area_memo)
        return area_memo.remembered(conn, KIND, key,
                                    lambda: json.loads(store.dumps(beeld_head(conn, ANONYMOUS, area, headlines))))
    return store.get_or_compute(conn, KIND, key, lambda: beeld_head(conn, ANONYMOUS, area, headlines))


def ahead_payloads(conn: Connection, areas: list[queries.AreaInfo],
                   observed: pd.DataFrame | None = None) -> dict[str, dict]:
    """Stored key → view-model of these programme buurten, as `stored_beeld_head` would store them on their first
    view (the refresh builds them ahead, `results.first_view`; `observed`: their rows as everyone sees them)."""
    heads = beeld_heads(conn, ANONYMOUS, areas, HEADLINES, observed)
    return {stored_key(code, HEADLINES): head for code, head in heads.items()}
