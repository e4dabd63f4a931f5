"""Spreadsheet-safe downloads: text cells that a spreadsheet would run as a formula are neutralised (OWASP).

Every CSV (and any XLSX) the app offers goes through `safe_frame` or `safe_csv`. A text cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return (or their full-width forms, which some spreadsheets read too) gets a
leading single quote, so `=HYPERLINK(...)` in a supplier's `bron` is shown as text instead of being run. Only text
cells change: numbers, also negative ones, stay numbers.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: object) -> object:
    """The value, with a leading `'` when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralised (numeric columns are left as they are); headers too."""
    out = frame.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_datetime64_any_dtype(out[col])):
            out[col] = out[col].map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out


def safe_csv(frame: pd.DataFrame, **to_csv_args) -> str:  # noqa: ANN003
    """`frame.to_csv(...)` of the neutralised frame."""
    return safe_frame(frame).to_csv(**to_csv_args)
