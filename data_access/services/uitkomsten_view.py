"""View-model of /buurt/<slug>/uitkomsten: per theme and group, each monitoring indicator's latest value as of the
review, its nulmeting, the change since then and since the previous period, the recent trend, the target and how
the buurt compares with the programme and its comparison group.

Plain data (numbers, periods, words), rendered by callbacks/buurt.py. Computed once per buurt, review and viewer
scope and kept in the results tables (kind "uitkomsten_view"), so every worker and every later request reads it;
the refresh drops it when the data under it changes. What a viewer may see depends on the viewer only through
the aggregate scope (`data_access.results.scopes`): the page shows programme-buurt aggregates, which networks see
as the team does, a supplier for its own source and anonymous visitors for public indicators only.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from sqlalchemy import Connection

from data_access import definitions, outcome_compare, periods, queries
from data_access.access import Viewer
from data_access.context import PageContext
from data_access.menukaart import THEMES
from data_access.published import visible_observations
from data_access.results import store
from data_access.results.scopes import aggregate_scope, scope_viewer
from data_access.stats.trend import DIRECTION_LABELS_NL, recent_trend

KIND = "uitkomsten_view"
GROUPS = [("adoptie", "Adoptie door de buurt"), ("kwaliteit", "Kwaliteit"), ("effectiviteit", "Effectiviteit")]
NOT_DELIVERED = "nog niet aangeleverd"
NOT_DELIVERED_FOR = "nog niet aangeleverd voor {label}"
TREND_POINTS = 5


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or bool(pd.isna(value))


def _number(value: object) -> float | None:
    return None if _missing(value) else float(value)


def _label(period: object) -> str:
    try:
        return periods.label(str(period))
    except ValueError:
        return str(period)


def sorted_rows(frame: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """One indicator's rows, one per period, oldest first (the newest indeling wins within a period)."""
    rows = frame[frame["indicator"] == indicator]
    return rows_by_indicator(rows).get(indicator, rows)


def rows_by_indicator(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """`sorted_rows` of every indicator at once (one sort of the buurt's rows instead of one per indicator)."""
    if frame.empty:
        return {}
    rows = frame.assign(_k=frame["period"].map(periods.sort_key)).sort_values(["indicator", "_k", "indeling"],
                                                                             kind="stable")
    rows = rows.drop_duplicates(["indicator", "period"], keep="last").drop(columns="_k")
    return {indicator: part for indicator, part in rows.groupby("indicator", sort=False)}


def row_note(row: pd.Series | None) -> str:
    """Why a row has no (plain) value: the row's own note, else suppressed or no value."""
    if row is None:
        return ""
    note = row.get("note", "")
    if _missing(note) or not note:
        return "onderdrukt" if bool(row["suppressed"]) else ("geen waarde" if _missing(row["value"]) else "")
    return str(note)


def indicator_summary(rows: pd.DataFrame, review: str, frequency: str, start_date: dt.date | None = None) -> dict:
    """Latest (as of the review), nulmeting (`definitions.nulmeting`), previous and the notes of one indicator's
    rows (sorted as `sorted_rows` returns them)."""
    key = periods.sort_key(review)
    rows = rows[rows["period"].map(periods.sort_key) <= key] if not rows.empty else rows
    if rows.empty:
        return {"latest": None, "first": None, "previous": None, "notes": [NOT_DELIVERED], "values": []}
    notes = []
    bimonthly = frequency == "tweemaandelijks"
    latest = rows.iloc[-1]
    if bimonthly and latest["period"] != review:
        notes.append(NOT_DELIVERED_FOR.format(label=_label(review)))
    valued = rows[rows["value"].notna()]
    base = definitions.nulmeting(valued["period"], start_date)
    first = valued[valued["period"] == base.period].iloc[0] if base.period is not None else rows.iloc[0]
    if base.fallback and start_date is not None:
        notes.append(base.note)
    previous = rows.iloc[-2] if len(rows) > 1 else None
    if bimonthly:
        try:
            expected = periods.bimonthly_range(first["period"], latest["period"])
            gaps = [p for p in expected if p not in set(rows["period"])]
            if gaps:
                notes.append(NOT_DELIVERED + ": " + ", ".join(_label(p) for p in gaps))
        except ValueError:
            pass
    note = row_note(latest)
    if note:
        notes.insert(0, note)
    return {"latest": latest, "first": first, "previous": previous, "notes": notes,
            "values": list(rows["value"]), "numerators": list(rows["numerator"]),
            "denominators": list(rows["denominator"])}


def trend(values: list, numerators: list | None = None, denominators: list | None = None,
          kind: str | None = None) -> dict | None:
    """The recent trend over the last five points (`stats.trend.recent_trend`); None when it cannot be computed."""
    result = recent_trend([None if _missing(v) else v for v in values], numerators, denominators, kind,
                          last=TREND_POINTS)
    if result.direction == "not_computable":
        return None
    return {"direction": result.direction, "label": DIRECTION_LABELS_NL[result.direction],
            "n_points": result.n_points, "p_value": result.p_value}


def _listed(row: pd.Series | None, column: str) -> list[str]:
    value = row.get(column) if row is not None else None
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def _latest_item(row: pd.Series | None) -> dict | None:
    if row is None:
        return None
    return {"value": _number(row["value"]), "period": str(row["period"]), "ci_low": _number(row["ci_low"]),
            "ci_high": _number(row["ci_high"]), "synthetic": bool(row["synthetic"]),
            "bronnen": _listed(row, "bronnen"), "ontbrekende_bronnen": _listed(row, "ontbrekende_bronnen")}


def _comparisons(conn: Connection, viewer: Viewer, area: queries.AreaInfo, frame: pd.DataFrame, review: str,
                 catalogue: pd.DataFrame) -> dict[str, dict]:
    """Per indicator: rank and funnel band among the programme buurten, and the comparison group's pooled value."""
    if viewer.anonymous or frame.empty:
        return {}
    latest = outcome_compare.latest_as_of(frame, review)
    positions = outcome_compare.programme_positions(conn, viewer, area.code, latest, catalogue)
    group = outcome_compare.comparison_group(conn, viewer, area, latest, catalogue)
    own = latest.set_index("indicator")["value"]
    out: dict[str, dict] = {ind: {"period": str(period)} for ind, period in zip(latest["indicator"], latest["period"],
                                                                               strict=True)}
    for p in positions.itertuples():
        out.setdefault(p.indicator, {})["programme"] = {"rank": int(p.rank), "n": int(p.n),
                                                        "band": p.band if isinstance(p.band, str) else ""}
    for g in group.itertuples():
        out.setdefault(g.indicator, {})["group"] = {
            "method": g.comparison_method, "n": int(g.comparison_n), "value": _number(g.comparison_value),
            "own": _number(own.get(g.indicator))}
    return out


def _theme_indicators(catalogue: pd.DataFrame, theme: str) -> pd.DataFrame:
    themes = catalogue["theme"].fillna("").str.split(",").map(lambda t: [x.strip() for x in t])
    return catalogue[themes.map(lambda t: theme in t) & catalogue["group"].isin([g for g, _ in GROUPS])]


def build(conn: Connection, viewer: Viewer, area: queries.AreaInfo, review: str, catalogue: pd.DataFrame,
          start_date: dt.date | None) -> dict:
    """Compute the view-model (no store): the tables of every theme as of `review`."""
    monitoring = catalogue[catalogue["group"].isin([g for g, _ in GROUPS])]
    frame = visible_observations(conn, viewer, area, list(monitoring["code"]), catalogue=catalogue)
    compared_by_indicator = _comparisons(conn, viewer, area, frame, review, catalogue)
    by_indicator = rows_by_indicator(frame)
    themes = []
    for theme, theme_label in THEMES:
        inds = _theme_indicators(catalogue, theme)
        groups = []
        for group, group_label in GROUPS:
            rows = []
            for _, c in inds[inds["group"] == group].iterrows():
                ind = c["code"]
                s = indicator_summary(by_indicator.get(ind, frame.iloc[:0]), review, c["frequency"], start_date)
                first, previous, shown = s["first"], s["previous"], _latest_item(s["latest"])
                compared = compared_by_indicator.get(ind, {})
                if shown is None or shown["value"] is None or compared.get("period") != shown["period"]:
                    compared = {}  # compare the value on screen only: not an older one behind a hidden value
                rows.append({
                    "indicator": ind, "name": c["name"], "unit": c["unit"] or "", "kind": c["kind"],
                    "polarity": c["polarity"], "target_value": _number(c["target_value"]),
                    "target_description": c["target_description"] if isinstance(c["target_description"], str)
                    else "",
                    "latest": shown,
                    "first": None if first is None else {"value": _number(first["value"]),
                                                         "period": str(first["period"])},
                    "previous": None if previous is None else {"value": _number(previous["value"])},
                    "notes": s["notes"], "values": [_number(v) for v in s["values"]],
                    "trend": trend(s["values"], s.get("numerators"), s.get("denominators"), c["kind"])
                    if s["values"] else None,
                    "compared": {k: v for k, v in compared.items() if k != "period"},
                })
            if rows:
                groups.append({"group": group, "label": group_label, "rows": rows})
        themes.append({"theme": theme, "label": theme_label, "groups": groups})
    return {
        "code": area.code, "name": area.name, "review": review, "themes": themes,
        "empty": frame.empty, "synthetic": bool(not frame.empty and frame["synthetic"].any()),
        "sources": sorted(set(frame["source"].dropna())) if not frame.empty else [],
    }


def cache_key(viewer: Viewer, slug: str, review: str) -> str:
    return f"{aggregate_scope(viewer)}|{slug}|{review}"


def uitkomsten_view(conn: Connection, context: PageContext, review: object) -> dict:
    """The stored view-model of a programme buurt's uitkomsten (the caller checked `context.is_programme`)."""
    review = definitions.review_or_default(review)
    scope = aggregate_scope(context.viewer)
    return store.get_or_compute(
        conn, KIND, cache_key(context.viewer, context.area.code, review),
        lambda: build(conn, scope_viewer(scope), context.area, review, context.catalogue, context.start_date))
