"""View-model of /buurt/<slug>/uitkomsten: per theme and group, each monitoring indicator's latest value as of the
review, its nulmeting, the change since then and since the previous period, the recent trend, the target and how
the buurt compares with the programme and its comparison group.

Plain data (numbers, periods, words), rendered by callbacks/buurt.py. Two parts:
- the buurt's own part (`own_part`: values, nulmeting, changes, trend, notes) rests on the buurt's own rows only.
  It is stored once per buurt, review and viewer scope (kind "uitkomsten_own"); the refresh builds it ahead for
  every programme buurt at the default review (`build_own_many`, one read of the programme) and drops only the
  buurten a delivery feeds, so a delivery for one buurt leaves the other 999 stored;
- the comparisons (rank among the programme buurten, the comparison group's value) are looked up per request in
  the stored programme positions and comparison values (`compose`), which the refresh keeps current.
What a viewer may see depends on the viewer only through the aggregate scope (`data_access.results.scopes`): the
page shows programme-buurt aggregates, which networks see as the team does, a supplier for its own source and
anonymous visitors for public indicators only.
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
from data_access.stats.trend import DIRECTION_LABELS_NL, TrendResult, recent_trend, recent_trends

OWN_KIND = "uitkomsten_own"  # the part resting on the buurt's own rows (`own_part`), per scope|slug|review
GROUPS = list(zip(definitions.MONITORING_GROUPS, ("Adoptie door de buurt", "Kwaliteit", "Effectiviteit"), strict=True))
NOT_DELIVERED = "nog niet aangeleverd"
NOT_DELIVERED_FOR = "nog niet aangeleverd voor {label}"
TREND_POINTS = 5
RECORD_COLUMNS = ["area", "indicator", "period", "_k", "value", "numerator", "denominator", "ci_low", "ci_high",
                  "suppressed", "note", "synthetic", "bronnen", "ontbrekende_bronnen"]  # what the summary reads
LATEST_COLUMNS = ["indicator", "period", "value", "numerator", "denominator", "members_total"]


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


def records_by_area(frame: pd.DataFrame) -> dict[tuple[str, str], list[dict]]:
    """`rows_by_indicator` of every area as plain dicts (per area and indicator, one per period, oldest first),
    with the period's sort key under "_k": the summary reads a few fields of a few rows, which pandas does a
    hundred times slower."""
    if frame.empty:
        return {}
    keys = {p: periods.sort_key(p) for p in frame["period"].unique()}
    rows = frame.assign(_k=frame["period"].map(keys)).sort_values(["area", "indicator", "_k", "indeling"],
                                                                 kind="stable")
    rows = rows.drop_duplicates(["area", "indicator", "period"], keep="last")
    columns = [c for c in RECORD_COLUMNS if c in rows.columns]
    out: dict[tuple[str, str], list[dict]] = {}
    # plain lists per column (DataFrame.to_dict boxes every cell of an extension-typed column: 4x slower)
    for values in zip(*(rows[c].tolist() for c in columns), strict=True):
        record = dict(zip(columns, values, strict=True))
        out.setdefault((record["area"], record["indicator"]), []).append(record)
    return out


def indicator_summary(rows: pd.DataFrame, review: str, frequency: str, start_date: dt.date | None = None) -> dict:
    """Latest (as of the review), nulmeting (`definitions.nulmeting`), previous and the notes of one indicator's
    rows (sorted as `sorted_rows` returns them)."""
    records = rows.assign(_k=rows["period"].map(periods.sort_key)).to_dict("records") if not rows.empty else []
    return _summary(records, review, frequency, start_date)


def _summary(rows: list[dict], review: str, frequency: str, start_date: dt.date | None) -> dict:
    """`indicator_summary` of one indicator's records (`records_by_area`)."""
    key = periods.sort_key(review)
    rows = [r for r in rows if r["_k"] <= key]
    if not rows:
        return {"latest": None, "first": None, "previous": None, "notes": [NOT_DELIVERED], "values": []}
    notes = []
    bimonthly = frequency == "tweemaandelijks"
    latest = rows[-1]
    if bimonthly and latest["period"] != review:
        notes.append(NOT_DELIVERED_FOR.format(label=_label(review)))
    valued = [r for r in rows if not _missing(r["value"])]
    base = definitions.nulmeting([r["period"] for r in valued], start_date)
    first = next(r for r in valued if r["period"] == base.period) if base.period is not None else rows[0]
    if base.fallback and start_date is not None:
        notes.append(base.note)
    previous = rows[-2] if len(rows) > 1 else None
    if bimonthly:
        try:
            delivered = {r["period"] for r in rows}
            gaps = [p for p in periods.bimonthly_range(first["period"], latest["period"]) if p not in delivered]
            if gaps:
                notes.append(NOT_DELIVERED + ": " + ", ".join(_label(p) for p in gaps))
        except ValueError:
            pass
    note = row_note(latest)
    if note:
        notes.insert(0, note)
    return {"latest": latest, "first": first, "previous": previous, "notes": notes,
            "values": [r["value"] for r in rows], "numerators": [r["numerator"] for r in rows],
            "denominators": [r["denominator"] for r in rows]}


def trend(values: list, numerators: list | None = None, denominators: list | None = None,
          kind: str | None = None) -> dict | None:
    """The recent trend over the last five points (`stats.trend.recent_trend`); None when it cannot be computed."""
    return _trend_item(recent_trend([None if _missing(v) else v for v in values], numerators, denominators, kind,
                                    last=TREND_POINTS))


def _trend_item(result: TrendResult) -> dict | None:
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


def _compared(conn: Connection, viewer: Viewer, area: queries.AreaInfo, latest: pd.DataFrame,
              catalogue: pd.DataFrame) -> dict[str, dict]:
    """Per indicator: rank and funnel band among the programme buurten, and the comparison group's pooled value
    (both read from their stored tables, which the refresh keeps current for the whole programme)."""
    if viewer.anonymous or latest.empty:
        return {}
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


def _theme_indicators(catalogue: pd.DataFrame) -> list[tuple[str, str, list[tuple[str, str, list[dict]]]]]:
    """(theme, label, [(group, label, catalogue rows)]) in page order: an indicator under every theme it serves."""
    monitoring = catalogue[catalogue["group"].isin([g for g, _ in GROUPS])]
    records = monitoring.to_dict("records")
    themes = [{t.strip() for t in (c["theme"] if isinstance(c["theme"], str) else "").split(",")} for c in records]
    return [(theme, label, [(group, group_label, [c for c, ts in zip(records, themes, strict=True)
                                                  if theme in ts and c["group"] == group])
                            for group, group_label in GROUPS])
            for theme, label in THEMES]


def _row(c: dict, s: dict, trend_of: dict | None) -> dict:
    first, previous = s["first"], s["previous"]
    return {
        "indicator": c["code"], "name": c["name"], "unit": c["unit"] or "", "kind": c["kind"],
        "polarity": c["polarity"], "target_value": _number(c["target_value"]),
        "target_description": c["target_description"] if isinstance(c["target_description"], str) else "",
        "latest": _latest_item(s["latest"]),
        "first": None if first is None else {"value": _number(first["value"]), "period": str(first["period"])},
        "previous": None if previous is None else {"value": _number(previous["value"])},
        "notes": s["notes"], "values": [_number(v) for v in s["values"]], "trend": trend_of,
    }


def own_parts(frame: pd.DataFrame, buurten: list[tuple[str, str, dt.date | None]], review: str,
              catalogue: pd.DataFrame) -> dict[str, dict]:
    """The part of the view-model that rests on a buurt's own rows only, per slug of `buurten` (slug, name, start
    date), from `frame`: their published monitoring observations (column "area" is the slug). The tables of every
    theme as of `review`, and per indicator the latest value the comparisons are looked up for. Pure, and one pass
    over all buurten (sorting, latest values and trends at once), so the refresh builds the whole programme."""
    plan = _theme_indicators(catalogue)
    monitoring = {c["code"]: c for _, _, groups in plan for _, _, cs in groups for c in cs}
    records = records_by_area(frame)
    latest = definitions.latest_as_of(frame, review, keys=("area", "indicator")) if not frame.empty else frame
    latest_by_area: dict[str, list[dict]] = {}
    if not latest.empty:
        for area, record in zip(latest["area"], latest.reindex(columns=LATEST_COLUMNS).to_dict("records"),
                                strict=True):
            latest_by_area.setdefault(area, []).append(record)
    sources = frame.dropna(subset=["source"]).groupby("area")["source"].agg(lambda v: sorted(set(v))).to_dict() \
        if not frame.empty else {}
    synthetic = frame.groupby("area")["synthetic"].any().to_dict() if not frame.empty else {}
    summaries = {(slug, ind): _summary(records.get((slug, ind), []), review, c["frequency"], start)
                 for slug, _, start in buurten for ind, c in monitoring.items()}
    trends = _trends({key: (s["values"], s.get("numerators"), s.get("denominators"), monitoring[key[1]]["kind"])
                      for key, s in summaries.items() if s["values"]})
    out = {}
    for slug, name, _ in buurten:
        themes = []
        for theme, theme_label, theme_groups in plan:
            groups = [{"group": group, "label": group_label,
                       "rows": [_row(c, summaries[slug, c["code"]], trends.get((slug, c["code"]))) for c in cs]}
                      for group, group_label, cs in theme_groups if cs]
            themes.append({"theme": theme, "label": theme_label, "groups": groups})
        out[slug] = {"code": slug, "name": name, "review": review, "themes": themes,
                     "empty": slug not in synthetic, "synthetic": bool(synthetic.get(slug, False)),
                     "sources": sources.get(slug, []), "latest": latest_by_area.get(slug, [])}
    return out


def _trends(inputs: dict[tuple[str, str], tuple]) -> dict[tuple[str, str], dict | None]:
    """`trend` of many series (values, numerators, denominators, kind) by key, fitted at once
    (`stats.trend.recent_trends`: the same rule as `recent_trend`)."""
    found = recent_trends([([None if _missing(v) else v for v in values], nums, dens, kind)
                           for values, nums, dens, kind in inputs.values()], last=TREND_POINTS)
    return {key: _trend_item(result) for key, result in zip(inputs, found, strict=True)}


def monitoring_codes(catalogue: pd.DataFrame) -> list[str]:
    return list(catalogue.loc[catalogue["group"].isin([g for g, _ in GROUPS]), "code"])


def build_own(conn: Connection, viewer: Viewer, area: queries.AreaInfo, review: str, catalogue: pd.DataFrame,
              start_date: dt.date | None) -> dict:
    """`own_parts` of one buurt, read as this viewer may see it."""
    frame = visible_observations(conn, viewer, area, monitoring_codes(catalogue), catalogue=catalogue)
    return own_parts(frame, [(area.code, area.name, start_date)], review, catalogue)[area.code]


def programme_published(conn: Connection, scope: str, catalogue: pd.DataFrame,
                        programme_ids: list[int] | None = None) -> tuple[list[tuple[str, str, dt.date | None]],
                                                                         pd.DataFrame]:
    """The programme buurten (slug, name, start date; None: all) and their monitoring observations as the scope's
    viewers see them, from one read and one publication: what `build_own_many` (and the refresh's programme
    positions) build from."""
    from sqlalchemy import select

    from data_access.models import ProgrammeBuurt
    from data_access.published import programme_rows, publish

    viewer = scope_viewer(scope)
    stmt = select(ProgrammeBuurt.id, ProgrammeBuurt.slug, ProgrammeBuurt.name, ProgrammeBuurt.start_date)
    if programme_ids is not None:
        stmt = stmt.where(ProgrammeBuurt.id.in_(programme_ids))
    buurten = conn.execute(stmt).all()
    if not buurten:
        return [], pd.DataFrame()
    rows = programme_rows(conn, viewer, [b.id for b in buurten], monitoring_codes(catalogue), None, catalogue)
    shown = publish(rows, viewer, catalogue, {b.slug: b.id for b in buurten}, False,
                    {b.slug: b.name for b in buurten})
    return [(b.slug, b.name, b.start_date) for b in buurten], shown


def build_own_many(conn: Connection, scope: str, review: str, catalogue: pd.DataFrame,
                   programme_ids: list[int] | None = None,
                   published: tuple[list[tuple[str, str, dt.date | None]], pd.DataFrame] | None = None
                   ) -> dict[str, dict]:
    """`own_parts` of many programme buurten (None: all; or of `programme_published`'s answer), keyed as stored
    (`own_key`): what the refresh builds ahead. Equal to `build_own` per buurt (test)."""
    buurten, shown = published or programme_published(conn, scope, catalogue, programme_ids)
    if not buurten:
        return {}
    return {own_key(scope, slug, review): part
            for slug, part in own_parts(shown, buurten, review, catalogue).items()}


def compose(conn: Connection, viewer: Viewer, area: queries.AreaInfo, own: dict, catalogue: pd.DataFrame) -> dict:
    """The view-model: the buurt's own part with, per row, how its value on screen compares with the programme and
    the comparison group (looked up per request in the stored positions and comparison values, so a delivery of
    another buurt never makes this buurt's own part stale)."""
    latest = pd.DataFrame(own.get("latest") or [], columns=LATEST_COLUMNS)
    compared_by_indicator = _compared(conn, viewer, area, latest, catalogue)

    def with_comparison(row: dict) -> dict:
        compared = compared_by_indicator.get(row["indicator"], {})
        shown = row["latest"]
        if shown is None or shown["value"] is None or compared.get("period") != shown["period"]:
            compared = {}  # compare the value on screen only: not an older one behind a hidden value
        return {**row, "compared": {k: v for k, v in compared.items() if k != "period"}}

    themes = [{**t, "groups": [{**g, "rows": [with_comparison(r) for r in g["rows"]]} for g in t["groups"]]}
              for t in own["themes"]]
    return {k: v for k, v in own.items() if k != "latest"} | {"themes": themes}


def build(conn: Connection, viewer: Viewer, area: queries.AreaInfo, review: str, catalogue: pd.DataFrame,
          start_date: dt.date | None) -> dict:
    """Compute the whole view-model (no store)."""
    return compose(conn, viewer, area, build_own(conn, viewer, area, review, catalogue, start_date), catalogue)


def own_key(scope: str, slug: str, review: str) -> str:
    return f"{scope}|{slug}|{review}"


def cache_key(viewer: Viewer, slug: str, review: str) -> str:
    return own_key(aggregate_scope(viewer), slug, review)


def uitkomsten_view(conn: Connection, context: PageContext, review: object) -> dict:
    """The view-model of a programme buurt's uitkomsten (the caller checked `context.is_programme`): its stored
    own part (`OWN_KIND`, built ahead by the refresh), composed with the stored comparisons."""
    review = definitions.review_or_default(review)
    scope = aggregate_scope(context.viewer)
    viewer = scope_viewer(scope)
    own = store.get_or_compute(
        conn, OWN_KIND, own_key(scope, context.area.code, review),
        lambda: build_own(conn, viewer, context.area, review, context.catalogue, context.start_date))
    return compose(conn, viewer, context.area, own, context.catalogue)
