"""Best practices (/best-practices): positive deviance proposals, the stories and their live evidence.

Positive deviance
-----------------
A programme buurt is proposed when its outcome changed clearly more favourably since its nulmeting than the
change in its peer group, in at least two consecutive periods. Per period p after the baseline b:

* change of a unit: x = log(R(p) / R(b)), with R = numerator / denominator (a ratio of the unit's own sums);
* the peer group's changes x_1 … x_n (each peer on the same baseline period), mean m and standard deviation s;
* the buurt "beats its peers beyond noise" when its change lies outside the 95% prediction interval of a peer's
  change, on the favourable side: (m − x) > z · s · √(1 + 1/n) for lower-is-better indicators, (x − m) > … for
  higher-is-better ones. The prediction interval asks whether the buurt is unlike a typical peer, not whether
  the peer mean is known precisely, so one noisy period in a large peer group does not make a best practice.

A peer group needs at least MIN_PEERS peers with data in both periods; otherwise the period is not judged.
The relative difference shown is exp(x − m) − 1: "−12%" means the buurt's rate fell 12% more than its peers'.

The peer group of a programme buurt is its one comparison group (`definitions.comparison_group`: the matched
non-transition buurten, the same as the KPI's), those of them with data for the indicator.

The functions `deviance_series` and `propose` are pure (tested on a hand-built panel); `proposals` and `evidence`
read the store on every call, so the evidence charts stay live on the data and are never stored.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from data_access import definitions, periods, queries, records
from data_access.access import Viewer
from data_access.models import Area, BestPractice, Intervention, ProgrammeBuurt, ProgrammeMember
from data_access.published import shown_programme_values
from data_access.visibility import shown_values

Z_95 = 1.959963984540054
MIN_PEERS = 5
MIN_CONSECUTIVE = 2
OUTCOME_INDICATORS = ["wvpk_uren_per_client", "ha_consulten_per_patient", "seh_per_1000",
                      "opnames_kwetsbare_ouderen_per_1000", "ligduur_kwetsbare_ouderen", "wvpk_instroom_per_1000",
                      "seh_kwetsbare_ouderen_per_1000", "hap_per_1000"]
VIEW_ROLES = ("transitieteam", "beheerder", "buurtnetwerk")  # who sees best practices
TEAM_ROLES = ("transitieteam", "beheerder")  # who writes them and sees concepts
SERIES_COLUMNS = ["target", "period", "change", "peer_mean", "peer_low", "peer_high", "n_peers", "better",
                  "relative_difference"]


# ---------------------------------------------------------------- pure statistics

def _rates(panel: pd.DataFrame) -> pd.DataFrame:
    """unit × period matrix of numerator / denominator (NaN where the denominator is not positive)."""
    frame = panel.copy()
    frame["rate"] = frame["numerator"] / frame["denominator"].where(frame["denominator"] > 0)
    return frame.pivot_table(index="unit", columns="period", values="rate", aggfunc="first")


def rate_periods(rates: pd.DataFrame) -> list[str]:
    """The periods of a rates matrix (`_rates`) in time order: the columns `deviance_series` judges."""
    return sorted(rates.columns, key=periods.sort_key) if not rates.empty else []


def deviance_series(panel: pd.DataFrame, groups: dict[str, list[str]], baselines: dict[str, str],
                    polarity: str = "lower_is_better", z: float = Z_95, min_peers: int = MIN_PEERS,
                    evaluate_from: dict[str, str] | None = None, period_order: list[str] | None = None
                    ) -> pd.DataFrame:
    """Per target and period after its baseline: its change, the peer band and whether it beats its peers.

    panel: unit, period, numerator, denominator. groups: target → peer units. baselines: target → baseline
    period. evaluate_from: target → first period to judge (default: the period after the baseline).
    period_order: the periods of a larger panel this one is part of (`rate_periods`), so a target's rows are
    those it gets in that panel (`patched_proposals_payload`).
    """
    if polarity not in ("lower_is_better", "higher_is_better"):
        return pd.DataFrame(columns=SERIES_COLUMNS)
    rates = _rates(panel) if not panel.empty else pd.DataFrame()
    order = rate_periods(rates) if period_order is None else list(period_order)
    if period_order is not None and not rates.empty:
        rates = rates.reindex(columns=order)
    if not order:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    rates = rates[order]
    matrix = rates.to_numpy(dtype=float)
    row_of = {unit: i for i, unit in enumerate(rates.index)}
    col_of = {period: j for j, period in enumerate(order)}
    keys = [periods.sort_key(p) for p in order]
    sign = -1.0 if polarity == "lower_is_better" else 1.0
    frames = []
    for target, peers in groups.items():
        base = baselines.get(target)
        if target not in row_of or base not in col_of:
            continue
        first = (evaluate_from or {}).get(target)
        b = col_of[base]
        cols = [j for j, k in enumerate(keys) if k > keys[b] and (first is None or k >= periods.sort_key(first))]
        if not cols:
            continue
        peer_rows = [row_of[p] for p in peers if p != target and p in row_of]
        with np.errstate(divide="ignore", invalid="ignore"):
            own = matrix[row_of[target], cols] / matrix[row_of[target], b]
            change = np.where(own > 0, np.log(own), np.nan)
            ratio = matrix[np.ix_(peer_rows, cols)] / matrix[peer_rows, b][:, None] if peer_rows else \
                np.empty((0, len(cols)))
            peer = np.where(ratio > 0, np.log(ratio), np.nan)
        n = np.sum(np.isfinite(peer), axis=0)
        enough = (n >= max(min_peers, 2)) & np.isfinite(change)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, np.nansum(np.where(np.isfinite(peer), peer, 0.0), axis=0) / np.maximum(n, 1),
                            np.nan)
            dev = np.where(np.isfinite(peer), peer - mean, 0.0)
            sd = np.sqrt(np.sum(dev ** 2, axis=0) / np.maximum(n - 1, 1))
            half = z * sd * np.sqrt(1 + 1 / np.maximum(n, 1))
        mean = np.where(enough, mean, np.nan)
        half = np.where(enough, half, np.nan)
        frames.append(pd.DataFrame({
            "target": target, "period": [order[j] for j in cols], "change": change, "peer_mean": mean,
            "peer_low": mean - half, "peer_high": mean + half, "n_peers": n.astype(int),
            "better": enough & (sign * (change - mean) > half),
            "relative_difference": np.exp(change - mean) - 1,
        }))
    if not frames:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    return pd.concat(frames, ignore_index=True)[SERIES_COLUMNS]


def propose(series: pd.DataFrame, min_consecutive: int = MIN_CONSECUTIVE) -> pd.DataFrame:
    """Per target: longest run of consecutive better periods, the newest run, and whether it is proposed."""
    columns = ["target", "proposed", "longest_run", "run_end", "periods_better", "latest_period",
               "latest_better", "relative_difference", "n_peers"]
    if series.empty:
        return pd.DataFrame(columns=columns)
    out = []
    for target, part in series.groupby("target", sort=False):
        part = part.assign(_k=part["period"].map(periods.sort_key)).sort_values("_k")
        longest, run, best_end = 0, 0, None
        for period, better in zip(part["period"], part["better"], strict=True):
            run = run + 1 if better else 0
            if run and run >= longest:
                longest, best_end = run, period
        judged = part[(part["n_peers"] >= MIN_PEERS) & part["change"].notna()]
        latest = judged.iloc[-1] if not judged.empty else part.iloc[-1]
        out.append({
            "target": target, "proposed": longest >= min_consecutive, "longest_run": longest,
            "run_end": best_end, "periods_better": list(part.loc[part["better"], "period"]),
            "latest_period": latest["period"], "latest_better": bool(latest["better"]),
            "relative_difference": latest["relative_difference"], "n_peers": int(latest["n_peers"]),
        })
    return _ranked(pd.DataFrame(out, columns=columns))


def _ranked(summary: pd.DataFrame) -> pd.DataFrame:
    """Proposed first, then the longest run and the largest favourable difference (a stable sort: ties keep the
    programme's order)."""
    return summary.sort_values(["proposed", "longest_run", "relative_difference"], ascending=[False, False, True]) \
        .reset_index(drop=True)


# ---------------------------------------------------------------- from the store

def _bimonthly(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["period"].astype(str).str.contains("-B")]


def _panel_and_groups(conn: Connection, indicator: str, viewer: Viewer,  # noqa: ANN202
                      slugs: list[str] | None = None, shown: pd.DataFrame | None = None):
    """Programme buurt aggregates and comparison buurten of one indicator, with peer groups and baselines.

    Only rows this viewer may use count, after small numbers are hidden (`data_access.visibility`). Only the
    comparison groups' buurten are read (at 1,000 buurten about 1,400 of the 14,000). shown: the programme
    buurten's `published.shown_programme_values` of the indicator when the caller has read them already.
    """
    catalogue = queries.indicators(conn)
    programme = queries.programme_buurten(conn)
    if slugs is not None:
        programme = programme[programme["code"].isin(slugs)]
    if programme.empty:
        return pd.DataFrame(), {}, {}, {}, catalogue
    own = shown_programme_values(conn, viewer, indicator, catalogue, list(programme["programme_id"])) \
        if shown is None else shown[shown["area"].isin(programme["code"])]
    member_codes = set(conn.execute(
        select(Area.code).join(ProgrammeMember, ProgrammeMember.area_id == Area.id)).scalars())
    comparison = definitions.comparison_groups(conn)
    compared = sorted({c for slug in programme["code"] if slug in comparison for c in comparison[slug].codes}
                      - member_codes)
    others = queries.observations(conn, compared, [indicator]) if compared else pd.DataFrame()
    if not others.empty:
        others = shown_values(others, viewer, catalogue)
    frames = [f[["area", "period", "numerator", "denominator"]] for f in (own, others) if not f.empty]
    if not frames:
        return pd.DataFrame(), {}, {}, {}, catalogue
    panel = _bimonthly(pd.concat(frames, ignore_index=True).rename(columns={"area": "unit"}))
    panel = panel.dropna(subset=["numerator", "denominator"])
    in_panel = set(panel["unit"])
    own = panel[panel["unit"].isin(programme["code"])].groupby("unit")["period"].apply(set).to_dict()
    groups, baselines, starts = {}, {}, {}
    for row in programme.itertuples():
        group = comparison.get(row.code)
        groups[row.code] = [c for c in (group.codes if group else ()) if c in in_panel]
        start = row.start_date if isinstance(row.start_date, dt.date) else pd.Timestamp(row.start_date).date()
        first_active = periods.bimonthly(start)
        base = definitions.nulmeting(own.get(row.code, set()), start)
        baselines[row.code] = base.period or definitions.nulmeting_target(start)
        starts[row.code] = first_active
    return panel, groups, baselines, starts, catalogue


def proposals(conn: Connection, indicator: str, *, viewer: Viewer, shown: pd.DataFrame | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str], list[str]]:
    """Positive-deviance proposals for all programme buurten on one indicator: (summary, series, nulmeting period
    per buurt, the panel's periods). shown: the indicator's `published.shown_programme_values` when the caller
    has read them already.

    The nulmeting periods are returned, not carried in `series.attrs`: pandas deep-copies `attrs` on every
    operation, which cost seconds per refresh at 1,000 buurten."""
    panel, groups, baselines, starts, catalogue = _panel_and_groups(conn, indicator, viewer, shown=shown)
    if panel.empty:
        return propose(pd.DataFrame(columns=SERIES_COLUMNS)), pd.DataFrame(columns=SERIES_COLUMNS), {}, []
    polarity = catalogue.set_index("code").at[indicator, "polarity"]
    order = rate_periods(_rates(panel))
    series = deviance_series(panel, groups, baselines, polarity, evaluate_from=starts, period_order=order)
    summary = propose(series)
    names = queries.programme_buurten(conn).set_index("code")["name"]
    summary["name"] = summary["target"].map(names)
    summary["baseline"] = summary["target"].map(baselines)
    return summary, series, {slug: base for slug, base in baselines.items() if base}, order


def proposals_payload(conn: Connection, indicator: str, viewer: Viewer, shown: pd.DataFrame | None = None) -> dict:
    """The proposals as stored (the refresh stores the default indicator's ahead of the first view)."""
    from data_access.results import store

    summary, series, baselines, order = proposals(conn, indicator, viewer=viewer, shown=shown)
    return {"summary": store.frame_payload(summary), "series": store.frame_payload(series), "baselines": baselines,
            "periods": order}


def patched_proposals_payload(conn: Connection, indicator: str, viewer: Viewer, payload: dict, slugs: set[str],
                              shown: pd.DataFrame, delivered: set[str]) -> dict | None:
    """The stored proposals with these buurten's rows computed again, as `proposals_payload` would now give them;
    None when only computing all equals that.

    For a delivery of programme buurten (never in a comparison group): a buurt's rows rest on its own values and
    its comparison group's only, unless the delivery adds a period to the panel or takes its last value away
    (every buurt's rows have a row per period after its nulmeting) or moves the buurt's nulmeting. One buurt
    costs ~0.1 s instead of ~2 s for all 1,000. shown: the buurten's `shown_programme_values` of the indicator;
    delivered: the periods the delivery brought."""
    from data_access.results import store

    order = payload.get("periods")
    if order is None:
        return None
    panel, groups, baselines, starts, catalogue = _panel_and_groups(conn, indicator, viewer, sorted(slugs),
                                                                    shown=shown)
    present = set(rate_periods(_rates(panel))) if not panel.empty else set()
    delivered = {p for p in delivered if "-B" in str(p)}
    stored_bases = payload.get("baselines") or {}
    if not present <= set(order) or not delivered <= present \
            or any(stored_bases.get(slug) != baselines.get(slug) for slug in slugs if slug in baselines):
        return None
    polarity = catalogue.set_index("code").at[indicator, "polarity"]
    fresh = deviance_series(panel, groups, baselines, polarity, evaluate_from=starts, period_order=order) \
        if not panel.empty else pd.DataFrame(columns=SERIES_COLUMNS)
    programme = queries.programme_buurten(conn)
    position = {slug: i for i, slug in enumerate(programme["code"])}
    # series: every buurt's rows in the programme's order, as `deviance_series` writes them
    target = payload["series"]["columns"].index("target")
    rows: dict[str, list] = {}
    for row in payload["series"]["data"]:
        if row[target] not in slugs:
            rows.setdefault(row[target], []).append(row)
    for row in store.frame_payload(fresh.reset_index(drop=True))["data"] if not fresh.empty else []:
        rows.setdefault(row[0], []).append(row)
    data = [row for slug in sorted(rows, key=lambda s: position.get(s, len(position))) for row in rows[slug]]
    series = {**payload["series"], "index": list(range(len(data))), "data": data}
    # summary: the kept buurten's rows and the fresh ones, ranked again from the programme's order
    kept = store.frame_from(payload["summary"])
    kept = kept[~kept["target"].isin(slugs)] if not kept.empty else kept
    new = propose(fresh) if not fresh.empty else pd.DataFrame(columns=kept.columns)
    if not new.empty:
        new["name"] = new["target"].map(programme.set_index("code")["name"])
        new["baseline"] = new["target"].map(baselines)
    if kept.empty and new.empty:
        return None  # no buurt has a row: as cheap to compute all
    both = pd.concat([f for f in (kept, new) if not f.empty], ignore_index=True)
    both = both.iloc[np.argsort([position.get(s, len(position)) for s in both["target"]], kind="stable")]
    summary = _ranked(both.reset_index(drop=True))
    return {**payload, "series": series, "summary": store.frame_payload(summary),
            "baselines": {**stored_bases, **{s: b for s, b in baselines.items() if b}}}


def _stored_proposals_payload(conn: Connection, indicator: str, viewer: Viewer) -> dict:
    from data_access.results import store
    from data_access.results.scopes import aggregate_scope, scope_viewer

    scope = aggregate_scope(viewer)
    key = f"{scope}|{indicator}"

    def compute() -> dict:
        return proposals_payload(conn, indicator, scope_viewer(scope))

    payload = store.get_or_compute(conn, "proposals", key, compute)
    if "baselines" not in payload:  # stored before the stories read their nulmeting from it: once more
        payload = json.loads(store.dumps(compute()))
        store.keep(conn.engine, {"proposals": {key: payload}}, store.store_version(conn))
    return payload


def stored_proposals(conn: Connection, indicator: str, viewer: Viewer) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The proposals as stored in the results tables (one copy per visibility scope; the refresh stores the
    internal scope's default indicator, others are computed on first request and kept until their data changes)."""
    from data_access.results import store

    payload = _stored_proposals_payload(conn, indicator, viewer)
    summary, series = store.frame_from(payload["summary"]), store.frame_from(payload["series"])
    if not summary.empty:
        summary["proposed"] = summary["proposed"].astype(bool)
    return summary.reset_index(drop=True), series.reset_index(drop=True)


def evidence(conn: Connection, slug: str, indicator: str, *, viewer: Viewer) -> pd.DataFrame:
    """The live evidence of one buurt: its change since the nulmeting next to its peers' band, per period (its
    rows of `proposals`, computed for this buurt alone; pages read them from the stored proposals,
    `stored_evidence`)."""
    panel, groups, baselines, starts, catalogue = _panel_and_groups(conn, indicator, viewer, [slug])
    if panel.empty or slug not in groups:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    polarity = catalogue.set_index("code").at[indicator, "polarity"]
    series = deviance_series(panel, {slug: groups[slug]}, baselines, polarity, evaluate_from=starts)
    series.attrs["baseline"] = baselines.get(slug)
    return series


# ---------------------------------------------------------------- stories

STORY_FIELDS = ("title", "story", "interventions", "indicator_code", "contact", "status")
STATUSES = ("concept", "gepubliceerd")
RECORD_TYPE = "best_practice"


def practices(conn: Connection, published_only: bool = False) -> pd.DataFrame:
    """The stories (not deleted) with their buurt's slug and name, newest first."""
    stmt = (select(BestPractice.__table__, ProgrammeBuurt.slug, ProgrammeBuurt.name.label("buurt"),
                   ProgrammeBuurt.contact_role)
            .join(ProgrammeBuurt, ProgrammeBuurt.id == BestPractice.programme_id)
            .where(BestPractice.deleted.is_(False)))
    if published_only:
        stmt = stmt.where(BestPractice.status == "gepubliceerd")
    return pd.read_sql(stmt.order_by(BestPractice.updated_at.desc(), BestPractice.id.desc()), conn)


def load_practice(conn: Connection, practice_id: int) -> dict | None:
    row = conn.execute(select(BestPractice.__table__).where(BestPractice.id == practice_id,
                                                            BestPractice.deleted.is_(False))).mappings().first()
    return dict(row) if row is not None else None


def clean_story(conn: Connection, values: dict) -> dict:
    """Check a story's fields: a title, known menukaart codes, a known indicator and status; Dutch errors."""
    out = {k: (values.get(k) or "") for k in STORY_FIELDS}
    out["title"] = str(out["title"]).strip()
    if not out["title"]:
        raise ValueError("Geef de best practice een titel.")
    codes = [c.strip() for c in (out["interventions"] if isinstance(out["interventions"], list)
                                 else str(out["interventions"]).split(",")) if c and c.strip()]
    known = set(conn.execute(select(Intervention.code)).scalars())
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(f"Onbekende interventie(s) van de menukaart: {', '.join(unknown)}")
    out["interventions"] = ",".join(codes)
    if out["indicator_code"] and out["indicator_code"] not in queries.indicator_codes(conn):
        raise ValueError(f"Onbekende indicator '{out['indicator_code']}'")
    out["indicator_code"] = out["indicator_code"] or None
    if out["status"] not in STATUSES:
        out["status"] = "concept"
    return out


def save_practice(conn: Connection, practice_id: int | None, values: dict, base_version: int | None,
                  author: str, programme_id: int) -> records.SaveResult:
    """Check a story and save it through the versioned-record service (optimistic lock, every version kept)."""
    return records.save_record(conn, BestPractice, practice_id, clean_story(conn, values), base_version, author,
                               programme_id)


def practice_history(conn: Connection, practice_id: int) -> list[dict]:
    """Every saved version of a story, newest first: version, author, saved_at, data."""
    return [{"version": v.version, "author": v.author, "saved_at": v.saved_at, "data": v.data}
            for v in records.history(conn, RECORD_TYPE, practice_id)]


def interventions_named(conn: Connection, codes: str) -> list[tuple[str, str]]:
    """(code, name) of the menukaart codes in a story, in the story's order."""
    wanted = [c for c in (codes or "").split(",") if c]
    names = dict(conn.execute(select(Intervention.code, Intervention.name)
                              .where(Intervention.code.in_(wanted))).all()) if wanted else {}
    return [(c, names.get(c, c)) for c in wanted]


# ---------------------------------------------------------------- access and view-models


def may_view(viewer) -> bool:  # noqa: ANN001
    return viewer.role in VIEW_ROLES


def is_team(viewer) -> bool:  # noqa: ANN001
    return viewer.role in TEAM_ROLES


def programme_slug_name(conn: Connection, programme_id: int) -> tuple[str, str] | None:
    row = conn.execute(select(ProgrammeBuurt.slug, ProgrammeBuurt.name)
                       .where(ProgrammeBuurt.id == programme_id)).first()
    return (row.slug, row.name) if row is not None else None


def stored_evidence(conn: Connection, slug: str, indicator: str, viewer: Viewer) -> pd.DataFrame:
    """A story's evidence: its buurt's rows of the indicator's stored proposals (the same panel, comparison group
    and nulmeting, so the story and the proposals never disagree), for this viewer's visibility scope. The refresh
    stores the proposals of the indicators that published stories use; a story's chart then computes nothing."""
    from data_access.results import store

    payload = _stored_proposals_payload(conn, indicator, viewer)
    series = store.frame_from(payload["series"]).reset_index(drop=True)
    series = series[series["target"] == slug].reset_index(drop=True) if not series.empty \
        else series.reindex(columns=SERIES_COLUMNS)
    series.attrs["baseline"] = (payload.get("baselines") or {}).get(slug)
    return series


def story_view(conn: Connection, practice: dict, viewer: Viewer) -> dict:
    """Plain data for a story's figures: the buurt, the indicator's name, the live evidence (as this viewer may see
    it, `stored_evidence`) and the interventions."""
    indicator = practice.get("indicator_code")
    buurt = programme_slug_name(conn, practice["programme_id"])
    catalogue = queries.indicators(conn).set_index("code")
    name = (catalogue.at[indicator, "name"] if indicator in catalogue.index else indicator) if indicator else ""
    series = stored_evidence(conn, buurt[0], indicator, viewer) if indicator and buurt \
        else pd.DataFrame(columns=SERIES_COLUMNS)
    return {"slug": buurt[0] if buurt else "", "buurt": buurt[1] if buurt else "", "indicator_name": name,
            "series": series, "interventions": interventions_named(conn, practice.get("interventions") or "")}
