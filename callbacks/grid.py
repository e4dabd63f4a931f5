"""Rows for dash-ag-grid tables: plain JSON values plus the Dutch texts of number columns.

A number column (`layouts.grid.num_col`) keeps the raw value (so sorting and filtering are numeric) and shows the
text that `layouts.formatting` made for it (field `<name>_nl`), so grids format numbers like the rest of the app.
"""

from __future__ import annotations

import math

import pandas as pd

from layouts.formatting import number

_PLAIN = (str, int, bool)  # JSON as they are: the common case first (1,000 rows × 26 fields per grid)


def _clean(value):  # noqa: ANN001, ANN202
    if type(value) in _PLAIN:
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if type(value) is float:
        return value
    if value is pd.NaT:
        return None
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def rows(frame: pd.DataFrame, decimals: dict[str, int] | None = None) -> list[dict]:
    """Records for rowData: plain JSON values plus `<field>_nl` texts for the given number columns."""
    decimals = decimals or {}
    out = []
    for record in frame.to_dict("records"):
        row = {k: _clean(v) for k, v in record.items() if not isinstance(v, list | dict)}
        for field, places in decimals.items():
            row[f"{field}_nl"] = number(row.get(field), places)
        out.append(row)
    return out
