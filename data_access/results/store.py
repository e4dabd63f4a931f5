"""The results tables: read and write derived results (JSON) tagged with the store version they came from.

Pages read the newest stored row of a kind and key; the refresh (data_access.results.refresh) replaces them. A
result that no refresh has stored yet (a rarely asked indicator, a supplier's own view) is computed on first
request and stored, so the next request and every other worker read it; the next refresh drops it again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from data_access.db import dialect_insert, writer_engine
from data_access.models import DerivedResult, ImportBatch, ProgrammeMember, RecordVersion, RefreshState, utcnow

log = logging.getLogger(__name__)


def store_version(conn: Connection) -> str:
    """Changes whenever data is imported, the programme's member areas change or the buurtnetwerk saves a record
    (one query)."""
    # members by content (which area in which buurt), not by row id: the start re-writes identical member rows
    member_sum = func.sum(ProgrammeMember.programme_id * 1_000_003 + ProgrammeMember.area_id)
    row = conn.execute(select(
        select(func.max(ImportBatch.id)).scalar_subquery(),
        select(func.count(ProgrammeMember.id)).scalar_subquery(),
        select(member_sum).scalar_subquery(),
        select(func.max(RecordVersion.id)).scalar_subquery(),
    )).one()
    return ":".join("-" if v is None else str(v) for v in row)


# ---------------------------------------------------------------- JSON


def _plain(value: Any) -> Any:  # noqa: ANN401
    """JSON-safe copy: numpy scalars to Python, NaN/inf to None, dates to ISO text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return value.isoformat()
    if value is pd.NaT or value is pd.NA:
        return None
    return value


def _native(value: Any) -> Any:  # noqa: ANN401
    """`json.dumps`'s hook for what it cannot write itself (numpy scalars and arrays, dates, pandas' missing)."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | np.ndarray):
        return value.tolist()
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return value.isoformat()
    if value is pd.NaT or value is pd.NA:
        return None
    raise TypeError(type(value).__name__)


def dumps(payload: Any) -> str:  # noqa: ANN401
    """JSON text of a payload, NaN/inf written as null. Written directly when it holds no NaN (the common case:
    copying a 1,000-buurt payload value by value first cost seconds per refresh), else via `_plain`."""
    try:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_native)
    except (ValueError, TypeError):
        return json.dumps(_plain(payload), ensure_ascii=False, separators=(",", ":"))


def frame_payload(frame: pd.DataFrame) -> dict:
    """A DataFrame as JSON-safe dict (index, columns, rows)."""
    data = frame.to_numpy(dtype=object, copy=True)  # one conversion, not a frame copy per step (5x faster)
    data[frame.isna().to_numpy()] = None  # missing as None, for `dumps`
    return {"index": [_plain(i) for i in frame.index], "index_name": frame.index.name,
            "columns": [str(c) for c in frame.columns], "data": data.tolist()}


def frame_from(payload: dict) -> pd.DataFrame:
    frame = pd.DataFrame(payload["data"], columns=payload["columns"], index=payload["index"])
    frame.index.name = payload.get("index_name")
    return frame.infer_objects()


# ---------------------------------------------------------------- rows


COMPUTED: dict[str, int] = {}  # computations per kind in this process (tests: a second worker computes nothing)


def counted(kind: str) -> None:
    COMPUTED[kind] = COMPUTED.get(kind, 0) + 1


def _usable(conn: Connection, rows: list[tuple[str, dt.datetime | None]]) -> bool:
    """Stored rows (store version, computed at) are served when they were computed from the store as it is; when
    the last completed refresh brought the store's version and they were there by then (it drops or rewrites every
    row its changes affect, so a row it kept is current though it carries the version it was computed from: no
    rewrite of ~10,000 rows per refresh); or while a refresh is bringing them up to date (pages keep the previous
    figures). A row computed from an older store and written after that refresh is not served."""
    if not rows:
        return False
    current = store_version(conn)
    if all(version == current for version, _ in rows):
        return True
    state = conn.execute(select(RefreshState.holder, RefreshState.store_version, RefreshState.refreshed_at)
                         .where(RefreshState.id == 1)).first()
    if state is None:
        return False
    if state.holder is not None:
        return True
    return state.store_version == current and state.refreshed_at is not None and all(
        version == current or (at is not None and at <= state.refreshed_at) for version, at in rows)


def read(conn: Connection, kind: str, key: str = "") -> Any | None:  # noqa: ANN401
    """The stored payload of one result; None when none is stored or it is stale with no refresh running."""
    row = conn.execute(select(DerivedResult.payload, DerivedResult.store_version, DerivedResult.computed_at)
                       .where(DerivedResult.kind == kind, DerivedResult.key == key)).first()
    if row is None or not _usable(conn, [(row.store_version, row.computed_at)]):
        return None
    return json.loads(row.payload)


def read_many(conn: Connection, kind: str, keys: list[str] | None = None) -> dict[str, Any]:
    """Payloads of a kind by key (all keys, or the given ones); empty when stale with no refresh running."""
    stmt = select(DerivedResult.key, DerivedResult.payload, DerivedResult.store_version, DerivedResult.computed_at) \
        .where(DerivedResult.kind == kind)
    if keys is not None:
        stmt = stmt.where(DerivedResult.key.in_(keys))
    rows = conn.execute(stmt).all()
    if not _usable(conn, list({(r.store_version, r.computed_at) for r in rows})):
        return {}
    return {r.key: json.loads(r.payload) for r in rows}


def write_many(conn: Connection, kind: str, rows: dict[str, Any], version: str, replace_kind: bool = False) -> None:
    """Store payloads of one kind (in the caller's transaction): replace the given keys, or the whole kind.

    An upsert, so a result another request or worker stored meanwhile (a first view computing it while the
    refresh writes it) is overwritten instead of failing the transaction on the unique key."""
    if replace_kind:
        conn.execute(delete(DerivedResult).where(DerivedResult.kind == kind))
    now = utcnow()
    values = [{"kind": kind, "key": k, "store_version": version, "computed_at": now, "payload": dumps(p)}
              for k, p in rows.items()]
    stmt = dialect_insert(conn, DerivedResult.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["kind", "key"],
        set_={"store_version": stmt.excluded.store_version, "computed_at": stmt.excluded.computed_at,
              "payload": stmt.excluded.payload})
    for start in range(0, len(values), 500):
        conn.execute(stmt, values[start:start + 500])


def keep(engine: Engine, rows_by_kind: dict[str, dict[str, Any]], version: str, replace_kind: bool = False) -> None:
    """Store results computed on a request, on their own connection; a failure (lock timeout, deadlock victim) is
    logged, not raised: the request already has its figures, and the next request or the refresh stores them."""
    try:
        with writer_engine(engine).begin() as writer:
            for kind, rows in rows_by_kind.items():
                write_many(writer, kind, rows, version, replace_kind)
    except (DBAPIError, PoolTimeout):
        log.warning("Berekend resultaat niet bewaard (%s); het volgende verzoek probeert het opnieuw",
                    ", ".join(rows_by_kind), exc_info=True)


def drop_kinds(conn: Connection, kinds: list[str]) -> None:
    conn.execute(delete(DerivedResult).where(DerivedResult.kind.in_(kinds)))


# Parsed copies of large stored rows (the peer table: ~14,000 buurten), keyed by the row's id, version and write
# time. Every write sets a new write time, so a parsed copy is exact, never stale, and the same in every worker; it
# only saves parsing the JSON again. Callers treat it as read-only.
_PARSED: dict[tuple[str, str], tuple[tuple, Any]] = {}


def parsed_if_stored(conn: Connection, kind: str, key: str, parse: Callable[[Any], Any]) -> Any | None:  # noqa: ANN401
    """`parse` of the stored row (parsed only once per process), or None when none is stored or it is stale."""
    row = conn.execute(select(DerivedResult.id, DerivedResult.store_version, DerivedResult.computed_at)
                       .where(DerivedResult.kind == kind, DerivedResult.key == key)).first()
    if row is None or not _usable(conn, [(row.store_version, row.computed_at)]):
        return None
    held = _PARSED.get((kind, key))
    if held is not None and held[0] == tuple(row):
        return held[1]
    text = conn.execute(select(DerivedResult.payload).where(DerivedResult.id == row.id)).scalar()
    if text is None:
        return None
    parsed = parse(json.loads(text))
    _PARSED[(kind, key)] = (tuple(row), parsed)
    return parsed


def read_parsed(conn: Connection, kind: str, key: str, parse: Callable[[Any], Any],
                compute: Callable[[], Any]) -> Any:  # noqa: ANN401
    """`parse(get_or_compute(...))`, parsing a stored row only once per process."""
    found = parsed_if_stored(conn, kind, key, parse)
    return found if found is not None else parse(get_or_compute(conn, kind, key, compute))


def get_or_compute(conn: Connection, kind: str, key: str, compute: Callable[[], Any]) -> Any:  # noqa: ANN401
    """The stored payload, or (first request) the computed one, stored for every later request and worker.

    The computing request writes on its own connection, so the reader's transaction stays read-only."""
    found = read(conn, kind, key)
    if found is not None:
        return found
    version = store_version(conn)
    payload = json.loads(dumps(compute()))
    counted(kind)
    keep(conn.engine, {kind: {key: payload}}, version)
    return payload


# ---------------------------------------------------------------- state


def state(conn: Connection) -> dict:
    """When the stored results were last brought up to date, and whether a refresh runs now."""
    row = conn.execute(select(RefreshState.refreshed_at, RefreshState.store_version, RefreshState.holder,
                              RefreshState.step).where(RefreshState.id == 1)).first()
    if row is None:
        return {"refreshed_at": None, "store_version": None, "running": False, "step": ""}
    return {"refreshed_at": row.refreshed_at, "store_version": row.store_version,
            "running": row.holder is not None, "step": row.step or ""}


def mark_refreshed(engine: Engine, version: str) -> None:
    """Every stored row is now current (`_usable`): rows the refresh did not touch did not depend on the changes;
    they keep the version they were computed from."""
    with engine.begin() as conn:
        conn.execute(update(RefreshState).where(RefreshState.id == 1)
                     .values(store_version=version, refreshed_at=utcnow()))
