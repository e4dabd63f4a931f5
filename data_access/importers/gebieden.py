"""CBS area list (`gebieden`): land, gemeenten, wijken and buurten of one indeling with their names.

Source: the Wijk- en buurtkaart attribute table (bu_code, bu_naam, wk_code, wk_naam, gm_code, gm_naam,
optional jrstatcode = year + buurt code), comma-separated UTF-8, plain or gzipped. Import it before the KWB and
geometry files: those refer to these areas.

Shape_Area is deliberately not imported: it includes water, so as a denominator for density it misleads; the KWB
land area (`oppervlakte_land`) is the honest one.

Also home of the small helpers every CBS importer shares: gzip detection and the CBS code rules.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy import Connection

from data_access.importers.common import (
    AREA_COLUMNS,
    FileRejected,
    Parsed,
    Rejection,
    decode,
    empty_observations,
    gunzip,
    read_table,
)

REQUIRED = ["bu_code", "bu_naam", "wk_code", "wk_naam", "gm_code", "gm_naam"]
DEFAULT_INDELING = 2024

# Gemeente part is 4 digits; wijk and buurt suffixes may be alphanumeric (Amsterdam: WK0363AD, BU0363AD03).
CODE_PATTERN = {
    "NL": r"NL00",
    "GM": r"GM\d{4}",
    "WK": r"WK\d{4}[0-9A-Z]{2}",
    "BU": r"BU\d{4}[0-9A-Z]{4}",
}
ANY_CODE = "|".join(CODE_PATTERN.values())
LEVEL_BY_PREFIX = {"NL": "land", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}
CODE_FORMAT_HINT = {
    "GM": "GM + 4 cijfers", "WK": "WK + 6 tekens", "BU": "BU + 8 tekens", "NL": "NL00",
}


def code_is_valid(codes: pd.Series, prefix: str | None = None) -> pd.Series:
    """True where a code has the CBS format (of the given level prefix, or any level)."""
    return codes.astype(str).str.fullmatch(CODE_PATTERN[prefix] if prefix else ANY_CODE)


def level_of(codes: pd.Series) -> pd.Series:
    """Area level (land, gemeente, wijk, buurt) from the code prefix."""
    return codes.str[:2].map(LEVEL_BY_PREFIX)


def parent_of(codes: pd.Series) -> pd.Series:
    """Parent code by the CBS rule: buurt → WK + code[2:8], wijk → GM + code[2:6], gemeente → NL00."""
    prefix = codes.str[:2]
    parent = pd.Series(None, index=codes.index, dtype=object)
    parent = parent.mask(prefix == "BU", "WK" + codes.str[2:8])
    parent = parent.mask(prefix == "WK", "GM" + codes.str[2:6])
    parent = parent.mask(prefix == "GM", "NL00")
    return parent


def reject_rows(frame: pd.DataFrame, mask: pd.Series, rejections: list[Rejection],
                reason: str | Callable[[pd.Series], str]) -> None:
    """Add one rejection per flagged row; `reason` is a string or a function of the row."""
    for _, row in frame[mask].iterrows():
        rejections.append(Rejection(int(row["_line"]), reason(row) if callable(reason) else reason))


def reject_duplicates(frame: pd.DataFrame, column: str, rejections: list[Rejection]) -> pd.Series:
    """Reject every repeat of a code, naming the line of its first occurrence; returns the mask of repeats."""
    repeat = frame.duplicated(column, keep="first")
    if repeat.any():
        first = frame[~repeat].set_index(column)["_line"]
        reject_rows(frame, repeat, rejections,
                    lambda r: f"dubbele gebiedscode {r[column]} (ook op regel {first[r[column]]})")
    return repeat


def _indeling(frame: pd.DataFrame, rejections: list[Rejection], notes: list[str]) -> int:
    """The indeling year from jrstatcode (e.g. 2024BU03920105); rows that disagree are rejected."""
    if "jrstatcode" not in frame.columns:
        notes.append(f"geen kolom jrstatcode: indeling {DEFAULT_INDELING} aangenomen")
        return DEFAULT_INDELING
    years = frame["jrstatcode"].str[:4]
    counts = years[years.str.fullmatch(r"\d{4}")].value_counts()
    if counts.empty:
        raise FileRejected("kolom jrstatcode bevat geen jaartal (verwacht bv. 2024BU03920105)")
    year = int(counts.index[0])
    wrong = frame["jrstatcode"] != f"{year}" + frame["bu_code"]
    reject_rows(frame, wrong, rejections,
                lambda r: f"jrstatcode '{r['jrstatcode']}' past niet bij bu_code {r['bu_code']} en jaar {year}")
    return year


def parse(raw: bytes, conn: Connection | None = None) -> Parsed:
    """Turn the CBS buurt list into area rows (NL00, gemeenten, wijken, buurten) of one indeling."""
    frame = read_table(decode(gunzip(raw)), ",", REQUIRED, lowercase_headers=True)
    if frame.empty:
        raise FileRejected("het bestand bevat alleen een kopregel en geen buurten")
    for col in frame.columns[1:]:
        frame[col] = frame[col].str.strip()
    rejections: list[Rejection] = []
    notes: list[str] = []
    indeling = _indeling(frame, rejections, notes)

    for col, prefix in (("bu_code", "BU"), ("wk_code", "WK"), ("gm_code", "GM")):
        bad = ~code_is_valid(frame[col], prefix)
        reject_rows(frame, bad, rejections,
                    lambda r, c=col, p=prefix: f"ongeldige code '{r[c]}' in kolom {c} "
                                               f"(verwacht {CODE_FORMAT_HINT[p]})")
    wrong_wijk = frame["wk_code"] != "WK" + frame["bu_code"].str[2:8]
    reject_rows(frame, wrong_wijk, rejections,
                lambda r: f"wk_code {r['wk_code']} hoort niet bij buurt {r['bu_code']} "
                          f"(verwacht WK{r['bu_code'][2:8]})")
    wrong_gm = frame["gm_code"] != "GM" + frame["bu_code"].str[2:6]
    reject_rows(frame, wrong_gm, rejections,
                lambda r: f"gm_code {r['gm_code']} hoort niet bij buurt {r['bu_code']} "
                          f"(verwacht GM{r['bu_code'][2:6]})")
    for col in ("bu_naam", "wk_naam", "gm_naam"):
        reject_rows(frame, frame[col] == "", rejections, f"naam ontbreekt in kolom {col}")
    reject_duplicates(frame, "bu_code", rejections)
    for code_col, name_col in (("wk_code", "wk_naam"), ("gm_code", "gm_naam")):
        first_name = frame.drop_duplicates(code_col).set_index(code_col)[name_col]
        differs = frame[name_col] != frame[code_col].map(first_name)
        reject_rows(frame, differs, rejections,
                    lambda r, c=code_col, n=name_col, first=first_name: f"{n} '{r[n]}' wijkt af van "
                                                                       f"'{first[r[c]]}' eerder in het bestand "
                                                                       f"voor {r[c]}")

    good = frame[~frame["_line"].isin({r.line for r in rejections})]
    gemeenten = good.drop_duplicates("gm_code")
    wijken = good.drop_duplicates("wk_code")
    areas = pd.concat([
        pd.DataFrame({"code": ["NL00"], "level": ["land"], "name": ["Nederland"], "parent_code": [None]}),
        pd.DataFrame({"code": gemeenten["gm_code"], "level": "gemeente", "name": gemeenten["gm_naam"],
                      "parent_code": "NL00"}),
        pd.DataFrame({"code": wijken["wk_code"], "level": "wijk", "name": wijken["wk_naam"],
                      "parent_code": wijken["gm_code"]}),
        pd.DataFrame({"code": good["bu_code"], "level": "buurt", "name": good["bu_naam"],
                      "parent_code": good["wk_code"]}),
    ], ignore_index=True)
    areas["indeling"] = indeling
    notes.append(f"indeling {indeling}: {len(gemeenten)} gemeenten, {len(wijken)} wijken, {len(good)} buurten")
    return Parsed(empty_observations(), rejections, areas=areas[AREA_COLUMNS], notes=notes)
