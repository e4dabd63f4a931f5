"""Server-side sorting, filtering and paging for AG Grid's infinite row model.

A grid with `rowModelType="infinite"` asks for one block of rows at a time (`getRowsRequest`: startRow, endRow,
sortModel, filterModel); the server answers with that block and the number of rows after filtering
(`getRowsResponse`). So a page with 1,000 programme buurten sends the rows one screen shows, not all of them.
The filters mirror AG Grid's own text and number filters, so the grid behaves as it did with all rows in the browser.
"""

from __future__ import annotations

from collections.abc import Callable

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


def page(rows: list[dict], request: dict | None, allowed: set[str], block: int = 100) -> dict:
    """The block of rows AG Grid asked for, after the server has filtered and sorted all of them."""
    request = request or {}
    shown = sorted_rows(filtered(rows, request.get("filterModel"), allowed), request.get("sortModel"), allowed)
    try:
        start = max(0, int(request.get("startRow") or 0))
        end = int(request.get("endRow") if request.get("endRow") is not None else start + block)
    except (TypeError, ValueError):
        start, end = 0, block
    end = min(max(end, start), start + block)
    return {"rowData": shown[start:end], "rowCount": len(shown)}
