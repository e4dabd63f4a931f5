"""The menukaart (/menukaart): interventions per theme, which buurten run them, and a descriptive comparison.

The comparison sets the outcome change since the nulmeting in buurten that run an intervention (agenda item
gestart or afgerond) against the buurten that do not. It is descriptive, not a causal effect: buurten choose
their interventions, and many things differ between them.

Change of a buurt: R(latest) / R(nulmeting) − 1, with R its own ratio of sums (numerator / denominator) for the
indicator; nulmeting = the last bimonthly period before its start (else its first period). Per group the mean
change with a t-interval over buurten, and n.
"""

from __future__ import annotations

import math

import pandas as pd
from sqlalchemy import Connection, select

from data_access import definitions, periods, queries
from data_access.access import Viewer
from data_access.models import AgendaItem, Intervention, ProgrammeBuurt
from data_access.published import shown_programme_values
from data_access.stats.intervals import t_interval

RUNNING = ("gestart", "afgerond")
THEMES = [("preventie", "Preventie als mindset"), ("eerste_lijn", "Integrale eerste lijn"),
          ("dichtbij", "Behandeling dichtbij"), ("zorgzaam", "Zorgzame buurt"), ("lerend", "Lerende buurt")]
COMPARISON_COLUMNS = ["code", "name", "theme", "n_with", "mean_with", "low_with", "high_with", "n_without",
                      "mean_without", "low_without", "high_without", "difference"]


def catalogue(conn: Connection) -> pd.DataFrame:
    """All interventions of the menukaart, in menukaart order."""
    return pd.read_sql(select(Intervention.__table__).order_by(Intervention.sort_order, Intervention.id), conn)


def usage(conn: Connection) -> pd.DataFrame:
    """Agenda items that use a menukaart intervention: code, slug, buurt name, status, start date."""
    return pd.read_sql(
        select(Intervention.code, ProgrammeBuurt.slug, ProgrammeBuurt.name.label("buurt"), AgendaItem.status,
               AgendaItem.start_date)
        .join(Intervention, Intervention.id == AgendaItem.intervention_id)
        .join(ProgrammeBuurt, ProgrammeBuurt.id == AgendaItem.programme_id)
        .where(AgendaItem.deleted.is_(False))
        .order_by(Intervention.sort_order, ProgrammeBuurt.name), conn)


def stored_outcome_changes(conn: Connection, indicator: str, viewer: Viewer) -> pd.DataFrame:
    """`outcome_changes` as stored in the results tables (one copy per visibility scope; the refresh stores the
    internal scope's default indicator, others are computed on first request and kept until their data changes)."""
    from data_access.results import store
    from data_access.results.scopes import aggregate_scope, scope_viewer

    scope = aggregate_scope(viewer)
    payload = store.get_or_compute(
        conn, "menukaart_changes", f"{scope}|{indicator}",
        lambda: store.frame_payload(outcome_changes(conn, indicator, viewer=scope_viewer(scope))))
    frame = store.frame_from(payload).reset_index(drop=True)
    frame["change"] = pd.to_numeric(frame["change"], errors="coerce")
    return frame


def outcome_changes(conn: Connection, indicator: str, *, viewer: Viewer, shown: pd.DataFrame | None = None
                    ) -> pd.DataFrame:
    """Per programme buurt: nulmeting and latest period of one indicator and the relative change between them.

    Only from rows this viewer may use, after small numbers are hidden (`data_access.visibility`). shown: the
    indicator's `published.shown_programme_values` when the caller has read them already.
    """
    programme = queries.programme_buurten(conn)
    columns = ["slug", "baseline", "latest", "change"]
    if programme.empty:
        return pd.DataFrame(columns=columns)
    catalogue = queries.indicators(conn)
    frame = shown_programme_values(conn, viewer, indicator, catalogue, list(programme["programme_id"])) \
        if shown is None else shown
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame[frame["period"].astype(str).str.contains("-B")].dropna(subset=["numerator", "denominator"])
    frame = frame[frame["denominator"] > 0]
    frame["rate"] = frame["numerator"] / frame["denominator"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    starts = dict(zip(programme["code"], programme["start_date"], strict=True))
    order = {p: periods.sort_key(p) for p in frame["period"].unique()}
    frame = frame.assign(_k=frame["period"].map(order)).sort_values(["area", "_k"], kind="stable")
    base_period = definitions.nulmeting_periods(frame, starts)
    latest = frame.groupby("area").tail(1).set_index("area")
    base = frame[frame["period"] == frame["area"].map(base_period)].groupby("area").tail(1).set_index("area")
    both = latest[["period", "rate"]].merge(base[["period", "rate"]], left_index=True, right_index=True,
                                            suffixes=("", "_base")).sort_index()
    both = both[(both["period"] != both["period_base"]) & (both["rate_base"] > 0)]
    return pd.DataFrame({"slug": both.index, "baseline": both["period_base"].to_numpy(),
                         "latest": both["period"].to_numpy(),
                         "change": (both["rate"] / both["rate_base"] - 1).to_numpy()}, columns=columns)


def patched_outcome_changes(payload: dict, slugs: set[str], fresh: pd.DataFrame) -> dict:
    """The stored `outcome_changes` payload with these buurten's rows replaced by `fresh` (their `outcome_changes`,
    computed from their values alone): a buurt's row rests on its own values only, so this equals computing all
    (one buurt after a delivery instead of all 1,000)."""
    from data_access.results import store

    slug = payload["columns"].index("slug")
    rows = [row for row in payload["data"] if row[slug] not in slugs]
    rows += store.frame_payload(fresh.reset_index(drop=True))["data"] if not fresh.empty else []
    rows.sort(key=lambda row: row[slug])  # `outcome_changes` lists buurten by slug
    return {**payload, "index": list(range(len(rows))), "data": rows}


def _mean_interval(values: pd.Series) -> tuple[float, float, float]:
    values = values.dropna()
    if values.empty:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if len(values) < 2:
        return mean, math.nan, math.nan
    interval = t_interval(mean, float(values.std(ddof=1)), len(values))
    low = math.nan if interval.low is None else interval.low
    high = math.nan if interval.high is None else interval.high
    return mean, low, high


def descriptive_comparison(changes: pd.DataFrame, used: pd.DataFrame, interventions: pd.DataFrame) -> pd.DataFrame:
    """Per intervention: mean change (with t-interval) and n in buurten with and without it; pure.

    changes: slug, change. used: code, slug, status. interventions: code, name, theme.
    """
    running = used[used["status"].isin(RUNNING)]
    out = []
    for row in interventions.itertuples():
        with_slugs = set(running.loc[running["code"] == row.code, "slug"])
        has = changes["slug"].isin(with_slugs)
        mean_w, low_w, high_w = _mean_interval(changes.loc[has, "change"])
        mean_o, low_o, high_o = _mean_interval(changes.loc[~has, "change"])
        out.append({"code": row.code, "name": row.name, "theme": row.theme, "n_with": int(has.sum()),
                    "mean_with": mean_w, "low_with": low_w, "high_with": high_w, "n_without": int((~has).sum()),
                    "mean_without": mean_o, "low_without": low_o, "high_without": high_o,
                    "difference": mean_w - mean_o})
    return pd.DataFrame(out, columns=COMPARISON_COLUMNS)
