"""The buurtbeeld profile as a stored result: the same figures as computed, one computation for every viewer."""

from __future__ import annotations

import pandas as pd
import pytest

from data_access import queries
from data_access.access import ANONYMOUS, Viewer
from data_access.profile import context_profile
from data_access.profile_store import KIND, area_profile, shareable
from data_access.results import store
from tests.test_pages_beeld import haarlem  # noqa: F401 — the fixture


def test_stored_profile_equals_the_computed_one_and_is_computed_once_for_all_viewers(haarlem):  # noqa: F811
    with haarlem.server.extensions["engine"].connect() as conn:
        area = queries.find_area(conn, "de-vijfhoek")
        catalogue = queries.indicators(conn)
        before = store.COMPUTED.get(KIND, 0)
        stored, _n, _reason = area_profile(conn, Viewer(role="transitieteam"), area, catalogue, 20)
        again, _n, _reason = area_profile(conn, ANONYMOUS, area, catalogue, 20)
        direct = context_profile(conn, ANONYMOUS, area, catalogue, [])
    assert store.COMPUTED.get(KIND, 0) - before == 1
    pd.testing.assert_frame_equal(again, stored)
    assert stored.set_index("indicator").at["uitkering_bijstand_per_100", "value"] == pytest.approx(
        direct.set_index("indicator").at["uitkering_bijstand_per_100", "value"])
    assert list(stored["cmp_nl"]) == list(direct["cmp_nl"])


def test_a_supplier_never_reads_the_shared_copy(haarlem):  # noqa: F811
    with haarlem.server.extensions["engine"].connect() as conn:
        catalogue = queries.indicators(conn)
    assert not shareable(Viewer(role="leverancier", supplier_source="CBS"), catalogue)


def test_a_non_public_context_indicator_makes_the_profile_per_viewer(haarlem):  # noqa: F811
    with haarlem.server.extensions["engine"].connect() as conn:
        catalogue = queries.indicators(conn)
    catalogue = catalogue.copy()
    context = catalogue["group"] == "context"
    first = catalogue.index[context][0]
    catalogue.loc[first, "public"] = False
    assert not shareable(ANONYMOUS, catalogue)


def test_a_cbs_area_profile_is_computed_not_stored(haarlem):  # noqa: F811
    with haarlem.server.extensions["engine"].connect() as conn:
        area = queries.find_area(conn, "BU03920105")
        before = store.COMPUTED.get(KIND, 0)
        area_profile(conn, ANONYMOUS, area, queries.indicators(conn), 20)
    assert store.COMPUTED.get(KIND, 0) == before
