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
    means and hours per client only on the denominator (their numerator is not a number of people). A numerator
    of 0 over a small denominator is hidden (the denominator decides); NPS detractors are checked like promotors.
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
    # NPS: a handful of detractors is as telling as a handful of promotors (value = promotors − detractors)
    det = frame["detractors"] if "detractors" in frame.columns else pd.Series(np.nan, index=frame.index)
    det_small = (kind == "nps") & det.notna() & (det > 0) & (det < t)
    hide = has_t & (den_small | num_small | det_small)
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


SECONDARY_NOTE = "verborgen om herleiding te voorkomen"


def _size(row: pd.Series) -> float:
    """How many people a part stands for: its denominator, else its count."""
    for col in ("denominator", "numerator", "value"):
        value = row.get(col)
        if value is not None and not pd.isna(value):
            return float(value)
    return 0.0


def secondary_suppression(raw: pd.DataFrame, groups: pd.DataFrame, catalogue: pd.DataFrame,
                          max_passes: int = 10) -> set[tuple[str, str, str]]:
    """Parts that must be hidden too, so that no hidden value follows from a total minus its other parts.

    raw: observations of totals and parts with their stored (unsuppressed) counts and a boolean `hidden`
    (primary suppression); columns area, indicator, period, value, numerator, denominator, hidden.
    groups: one row per (total, part) pair of area codes (a programme buurt and its members, a wijk and its
    buurten, a gemeente and its wijken). Only non-public indicators with a threshold are considered.
    In every group whose total is shown and whose parts are all delivered, hidden parts are topped up with
    the smallest shown parts until at least two are hidden and together they count at least the threshold.
    Totals are never hidden here (they are what the dashboard is about). Groups share parts (a buurt in a
    programme buurt and in its wijk), so this repeats until nothing changes.
    Returns (area, indicator, period) keys.
    """
    if raw.empty or groups.empty:
        return set()
    cat = catalogue.set_index("code")
    nonpublic = set(cat.index[~cat["public"].astype(bool) & cat["suppression_threshold"].notna()])
    raw = raw[raw["indicator"].isin(nonpublic)]
    if raw.empty:
        return set()
    rows = {(r.area, r.indicator, r.period): r for r in raw.itertuples(index=False)}
    parts_of = groups.groupby("total")["part"].apply(lambda s: sorted(set(s))).to_dict()
    keys = sorted({(ind, per) for _, ind, per in rows})
    hidden = {k for k, r in rows.items() if bool(r.hidden)}
    extra: set[tuple[str, str, str]] = set()
    for _ in range(max_passes):
        changed = False
        for total, parts in parts_of.items():
            for ind, per in keys:
                top = rows.get((total, ind, per))
                if top is None or (total, ind, per) in hidden or pd.isna(top.value):
                    continue
                present = [p for p in parts if (p, ind, per) in rows]
                if len(present) < len(parts):
                    continue  # a part is missing: the total minus the others does not isolate one part
                gone = [p for p in present if (p, ind, per) in hidden]
                if not gone:
                    continue
                threshold = float(cat.at[ind, "suppression_threshold"])
                shown = sorted((p for p in present if (p, ind, per) not in hidden),
                               key=lambda p: (_size(rows[(p, ind, per)]._asdict()), p))
                hidden_size = sum(_size(rows[(p, ind, per)]._asdict()) for p in gone)
                while shown and (len(gone) < 2 or hidden_size < threshold):
                    pick = shown.pop(0)
                    key = (pick, ind, per)
                    hidden.add(key)
                    extra.add(key)
                    gone.append(pick)
                    hidden_size += _size(rows[key]._asdict())
                    changed = True
        if not changed:
            break
    return extra


def hide_keys(frame: pd.DataFrame, keys: set[tuple[str, str, str]], note: str = SECONDARY_NOTE) -> pd.DataFrame:
    """Hide the values of the given (area, indicator, period) rows, saying why in `note`."""
    if frame.empty or not keys:
        return frame
    mask = pd.Series([(a, i, p) in keys for a, i, p in zip(frame["area"], frame["indicator"], frame["period"],
                                                             strict=True)], index=frame.index)
    mask &= ~frame["suppressed"].astype(bool)
    if not mask.any():
        return frame
    frame = frame.copy()
    for col in HIDDEN_COLUMNS:
        if col in frame.columns:
            frame[col] = frame[col].astype("float64").where(~mask, np.nan)
    frame.loc[mask, "suppressed"] = True
    frame.loc[mask, "note"] = note
    return frame
