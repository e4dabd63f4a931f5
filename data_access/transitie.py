"""The transitieteam's overview (/transitie): adoption, data freshness, the map and candidate buurten for new cohorts.

Everything here reads with a few grouped queries and computes in pandas, so the page stays fast with 1,000
programme buurten and ~14,000 CBS buurten (no query per buurt).

Candidate score ("case for change") for cohorts 2 and 3
-------------------------------------------------------
Every CBS buurt (or wijk) of the newest indeling that is not (part of) a programme buurt gets a score from a few
public indicators, each read at its newest period:

==================================  ==========  =========  ======  ==========================================
component                           level       direction  weight  why
==================================  ==========  =========  ======  ==========================================
zvw_kosten_wijkverpleging           gemeente    higher      1.5    high district-nursing use (Vektis, per verzekerde)
zvw_kosten_totaal                   gemeente    higher      0.5    high care use overall (Vektis)
wmo_per_1000                        own area    higher      1.0    support at home already needed (CBS)
pct_65plus                          own area    higher      1.5    ageing drives demand (CBS)
eenzaam_65plus                      own area    higher      0.5    loneliness of older residents (RIVM)
ervaren_gezondheid_goed_18plus      own area    lower       0.5    poorer experienced health (RIVM)
afstand_huisarts                    own area    higher      1.0    pressure on access: far from a GP (CBS)
==================================  ==========  =========  ======  ==========================================

Each component is standardised as a robust z-score over all candidates (median and 1.4826 × MAD), clipped to
±3 so one outlier cannot carry the score, and turned so that "more case for change" is positive. The score is
the weighted mean of the available components; a candidate with less than half of the weight available gets no
score. Weights are shown on the page and can be changed there. Candidates below a minimum number of inhabitants
are left out (small numbers make the figures unstable).

The selection checklist (the plan's criteria that data cannot show) is stored without a new table, as a
RecordVersion-backed record: record_type "kandidaat_checklist", record_id = the candidate's Area.id, one row per
saved version. The newest version is the current state, the older ones are its history, and the unique
(record_type, record_id, version) key makes a concurrent save of the same version fail instead of overwriting.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, and_, case, func, select
from sqlalchemy.exc import IntegrityError

from data_access import definitions, periods, queries
from data_access.access import Viewer
from data_access.models import (
    Area,
    AreaGeometry,
    Indicator,
    Observation,
    ProgrammeBuurt,
    ProgrammeMember,
    RecordVersion,
    utcnow,
)

# ---------------------------------------------------------------- data freshness

# Source families of the non-public deliveries: (key, Dutch label, catalogue source prefix, months allowed late).
# A family is late when the end of its newest delivered period lies more than `allowed` months before the end
# of the newest period that should be in (deliveries lag one bimonthly period).
SOURCE_FAMILIES = [
    ("verzekeraars", "Verzekeraars", "Verzekeraars", 0),
    ("buurtnetwerk", "Buurtnetwerk", "Buurtnetwerk", 0),
    ("alliantie", "Alliantiepartners", "Alliantiepartners", 2),
]
_PERIOD_MONTHS = {"Y": 12, "Q": 3, "B": 2}


VIEW_ROLES = ("transitieteam", "beheerder")  # who sees the transitieteam's overview


def may_view(viewer) -> bool:  # noqa: ANN001
    """Whether the viewer may see the transitieteam's overview (page, navigation and exports alike)."""
    return viewer.role in VIEW_ROLES


def _end_month(period: str) -> int:
    """Month index (year × 12 + month − 1) of the last month of a period."""
    kind = periods.parse(period)[1]
    start = periods.start_date(period)
    return start.year * 12 + start.month - 1 + _PERIOD_MONTHS[kind] - 1


def _family(source: str) -> str | None:
    for key, _label, prefix, _allowed in SOURCE_FAMILIES:
        if (source or "").startswith(prefix):
            return key
    return None


def delivered_periods(conn: Connection, programme_ids: list[int] | None = None) -> pd.DataFrame:
    """Newest delivered period per programme buurt, catalogue source and kind of period (bimonthly, quarter, year).

    Non-public observations of the member areas and of the buurt itself. The query is driven by the unique
    (area, indicator, period) index: area and indicator ids are listed, and periods of one kind sort as text
    ("2026-B5" > "2025-B6"), so the database returns only the newest period per area, indicator and kind, in one
    pass (the kind is a CASE on the period).
    """
    members = select(ProgrammeMember.programme_id, ProgrammeMember.area_id)
    buurten = select(ProgrammeBuurt.id.label("programme_id"), ProgrammeBuurt.area_id)
    if programme_ids is not None:  # some buurten (a delivery's): their own and their member areas' rows
        members = members.where(ProgrammeMember.programme_id.in_(programme_ids))
        buurten = buurten.where(ProgrammeBuurt.id.in_(programme_ids))
    owners = pd.concat([pd.read_sql(members, conn), pd.read_sql(buurten, conn)], ignore_index=True)
    sources = dict(conn.execute(select(Indicator.id, Indicator.source).where(Indicator.public.is_(False))).all())
    columns = ["programme_id", "source", "period"]
    if owners.empty or not sources:
        return pd.DataFrame(columns=columns)
    area_ids = sorted(set(owners["area_id"].astype(int)))
    # one pass over the index for the three kinds (bimonthly, quarter, year; "" for anything else, left out)
    kind = case((Observation.period.like("%-B%"), "B"), (Observation.period.like("%-Q%"), "Q"),
                (Observation.period.not_like("%-%"), "J"), else_="").label("kind")
    newest = pd.read_sql(
        select(Observation.area_id, Observation.indicator_id, kind, func.max(Observation.period).label("period"))
        .where(Observation.area_id.in_(area_ids), Observation.indicator_id.in_(sorted(sources)))
        .group_by(Observation.area_id, Observation.indicator_id, kind), conn)
    newest = newest[newest["kind"] != ""]
    newest["source"] = newest["indicator_id"].map(sources)
    merged = newest.merge(owners, on="area_id")
    return merged[columns].drop_duplicates().reset_index(drop=True)


def freshness_by_programme(conn: Connection, today: dt.date | None = None,
                           programme_ids: list[int] | None = None) -> pd.DataFrame:
    """Per programme buurt and source family: newest period delivered, months behind, and whether it is late.

    Columns: programme_id, then per family `<key>_last` (period or None), `<key>_behind` (months, None when
    nothing was ever delivered) and `<key>_late` (bool: late or never delivered).
    """
    expected_end = _end_month(periods.last_delivered(today))
    frame = delivered_periods(conn, programme_ids)
    ids = pd.read_sql(select(ProgrammeBuurt.id.label("programme_id")), conn)
    if programme_ids is not None:
        ids = ids[ids["programme_id"].isin(programme_ids)].reset_index(drop=True)
    out = ids.copy()
    frame["family"] = frame["source"].map(_family)
    frame = frame.dropna(subset=["family"])
    # astype(bool): indexing with an empty object Series would select columns, not rows
    frame = frame[frame["period"].map(periods.is_valid).astype(bool)]
    if not frame.empty:
        frame["end"] = frame["period"].map(_end_month)
        # a yearly figure ("2026") says little about how current the bimonthly deliveries are: sub-year periods
        # win whenever a family has them
        frame["subyear"] = frame["period"].str.contains("-")
        newest = frame.sort_values(["subyear", "end"]).groupby(["programme_id", "family"]).tail(1)
    else:
        newest = frame.assign(end=pd.Series(dtype="int64"))
    for key, _label, _prefix, allowed in SOURCE_FAMILIES:
        part = newest[newest["family"] == key].set_index("programme_id")
        out[f"{key}_last"] = out["programme_id"].map(part["period"])
        # float always (NaN: never delivered), whether or not a buurt in `out` lacks a delivery
        behind = (expected_end - out["programme_id"].map(part["end"])).astype(float)
        out[f"{key}_behind"] = behind.clip(lower=0)
        out[f"{key}_late"] = behind.isna() | (behind > allowed)
    return out


# ---------------------------------------------------------------- adoption counts

def adoption_counts(conn: Connection) -> pd.DataFrame:
    """Per programme buurt: the adoption counts of `definitions.adoption_counts` (the buurt pages show the same)."""
    return definitions.adoption_counts(conn)


def stored_programme_overview(conn: Connection, today: dt.date | None = None) -> pd.DataFrame:
    """`programme_overview` as stored in the results tables (one row set per day, until the next refresh)."""
    from data_access.results import store

    today = today or dt.date.today()
    payload = store.get_or_compute(conn, "transitie_rows", today.isoformat(),
                                   lambda: store.frame_payload(programme_overview(conn, today)))
    return overview_from(payload)


def overview_from(payload: dict) -> pd.DataFrame:
    """A stored overview (or grid) frame with its dates and flags typed again."""
    from data_access.results import store

    frame = store.frame_from(payload).reset_index(drop=True)
    if not frame.empty:
        frame["start_date"] = pd.to_datetime(frame["start_date"]).dt.date
        for column in ("buurtbeeld", "provisional", "synthetic"):
            frame[column] = frame[column].astype(bool)
    return frame


GRID_KIND = "transitie_grid_data"  # the grid's data; "transitie_grid" held formatted rows (older format)
# the KPI columns of the transitie grid, the contracted KPI first
GRID_KPIS = ("wvpk_uren_per_client", "ha_consulten_per_patient", "opnames_kwetsbare_ouderen_per_1000",
             "ligduur_kwetsbare_ouderen")
NOT_KNOWN = "nog_niet_bekend"


def grid_frame(conn: Connection, overview: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """The overview rows with per grid KPI its status (`kpi_<code>`) and relative effect (`kpi_<code>_effect`),
    as this viewer may see them (the transitie grid's data; its Dutch texts are added where it is shown)."""
    from data_access import kpi_service

    kpi = kpi_service.kpi_overview(conn, viewer, slugs=sorted(overview["slug"]))
    frame = overview.copy()
    for code in GRID_KPIS:
        part = kpi[kpi["indicator"] == code].set_index("slug") if not kpi.empty else pd.DataFrame()
        status = frame["slug"].map(part["status"]) if not part.empty else pd.Series(index=frame.index, dtype=object)
        effect = frame["slug"].map(part["relative_effect"]) if not part.empty else pd.Series(
            index=frame.index, dtype=float)
        frame[f"kpi_{code}"] = status.fillna(NOT_KNOWN)
        frame[f"kpi_{code}_effect"] = effect.astype(float)
    return frame


def grid_payload(conn: Connection, viewer: Viewer, today: dt.date | None = None) -> dict:
    """`grid_frame` of the stored overview as stored (kind GRID_KIND, one per day until the next refresh)."""
    from data_access.results import store

    return store.frame_payload(grid_frame(conn, stored_programme_overview(conn, today), viewer))


def programme_overview(conn: Connection, today: dt.date | None = None,
                       programme_ids: list[int] | None = None) -> pd.DataFrame:
    """One row per programme buurt (or these): cohort, partner, adoption counts and data freshness per source
    family. A buurt's row rests on its own records and deliveries only (`patched_overview_payload`)."""
    programme = queries.programme_buurten(conn)
    if programme_ids is not None:
        programme = programme[programme["programme_id"].isin(programme_ids)]
    columns = ["programme_id", "code", "name", "alliance_partner", "region", "cohort", "start_date", "status",
               "provisional", "synthetic", "gemeente_code"]
    frame = programme[columns].rename(columns={"code": "slug"})
    frame = frame.merge(definitions.adoption_counts(conn, programme_ids), on="programme_id", how="left")
    frame = frame.merge(freshness_by_programme(conn, today, programme_ids), on="programme_id", how="left")
    return frame.reset_index(drop=True)


def patched_overview_payload(payload: dict, fresh: pd.DataFrame) -> dict:
    """A stored overview or grid payload (`frame_payload` of `programme_overview` or `grid_frame`) with the rows of
    the buurten in `fresh` (the same frame for those buurten alone) replaced, in place: after a delivery of some
    programme buurten only their rows change (their freshness, adoption and KPI)."""
    from data_access.results import store

    slug = payload["columns"].index("slug")
    new = {row[slug]: row for row in store.frame_payload(fresh[payload["columns"]])["data"]}
    return {**payload, "data": [new.get(row[slug], row) for row in payload["data"]]}


# ---------------------------------------------------------------- map

NL_LATITUDE = 52.2  # x = longitude × cos(latitude) keeps the Netherlands in proportion on a flat plot


def _ring_points(geometry: dict) -> list[list[list[float]]]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        return [coords[0]] if coords else []
    if kind == "MultiPolygon":
        return [poly[0] for poly in coords if poly]
    if kind == "Point":
        return [[coords]]
    return []


def simplify_ring(ring: list[list[float]], tolerance: float) -> list[list[float]]:
    """Drop points closer than `tolerance` (degrees) to the last kept one; rings keep at least four points."""
    if len(ring) <= 4:
        return ring
    kept = [ring[0]]
    for point in ring[1:-1]:
        last = kept[-1]
        if abs(point[0] - last[0]) + abs(point[1] - last[1]) >= tolerance:
            kept.append(point)
    kept.append(ring[-1])
    return kept if len(kept) >= 4 else ring


def gemeente_outlines(conn: Connection, tolerance: float = 0.01) -> tuple[list[float | None], list[float | None]]:
    """Outer rings of all gemeenten of the newest indeling as one x/y line (None between rings), simplified."""
    newest = conn.execute(select(func.max(Area.indeling)).where(Area.level == "gemeente")).scalar()
    rows = conn.execute(
        select(AreaGeometry.geojson).join(Area, Area.id == AreaGeometry.area_id)
        .where(Area.level == "gemeente", Area.indeling == newest)
    ).scalars()
    scale = math.cos(math.radians(NL_LATITUDE))
    xs: list[float | None] = []
    ys: list[float | None] = []
    for text in rows:
        try:
            rings = _ring_points(json.loads(text))
        except (ValueError, TypeError):
            continue
        for ring in rings:
            if len(ring) < 3:
                continue
            for lon, lat, *_ in simplify_ring(ring, tolerance):
                xs.append(round(lon * scale, 4))
                ys.append(round(lat, 4))
            xs.append(None)
            ys.append(None)
    return xs, ys


MAP_KIND = "transitie_map"  # stored: outlines and buurt positions change only with a geo import or the members


def map_payload(conn: Connection) -> dict:
    """The transitie map's data as stored: gemeente outlines and the programme buurten's positions."""
    from data_access.results import store

    xs, ys = gemeente_outlines(conn)
    return {"outlines": [xs, ys], "locations": store.frame_payload(programme_locations(conn))}


def stored_map(conn: Connection, parse: Callable[[dict], Any]) -> Any:  # noqa: ANN401
    """`parse` of the stored map data (`map_payload`), parsed once per process and stored version."""
    from data_access.results import store

    return store.read_parsed(conn, MAP_KIND, "", parse, lambda: map_payload(conn))


def programme_locations(conn: Connection) -> pd.DataFrame:
    """Programme buurten with a map position (mean of their member areas' outline points; x as on the map)."""
    rows = conn.execute(
        select(ProgrammeMember.programme_id, AreaGeometry.geojson)
        .join(AreaGeometry, AreaGeometry.area_id == ProgrammeMember.area_id)
    ).all()
    scale = math.cos(math.radians(NL_LATITUDE))
    points = []
    for programme_id, text in rows:
        try:
            rings = _ring_points(json.loads(text))
        except (ValueError, TypeError):
            continue
        coords = np.array([pt[:2] for ring in rings for pt in ring], dtype=float)
        if coords.size:
            points.append((programme_id, coords[:, 0].mean() * scale, coords[:, 1].mean()))
    frame = pd.DataFrame(points, columns=["programme_id", "x", "y"])
    return frame.groupby("programme_id", as_index=False)[["x", "y"]].mean()


# ---------------------------------------------------------------- candidates for new cohorts

@dataclass(frozen=True)
class Component:
    code: str
    label: str
    level: str  # "gemeente": read from the candidate's gemeente; "self": the candidate's own area
    direction: int  # +1: higher value = stronger case for change; −1: lower value = stronger case
    weight: float
    group: str  # zorggebruik | vergrijzing | toegang | gezondheid


CASE_COMPONENTS = [
    Component("zvw_kosten_wijkverpleging", "Kosten wijkverpleging per verzekerde (gemeente)", "gemeente", 1, 1.5,
              "zorggebruik"),
    Component("zvw_kosten_totaal", "Zorgkosten Zvw per verzekerde (gemeente)", "gemeente", 1, 0.5, "zorggebruik"),
    Component("wmo_per_1000", "Wmo-cliënten per 1.000 inwoners", "self", 1, 1.0, "zorggebruik"),
    Component("pct_65plus", "Aandeel 65-plussers", "self", 1, 1.5, "vergrijzing"),
    Component("eenzaam_65plus", "Eenzame 65-plussers", "self", 1, 0.5, "gezondheid"),
    Component("ervaren_gezondheid_goed_18plus", "Goed ervaren gezondheid (18+, lager = meer urgentie)", "self", -1,
              0.5, "gezondheid"),
    Component("afstand_huisarts", "Afstand tot huisartsenpraktijk", "self", 1, 1.0, "toegang"),
]
DEFAULT_WEIGHTS = {c.code: c.weight for c in CASE_COMPONENTS}
CANDIDATE_LEVELS = ("buurt", "wijk")
MIN_INHABITANTS = 500
Z_CLIP = 3.0
_MAD_TO_SD = 1.4826

SELECTION_CRITERIA = [
    ("professionals", "Enthousiaste eerstelijnsprofessionals"),
    ("burgers", "Betrokken burgers"),
    ("keten", "Goede samenwerking in de zorgketen"),
    ("marktaandeel", "Meer dan 50% marktaandeel van de alliantie"),
    ("urgentie", "Duidelijke urgentie (toegang tot zorg onder druk)"),
    ("uitvoeringskracht", "Uitvoeringskracht in het buurtnetwerk"),
]
CHECKLIST_TYPE = "kandidaat_checklist"


def _newest_values(conn: Connection, code: str, level: str) -> pd.Series:
    """Newest stored value per area code of one indicator at one level (one query)."""
    periods_at_level = conn.execute(
        select(Observation.period).distinct().join(Indicator, Indicator.id == Observation.indicator_id)
        .join(Area, Area.id == Observation.area_id).where(Indicator.code == code, Area.level == level)
    ).scalars().all()
    valid = [p for p in periods_at_level if periods.is_valid(p)]
    if not valid:
        return pd.Series(dtype="float64")
    newest = max(valid, key=periods.sort_key)
    rows = conn.execute(
        select(Area.code, Observation.value).join(Area, Area.id == Observation.area_id)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .where(Indicator.code == code, Area.level == level, Observation.period == newest,
               Observation.suppressed.is_(False))
    ).all()
    series = pd.Series({c: v for c, v in rows}, dtype="float64")
    series.attrs["period"] = newest
    return series


def candidate_table(conn: Connection, level: str = "buurt") -> pd.DataFrame:
    """Raw component values for every CBS area of `level` not in the programme (newest indeling)."""
    if level not in CANDIDATE_LEVELS:
        raise ValueError(f"onbekend niveau '{level}': kies buurt of wijk")
    frame = queries.areas(conn, level)[["code", "name", "parent_code"]]
    member_codes = set(conn.execute(
        select(Area.code).join(ProgrammeMember, ProgrammeMember.area_id == Area.id)).scalars())
    member_wijken = {("WK" + c[2:8]) for c in member_codes if c.startswith("BU")}
    excluded = member_codes | (member_wijken if level == "wijk" else set())
    frame = frame[~frame["code"].isin(excluded)].copy()
    frame["gemeente_code"] = "GM" + frame["code"].str[2:6]
    gemeenten = queries.areas(conn, "gemeente")
    frame["gemeente"] = frame["gemeente_code"].map(dict(zip(gemeenten["code"], gemeenten["name"], strict=True)))
    if level == "buurt":
        wijken = queries.areas(conn, "wijk")
        frame["wijk"] = frame["parent_code"].map(dict(zip(wijken["code"], wijken["name"], strict=True)))
    frame["inwoners"] = frame["code"].map(_newest_values(conn, "inwoners", level))
    for comp in CASE_COMPONENTS:
        values = _newest_values(conn, comp.code, "gemeente" if comp.level == "gemeente" else level)
        key = frame["gemeente_code"] if comp.level == "gemeente" else frame["code"]
        frame[comp.code] = key.map(values)
    return frame.reset_index(drop=True)


def robust_z(values: pd.Series) -> pd.Series:
    """Robust z-score (median, 1.4826 × MAD; the standard deviation when the MAD is 0), clipped to ±3."""
    x = pd.to_numeric(values, errors="coerce").astype(float)
    med = x.median()
    scale = _MAD_TO_SD * (x - med).abs().median()
    if not scale > 0:
        scale = x.std()
    if not scale > 0 or math.isnan(scale):
        return x.where(x.isna(), 0.0)
    return ((x - med) / scale).clip(-Z_CLIP, Z_CLIP)


def score_candidates(table: pd.DataFrame, weights: dict[str, float] | None = None,
                     min_inhabitants: int = MIN_INHABITANTS) -> pd.DataFrame:
    """Add z_<component> and score (weighted mean of the turned z-scores), rank best first; pure."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    frame = table[table["inwoners"].fillna(0) >= min_inhabitants].copy()
    total = np.zeros(len(frame))
    available = np.zeros(len(frame))
    weight_sum = sum(max(float(weights.get(c.code, 0) or 0), 0.0) for c in CASE_COMPONENTS)
    for comp in CASE_COMPONENTS:
        w = max(float(weights.get(comp.code, 0) or 0), 0.0)
        z = robust_z(frame[comp.code]) * comp.direction
        frame[f"z_{comp.code}"] = z
        present = z.notna().to_numpy()
        total += np.where(present, z.fillna(0).to_numpy() * w, 0.0)
        available += np.where(present, w, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where((weight_sum > 0) & (available >= 0.5 * weight_sum) & (available > 0),
                         total / np.where(available > 0, available, 1), np.nan)
    frame["score"] = score
    frame["weight_share"] = available / weight_sum if weight_sum > 0 else 0.0
    frame = frame.sort_values(["score", "code"], ascending=[False, True], na_position="last")
    frame["rank"] = np.where(frame["score"].notna(), np.arange(1, len(frame) + 1), np.nan)
    return frame.reset_index(drop=True)


# Stored per level ("buurt", "wijk"): the raw component values depend only on public context figures, the areas
# and the programme's member areas, so the refresh computes them ahead and keeps them until one of those changes.
CANDIDATES_KIND = "transitie_candidates"
_NUMERIC = ("inwoners", *(c.code for c in CASE_COMPONENTS))


def candidates_payload(conn: Connection, level: str) -> dict:
    """`candidate_table` as stored: by column, which parses several times faster than by row (~14,000 buurten)."""
    table = candidate_table(conn, level)
    return {"columns": {str(c): table[c].tolist() for c in table.columns}}


def candidates_from(payload: dict) -> pd.DataFrame:
    """The stored candidate table as `candidate_table` returned it (missing values as NaN, numbers as floats)."""
    frame = pd.DataFrame(payload["columns"])
    for column in _NUMERIC:
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def stored_candidate_table(conn: Connection, level: str) -> pd.DataFrame:
    """`candidate_table`, computed once per change of the store and kept in the results tables (read-only)."""
    from data_access.results import store

    if level not in CANDIDATE_LEVELS:
        raise ValueError(f"onbekend niveau '{level}': kies buurt of wijk")
    return store.read_parsed(conn, CANDIDATES_KIND, level, candidates_from, lambda: candidates_payload(conn, level))


# The last few rankings per stored table and weights (pure functions of both; the grid asks for one block of rows at
# a time with the same weights). Keyed by the parsed table itself, so a newer stored table never meets an old one.
_RANKINGS: list[tuple[pd.DataFrame, tuple, pd.DataFrame]] = []
_RANKINGS_KEPT = 4
_RANKINGS_LOCK = threading.Lock()


def _scored(table: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    key = tuple(sorted((k, float(v)) for k, v in {**DEFAULT_WEIGHTS, **weights}.items()))
    with _RANKINGS_LOCK:
        held = next((r for t, k, r in _RANKINGS if t is table and k == key), None)
    if held is not None:
        return held
    ranked = score_candidates(table, weights)
    with _RANKINGS_LOCK:
        _RANKINGS.insert(0, (table, key, ranked))
        del _RANKINGS[_RANKINGS_KEPT:]
    return ranked


def ranked_candidates(conn: Connection, level: str, weights: dict[str, float]) -> pd.DataFrame:
    """Every candidate of the level scored with these weights, best first (`score_candidates` of the stored table),
    with the number of selection criteria ticked in its current checklist (`criteria_ok`, read per call)."""
    ranked = _scored(stored_candidate_table(conn, level), weights)
    checks = checklist_states(conn)
    ticked = dict(zip(checks["code"], checks["criteria"].map(len), strict=True)) if not checks.empty else {}
    return ranked.assign(criteria_ok=ranked["code"].map(ticked).fillna(0).astype(int))


class ChecklistConflict(Exception):
    """Someone else saved the checklist after this edit started."""


def checklist_states(conn: Connection) -> pd.DataFrame:
    """Current (newest) checklist per candidate: code, version, criteria (list of keys), note, author, saved_at."""
    rows = conn.execute(
        select(RecordVersion.record_id, RecordVersion.version, RecordVersion.author, RecordVersion.saved_at,
               RecordVersion.data, Area.code)
        .join(Area, Area.id == RecordVersion.record_id)
        .where(RecordVersion.record_type == CHECKLIST_TYPE)
    ).all()
    columns = ["code", "version", "criteria", "note", "author", "saved_at"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame([{
        "code": r.code, "record_id": r.record_id, "version": r.version, "author": r.author,
        "saved_at": r.saved_at, **_checklist_data(r.data)} for r in rows])
    frame = frame.sort_values("version").groupby("record_id").tail(1)
    return frame[columns].reset_index(drop=True)


def _checklist_data(text: str) -> dict:
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        data = {}
    keys = {k for k, _ in SELECTION_CRITERIA}
    return {"criteria": [c for c in data.get("criteria", []) if c in keys], "note": str(data.get("note", ""))}


def checklist_history(conn: Connection, code: str) -> pd.DataFrame:
    """Every saved version of one candidate's checklist, newest first."""
    area_id = _candidate_area_id(conn, code)
    rows = conn.execute(
        select(RecordVersion.version, RecordVersion.author, RecordVersion.saved_at, RecordVersion.data)
        .where(RecordVersion.record_type == CHECKLIST_TYPE, RecordVersion.record_id == area_id)
        .order_by(RecordVersion.version.desc())
    ).all()
    return pd.DataFrame([{"version": r.version, "author": r.author, "saved_at": r.saved_at,
                          **_checklist_data(r.data)} for r in rows],
                        columns=["version", "author", "saved_at", "criteria", "note"])


def _candidate_area_id(conn: Connection, code: str) -> int:
    code = queries.normalise_code(code)
    area_id = conn.execute(
        select(Area.id).where(Area.code == code, Area.level.in_(CANDIDATE_LEVELS))
        .order_by(Area.indeling.desc()).limit(1)
    ).scalar()
    if area_id is None:
        raise ValueError(f"onbekende kandidaat '{code}': geen CBS-buurt of -wijk")
    return area_id


def save_checklist(conn: Connection, code: str, criteria: list[str], note: str, expected_version: int,
                   author: str) -> int:
    """Store a new version of a candidate's checklist; returns the new version number.

    `expected_version` is the version the edit started from (0 for a first save). A different current version
    raises ChecklistConflict with a Dutch message; so does a concurrent save that wins the race to the key.
    """
    area_id = _candidate_area_id(conn, code)
    keys = [k for k, _ in SELECTION_CRITERIA]
    unknown = [c for c in criteria if c not in keys]
    if unknown:
        raise ValueError(f"onbekend criterium: {', '.join(unknown)}")
    current = conn.execute(
        select(func.max(RecordVersion.version))
        .where(and_(RecordVersion.record_type == CHECKLIST_TYPE, RecordVersion.record_id == area_id))
    ).scalar() or 0
    if current != expected_version:
        raise ChecklistConflict(
            f"Iemand anders heeft deze checklist intussen opgeslagen (versie {current}). Laad de kandidaat opnieuw "
            "en voer uw wijziging nog eens in.")
    data = json.dumps({"code": queries.normalise_code(code), "criteria": [k for k in keys if k in criteria],
                       "note": (note or "").strip()}, ensure_ascii=False)
    try:
        with conn.begin_nested():
            conn.execute(RecordVersion.__table__.insert().values(
                record_type=CHECKLIST_TYPE, record_id=area_id, programme_id=None, version=current + 1,
                author=author, saved_at=utcnow(), data=data))
    except IntegrityError as exc:
        raise ChecklistConflict("Iemand anders sloeg tegelijk op; laad de kandidaat opnieuw.") from exc
    return current + 1
