"""RIVM/GGD'en/CBS "Gezondheid per wijk en buurt" (StatLine 50090NED, and its successor 50120NED in the same layout).

One row per year × age group × region (land, gemeente, wijk, buurt), one column per measure, comma separated,
gzipped or plain. The measures to import and their codes come from seed/indicatoren_rivm.toml: a column is matched
on its name before the "_<n>" suffix (StatLine renumbers those between tables), the age group on the code suffix.

Choices:
- Only the age groups 18+ and 65+ are imported; 18-64 rows are left out on purpose to keep the store lean (the
  2020 file has no 18-64 group anyway), and are mentioned in the import notes.
- Only point estimates (Marges = MW00000) are read; rows with other margin codes (lower/upper bounds in some
  exports) are not used yet and are mentioned in the notes.
- "." (suppressed, no figure) gives no observation and is counted as skipped; an empty cell means "not measured
  in that year or age group" and is silently ignored.
- Areas are created on the indeling of the newest year in the file, at least 2020 (50090NED publishes all its
  years on the 2020 layout; 50120NED is 2022 on indeling 2022). NL01 is stored as NL00, the land. Names: an
  existing name of the same code and indeling, else the name of the same code in another indeling (e.g. 2024),
  else the gemeentenaam for gemeenten, else the code.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from data_access.importers.common import AREA_COLUMNS, FileRejected, Parsed, Rejection, decode, gunzip, read_table
from data_access.models import Area

CATALOGUE = Path(__file__).parents[1] / "seed" / "indicatoren_rivm.toml"
SOURCE = "RIVM/GGD'en/CBS Gezondheidsmonitor"
POINT_ESTIMATE = "MW00000"
# 50090NED publishes 2012-2020 on indeling 2020; its successors use the indeling of their newest year.
FIRST_INDELING = 2020
AGE_SUFFIX = {"18+": "18plus", "65+": "65plus"}
SKIPPED_AGE_GROUPS = {"18-64"}
# CBS age codes, for exports that carry only `Leeftijd`.
AGE_CODES = {"20300": "18+", "53115": "18-64", "80200": "65+"}
LEVELS = {"land": "land", "gemeente": "gemeente", "wijk": "wijk", "buurt": "buurt"}
PREFIX_LEVEL = {"NL": "land", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}
CODE_PATTERN = r"^(?:NL\d{2}|GM\d{4}|WK[0-9A-Z]{6}|BU[0-9A-Z]{8})$"
# Column names of the converted 50090NED file first, then the raw StatLine names.
ALIASES = {
    "regiocode": ("regiocode", "WijkenEnBuurten"),
    "gemeentenaam": ("gemeentenaam", "Gemeentenaam_1"),
    "soort_regio": ("soort_regio", "SoortRegio_2"),
}


def _stem(column: str) -> str:
    return re.sub(r"_\d+$", "", column.strip())


def measures() -> dict[tuple[str, str], str]:
    """(column stem, age group) → indicator code, from the catalogue file."""
    data = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    suffix_age = {v: k for k, v in AGE_SUFFIX.items()}
    result = {}
    for entry in data["indicator"]:
        age = suffix_age[entry["code"].rsplit("_", 1)[1]]
        result[(_stem(entry["source_field"]), age)] = entry["code"]
    return result


def _pick(header: list[str], key: str) -> str | None:
    return next((name for name in ALIASES[key] if name in header), None)


def _year_and_age(frame: pd.DataFrame, rejections: list[Rejection]) -> tuple[pd.Series, pd.Series]:
    """Year from `jaar` (else the first 4 digits of `Perioden`), age group from `leeftijdsgroep` (else `Leeftijd`)."""
    if "jaar" in frame.columns:
        year_text = frame["jaar"].str.strip()
    else:
        year_text = frame["Perioden"].str.strip().str[:4]
    valid_year = year_text.str.fullmatch(r"(?:19|20)\d\d")
    for line, text in zip(frame.loc[~valid_year, "_line"], year_text[~valid_year], strict=True):
        rejections.append(Rejection(int(line), f"ongeldig jaar '{text}'"))
    if "leeftijdsgroep" in frame.columns:
        age = frame["leeftijdsgroep"].str.strip().str.replace(" ", "", regex=False)
    else:
        age = frame["Leeftijd"].str.strip().map(AGE_CODES).fillna(frame["Leeftijd"].str.strip())
    known = age.isin(list(AGE_SUFFIX) + list(SKIPPED_AGE_GROUPS))
    for line, text in zip(frame.loc[~known, "_line"], age[~known], strict=True):
        rejections.append(Rejection(int(line), f"onbekende leeftijdsgroep '{text}' (verwacht 18+, 18-64 of 65+)"))
    return year_text.where(valid_year), age.where(known)


def _areas(conn: Connection, frame: pd.DataFrame, indeling: int) -> pd.DataFrame:
    """One area per region code, named after what the store already knows about that code."""
    first = frame.drop_duplicates("code")
    codes = first["code"].tolist()
    known = pd.DataFrame(
        conn.execute(select(Area.code, Area.indeling, Area.name).where(Area.code.in_(codes))).all(),
        columns=["code", "indeling", "name"],
    )
    known = known[known["name"] != known["code"]]
    same = known[known["indeling"] == indeling].set_index("code")["name"]
    other = (known[known["indeling"] != indeling].sort_values("indeling")
             .drop_duplicates("code", keep="last").set_index("code")["name"])
    fallback = first["gemeentenaam"].where(first["level"].isin(["gemeente", "land"]) & first["gemeentenaam"].ne(""),
                                           first["code"])
    name = first["code"].map(same).astype(object).fillna(first["code"].map(other).astype(object)).fillna(fallback)
    parent = pd.Series(None, index=first.index, dtype=object)
    parent = parent.mask(first["level"] == "gemeente", "NL00")
    parent = parent.mask(first["level"] == "wijk", "GM" + first["code"].str[2:6])
    parent = parent.mask(first["level"] == "buurt", "WK" + first["code"].str[2:8])
    areas = pd.DataFrame({"code": first["code"], "indeling": indeling, "level": first["level"], "name": name,
                          "parent_code": parent})
    return areas[AREA_COLUMNS].reset_index(drop=True)


def parse(raw: bytes, conn: Connection) -> Parsed:
    """Turn a 50090NED/50120NED export into areas and percentage observations (18+ and 65+)."""
    text = decode(gunzip(raw))
    header = [h.strip() for h in text.split("\n", 1)[0].strip("\r").split(",")]
    code_col = _pick(header, "regiocode")
    required = [code_col or "regiocode"]
    required.append("jaar" if "jaar" in header or "Perioden" not in header else "Perioden")
    required.append("leeftijdsgroep" if "leeftijdsgroep" in header or "Leeftijd" not in header else "Leeftijd")
    frame = read_table(text, ",", required)
    if frame.empty:
        raise FileRejected("het bestand bevat alleen een kopregel en geen regio's")
    wanted = measures()
    columns = {c: _stem(c) for c in frame.columns if any(_stem(c) == s for s, _ in wanted)}
    if not columns:
        raise FileRejected("geen bekende indicatorkolommen gevonden (bv. ErvarenGezondheidGoedZeerGoed_4); "
                           "is dit een export van 'Gezondheid per wijk en buurt' (RIVM StatLine 50090NED)?")

    rejections: list[Rejection] = []
    notes: list[str] = []
    year, age = _year_and_age(frame, rejections)
    code = frame[code_col].str.strip().str.upper().replace({"NL01": "NL00"})
    bad_code = ~code.str.match(CODE_PATTERN)
    for line, text_code in zip(frame.loc[bad_code, "_line"], code[bad_code], strict=True):
        rejections.append(Rejection(int(line), f"onbekende regiocode '{text_code}' (verwacht NL01, GM…, WK… of BU…)"))
    prefix_level = code.str[:2].map(PREFIX_LEVEL)
    type_col = _pick(header, "soort_regio")
    if type_col:
        stated = frame[type_col].str.strip().str.lower().map(LEVELS)
        level = stated.fillna(prefix_level)
        clash = stated.notna() & prefix_level.notna() & (stated != prefix_level)
        for line, kind, c in zip(frame.loc[clash, "_line"], frame.loc[clash, type_col], code[clash], strict=True):
            rejections.append(Rejection(int(line), f"soort_regio '{kind.strip()}' past niet bij regiocode {c}"))
    else:
        level = prefix_level
    name_col = _pick(header, "gemeentenaam")
    municipality = frame[name_col].str.strip() if name_col else pd.Series("", index=frame.index)

    keep = age.isin(list(AGE_SUFFIX))
    skipped_age = int(age.isin(SKIPPED_AGE_GROUPS).sum())
    if skipped_age:
        notes.append(f"{skipped_age} regels van leeftijdsgroep 18-64 niet geïmporteerd (alleen 18+ en 65+)")
    if "Marges" in frame.columns:
        margin = frame["Marges"].str.strip()
        other_margin = margin.ne(POINT_ESTIMATE) & margin.ne("")
        keep &= ~other_margin
        if other_margin.any():
            notes.append(f"{int(other_margin.sum())} regels met marges (onder-/bovengrens) niet gebruikt; "
                         "alleen puntschattingen (MW00000) geïmporteerd")

    key = pd.DataFrame({"code": code, "year": year, "age": age})
    dup = key[keep].duplicated(keep="first").reindex(frame.index, fill_value=False)
    if dup.any():
        first_line = (frame.loc[keep, "_line"]
                      .groupby([code[keep], year[keep], age[keep]], dropna=False).transform("min")
                      .reindex(frame.index))
        for line, c, y, a, first in zip(frame.loc[dup, "_line"], code[dup], year[dup], age[dup], first_line[dup],
                                        strict=True):
            rejections.append(Rejection(int(line), f"dubbele regel {c} {y} {a} (ook op regel {first})"))

    # Parse the measure cells of the rows we keep; every malformed cell is a rejection naming line and column.
    sub = frame.loc[keep, list(columns)]
    lines = frame.loc[keep, "_line"].to_numpy()
    raw_cells = sub.apply(lambda s: s.str.strip())
    suppressed = raw_cells.eq(".")
    empty = raw_cells.eq("")
    numbers = raw_cells.apply(lambda s: pd.to_numeric(s.where(~s.isin([".", ""])), errors="coerce"))
    bad = numbers.isna() & ~suppressed & ~empty
    if bad.to_numpy().any():
        rows, cols = np.nonzero(bad.to_numpy())
        for r, c in zip(rows, cols, strict=True):
            rejections.append(Rejection(int(lines[r]),
                                        f"ongeldig getal '{raw_cells.iat[r, c]}' in kolom {sub.columns[c]}"))
    n_suppressed = int(suppressed.to_numpy().sum())
    if n_suppressed:
        notes.append(f"{n_suppressed} waarden onderdrukt ('.'): geen waarneming opgeslagen")

    # Melt: one observation per (row, measure) with a number.
    values = numbers.to_numpy(dtype="float64")
    row_idx, col_idx = np.nonzero(~np.isnan(values))
    stems = np.array([columns[c] for c in sub.columns], dtype=object)
    ages = age[keep].to_numpy(dtype=object)[row_idx]
    indicator = [wanted.get((s, a)) for s, a in zip(stems[col_idx], ages, strict=True)]
    years = year[keep].to_numpy(dtype=object)[row_idx]
    newest = pd.to_numeric(year[keep], errors="coerce").max()
    indeling = FIRST_INDELING if pd.isna(newest) else max(FIRST_INDELING, int(newest))
    obs = pd.DataFrame({
        "line": lines[row_idx],
        "code": code[keep].to_numpy(dtype=object)[row_idx],
        "indeling": indeling,
        "indicator": indicator,
        "period": years,
        "value": values[row_idx, col_idx],
        "numerator": np.nan,
        "denominator": np.nan,
        "detractors": np.nan,
        "suppressed": False,
        "source": f"{SOURCE} (50090NED)" if indeling == 2020 else SOURCE,
    })
    obs = obs[obs["indicator"].notna() & obs["period"].notna()].reset_index(drop=True)

    rejected = {r.line for r in rejections}
    area_rows = pd.DataFrame({"code": code, "level": level, "gemeentenaam": municipality})[
        keep & ~bad_code & ~frame["_line"].isin(rejected)
    ]
    areas = _areas(conn, area_rows, indeling)
    notes.append(f"{len(areas)} gebieden op indeling {indeling}; waarden zijn modelschattingen (percentages)")
    return Parsed(obs, rejections, areas=areas, skipped=n_suppressed, notes=notes)
