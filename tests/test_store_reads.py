"""The fast paths of the store's reads and writes give exactly what the plain pandas paths gave."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sqlalchemy import insert, select

from data_access import queries
from data_access.models import Area, ImportBatch, Indicator, Observation
from data_access.results import store


def _observations(engine) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        area = conn.execute(insert(Area).values(code="BU03630000", name="Testbuurt", level="buurt",
                                                parent_code="WK036300", indeling=2024).returning(Area.id)).scalar_one()
        batch = conn.execute(insert(ImportBatch).values(kind="levering", file_name="t.csv", sha256="0" * 64,
                                                          imported_by="test", status="geaccepteerd")
                             .returning(ImportBatch.id)).scalar_one()
        ids = conn.execute(select(Indicator.id).order_by(Indicator.sort_order).limit(3)).scalars().all()
        conn.execute(insert(Observation), [
            {"area_id": area, "indicator_id": ids[0], "period": "2024", "value": 12.5, "numerator": 5.0,
             "denominator": 40.0, "suppressed": False, "source": "CBS", "batch_id": batch},
            {"area_id": area, "indicator_id": ids[1], "period": "2024", "value": None, "numerator": None,
             "denominator": None, "suppressed": True, "source": "CBS", "batch_id": None},
        ])


def test_read_frame_equals_read_sql_with_booleans_missing_values_and_no_rows(engine):
    _observations(engine)
    every = queries._observation_select(None, None)
    # an outer join gives missing booleans and numbers (indicators without an observation)
    joined = select(Indicator.code, Indicator.public, Observation.suppressed, Observation.value,
                    Observation.batch_id).outerjoin(Observation, Observation.indicator_id == Indicator.id)
    nothing = queries._observation_select(["geen_indicator"], None)
    with engine.connect() as conn:
        for stmt in (every, joined, nothing):
            expected = pd.read_sql(stmt, conn)
            found = queries.read_frame(conn, stmt)
            pd.testing.assert_frame_equal(found, expected)
        read = queries.read_frame(conn, every).sort_values("suppressed")
        assert read["suppressed"].tolist() == [False, True]
        assert read["value"].iloc[0] == 12.5 and np.isnan(read["value"].iloc[1])
        assert queries.read_frame(conn, joined)["suppressed"].isna().sum() > 0


def test_frame_payload_writes_missing_values_as_null_and_keeps_every_type():
    frame = pd.DataFrame({"code": ["a", None], "n": [1, 2], "value": [np.nan, 2.5], "flag": [True, False],
                          "sources": [["A", "B"], []], "day": [pd.Timestamp("2024-03-01"), pd.NaT]})
    payload = json.loads(store.dumps(store.frame_payload(frame)))
    assert payload["columns"] == ["code", "n", "value", "flag", "sources", "day"]
    assert payload["index"] == [0, 1]
    assert payload["data"] == [["a", 1, None, True, ["A", "B"], "2024-03-01T00:00:00"],
                               [None, 2, 2.5, False, [], None]]
    strings = frame[["code"]]  # one block of text: pandas hands out a read-only view of it
    assert store.frame_payload(strings)["data"] == [["a"], [None]]
    back = store.frame_from(payload)
    assert back["n"].tolist() == [1, 2] and back["value"].isna().tolist() == [True, False]
