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
