"""Periods of observations: years ("2023"), quarters ("2025-Q2") and bimonthly review periods ("2025-B3").

B1 = Jan–Feb … B6 = Nov–Dec: the buurtnetwerk reviews its dashboard every two months.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>[QB])(?P<n>\d))?$")
_MAX = {"Q": 4, "B": 6}
_MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def parse(period: str) -> tuple[int, str, int]:
    """Return (year, kind, number) with kind "Y", "Q" or "B"; raise ValueError with a Dutch message."""
    if isinstance(period, str):
        return _parse(period)
    raise ValueError(f"onbekende periode '{period}' (verwacht bv. 2023, 2025-Q2 of 2025-B3)")


@functools.lru_cache(maxsize=4096)
def _parse(period: str) -> tuple[int, str, int]:
    """`parse` of a string, memoised: pages sort thousands of rows by a few dozen distinct periods."""
    match = _PATTERN.match(period.strip())
    if not match:
        raise ValueError(f"onbekende periode '{period}' (verwacht bv. 2023, 2025-Q2 of 2025-B3)")
    year = int(match["year"])
    if not 1990 <= year <= 2100:
        raise ValueError(f"onmogelijk jaar in periode '{period}'")
    kind = match["kind"] or "Y"
    number = int(match["n"] or 0)
    if kind != "Y" and not 1 <= number <= _MAX[kind]:
        raise ValueError(f"onbekende periode '{period}': {kind}{number} bestaat niet")
    return year, kind, number


def is_valid(period: str) -> bool:
    try:
        parse(period)
    except ValueError:
        return False
    return True


def start_date(period: str) -> dt.date:
    """First day of the period."""
    year, kind, n = parse(period)
    month = {"Y": 1, "Q": 3 * (n - 1) + 1, "B": 2 * (n - 1) + 1}[kind]
    return dt.date(year, month, 1)


def sort_key(period: str) -> tuple[int, int]:
    """Chronological key (by start month) that mixes kinds sensibly."""
    if isinstance(period, str):
        return _sort_key(period)
    d = start_date(period)
    return d.year, d.month


@functools.lru_cache(maxsize=4096)
def _sort_key(period: str) -> tuple[int, int]:
    d = start_date(period)
    return d.year, d.month


def year_of(period: str) -> int:
    return parse(period)[0]


def bimonthly(date: dt.date) -> str:
    """The bimonthly period a date falls in."""
    return f"{date.year}-B{(date.month - 1) // 2 + 1}"


def bimonthly_range(first: str, last: str) -> list[str]:
    """All bimonthly periods from first to last inclusive."""
    y, kind, n = parse(first)
    ly, lkind, ln = parse(last)
    if kind != "B" or lkind != "B":
        raise ValueError("bimonthly_range verwacht tweemaandelijkse perioden")
    out = []
    while (y, n) <= (ly, ln):
        out.append(f"{y}-B{n}")
        n += 1
        if n > 6:
            y, n = y + 1, 1
    return out


def last_delivered(today: dt.date | None = None) -> str:
    """The newest bimonthly period that should have been delivered: deliveries lag one period
    (on 23 Nov 2026 that is 2026-B5)."""
    return previous(bimonthly(today or dt.date.today()))


def previous(period: str) -> str:
    """The period just before, of the same kind."""
    y, kind, n = parse(period)
    if kind == "Y":
        return str(y - 1)
    if n == 1:
        return f"{y - 1}-{kind}{_MAX[kind]}"
    return f"{y}-{kind}{n - 1}"


def label(period: str) -> str:
    """Dutch label: '2023', '2e kwartaal 2025', 'mei–jun 2025'."""
    y, kind, n = parse(period)
    if kind == "Y":
        return str(y)
    if kind == "Q":
        return f"{n}e kwartaal {y}"
    return f"{_MONTHS[2 * n - 2]}–{_MONTHS[2 * n - 1]} {y}"
