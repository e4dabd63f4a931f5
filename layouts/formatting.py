"""Dutch number formatting (decimal comma, thousands dot), used by every page and table."""

from __future__ import annotations

import math


def number(value: float | None, decimals: int = 0, missing: str = "–") -> str:
    """12345.6 → '12.345,6'; None/NaN → missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percentage(value: float | None, decimals: int = 1, missing: str = "–") -> str:
    """12.34 → '12,3%'."""
    formatted = number(value, decimals, missing)
    return formatted if formatted == missing else f"{formatted}%"


def signed(value: float | None, decimals: int = 1, suffix: str = "", missing: str = "–") -> str:
    """Change with explicit sign: +1,2 / −3,4 (with a real minus sign)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    body = number(abs(value), decimals)
    return f"{'+' if value > 0 else '−' if value < 0 else '±'}{body}{suffix}"


LOCAL_TZ = "Europe/Amsterdam"


def date_nl(value, missing: str = "–") -> str:  # noqa: ANN001
    """A date as 23-11-2026."""
    import pandas as pd

    if value is None or (not hasattr(value, "year") and pd.isna(value)):
        return missing
    return pd.Timestamp(value).strftime("%d-%m-%Y")


def time_nl(value, seconds: bool = False, missing: str = "–") -> str:  # noqa: ANN001
    """A moment stored in UTC (naive, as the database keeps it) as Dutch local time: 23-11-2026 14:05.

    Every page prints times through this function, so none is one or two hours off in summer or winter."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import pandas as pd

    if value is None or (not isinstance(value, dt.datetime) and pd.isna(value)):
        return missing
    moment = pd.Timestamp(value).to_pydatetime()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(ZoneInfo(LOCAL_TZ))
    return local.strftime("%d-%m-%Y %H:%M:%S" if seconds else "%d-%m-%Y %H:%M")
