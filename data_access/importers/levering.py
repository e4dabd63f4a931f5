"""Generic delivery CSV for non-public data (insurers, municipalities, alliance partners, buurtnetwerken).

Columns: gebied (CBS code or programme slug), indicator, periode, teller, noemer, waarde, bron; optional
criticasters (for NPS: number of detractors; teller then holds the promoters and noemer the respondents).
";" or "," separated, decimal comma accepted, UTF-8 or Latin-1. A supplier cannot deliver public indicators
(CBS, RIVM, Vektis): only their own importers write them (see data_access/suppliers.py).
"""

from __future__ import annotations

import csv

import pandas as pd
from sqlalchemy import Connection, select

from data_access.importers.common import (
    FileRejected,
    Parsed,
    Rejection,
    check_line_endings,
    decode,
    numeric_column,
    read_table,
)
from data_access.models import Indicator

REQUIRED = ["gebied", "indicator", "periode", "teller", "noemer", "waarde", "bron"]
OPTIONAL = ["criticasters"]


def _delimiter(header_line: str) -> str:
    """';' or ','; any other separator (a tab, a pipe) is refused by name, and so are unknown columns."""
    if "\t" in header_line:
        raise FileRejected("regel 1: verkeerd scheidingsteken: tab; gebruik ';' of ','")
    for delimiter in (";", ","):
        try:
            columns = [c.strip().lower() for c in next(csv.reader([header_line], delimiter=delimiter))]
        except csv.Error as exc:
            raise FileRejected(f"regel 1: de kopregel is niet te lezen ({exc})") from exc
        if all(c in columns for c in REQUIRED):
            unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
            if unknown:
                shown = ", ".join(f"'{c[:40]}'" for c in unknown[:5]) + (" …" if len(unknown) > 5 else "")
                raise FileRejected(f"regel 1: onbekende kolommen ({len(unknown)}): {shown}; toegestaan zijn "
                                   f"{', '.join(REQUIRED + OPTIONAL)}")
            return delimiter
    if "|" in header_line:
        raise FileRejected("regel 1: verkeerd scheidingsteken '|'; gebruik ';' of ','")
    raise FileRejected(f"kolommen ontbreken of verkeerd scheidingsteken; verwacht: {';'.join(REQUIRED)}")


def parse(raw: bytes, conn: Connection | None = None, allow_public: bool = True) -> Parsed:
    """allow_public=False (a supplier's upload): public indicators are rejected per row.

    The transitieteam and the command line may write a public indicator this way (synthetic context for the demo
    and tests); it then replaces that key's public value rather than being added to it.
    """
    text = decode(raw, allow_latin1=True)
    check_line_endings(text)
    delimiter = _delimiter(text.split("\n", 1)[0].strip("\r"))
    frame = read_table(text, delimiter, REQUIRED, lowercase_headers=True, max_columns=len(REQUIRED + OPTIONAL))
    if frame.empty:
        raise FileRejected("het bestand heeft alleen een kopregel en geen gegevens")
    rejections: list[Rejection] = []
    for col in ("gebied", "indicator", "periode", "bron"):
        frame[col] = frame[col].str.strip()
    blank_source = frame["bron"] == ""
    for line in frame.loc[blank_source, "_line"]:
        rejections.append(Rejection(int(line), "bron ontbreekt"))
    blank_area = frame["gebied"] == ""
    for line in frame.loc[blank_area, "_line"]:
        rejections.append(Rejection(int(line), "gebied ontbreekt"))
    numbers = {col: numeric_column(frame, col, rejections, missing=("",), refuse_ambiguous=True)
               for col in ("teller", "noemer", "waarde")}
    detractors = (
        numeric_column(frame, "criticasters", rejections, missing=("",), refuse_ambiguous=True)
        if "criticasters" in frame.columns
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
    if conn is not None and not allow_public:
        public = set(conn.execute(select(Indicator.code).where(Indicator.public.is_(True))).scalars())
        for line, code in zip(obs["line"], obs["indicator"], strict=True):
            if code in public:
                rejections.append(Rejection(int(line), (
                    f"indicator '{code}' is openbaar (CBS, RIVM of Vektis) en wordt alleen door de import van die "
                    "bron geschreven, niet via een levering")))
    return Parsed(obs, rejections)
