"""Peer groups from the store: which buurten are most alike on context, for benchmarks, spine charts and KPIs.

The statistics live in `data_access.stats.peers` (pure); this module builds its input table from the indicator
store: the newest value of each peer variable for every CBS buurt, plus the programme buurten aggregated from
their member areas (ratio of sums, or the population-weighted mean where only a percentage exists).
Values of different indelingen are joined on the CBS code, preferring the newest indeling: codes are stable
for most buurten, and a peer group is a description, not a measurement.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from data_access import periods, queries
from data_access.models import Area, ProgrammeMember
from data_access.stats.peers import find_peers, nearest_many

# code of the catalogue indicator, label for the page, transform and weight (see data_access/stats/peers.py for
# why these variables and weights: age drives care demand most, then health, income, living alone, existing care).
PEER_VARIABLES: list[dict] = [
    {"code": "pct_65plus", "label": "Aandeel 65-plussers", "transform": "logit_pct", "weight": 2.0},
    {"code": "ervaren_gezondheid_goed_18plus", "label": "Goed ervaren gezondheid (18+)", "transform": "logit_pct",
     "weight": 1.5},
    {"code": "pct_huishoudens_laag_inkomen", "label": "Huishoudens met laag inkomen", "transform": "logit_pct",
     "weight": 1.0},
    {"code": "uitkering_bijstand_per_100", "label": "Bijstand per 100 inwoners", "transform": "logit_pct",
     "weight": 1.0},
    {"code": "pct_eenpersoonshuishoudens", "label": "Aandeel eenpersoonshuishoudens", "transform": "logit_pct",
     "weight": 1.0},
    {"code": "eenzaam_18plus", "label": "Eenzaam (18+)", "transform": "logit_pct", "weight": 1.0},
    {"code": "wmo_per_1000", "label": "Wmo-cliënten per 1.000 inwoners", "transform": "log1p", "weight": 1.0},
    {"code": "bevolkingsdichtheid", "label": "Bevolkingsdichtheid", "transform": "log1p", "weight": 1.0},
    {"code": "stedelijkheid", "label": "Stedelijkheid (1 = zeer sterk stedelijk)", "transform": None, "weight": 1.0},
    {"code": "inwoners", "label": "Inwoners", "transform": "log1p", "weight": 0.5},
]
POOLS = ("alle", "programma")


def _variable_codes() -> list[str]:
    return [v["code"] for v in PEER_VARIABLES]


def context_table(conn: Connection) -> pd.DataFrame:
    """Newest value of every peer variable per CBS buurt and programme buurt (index: code; columns: variables,
    plus name, level and gemeente). Read from the results tables (built by the refresh; ~100,000 observations,
    public context only)."""
    from data_access.results import store

    def parse(payload: dict) -> pd.DataFrame:
        table = store.frame_from(payload)
        for code in _variable_codes():
            table[code] = pd.to_numeric(table[code], errors="coerce")
        return table

    return store.read_parsed(conn, "peer_table", "", parse,
                             lambda: store.frame_payload(build_context_table(conn))).copy()


def build_context_table(conn: Connection) -> pd.DataFrame:
    """Compute the context table from the store (the refresh does this once per change of the store)."""
    codes = _variable_codes()
    frame = queries.observations_for_level(conn, "buurt", codes)
    frame = frame.dropna(subset=["value"])
    frame = frame[~frame["suppressed"]]
    frame = frame.assign(_k=frame["period"].map(periods.sort_key)).sort_values(["indeling", "_k"])
    wide = frame.groupby(["area", "indicator"])["value"].last().unstack()
    programme = queries.programme_observations(conn, None, codes)
    if not programme.empty:
        programme = programme.dropna(subset=["value"])
        programme = programme.assign(_k=programme["period"].map(periods.sort_key)).sort_values("_k")
        wide = pd.concat([wide, programme.groupby(["area", "indicator"])["value"].last().unstack()])
    wide = wide.reindex(columns=codes)
    names = pd.read_sql(
        select(Area.code, Area.name, Area.level).where(Area.level.in_(["buurt", "programma"]))
        .order_by(Area.indeling), conn
    ).drop_duplicates("code", keep="last").set_index("code")
    wide = wide.join(names, how="left")
    wide["name"] = wide["name"].fillna(pd.Series(wide.index, index=wide.index))
    wide["level"] = wide["level"].fillna("buurt")
    members = queries.programme_buurten(conn)
    wide["gemeente"] = np.where(wide.index.str.startswith("BU"), "GM" + wide.index.str[2:6], None)
    programme_gemeente = pd.Series(wide.index, index=wide.index).map(
        members.set_index("code")["gemeente_code"])
    wide["gemeente"] = programme_gemeente.where(programme_gemeente.notna(), wide["gemeente"])
    wide.index.name = "code"
    return wide


def context_peers(conn: Connection, code: str, indeling: int = 2024, n: int = 20, pool: str = "alle",
                  candidates: list[str] | None = None) -> pd.DataFrame:
    """The n nearest buurten to an area (CBS buurt code or programme slug) on standardised context variables.

    pool "alle": CBS buurten outside the programme; "programma": the other programme buurten. `candidates`
    narrows the pool further (e.g. buurten with deliveries). Columns: code, name, level, distance,
    similarity (0–1), contributions (variable → share of the squared distance), and the raw variable values.
    Raises ValueError (Dutch message) when the area is unknown or has too few context values.
    """
    del indeling  # values of all indelingen are joined on the code (module docstring)
    if pool not in POOLS:
        raise ValueError(f"onbekende groep '{pool}'; kies uit {', '.join(POOLS)}")
    code = queries.normalise_code(code)
    table = context_table(conn)
    variables = {v["code"]: v["weight"] for v in PEER_VARIABLES}
    unusable = _unusable(table, code, variables)
    if unusable:
        raise ValueError(unusable)
    programme = table.index[table["level"] == "programma"]
    if pool == "programma":
        pool_codes = [c for c in programme if c != code]
    else:
        pool_codes = _buurten_outside_programme(conn, table)
    if candidates is not None:
        wanted = set(candidates)
        pool_codes = [c for c in pool_codes if c in wanted]
    if not pool_codes:
        return _empty_peers()
    peers = find_peers(table[list(variables)], code, variables,
                       {v["code"]: v["transform"] for v in PEER_VARIABLES}, k=n, candidates=pool_codes)
    contrib_cols = [f"contrib_{c}" for c in variables]
    total = peers[contrib_cols].sum(axis=1).replace(0, np.nan)
    peers["contributions"] = [
        {c: (None if pd.isna(row[f"contrib_{c}"]) else float(row[f"contrib_{c}"] / tot) if pd.notna(tot) else 0.0)
         for c in variables}
        for (_, row), tot in zip(peers.iterrows(), total)
    ]
    out = peers[["code", "distance", "similarity", "contributions"]].join(
        table[["name", "level", *variables]], on="code")
    return out[["code", "name", "level", "distance", "similarity", "contributions", *variables]] \
        .reset_index(drop=True)


def context_peer_codes(conn: Connection, codes: list[str], n: int = 20) -> dict[str, tuple[list[str], str]]:
    """Per area: the codes of `context_peers(conn, code, n=n, pool="alle")`, or no codes and the Dutch reason it
    raises; for many areas at once (`stats.peers.nearest_many` standardises once), as the refresh needs them."""
    table = context_table(conn)
    variables = {v["code"]: v["weight"] for v in PEER_VARIABLES}
    reasons = {code: _unusable(table, code, variables) for code in codes}
    pool = _buurten_outside_programme(conn, table)
    targets = [code for code in codes if not reasons[code]]
    nearest = nearest_many(table[list(variables)], targets, variables,
                           {v["code"]: v["transform"] for v in PEER_VARIABLES}, k=n, candidates=pool) \
        if targets and pool else {}
    return {code: (list(nearest[code]["code"]) if code in nearest else [], reasons[code]) for code in codes}


def _unusable(table: pd.DataFrame, code: str, variables: dict[str, float]) -> str:
    """Why no peers can be sought for this area (Dutch), or "" when they can."""
    if code not in table.index:
        return f"gebied '{code}' is onbekend of heeft geen contextgegevens"
    available = table.loc[code, list(variables)].notna()
    if sum(w for c, w in variables.items() if available[c]) < 0.5 * sum(variables.values()):
        return f"te weinig contextgegevens voor '{code}' om vergelijkbare buurten te zoeken"
    return ""


def _buurten_outside_programme(conn: Connection, table: pd.DataFrame) -> list[str]:
    """The pool "alle": CBS buurten of the context table that are no member of a programme buurt."""
    member_codes = set(_member_codes(conn))
    return [c for c in table.index if c.startswith("BU") and c not in member_codes]


def _member_codes(conn: Connection) -> list[str]:
    return list(conn.execute(
        select(Area.code).join(ProgrammeMember, ProgrammeMember.area_id == Area.id)).scalars())


def _empty_peers() -> pd.DataFrame:
    return pd.DataFrame(columns=["code", "name", "level", "distance", "similarity", "contributions",
                                 *_variable_codes()])
