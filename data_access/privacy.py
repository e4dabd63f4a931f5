"""Small-number protection: one function used by pages, API, CSV downloads and exports alike."""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 10
HIDDEN_COLUMNS = ("value", "numerator", "denominator", "detractors", "ci_low", "ci_high")


def suppression_reason(threshold: int) -> str:
    return f"te weinig personen (minder dan {threshold}) om te tonen"


def suppress_small_numbers(frame: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Hide values whose count or denominator is below the indicator's threshold; say why in `note`.

    Counts of people or events (count, percentage, NPS, rates per N) are checked on the numerator as well;
    means and hours per client only on the denominator (their numerator is not a number of people).
    Values a source already marked as suppressed stay hidden.
    """
    if frame.empty:
        return frame
    frame = frame.copy()
    cat = catalogue.set_index("code")
    threshold = frame["indicator"].map(cat["suppression_threshold"])
    kind = frame["indicator"].map(cat["kind"])
    unit = frame["indicator"].map(cat["unit"]).fillna("")
    has_t = threshold.notna()
    t = threshold.fillna(0)
    den_small = frame["denominator"].notna() & (frame["denominator"] < t)
    counts_people = kind.isin(["count", "percentage", "nps", "rate"]) & ~unit.str.startswith("uren")
    num = frame["numerator"].where(kind != "count", frame["value"])
    num_small = counts_people & num.notna() & (num > 0) & (num < t)
    hide = has_t & (den_small | num_small)
    already = frame["suppressed"].fillna(False).astype(bool)
    if "note" not in frame.columns:
        frame["note"] = ""
    frame["note"] = frame["note"].fillna("")
    frame.loc[hide, "note"] = [suppression_reason(int(v)) for v in t[hide]]
    frame.loc[already & ~hide & (frame["note"] == ""), "note"] = "onderdrukt door de bron"
    frame["suppressed"] = already | hide
    for col in HIDDEN_COLUMNS:
        if col in frame.columns:
            frame[col] = frame[col].astype("float64").where(~frame["suppressed"], np.nan)
    return frame
