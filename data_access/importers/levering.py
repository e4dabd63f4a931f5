"""Generic delivery CSV for non-public data (insurers, municipalities, alliance partners, buurtnetwerken).

Columns: gebied (CBS code or programme slug), indicator, periode, teller, noemer, waarde, bron; optional
criticasters (for NPS: number of detractors; teller then holds the promoters and noemer the respondents).
";" or "," separated, decimal comma accepted, UTF-8 or Latin-1.
"""

from __future__ import annotations

import csv

import pandas as pd
from sqlalchemy import Connection

from data_access.importers.common import FileRejected, Parsed, Rejection, decode, numeric_column, read_table

REQUIRED = ["gebied", "indicator", "periode", "teller", "noemer", "waarde", "bron"]


def _delimiter(header_line: str) -> str:
    for delimiter in (";", ",", "\t"):
        columns = [c.strip().lower() for c in next(csv.reader([header_line], delimiter=delimiter))]
        if all(c in columns for c in REQUIRED):
            return delimiter
    if "\t" in header_line:
        raise FileRejected("verkeerd scheidingsteken: tab; gebruik ';' of ','")
    raise FileRejected(f"kolommen ontbreken of verkeerd scheidingsteken; verwacht: {';'.join(REQUIRED)}")


def parse(raw: bytes, conn: Connection | None = None) -> Parsed:
    text = decode(raw, allow_latin1=True)
    delimiter = _delimiter(text.split("\n", 1)[0].strip("\r"))
    frame = read_table(text, delimiter, REQUIRED, lowercase_headers=True)
    rejections: list[Rejection] = []
    for col in ("gebied", "indicator", "periode", "bron"):
        frame[col] = frame[col].str.strip()
    blank_source = frame["bron"] == ""
    for line in frame.loc[blank_source, "_line"]:
        rejections.append(Rejection(int(line), "bron ontbreekt"))
    blank_area = frame["gebied"] == ""
    for line in frame.loc[blank_area, "_line"]:
        rejections.append(Rejection(int(line), "gebied ontbreekt"))
    numbers = {col: numeric_column(frame, col, rejections, missing=("",)) for col in ("teller", "noemer", "waarde")}
    detractors = (
        numeric_column(frame, "criticasters", rejections, missing=("",)) if "criticasters" in frame.columns
        else pd.Series(float("nan"), index=frame.index)
    )
    nothing = numbers["teller"].isna() & numbers["noemer"].isna() & numbers["waarde"].isna()
    bad_cells = {r.line for r in rejections}
    for line in frame.loc[nothing & ~frame["_line"].isin(bad_cells), "_line"]:
        rejections.append(Rejection(int(line), "geen waarde, teller of noemer"))
    obs = pd.DataFrame({
        "line": frame["_line"],
        "code": frame["gebied"].str.upper().where(frame["gebied"].str.match(r"^(?i:bu|wk|gm|nl)\d"),
                                                    frame["gebied"].str.lower()),
        "indeling": pd.Series(pd.NA, index=frame.index, dtype="Int64"),
        "indicator": frame["indicator"],
        "period": frame["periode"].str.upper(),
        "value": numbers["waarde"],
        "numerator": numbers["teller"],
        "denominator": numbers["noemer"],
        "detractors": detractors,
        "suppressed": False,
        "source": frame["bron"],
    })
    return Parsed(obs, rejections)
