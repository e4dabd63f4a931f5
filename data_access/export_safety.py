"""Spreadsheet-formula neutralisation for every CSV and XLSX the app hands out.

A text cell that starts with = + - @, a tab or a carriage return is run as a formula by Excel and LibreOffice
("CSV injection"); a leading single quote makes it plain text. Numbers stay numbers: only strings are touched.
(A shared helper may replace this one; the names `neutralise_cell`/`neutralise_frame` are the agreed ones.)
"""

from __future__ import annotations

import pandas as pd

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """A string that a spreadsheet would treat as a formula gets a leading quote; anything else is returned as is."""
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell (and column name) neutralised."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_cell)
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out
