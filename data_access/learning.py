"""Learning partners ("leerpartners") for the lerende buurt: /lerende-buurt, the section on /buurt/<slug> and
GET /api/v1/programma/<slug>/leerpartners.

For every programme buurt: the other programme buurten with **similar challenges** but a **clearly different
outcome change** since the nulmeting, so they can learn from each other.

Method
------
1. *Similar challenges.* One table per programme buurt of baseline context (the public variables of
   ``data_access.peer_groups``, aggregated from the member areas; the newest value) and the baseline
   (nulmeting) level of the outcomes (by default wvpk hours per client, GP consults per patient and SEH visits,
   plus the chosen outcome). The variables are
   transformed and robustly standardised as in ``stats.peers.find_peers`` and compared with its weighted
   distance, for all pairs at once (``stats.peers.distance_matrix``). ``similarity = 1 / (1 + distance)``.
   A buurt's candidates are its ``NEIGHBOURS`` nearest programme buurten.
2. *Outcome change.* For a pair the change is measured over the same window for both: from the later of the two
   nulmetingen to the earlier of the two newest periods (so a buurt that started later, or whose newest delivery
   is late, is compared fairly), at least ``MIN_GAP`` periods apart. The nulmeting is the last bimonthly period
   before the buurt's start (or its first delivered period). change = R(end) / R(base) − 1 with R the
   programme-level ratio of sums.
3. *Beyond noise* (delta method, quasi-Poisson). As in ``stats.intervals`` the numerator of a rate (hours,
   consults, visits) is treated as a Poisson count, so Var(log R) = phi / numerator (for a percentage
   phi · (1 − p) / numerator, binomial). ``phi`` (≥ 1) is the overdispersion of the indicator, estimated like the
   funnel plot's (Spiegelhalter): the winsorised mean of z² of the period-to-period changes of log R over all
   programme buurten, after removing the common change of each period. Rolling-year figures of consecutive
   periods overlap in real deliveries, which makes phi too small there; read links near the limit with care.
   Var(change) = (1 + change)² · (Var log R(base) + Var log R(end)); the difference of the two changes has the
   sum of both variances, and its 95% interval must exclude 0 for a link.
4. *Explanation.* The variables that make the pair alike (share of similarity w_j / (1 + d_j²) over the compared
   variables, d_j the standardised difference), both buurten's values; both changes with intervals and the
   difference with its interval; the better buurt's buurtagenda (menukaart interventions with start dates,
   those the other buurt does not run marked) and the contact role of the partner's buurtnetwerk.

Access: outcome values pass ``published.publish`` with the viewer, so a viewer only gets links computed on values
they may see (anonymous callers: public indicators only; small numbers are suppressed and drop out). Everything is
read in a handful of queries and computed with numpy, fast for 1,000 programme buurten.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from data_access import definitions, peer_groups, periods, queries
from data_access.access import Viewer
from data_access.models import AgendaItem, Intervention, ProgrammeBuurt
from data_access.published import programme_rows, publish
from data_access.stats.intervals import z_value
from data_access.stats.peers import distance_matrix, standardise

DEFAULT_OUTCOME = "wvpk_uren_per_client"
DEFAULT_OUTCOMES = ("wvpk_uren_per_client", "ha_consulten_per_patient", "seh_per_1000")
OUTCOME_KINDS = ("rate", "percentage")
NEIGHBOURS = 6
MIN_GAP = 3
LEVEL = 0.95
TOP_DRIVERS = 4
OUTCOME_WEIGHT = 1.0

MSG = {
    "unknown_indicator": "Onbekende uitkomst ‘{code}’: kies een uitkomstindicator uit de lijst.",
    "not_outcome": "‘{name}’ is geen uitkomst met teller en noemer (percentage of rate met een richting); "
                   "kies bijvoorbeeld uren wijkverpleging per cliënt.",
    "too_few": "Te weinig programmabuurten om te vergelijken (minstens twee nodig).",
    "no_values": "Geen uitkomstcijfers die u mag zien voor deze indicator: log in, of er is nog niets aangeleverd.",
    "no_change": "nog geen verandering te meten: minder dan {gap} perioden tussen nulmeting en nieuwste levering",
    "no_baseline": "geen nulmeting: voor deze buurt is (voor deze indicator) nog niets aangeleverd",
    "no_context": "te weinig kenmerken bekend om vergelijkbare buurten te zoeken",
    "no_partner": "geen leerpartner: de uitkomst van vergelijkbare buurten verschilt niet duidelijk (binnen de ruis)",
}


@dataclass
class Learning:
    """All learning links of the programme for one outcome indicator, with what is needed to explain them."""

    indicator: str
    indicator_name: str
    unit: str
    polarity: str
    buurten: pd.DataFrame  # slug, name, programme_id, contact_role, nulmeting, latest, reason, n_partners
    links: pd.DataFrame  # one row per (slug, partner), directed: see LINK_COLUMNS
    interventions: dict[str, list[dict]] = field(default_factory=dict)
    phi: float = float("nan")
    reason: str = ""  # Dutch, when no link could be computed at all
    distance: np.ndarray | None = None  # buurten x buurten, in the order of `buurten` (only while computing)
    positions: np.ndarray | None = None  # 2-D map positions of `buurten` (classical MDS of the distances)
    series: pd.DataFrame | None = None  # slug, period, value of the outcome (only while computing: `outcome_series`)
    distance_digest: str = ""  # of `distance`: equal distances give equal positions, so a refresh reuses them
    inputs_digest: str = ""  # of everything the links rest on: equal inputs give an equal network (`_compute`)
    reused: bool = False  # taken from the stored network (only while computing)


LINK_COLUMNS = ["slug", "partner", "similarity", "distance", "base_period", "end_period", "change_self",
                "change_self_low", "change_self_high", "change_partner", "change_partner_low",
                "change_partner_high", "difference", "ci_low", "ci_high", "better", "drivers"]


def outcome_indicators(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Catalogue rows that can serve as learning outcome: non-context rates and percentages with a direction."""
    ok = (catalogue["kind"].isin(OUTCOME_KINDS) & (catalogue["group"] != "context")
          & catalogue["polarity"].isin(["lower_is_better", "higher_is_better"]))
    return catalogue[ok]


def check_outcome(catalogue: pd.DataFrame, indicator: str) -> pd.Series:
    """The catalogue row of a valid outcome indicator; ValueError with a Dutch message otherwise."""
    rows = catalogue[catalogue["code"] == indicator]
    if rows.empty:
        raise ValueError(MSG["unknown_indicator"].format(code=indicator))
    if outcome_indicators(rows).empty:
        raise ValueError(MSG["not_outcome"].format(name=rows.iloc[0]["name"]))
    return rows.iloc[0]


# ---------------------------------------------------------------- reading

def _programme(conn: Connection) -> pd.DataFrame:
    frame = queries.programme_buurten(conn)
    roles = dict(conn.execute(select(ProgrammeBuurt.slug, ProgrammeBuurt.contact_role)).all())
    frame["contact_role"] = frame["code"].map(roles).fillna("")
    return frame.rename(columns={"code": "slug"})


def _published(conn: Connection, viewer: Viewer, programme: pd.DataFrame, codes: list[str],
               catalogue: pd.DataFrame, programme_ids: list[int] | None = None) -> pd.DataFrame:
    """Programme-level observations of some indicators as this viewer may see them (newest indeling per key);
    those of some programme buurten (each buurt's rows rest on its own and its member areas' data only)."""
    frame = programme_rows(conn, viewer, programme_ids, codes, catalogue=catalogue)
    if frame.empty:
        return frame
    frame = frame.sort_values("indeling").drop_duplicates(["area", "indicator", "period"], keep="last")
    programme_of = dict(zip(programme["slug"], programme["programme_id"], strict=True))
    names = dict(zip(programme["slug"], programme["name"], strict=True))
    return publish(frame, viewer, catalogue, programme_of, member_level=False, names=names, with_intervals=False)


def agenda_interventions(conn: Connection, programme_ids: list[int] | None = None) -> pd.DataFrame:
    """Buurtagenda lines (not deleted) with their menukaart intervention, for some or all programme buurten."""
    stmt = (select(ProgrammeBuurt.slug, AgendaItem.theme, AgendaItem.title, AgendaItem.start_date,
                   AgendaItem.status, AgendaItem.note, Intervention.code, Intervention.name)
            .join(ProgrammeBuurt, ProgrammeBuurt.id == AgendaItem.programme_id)
            .join(Intervention, Intervention.id == AgendaItem.intervention_id, isouter=True)
            .where(AgendaItem.deleted.is_(False))
            # the id breaks ties: lines starting on the same day came back in any order (PostgreSQL), so a stored
            # network's agenda differed from a fresh one
            .order_by(ProgrammeBuurt.slug, AgendaItem.start_date, AgendaItem.id))
    if programme_ids is not None:
        stmt = stmt.where(AgendaItem.programme_id.in_(programme_ids))
    frame = pd.read_sql(stmt, conn)
    frame["code"] = frame["code"].fillna("")
    frame["name"] = frame["name"].where(frame["name"].notna(), frame["title"])
    return frame


# ---------------------------------------------------------------- statistics

def _log_variance(value: np.ndarray, numerator: np.ndarray, kind: str) -> np.ndarray:
    """Sampling variance of log R for one period (before overdispersion): Poisson or binomial on the numerator."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "percentage":
            p = value / 100.0
            out = (1 - p) / numerator
        else:
            out = 1.0 / numerator
    return np.where(np.isfinite(out) & (numerator > 0), out, np.nan)


def overdispersion(log_r: np.ndarray, var: np.ndarray) -> float:
    """phi ≥ 1 from period-to-period changes of log R (rows: buurten, columns: periods in order)."""
    change = np.diff(log_r, axis=1)
    if change.size and np.isfinite(change).any():
        with warnings.catch_warnings():  # a period with no change anywhere keeps NaN (and numpy says so)
            warnings.simplefilter("ignore", RuntimeWarning)
            change = change - np.nanmedian(change, axis=0)
    z = change / np.sqrt(var[:, 1:] + var[:, :-1])
    z = z[np.isfinite(z)]
    if z.size < 5:
        return 1.0
    low, high = np.quantile(z, [0.1, 0.9])
    return float(max(1.0, np.mean(np.clip(z, low, high) ** 2)))


# ---------------------------------------------------------------- the network

def viewer_scope(viewer: Viewer) -> str:
    """Which stored network a viewer reads (`results.scopes`): links are computed on the values the viewer may use."""
    from data_access.results.scopes import aggregate_scope

    return aggregate_scope(viewer)


def scope_viewer(scope: str) -> Viewer:
    from data_access.results.scopes import scope_viewer as viewer_of

    return viewer_of(scope)


def learning_network(conn: Connection, viewer: Viewer, indicator: str = DEFAULT_OUTCOME,
                     neighbours: int = NEIGHBOURS) -> Learning:
    """All learning links of the programme for one outcome, read from the results tables (computed by the
    refresh, or on first request for a rarely used outcome); ValueError (Dutch) for an unusable indicator."""
    from data_access.results import store

    check_outcome(queries.indicators(conn), indicator)
    scope = viewer_scope(viewer)
    return store.read_parsed(conn, "learning", network_key(scope, indicator, neighbours), from_payload,
                             lambda: to_payload(compute_network(conn, scope, indicator, neighbours)))


def network_key(scope: str, indicator: str, neighbours: int = NEIGHBOURS) -> str:
    return f"{scope}|{indicator}|{neighbours}"


def compute_network(conn: Connection, scope: str, indicator: str = DEFAULT_OUTCOME,
                    neighbours: int = NEIGHBOURS) -> Learning:
    """Compute one network (a refresh step), with the map positions."""
    return _positioned(_compute(conn, scope_viewer(scope), indicator, neighbours))


INPUTS_KIND = "learning_inputs"  # the published outcome rows the stored networks rest on, per scope
INPUT_COLUMNS = ["area", "indicator", "period", "value", "numerator"]  # all a network reads of them


def outcome_rows(conn: Connection, scope: str, indicators: tuple[str, ...] = DEFAULT_OUTCOMES,
                 stored: dict | None = None, changed: list[int] | None = None
                 ) -> tuple[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], dict]:
    """What the networks of a scope read: the catalogue, the programme and the published rows of the outcomes
    (the columns a network uses), and those rows in their stored form (`INPUTS_KIND`).

    `stored` (the stored form the last refresh wrote) and `changed` (the programme buurten whose own or member
    areas' data changed since): only those buurten's rows are read again, the others are the stored ones. The
    read is most of the networks' time at 1,000 buurten; the rows equal a full read (tests/test_lerend.py)."""
    viewer = scope_viewer(scope)
    catalogue = queries.indicators(conn)
    programme = _programme(conn).reset_index(drop=True)
    wanted = [i for i in indicators if i in set(catalogue["code"])]
    codes = list(dict.fromkeys(c for i in wanted for c in (i, *DEFAULT_OUTCOMES)))
    if len(programme) < 2:
        obs = _input_columns(pd.DataFrame())
    elif stored is not None and changed is not None and stored.get("codes") == codes \
            and isinstance(stored.get("rows"), dict):  # (rows stored as JSON text by an older version: read all)
        kept = _input_frame(stored["rows"])
        slugs = set(programme.loc[programme["programme_id"].isin(changed), "slug"])
        fresh = _input_columns(_published(conn, viewer, programme, codes, catalogue, sorted(changed))) \
            if changed else _input_columns(pd.DataFrame())
        obs = pd.concat([f for f in (kept[~kept["area"].isin(slugs)], fresh) if not f.empty] or [kept.iloc[:0]],
                        ignore_index=True)
    else:
        obs = _input_columns(_published(conn, viewer, programme, codes, catalogue))
    rows = {c: obs[c].tolist() for c in INPUT_COLUMNS[:3]} | {
        c: [None if v != v else v for v in obs[c].tolist()] for c in INPUT_COLUMNS[3:]}  # NaN: no JSON value
    # the columns as plain lists in the stored payload (once JSON-encoded as text inside it: 4 MB parsed twice)
    return (catalogue, programme, obs), {"codes": codes, "rows": rows}


def _input_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns of published rows a network reads, as numbers where numbers are meant."""
    if frame.empty:
        return _input_frame({c: [] for c in INPUT_COLUMNS})
    return _input_frame({"area": frame["area"].tolist(), "indicator": frame["indicator"].tolist(),
                         "period": frame["period"].tolist(), "value": frame["value"].to_numpy(float),
                         "numerator": pd.to_numeric(frame["numerator"], errors="coerce").to_numpy(float)})


def _input_frame(columns: dict) -> pd.DataFrame:
    return pd.DataFrame({"area": pd.Series(columns["area"], dtype="str"),
                         "indicator": pd.Series(columns["indicator"], dtype="str"),
                         "period": pd.Series(columns["period"], dtype="str"),
                         "value": np.array(columns["value"], dtype=float),
                         "numerator": np.array(columns["numerator"], dtype=float)})


def compute_networks(conn: Connection, scope: str, indicators: tuple[str, ...] = DEFAULT_OUTCOMES,
                     neighbours: int = NEIGHBOURS, previous: dict[str, dict] | None = None,
                     read: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None = None,
                     reuse: bool = False) -> dict[str, Learning]:
    """Several networks of one scope (the refresh step): the published rows of their outcomes are read once (the
    read is most of a network's time, and the default outcomes use the same ones; `read`: from `outcome_rows`),
    and so is each outcome's panel (they share their outcomes). `previous`: the stored payloads by indicator,
    whose map positions are kept where the distances did not change (a delivery after the nulmeting leaves them
    as they were). `reuse` (a refresh after a delivery): a stored network whose inputs are unchanged is taken as
    it is (a delivery of one outcome after the nulmeting leaves the other outcomes' networks as they were)."""
    catalogue, programme, obs = read if read is not None else outcome_rows(conn, scope, indicators)[0]
    viewer = scope_viewer(scope)
    wanted = [i for i in indicators if i in set(catalogue["code"])]
    panels: dict = {}
    out = {}
    for i in wanted:
        stored = (previous or {}).get(i)
        result = _compute(conn, viewer, i, neighbours, (catalogue, programme, obs), panels,
                          stored if reuse else None)
        out[i] = result if result.reused else _positioned(result, stored)
    return out


def _positioned(result: Learning, previous: dict | None = None) -> Learning:
    """The network with its map positions; those of `previous` (a stored payload) when its distances were the
    same (positions are a function of the distances only). Distances are compared, and positions computed, at 9
    decimals: the distance matrix comes from matrix products, whose last bits depend on the BLAS build's order of
    summation, and a difference there must neither move the map nor make two refreshes disagree."""
    distance = result.distance if result.distance is not None else \
        np.zeros((len(result.buurten), len(result.buurten)))
    distance = np.round(np.ascontiguousarray(distance, dtype=float), 9)
    result.distance_digest = f"{distance.shape}:{hashlib.sha256(distance.tobytes()).hexdigest()}"
    kept = (previous or {}).get("positions") or []
    if previous is not None and previous.get("distance_digest") == result.distance_digest \
            and len(kept) == distance.shape[0]:
        result.positions = np.array(kept, dtype=float).reshape(-1, 2)
    else:
        result.positions = positions(distance)
    return result


def positions(distance: np.ndarray) -> np.ndarray:
    """2-D positions from the distance matrix (classical multidimensional scaling): alike buurten lie close."""
    n = distance.shape[0]
    if n < 3:
        return np.column_stack([np.arange(n, dtype=float), np.zeros(n)])
    d = np.where(np.isfinite(distance), distance, np.nanmax(distance) if np.isfinite(distance).any() else 1.0)
    np.fill_diagonal(d, 0.0)
    d2 = d ** 2
    # double centring, -0.5 J d² J with J = I - 1/n, without the two n³ products
    b = -0.5 * (d2 - d2.mean(axis=0, keepdims=True) - d2.mean(axis=1, keepdims=True) + d2.mean())
    values, vectors = np.linalg.eigh(b)
    top = np.argsort(values)[::-1][:2]
    return vectors[:, top] * np.sqrt(np.clip(values[top], 1e-9, None))


def to_payload(result: Learning) -> dict:
    """A network as JSON-safe data for the results table (the distance matrix stays behind; positions go)."""
    from data_access.results.store import frame_payload

    return {"indicator": result.indicator, "indicator_name": result.indicator_name, "unit": result.unit,
            "polarity": result.polarity, "buurten": frame_payload(result.buurten),
            "links": frame_payload(result.links), "interventions": result.interventions, "phi": result.phi,
            "reason": result.reason, "distance_digest": result.distance_digest, "inputs_digest": result.inputs_digest,
            "positions": [] if result.positions is None else np.asarray(result.positions, float).tolist()}


def from_payload(payload: dict) -> Learning:
    from data_access.results.store import frame_from

    buurten = frame_from(payload["buurten"]).reset_index(drop=True)
    for column in ("change",):
        if column in buurten.columns:
            buurten[column] = pd.to_numeric(buurten[column], errors="coerce")
    links = frame_from(payload["links"]).reset_index(drop=True)
    if links.empty:
        links = pd.DataFrame(columns=LINK_COLUMNS)
    for column in LINK_COLUMNS:
        if column not in ("slug", "partner", "base_period", "end_period", "better", "drivers") \
                and column in links.columns:
            links[column] = pd.to_numeric(links[column], errors="coerce")
    phi = payload.get("phi")
    xy = np.array(payload.get("positions") or [], dtype=float).reshape(-1, 2)
    return Learning(payload["indicator"], payload["indicator_name"], payload["unit"], payload["polarity"], buurten,
                    links, payload.get("interventions") or {}, float("nan") if phi is None else float(phi),
                    payload.get("reason") or "", None, xy, distance_digest=payload.get("distance_digest") or "",
                    inputs_digest=payload.get("inputs_digest") or "")


def _compute(conn: Connection, viewer: Viewer, indicator: str, neighbours: int,
             read: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None = None,
             panels: dict | None = None, stored: dict | None = None) -> Learning:
    """One network; `read`: the catalogue, programme and published rows of (at least) its outcomes, read before;
    `panels`: outcome panels computed for another network of the same rows (shared, filled here); `stored`: a
    stored payload to take (with today's agenda lines) when the inputs are the same (`inputs_digest`)."""
    catalogue, programme, published = read if read is not None else (queries.indicators(conn), None, None)
    row = check_outcome(catalogue, indicator)
    programme = _programme(conn).reset_index(drop=True) if programme is None else programme
    result = Learning(indicator, str(row["name"]), str(row["unit"]), str(row["polarity"]),
                      programme[["slug", "name", "programme_id", "contact_role"]].copy(),
                      pd.DataFrame(columns=LINK_COLUMNS))
    result.buurten["nulmeting"] = None
    result.buurten["latest"] = None
    result.buurten["reason"] = ""
    result.buurten["n_partners"] = 0
    n = len(programme)
    if n < 2:
        result.reason = MSG["too_few"]
        return result
    slugs = programme["slug"].tolist()
    position = {s: i for i, s in enumerate(slugs)}
    outcomes = list(dict.fromkeys([indicator, *DEFAULT_OUTCOMES]))
    outcome_kinds = catalogue.set_index("code")["kind"]
    if published is None:
        obs = _published(conn, viewer, programme, outcomes, catalogue)
    else:
        obs = published[published["indicator"].isin(outcomes)] if not published.empty else published
    result.series = _series(obs[obs["indicator"] == indicator] if not obs.empty else obs)
    if not obs.empty:
        bimonthly = [p for p in obs["period"].unique() if re.match(r"^\d{4}-B[1-6]$", str(p))]  # few distinct
        obs = obs[obs["period"].isin(bimonthly) & obs["value"].notna() & (obs["value"] > 0)]
    period_list = sorted(set(obs["period"].unique()), key=periods.sort_key) if not obs.empty else []
    t_of = {p: k for k, p in enumerate(period_list)}
    starts = list(programme["start_date"])

    # value and numerator matrices (buurten x periods) and each buurt's nulmeting / newest column per outcome
    panels = {} if panels is None else panels
    panel: dict[str, dict[str, np.ndarray]] = {}
    for code in outcomes:
        key = (code, tuple(period_list))  # a panel rests on its outcome's rows and the periods of the network
        if key not in panels:
            rows = obs[obs["indicator"] == code] if not obs.empty else obs
            panels[key] = _panel(rows, n, position, period_list, t_of, starts, str(outcome_kinds.get(code, "rate")))
        panel[code] = panels[key]
    main = panel[indicator]
    result.buurten["nulmeting"] = [period_list[b] if b >= 0 else None for b in main["base"]]
    result.buurten["latest"] = [period_list[b] if b >= 0 else None for b in main["latest"]]
    result.buurten["change"] = np.nan
    if obs.empty or not (main["base"] >= 0).any():
        result.reason = MSG["no_values"]
        result.buurten["reason"] = MSG["no_values"]
        return result
    rows_n = np.arange(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        own = main["value"][rows_n, main["latest"]] / main["value"][rows_n, main["base"]] - 1
    result.buurten["change"] = np.where((main["base"] >= 0) & (main["latest"] - main["base"] >= MIN_GAP), own,
                                        np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_r = np.log(main["value"])
    result.phi = overdispersion(log_r, main["var"])

    # similarity table: context (the shared peer-group variables, public) + nulmeting levels of the outcomes
    variables = [v for v in peer_groups.PEER_VARIABLES if v["code"] in set(catalogue["code"])]
    context = peer_groups.context_table(conn)
    table = pd.DataFrame(index=pd.Index(slugs, name="slug"))
    for v in variables:
        table[v["code"]] = context[v["code"]].reindex(slugs).to_numpy() if v["code"] in context else np.nan
    labels = {v["code"]: v["label"] for v in variables}
    weights = {v["code"]: v["weight"] for v in variables}
    transforms = {v["code"]: v["transform"] for v in variables}
    names = catalogue.set_index("code")["name"]
    for code in outcomes:
        column = f"nulmeting_{code}"
        p = panel[code]
        table[column] = [p["value"][i, b] if b >= 0 else np.nan for i, b in enumerate(p["base"])]
        labels[column] = f"{names.get(code, code)} bij de nulmeting"
        weights[column] = OUTCOME_WEIGHT
        transforms[column] = "log1p"
    table = table.loc[:, table.notna().any()]  # a variable nobody has cannot weigh in
    weights = {c: w for c, w in weights.items() if c in table.columns}
    z, w = standardise(table, weights, {c: transforms[c] for c in weights})
    result.inputs_digest = _digest(
        result.indicator, result.indicator_name, result.unit, result.polarity, neighbours, period_list,
        result.buurten[["slug", "name", "programme_id", "contact_role"]].astype(str).to_numpy().tolist(),
        main["value"], main["var"], main["base"], main["latest"], list(table.columns), table.to_numpy(float), z, w,
        [labels[c] for c in table.columns])
    if stored is not None and stored.get("inputs_digest") == result.inputs_digest:
        kept = from_payload(stored)
        kept.interventions, kept.series, kept.reused = linked_agendas(conn, kept.links), result.series, True
        return kept
    distance = distance_matrix(z, w)
    result.distance = distance

    # candidate pairs: each buurt's nearest neighbours
    order = np.argsort(np.where(np.isnan(distance), np.inf, distance), axis=1, kind="stable")[:, :neighbours]
    left = np.repeat(np.arange(n), order.shape[1])
    right = order.ravel()
    keep = np.isfinite(distance[left, right])
    left, right = left[keep], right[keep]

    # the same window for both buurten of a pair
    base = np.maximum(main["base"][left], main["base"][right])
    end = np.minimum(main["latest"][left], main["latest"][right])
    ok = (main["base"][left] >= 0) & (main["base"][right] >= 0) & (end - base >= MIN_GAP)
    left, right, base, end = left[ok], right[ok], base[ok], end[ok]
    value, var = main["value"], main["var"] * result.phi
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_l = value[left, end] / value[left, base]
        ratio_r = value[right, end] / value[right, base]
        var_l = var[left, end] + var[left, base]
        var_r = var[right, end] + var[right, base]
    z95 = z_value(LEVEL)
    change_l, change_r = ratio_l - 1, ratio_r - 1
    difference = change_l - change_r
    se = np.sqrt(ratio_l ** 2 * var_l + ratio_r ** 2 * var_r)
    ci_low, ci_high = difference - z95 * se, difference + z95 * se
    beyond = np.isfinite(se) & ((ci_low > 0) | (ci_high < 0))
    sel = np.flatnonzero(beyond)
    lower_better = result.polarity == "lower_is_better"
    better = np.where((difference < 0) == lower_better, "self", "partner")

    diff2 = (z[left[sel]] - z[right[sel]]) ** 2
    columns = list(table.columns)
    raw = table.to_numpy(float)
    links = pd.DataFrame({
        "slug": [slugs[i] for i in left[sel]], "partner": [slugs[j] for j in right[sel]],
        "similarity": 1 / (1 + distance[left[sel], right[sel]]), "distance": distance[left[sel], right[sel]],
        "base_period": [period_list[k] for k in base[sel]], "end_period": [period_list[k] for k in end[sel]],
        "change_self": change_l[sel],
        "change_self_low": np.exp(np.log(ratio_l[sel]) - z95 * np.sqrt(var_l[sel])) - 1,
        "change_self_high": np.exp(np.log(ratio_l[sel]) + z95 * np.sqrt(var_l[sel])) - 1,
        "change_partner": change_r[sel],
        "change_partner_low": np.exp(np.log(ratio_r[sel]) - z95 * np.sqrt(var_r[sel])) - 1,
        "change_partner_high": np.exp(np.log(ratio_r[sel]) + z95 * np.sqrt(var_r[sel])) - 1,
        "difference": difference[sel], "ci_low": ci_low[sel], "ci_high": ci_high[sel], "better": better[sel],
    })
    links["drivers"] = [
        _drivers(columns, labels, w, diff2[m], raw[i], raw[j]) for m, (i, j) in enumerate(zip(
            left[sel], right[sel], strict=True))
    ]
    result.links = links.sort_values(["slug", "similarity"], ascending=[True, False]).reset_index(drop=True)

    counts = result.links["slug"].value_counts()
    result.buurten["n_partners"] = result.buurten["slug"].map(counts).fillna(0).astype(int)
    gap = main["latest"] - main["base"]
    result.buurten["reason"] = np.select(
        [main["base"] < 0, gap < MIN_GAP, ~np.isfinite(distance).any(axis=1), result.buurten["n_partners"] == 0],
        [MSG["no_baseline"], MSG["no_change"].format(gap=MIN_GAP), MSG["no_context"], MSG["no_partner"]], "")
    result.interventions = linked_agendas(conn, result.links)
    return result


def _digest(*parts: object) -> str:
    """SHA-256 over arrays (bytes and shape) and plain values (JSON)."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            digest.update(f"{part.dtype}{part.shape}".encode())
            digest.update(np.ascontiguousarray(part).tobytes())
        else:
            digest.update(json.dumps(part, default=str).encode())
    return digest.hexdigest()


def _panel(rows: pd.DataFrame, n: int, position: dict[str, int], period_list: list[str], t_of: dict[str, int],
           starts: list, kind: str) -> dict[str, np.ndarray]:
    """One outcome's value and numerator matrices (buurten x periods), each buurt's nulmeting and newest column,
    and the sampling variance of log R."""
    value = np.full((n, len(period_list)), np.nan)
    numerator = np.full_like(value, np.nan)
    if not rows.empty:
        r = rows["area"].map(position).to_numpy(int)
        c = rows["period"].map(t_of).to_numpy(int)
        value[r, c] = rows["value"].to_numpy(float)
        numerator[r, c] = pd.to_numeric(rows["numerator"], errors="coerce").to_numpy(float)
    valued = ~np.isnan(value)
    width = len(period_list)
    latest = np.where(valued.any(axis=1), width - 1 - np.argmax(valued[:, ::-1], axis=1), -1) if width \
        else np.full(n, -1)
    base = definitions.nulmeting_columns(valued, period_list, starts)  # the one rule, on all buurten at once
    return {"value": value, "numerator": numerator, "base": base, "latest": latest,
            "var": _log_variance(value, numerator, kind)}


def linked_agendas(conn: Connection, links: pd.DataFrame) -> dict[str, list[dict]]:
    """The buurtagenda of every buurt in a link (one query), as plain records: what a stored network shows of
    agendas, so an agenda edit re-reads this instead of recomputing the network."""
    in_links = set(links["slug"]) | set(links["partner"]) if not links.empty else set()
    if not in_links:
        return {}
    ids = list(conn.execute(select(ProgrammeBuurt.id).where(ProgrammeBuurt.slug.in_(sorted(in_links)))).scalars())
    out: dict[str, list[dict]] = {}
    for record in agenda_interventions(conn, ids).to_dict("records"):
        out.setdefault(record["slug"], []).append(_intervention(record))
    return out


def _drivers(columns: list[str], labels: dict, weights: np.ndarray, d2: np.ndarray, self_values: np.ndarray,
             partner_values: np.ndarray) -> list[dict]:
    """The variables that make a pair alike: share of similarity w_j / (1 + d_j²), highest first (d_j: the
    standardised difference; NaN where not compared)."""
    alike = np.where(np.isnan(d2), 0.0, weights / (1 + d2))
    total = alike.sum()
    order = np.argsort(-alike, kind="stable")[:TOP_DRIVERS]
    return [{"variable": columns[j], "label": labels.get(columns[j], columns[j]),
             "value_self": _float(self_values[j]), "value_partner": _float(partner_values[j]),
             "contribution": float(alike[j] / total) if total > 0 else 0.0}
            for j in order if alike[j] > 0]


def _float(value) -> float | None:  # noqa: ANN001
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def _intervention(row: dict) -> dict:
    start = row.get("start_date")
    return {"code": row.get("code") or "", "name": row.get("name") or "", "theme": row.get("theme") or "",
            "start_date": pd.Timestamp(start).date().isoformat() if start is not None and not pd.isna(start)
            else None, "status": row.get("status") or "", "synthetic": "synthetisch" in (row.get("note") or "")}


# ---------------------------------------------------------------- one buurt

def partner_records(result: Learning, slug: str) -> list[dict]:
    """One buurt's learning partners in the API shape, most similar first (slug must be a programme buurt)."""
    rows = result.links[result.links["slug"] == slug]
    names = dict(zip(result.buurten["slug"], result.buurten["name"], strict=True))
    roles = dict(zip(result.buurten["slug"], result.buurten["contact_role"], strict=True))
    out = []
    for link in rows.to_dict("records"):
        better_slug = link["slug"] if link["better"] == "self" else link["partner"]
        other_slug = link["partner"] if link["better"] == "self" else link["slug"]
        other_codes = {i["code"] for i in result.interventions.get(other_slug, []) if i["code"]}
        interventions = [i | {"not_in_other": bool(i["code"]) and i["code"] not in other_codes}
                         for i in result.interventions.get(better_slug, [])]
        out.append({
            "partner_code": link["partner"], "partner_name": names.get(link["partner"], link["partner"]),
            "similarity": float(link["similarity"]), "drivers": link["drivers"],
            "outcome_indicator": result.indicator, "outcome_name": result.indicator_name,
            "base_period": link["base_period"], "end_period": link["end_period"],
            "change_self": float(link["change_self"]),
            "change_self_ci": [float(link["change_self_low"]), float(link["change_self_high"])],
            "change_partner": float(link["change_partner"]),
            "change_partner_ci": [float(link["change_partner_low"]), float(link["change_partner_high"])],
            "difference": float(link["difference"]), "ci_low": float(link["ci_low"]),
            "ci_high": float(link["ci_high"]), "better": link["better"],
            "interventions_of": link["better"], "interventions": interventions,
            "contact_role": roles.get(link["partner"], ""),
        })
    return out


def buurt_partners(conn: Connection, slug: str, viewer: Viewer,
                   indicator: str = DEFAULT_OUTCOME) -> tuple[list[dict], str]:
    """(partners, reason) for one programme buurt; reason is a Dutch explanation when there are none.

    Raises ValueError for an unknown slug or unusable indicator (callers check the slug first).
    """
    result = learning_network(conn, viewer, indicator)
    row = result.buurten[result.buurten["slug"] == slug]
    if row.empty:
        raise ValueError(f"Onbekende programmabuurt ‘{slug}’.")
    records = partner_records(result, slug)
    return records, "" if records else (row.iloc[0]["reason"] or result.reason or MSG["no_partner"])


def outcome_series(conn: Connection, viewer: Viewer, indicator: str) -> pd.DataFrame:
    """Bimonthly values (slug, period, value) of one outcome for every programme buurt, as this viewer may see them;
    the lines of the small multiples on /lerende-buurt."""
    catalogue = queries.indicators(conn)
    check_outcome(catalogue, indicator)
    return _series(_published(conn, viewer, _programme(conn).reset_index(drop=True), [indicator], catalogue))


def _series(obs: pd.DataFrame) -> pd.DataFrame:
    """Bimonthly values (slug, period, value) of published rows of one outcome."""
    if obs.empty:
        return pd.DataFrame(columns=["slug", "period", "value"])
    obs = obs[obs["period"].astype(str).str.match(r"^\d{4}-B[1-6]$") & obs["value"].notna()]
    out = obs.rename(columns={"area": "slug"})[["slug", "period", "value"]]
    return out.sort_values(["slug", "period"]).reset_index(drop=True)
