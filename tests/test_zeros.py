"""Zeros, empty groups, single values and missing periods never crash a computation (issue 15).

The KPI test delivery (tests/test_kpi_service.py) is varied: De Vijfhoek reports 0 consults in the newest period
(the `math.log(0)` crash of the landed KPI), a zero denominator, only one period, every other period missing,
or nothing at all. Every service and the refresh run on each variant; the affected figure says why it has no
value and Kleverpark-Zuid's figures are unaffected.
"""

from __future__ import annotations

import numpy as np
import pytest

from data_access import best_practices, kpi_service, learning, menukaart, results, transitie
from data_access.importers import import_file
from tests.conftest import write_csv
from tests.test_kpi_service import PERIODS, TRANSITIE, _delivery, _gebieden

NEWEST = PERIODS[-1]


def _zero_numerator(lines: list[str]) -> list[str]:
    return [line.replace(line.split(";")[3], "0", 1) if line.startswith(f"BU03920105;ha_consulten_per_patient;"
                                                                         f"{NEWEST};") else line for line in lines]


def _zero_denominator(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        parts = line.split(";")
        if parts[:3] == ["BU03920105", "wvpk_uren_per_client", NEWEST]:
            parts[4] = "0"
        out.append(";".join(parts))
    return out


def _single_period(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.startswith("BU03920105;") or f";{PERIODS[0]};" in line]


def _gaps(lines: list[str]) -> list[str]:
    dropped = set(PERIODS[1::2])
    return [line for line in lines if not line.startswith("BU03920105;") or line.split(";")[2] not in dropped]


def _nothing(lines: list[str]) -> list[str]:
    return lines[:1]


VARIANTS = {"zero_numerator": _zero_numerator, "zero_denominator": _zero_denominator,
            "single_period": _single_period, "gaps": _gaps, "nothing": _nothing}


def _load(engine, tmp_path, change) -> None:  # noqa: ANN001
    assert import_file(engine, "gebieden", write_csv(tmp_path / "g.csv", _gebieden())).ok
    lines = change(_delivery(np.random.default_rng(5)).strip().split("\n"))
    if len(lines) > 1:
        report = import_file(engine, "levering", write_csv(tmp_path / "l.csv", "\n".join(lines) + "\n"))
        assert report.ok, report.summary()


def _everything(engine) -> dict:  # noqa: ANN001
    """Every service on the store; returns Kleverpark-Zuid's KPI results and De Vijfhoek's."""
    assert results.refresh(engine) is True
    with engine.connect() as conn:
        out = {slug: {r["indicator"]: r for r in kpi_service.buurt_kpi(conn, slug, TRANSITIE)}
               for slug in ("de-vijfhoek", "kleverpark-zuid")}
        kpi_service.programme_kpi(conn, TRANSITIE)
        kpi_service.kpi_overview(conn, TRANSITIE)
        kpi_service.buurt_kpi(conn, "de-vijfhoek", TRANSITIE, comparison="gemeente")
        for indicator in ("wvpk_uren_per_client", "ha_consulten_per_patient"):
            learning.learning_network(conn, TRANSITIE, indicator)
            best_practices.stored_proposals(conn, indicator, TRANSITIE)
            best_practices.evidence(conn, "de-vijfhoek", indicator, viewer=TRANSITIE)
            best_practices.stored_evidence(conn, "de-vijfhoek", indicator, TRANSITIE)
            menukaart.stored_outcome_changes(conn, indicator, TRANSITIE)
        transitie.programme_overview(conn)
    return out


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, template_db):
    """Kleverpark-Zuid's KPI on the unchanged delivery (SQLite is enough for a reference value)."""
    import shutil

    from data_access.db import make_engine
    from data_access.seed import sync_programme

    if template_db.startswith("tmpl_"):  # PostgreSQL template: a reference on SQLite is not needed there
        return None
    tmp = tmp_path_factory.mktemp("baseline")
    shutil.copy(template_db, tmp / "b.db")
    engine = make_engine(f"sqlite:///{tmp / 'b.db'}")
    with engine.begin() as conn:
        sync_programme(conn)
    _load(engine, tmp, lambda lines: lines)
    out = _everything(engine)["kleverpark-zuid"]
    engine.dispose()
    return out


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_service_survives_and_other_buurten_are_unaffected(variant, engine, tmp_path, baseline):
    from data_access.seed import sync_programme

    with engine.begin() as conn:
        sync_programme(conn)
    _load(engine, tmp_path, VARIANTS[variant])
    out = _everything(engine)
    vijfhoek = out["de-vijfhoek"]
    if variant == "zero_numerator":
        consults = vijfhoek["ha_consulten_per_patient"]
        assert consults["relative_effect"] is None
        assert consults["reason"].startswith("waarde 0 in")
    if variant == "nothing":
        assert all(r["status"] == "nog_niet_bekend" for r in vijfhoek.values())
    if variant != "nothing" and baseline is not None:
        assert out["kleverpark-zuid"]["wvpk_uren_per_client"]["relative_effect"] == pytest.approx(
            baseline["wvpk_uren_per_client"]["relative_effect"])


def test_pooled_values_of_all_groups_at_once_equal_pooled_value_per_group():
    # the comparison table pools hundreds of (indicator, period) groups in one groupby; each equals the rule per group
    # (ratio of sums when every area has counts and the denominator is positive, else the median), zeros included
    import pandas as pd

    from data_access.outcome_compare import pooled_value, pooled_values

    cat = pd.DataFrame({"kind": ["percentage", "rate", "mean"], "per": [None, 1000.0, None]},
                       index=pd.Index(["pct", "rate", "mean"], name="code"))
    rows = []
    for indicator in cat.index:
        for period, numerators, denominators in (
                ("2025-B1", [1, 2, 3, 4, 5], [10, 20, 30, 40, 50]),
                ("2025-B2", [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]),  # zero denominators: the median
                ("2025-B3", [1, None, 3, 4, 5], [10, 20, 30, 40, 50]),  # a missing count: the median
                ("2025-B4", [0, 0, 0, 0, 0], [5, 6, 7, 8, 9])):
            for i, (num, den) in enumerate(zip(numerators, denominators, strict=True)):
                value = None if num is None or not den else num / den * 100
                rows.append({"indicator": indicator, "period": period, "area": f"BU{i}", "numerator": num,
                             "denominator": den, "value": value if value is not None else 7.0 + i})
    obs = pd.DataFrame(rows)
    pooled = pooled_values(obs, cat).set_index(["indicator", "period"])
    for (indicator, period), group in obs.groupby(["indicator", "period"]):
        expected = pooled_value(group, cat.at[indicator, "kind"], cat.at[indicator, "per"])
        assert pooled.at[(indicator, period), "value"] == pytest.approx(expected), (indicator, period)
        assert pooled.at[(indicator, period), "n"] == 5


def test_a_storys_evidence_is_its_buurts_rows_of_the_stored_proposals_and_follows_every_delivery(engine, tmp_path):
    import pandas as pd

    from data_access.results import store
    from data_access.seed import sync_programme

    with engine.begin() as conn:
        sync_programme(conn)
    _load(engine, tmp_path, lambda lines: lines)
    assert results.refresh(engine)  # stores the default indicator's proposals ahead
    indicator = "wvpk_uren_per_client"

    def read() -> tuple[pd.DataFrame, pd.DataFrame, int]:
        with engine.connect() as conn:
            alone = best_practices.evidence(conn, "de-vijfhoek", indicator, viewer=TRANSITIE)
            before = store.COMPUTED.get("proposals", 0)
            stored = best_practices.stored_evidence(conn, "de-vijfhoek", indicator, TRANSITIE)
        return alone, stored, store.COMPUTED.get("proposals", 0) - before

    alone, stored, computed = read()
    assert computed == 0  # the story's chart computes nothing after a refresh
    assert not alone.empty and set(stored["target"]) == {"de-vijfhoek"}
    pd.testing.assert_frame_equal(stored, alone.reset_index(drop=True), check_dtype=False)
    assert stored.attrs["baseline"] == alone.attrs["baseline"] is not None
    # a delivery of the indicator: the refresh rebuilds the proposals, the story shows the new figures at once
    assert import_file(engine, "levering", write_csv(tmp_path / "n.csv", "gebied;indicator;periode;teller;noemer;"
                                                     "waarde;bron\nBU03920105;wvpk_uren_per_client;2026-B5;9000;"
                                                     "40;;Verzekeraar A\n")).ok
    assert results.refresh(engine)
    after_alone, after, computed = read()
    assert computed == 0
    pd.testing.assert_frame_equal(after, after_alone.reset_index(drop=True), check_dtype=False)
    assert not after.equals(stored)
