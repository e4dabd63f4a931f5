"""Server-side sorting, filtering and paging for AG Grid's infinite row model.

A grid with `rowModelType="infinite"` asks for one block of rows at a time (`getRowsRequest`: startRow, endRow,
sortModel, filterModel); the server answers with that block and the number of rows after filtering
(`getRowsResponse`). So a page with 1,000 programme buurten sends the rows one screen shows, not all of them.
The filters mirror AG Grid's own text and number filters, so the grid behaves as it did with all rows in the browser.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

TEXT_TESTS: dict[str, Callable[[str, str], bool]] = {
    "contains": lambda v, f: f in v, "notContains": lambda v, f: f not in v, "equals": lambda v, f: v == f,
    "notEqual": lambda v, f: v != f, "startsWith": lambda v, f: v.startswith(f), "endsWith": lambda v, f: v.endswith(f),
}
NUMBER_TESTS: dict[str, Callable[[float, float], bool]] = {
    "equals": lambda v, f: v == f, "notEqual": lambda v, f: v != f, "lessThan": lambda v, f: v < f,
    "lessThanOrEqual": lambda v, f: v <= f, "greaterThan": lambda v, f: v > f,
    "greaterThanOrEqual": lambda v, f: v >= f,
}


def _blank(value: object) -> bool:
    return value is None or value == ""


def _condition(model: dict) -> Callable[[object], bool]:
    """One filter condition of AG Grid's text or number filter as a test on a cell value."""
    kind, test = model.get("filterType"), model.get("type") or ("contains" if model.get("filterType") == "text"
                                                                  else "equals")
    if test == "blank":
        return _blank
    if test == "notBlank":
        return lambda v: not _blank(v)
    if kind == "number":
        try:
            wanted = float(model.get("filter"))
            upper = float(model.get("filterTo")) if test == "inRange" else None
        except (TypeError, ValueError):
            return lambda _v: True  # an unfinished number filter filters nothing, as in the browser
        if test == "inRange":
            return lambda v: isinstance(v, int | float) and wanted <= v <= upper
        check = NUMBER_TESTS.get(test, NUMBER_TESTS["equals"])
        return lambda v: isinstance(v, int | float) and check(float(v), wanted)
    wanted = str(model.get("filter") or "").lower()
    check = TEXT_TESTS.get(test, TEXT_TESTS["contains"])
    return lambda v: check("" if v is None else str(v).lower(), wanted)


def _column_test(model: dict) -> Callable[[object], bool]:
    """A column's filter: one condition, or two or more joined by AND/OR."""
    conditions = model.get("conditions")
    if not conditions:
        return _condition(model)
    tests = [_condition(c) for c in conditions if isinstance(c, dict)]
    if str(model.get("operator", "AND")).upper() == "OR":
        return lambda v: any(t(v) for t in tests)
    return lambda v: all(t(v) for t in tests)


def filtered(rows: list[dict], filter_model: dict | None, allowed: set[str]) -> list[dict]:
    """Rows passing every column filter (only on the grid's own columns; unknown columns are ignored)."""
    for column, model in (filter_model or {}).items():
        if column in allowed and isinstance(model, dict):
            test = _column_test(model)
            rows = [r for r in rows if test(r.get(column))]
    return rows


def _sort_value(value: object) -> tuple:
    if isinstance(value, bool):
        return (0, int(value), "")
    if isinstance(value, int | float):
        return (0, value, "")
    return (0, 0, str(value).lower())


def sorted_rows(rows: list[dict], sort_model: list | None, allowed: set[str]) -> list[dict]:
    """Rows in the order of the sort model (first key first); empty cells last, as AG Grid puts them."""
    for spec in reversed([s for s in sort_model or [] if isinstance(s, dict) and s.get("colId") in allowed]):
        column, descending = spec["colId"], spec.get("sort") == "desc"
        present = [r for r in rows if not _blank(r.get(column))]
        empty = [r for r in rows if _blank(r.get(column))]
        rows = sorted(present, key=lambda r, c=column: _sort_value(r.get(c)), reverse=descending) + empty
    return rows


def _bounds(request: dict, block: int) -> tuple[int, int]:
    try:
        start = max(0, int(request.get("startRow") or 0))
        end = int(request.get("endRow") if request.get("endRow") is not None else start + block)
    except (TypeError, ValueError):
        start, end = 0, block
    return start, min(max(end, start), start + block)


def page(rows: list[dict], request: dict | None, allowed: set[str], block: int = 100) -> dict:
    """The block of rows AG Grid asked for, after the server has filtered and sorted all of them."""
    request = request or {}
    shown = sorted_rows(filtered(rows, request.get("filterModel"), allowed), request.get("sortModel"), allowed)
    start, end = _bounds(request, block)
    return {"rowData": shown[start:end], "rowCount": len(shown)}


# ---------------------------------------------------------------- the same on a DataFrame
# For tables of thousands of rows (the ~14,000 candidate buurten): filter and sort the columns in pandas and turn
# only the asked block into row dicts. Same rules as above: text filters on the lower-cased text (an empty cell is
# ""), number filters on numbers only, empty cells last in either direction, equal values keep their order.

NUMBER_MASKS: dict[str, Callable[[pd.Series, float], pd.Series]] = {
    "equals": lambda s, f: s.eq(f), "notEqual": lambda s, f: s.ne(f) & s.notna(), "lessThan": lambda s, f: s.lt(f),
    "lessThanOrEqual": lambda s, f: s.le(f), "greaterThan": lambda s, f: s.gt(f),
    "greaterThanOrEqual": lambda s, f: s.ge(f),
}
TEXT_MASKS: dict[str, Callable[[pd.Series, str], pd.Series]] = {
    "contains": lambda s, f: s.str.contains(f, regex=False),
    "notContains": lambda s, f: ~s.str.contains(f, regex=False),
    "equals": lambda s, f: s.eq(f), "notEqual": lambda s, f: s.ne(f), "startsWith": lambda s, f: s.str.startswith(f),
    "endsWith": lambda s, f: s.str.endswith(f),
}


def _blank_mask(values: pd.Series) -> pd.Series:
    return values.isna() | values.astype(object).eq("")


def _condition_mask(values: pd.Series, model: dict) -> pd.Series:
    """One condition of AG Grid's text or number filter as a boolean mask over a column."""
    kind, test = model.get("filterType"), model.get("type") or ("contains" if model.get("filterType") == "text"
                                                                  else "equals")
    if test == "blank":
        return _blank_mask(values)
    if test == "notBlank":
        return ~_blank_mask(values)
    if kind == "number":
        try:
            wanted = float(model.get("filter"))
            upper = float(model.get("filterTo")) if test == "inRange" else None
        except (TypeError, ValueError):
            return pd.Series(True, index=values.index)  # an unfinished number filter filters nothing
        numbers = pd.to_numeric(values, errors="coerce")
        if test == "inRange":
            return numbers.ge(wanted) & numbers.le(upper)
        return NUMBER_MASKS.get(test, NUMBER_MASKS["equals"])(numbers, wanted)
    texts = values.astype(object).where(values.notna(), "").astype(str).str.lower()
    return TEXT_MASKS.get(test, TEXT_MASKS["contains"])(texts, str(model.get("filter") or "").lower())


def _column_mask(values: pd.Series, model: dict) -> pd.Series:
    """A column's filter: one condition, or two or more joined by AND/OR."""
    if not model.get("conditions"):
        return _condition_mask(values, model)
    either = str(model.get("operator", "AND")).upper() == "OR"
    combined = pd.Series(not either, index=values.index)
    for condition in (c for c in model["conditions"] if isinstance(c, dict)):
        mask = _condition_mask(values, condition)
        combined = (combined | mask) if either else (combined & mask)
    return combined


def filtered_frame(frame: pd.DataFrame, filter_model: dict | None, allowed: set[str]) -> pd.DataFrame:
    """The rows passing every column filter (only on the grid's own columns; unknown columns are ignored)."""
    for column, model in (filter_model or {}).items():
        if column in allowed and column in frame.columns and isinstance(model, dict):
            frame = frame[_column_mask(frame[column], model).to_numpy(dtype=bool)]
    return frame


def _sort_key(values: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return values
    return values.astype(str).str.lower()


def sorted_frame(frame: pd.DataFrame, sort_model: list | None, allowed: set[str]) -> pd.DataFrame:
    """The rows in the order of the sort model (first key first); empty cells last, as AG Grid puts them."""
    for spec in reversed([s for s in sort_model or [] if isinstance(s, dict) and s.get("colId") in allowed]):
        column = spec["colId"]
        if column not in frame.columns:
            continue
        empty = _blank_mask(frame[column]).to_numpy(dtype=bool)
        present = frame[~empty].sort_values(column, ascending=spec.get("sort") != "desc", kind="stable",
                                            key=_sort_key)
        frame = pd.concat([present, frame[empty]])
    return frame


def frame_page(frame: pd.DataFrame, request: dict | None, allowed: set[str], block: int = 100
               ) -> tuple[pd.DataFrame, int]:
    """The block of rows AG Grid asked for and the number of rows after filtering, filtered and sorted in pandas."""
    request = request or {}
    shown = sorted_frame(filtered_frame(frame, request.get("filterModel"), allowed), request.get("sortModel"), allowed)
    start, end = _bounds(request, block)
    return shown.iloc[start:end], len(shown)
