"""Area geometries (`geo`): GeoJSON FeatureCollections of gemeenten, wijken or buurten, plain or gzipped.

The level follows from the property names (buurtcode, wijkcode, gemeentecode). Geometries are stored per area as
compact GeoJSON with coordinates rounded to 5 decimals (about 1 m). The buurt polygons we hold are a
reconstruction from SVG paths, accurate to tens of metres: they are flagged `reconstructed` so the map can say so.

The wijk and gemeente files also carry KWB 2024 attributes that the KWB buurt selection lacks for those levels
(inwoners, huishoudens, age shares, density, …); those are imported as values only: the file has no counts behind
its rounded percentages.
"""

from __future__ import annotations

import json
import math

import pandas as pd
from sqlalchemy import Connection, select

from data_access.importers.common import (
    OBSERVATION_COLUMNS,
    FileRejected,
    Parsed,
    Rejection,
    decode,
    empty_observations,
    gunzip,
    numeric_column,
)
from data_access.importers.gebieden import code_is_valid
from data_access.models import Area

DEFAULT_YEAR = 2024
LEVELS = (("buurtcode", "buurt", "BU"), ("wijkcode", "wijk", "WK"), ("gemeentecode", "gemeente", "GM"))
PLURAL = {"buurt": "buurten", "wijk": "wijken", "gemeente": "gemeenten"}
NAME_KEY = {"buurt": "buurtnaam", "wijk": "wijknaam", "gemeente": "gemeentenaam"}
# PDOK's wijk- en gemeentekaart holds areas that are not in the CBS statistical list: large water bodies
# (WKxxxx99 "Groot water") and the enclaves abroad (WK099899 / GM0998 "Buitenland").
NOT_CBS_AREA_NAMES = {"Groot water", "Buitenland"}
NOT_CBS_AREA_CODES = {"WK099899", "GM0998"}
POLYGON_TYPES = {"Polygon", "MultiPolygon"}
# WGS84 box around the Netherlands incl. the Wadden and the North Sea coast; RD coordinates fall far outside.
LON_RANGE, LAT_RANGE = (2.5, 7.5), (50.5, 54.0)
DECIMALS = 5

ATTRIBUTES = {
    "aantal_inwoners": "inwoners", "huishoudens": "huishoudens", "gem_huishouden_grootte": "gem_huishoudgrootte",
    "bevolkingsdichtheid": "bevolkingsdichtheid", "0_15": "pct_0_14", "65plus": "pct_65plus",
    "stedelijkheid": "stedelijkheid", "omgevingsadressendichtheid": "omgevingsadressendichtheid",
}
ATTRIBUTE_LEVELS = {"wijk", "gemeente"}  # the KWB buurt files cover buurten; the buurt polygons carry no figures
SOURCE = "CBS Kerncijfers wijken en buurten {year} (PDOK wijk- en buurtkaart)"


class _BadGeometry(ValueError):
    pass


def _round_positions(coords: list, depth: int) -> list:
    """Round a nested coordinate array; depth 0 is one position [lon, lat]."""
    if depth == 0:
        if len(coords) < 2 or not all(isinstance(c, int | float) and math.isfinite(c) for c in coords[:2]):
            raise _BadGeometry(f"ongeldige coördinaat {str(coords)[:40]}")
        lon, lat = coords[0], coords[1]
        if not (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
            raise _BadGeometry(f"coördinaat ({lon}, {lat}) ligt buiten Nederland; verwacht WGS84 lengte/breedte "
                               "(EPSG:4326), niet RD")
        return [round(lon, DECIMALS), round(lat, DECIMALS)]
    if not isinstance(coords, list) or not coords:
        raise _BadGeometry("lege of ongeldige coördinatenlijst")
    if depth == 1 and len(coords) < 4:
        raise _BadGeometry("een ring heeft minder dan 4 punten")
    return [_round_positions(c, depth - 1) for c in coords]


def compact_geometry(geometry: dict) -> str:
    """The geometry as compact GeoJSON text, coordinates rounded; raises _BadGeometry with a Dutch reason."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in POLYGON_TYPES:
        raise _BadGeometry(f"geometrie van type '{kind}' wordt niet ondersteund (alleen Polygon en MultiPolygon)")
    depth = 2 if kind == "Polygon" else 3
    coords = _round_positions(geometry.get("coordinates"), depth)
    return json.dumps({"type": kind, "coordinates": coords}, separators=(",", ":"))


def _features(text: str) -> tuple[list[dict], int]:
    """Features and the indeling year (from metadata.year, else 2024) of a FeatureCollection."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileRejected(f"geen geldige GeoJSON: {exc.msg} (regel {exc.lineno})") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise FileRejected("geen GeoJSON FeatureCollection (verwacht \"type\": \"FeatureCollection\" met features)")
    if not data["features"]:
        raise FileRejected("de FeatureCollection bevat geen features")
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    year = metadata.get("year")
    return data["features"], int(year) if isinstance(year, int) and 1990 <= year <= 2100 else DEFAULT_YEAR


def parse(raw: bytes, conn: Connection | None = None) -> Parsed:
    """Geometries (and wijk/gemeente attributes) of one GeoJSON file, for areas that already exist."""
    features, year = _features(decode(gunzip(raw)))
    props = pd.DataFrame([(f.get("properties") or {}) if isinstance(f, dict) else {} for f in features])
    level = next(((key, lvl, prefix) for key, lvl, prefix in LEVELS if key in props.columns), None)
    if level is None:
        raise FileRejected("geen gebiedscode in de features: verwacht eigenschap buurtcode, wijkcode of gemeentecode")
    key, level_name, prefix = level
    props.insert(0, "_line", range(1, len(props) + 1))
    codes = props[key].astype("string").str.strip().fillna("")
    names = props[NAME_KEY[level_name]].astype("string") if NAME_KEY[level_name] in props else pd.Series(
        pd.NA, index=props.index, dtype="string")

    rejections: list[Rejection] = []
    notes: list[str] = []
    not_cbs = codes.isin(NOT_CBS_AREA_CODES) | names.isin(NOT_CBS_AREA_NAMES).fillna(False)
    bad_code = ~not_cbs & ~code_is_valid(codes, prefix)
    for line, code in zip(props.loc[bad_code, "_line"], codes[bad_code], strict=True):
        rejections.append(Rejection(int(line), f"ongeldige {key} '{code}' (verwacht {prefix}-code)"))
    known = set()
    if conn is not None:
        known = {c for (c,) in conn.execute(select(Area.code).where(Area.indeling == year, Area.level == level_name))}
        unknown = ~not_cbs & ~bad_code & ~codes.isin(known)
        for line, code in zip(props.loc[unknown, "_line"], codes[unknown], strict=True):
            rejections.append(Rejection(int(line), f"onbekend gebied {code} in indeling {year}; importeer eerst de "
                                                   "CBS-gebiedenlijst (soort 'gebieden')"))
    repeat = ~not_cbs & codes.duplicated(keep="first")
    first_line = dict(zip(codes[~repeat], props.loc[~repeat, "_line"], strict=True))
    for line, code in zip(props.loc[repeat, "_line"], codes[repeat], strict=True):
        rejections.append(Rejection(int(line), f"dubbel gebied {code} (ook op regel {first_line[code]})"))

    reconstructed = level_name == "buurt"
    geometries: list[tuple[str, int, str, bool]] = []
    no_geometry = 0
    rejected = {r.line for r in rejections}
    for index, feature in enumerate(features):
        line = index + 1
        if not_cbs.iat[index] or line in rejected:
            continue
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if geometry is None:
            no_geometry += 1
            continue
        try:
            geometries.append((codes.iat[index], year, compact_geometry(geometry), reconstructed))
        except _BadGeometry as exc:
            rejections.append(Rejection(line, f"{codes.iat[index]}: {exc}"))

    obs = empty_observations()
    if level_name in ATTRIBUTE_LEVELS:
        obs = _attributes(props, codes, ~not_cbs, year, rejections)
    n_not_cbs = int(not_cbs.sum())
    if n_not_cbs:
        notes.append(f"{n_not_cbs} features overgeslagen die geen CBS-gebied zijn (groot water, buitenland)")
    if no_geometry:
        notes.append(f"{no_geometry} features zonder geometrie overgeslagen")
    notes.append(f"{len(geometries)} geometrieën van {PLURAL[level_name]} (indeling {year})"
                 + ("; gereconstrueerd, nauwkeurig op tientallen meters" if reconstructed else ""))
    return Parsed(obs, rejections, skipped=n_not_cbs + no_geometry, notes=notes, geometries=geometries)


def _attributes(props: pd.DataFrame, codes: pd.Series, keep: pd.Series, year: int,
                rejections: list[Rejection]) -> pd.DataFrame:
    """KWB attributes of wijken/gemeenten as observations (value only, period = the file year)."""
    frame = props[keep].copy()
    frame["_code"] = codes[keep]
    present = [c for c in ATTRIBUTES if c in frame.columns]
    if not present or frame.empty:
        return empty_observations()
    pieces = []
    for col in present:
        text = frame[col].astype("string").fillna("")
        values = numeric_column(pd.DataFrame({"_line": frame["_line"], col: text}), col, rejections, missing=("",))
        pieces.append(pd.DataFrame({"line": frame["_line"], "code": frame["_code"], "indicator": ATTRIBUTES[col],
                                    "value": values}))
    obs = pd.concat(pieces, ignore_index=True)
    obs = obs[obs["value"].notna()]
    obs["indeling"] = year
    obs["period"] = str(year)
    for col in ("numerator", "denominator", "detractors"):
        obs[col] = float("nan")
    obs["suppressed"] = False
    obs["source"] = SOURCE.format(year=year)
    return obs[OBSERVATION_COLUMNS].reset_index(drop=True)
