"""The one import pipeline every source goes through: read, parse, validate, then commit all-or-nothing.

An importer module only turns file bytes into a frame of candidate observations (and, for area lists, areas);
everything that decides whether a file is accepted lives here, so every source obeys the same rules.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from data_access import periods
from data_access.models import Area, ImportBatch, Indicator, Observation, RejectedRow, utcnow

OBSERVATION_COLUMNS = [
    "line", "code", "indeling", "indicator", "period",
    "value", "numerator", "denominator", "detractors", "suppressed", "source",
]
AREA_COLUMNS = ["code", "indeling", "level", "name", "parent_code"]
MAX_STORED_CONTENT = 500
GZIP_MAGIC = b"\x1f\x8b"
MAX_UNPACKED = 512 * 1024 * 1024  # a whole-country GeoJSON is ~10 MB; anything this large is not ours


class FileRejected(Exception):
    """The whole file is unusable (empty, binary, wrong encoding or separator, missing columns)."""


@dataclass
class Rejection:
    line: int
    reason: str
    content: str = ""


@dataclass
class Parsed:
    """What an importer made of a file, before the shared validation."""

    observations: pd.DataFrame
    rejections: list[Rejection] = field(default_factory=list)
    areas: pd.DataFrame | None = None
    skipped: int = 0
    notes: list[str] = field(default_factory=list)
    geometries: list[tuple[str, int, str, bool]] = field(default_factory=list)


@dataclass
class ImportReport:
    batch_id: int | None
    kind: str
    file_name: str
    status: str  # geaccepteerd | afgewezen | ongewijzigd
    accepted: int
    rejections: list[Rejection]
    skipped: int = 0
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("geaccepteerd", "ongewijzigd")

    def summary(self) -> str:
        """A few readable lines for the CLI and the upload page."""
        lines = [f"{self.kind}: {self.file_name} — {self.status}", self.message] if self.message else [
            f"{self.kind}: {self.file_name} — {self.status}"
        ]
        lines.append(f"geaccepteerd: {self.accepted}, afgewezen: {len(self.rejections)}, overgeslagen: {self.skipped}")
        for r in self.rejections[:50]:
            lines.append(f"  regel {r.line}: {r.reason}")
        if len(self.rejections) > 50:
            lines.append(f"  … en nog {len(self.rejections) - 50} afgewezen regels (zie de importrapportage)")
        return "\n".join(lines)


def empty_observations() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in OBSERVATION_COLUMNS})


# ---------------------------------------------------------------- reading helpers shared by importers

def gunzip(raw: bytes) -> bytes:
    """Return the file bytes, decompressed when they start with the gzip magic bytes."""
    if not raw.startswith(GZIP_MAGIC):
        return raw
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as handle:
            data = handle.read(MAX_UNPACKED + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FileRejected(f"beschadigd gzip-bestand: {exc}") from exc
    if len(data) > MAX_UNPACKED:
        raise FileRejected("uitgepakt is het bestand groter dan 512 MB; dat is geen bestand van een bekende bron")
    return data


def decode(raw: bytes, allow_latin1: bool = False) -> str:
    """Decode file bytes, refusing empty, binary and UTF-16 files with a clear reason."""
    if not raw.strip():
        raise FileRejected("het bestand is leeg")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected("verkeerde codering: het bestand is UTF-16; sla het op als UTF-8 (CSV)")
    if b"\x00" in raw[:8192] or raw.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")):
        raise FileRejected("dit is geen tekstbestand (binair, Excel of PDF?); lever een CSV-bestand aan")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if allow_latin1:
            return raw.decode("cp1252", errors="strict") if _is_cp1252(raw) else raw.decode("latin-1")
        raise FileRejected(
            f"verkeerde codering: het bestand is geen UTF-8 (byte {exc.start}); sla het op als UTF-8"
        ) from exc


def _is_cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def read_table(text: str, delimiter: str, required: list[str], lowercase_headers: bool = False) -> pd.DataFrame:
    """Read delimited text as strings; check the header has the required columns (else wrong separator/format)."""
    first_line = text.split("\n", 1)[0]
    header = next(csv.reader([first_line], delimiter=delimiter))
    header = [h.strip() for h in header]
    if lowercase_headers:
        header = [h.lower() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        other = ";" if delimiter == "," else ","
        if len(header) == 1 and other in first_line:
            raise FileRejected(f"verkeerd scheidingsteken: verwacht '{delimiter}', het bestand gebruikt '{other}'")
        raise FileRejected(f"kolommen ontbreken: {', '.join(missing)}")
    frame = pd.read_csv(
        io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False,
        skipinitialspace=False, engine="c",
    )
    frame.columns = header
    frame.insert(0, "_line", range(2, len(frame) + 2))
    return frame


def parse_number(raw: str, missing: tuple[str, ...] = (".", "")) -> float | None:
    """Parse a number in CBS/Dutch style ("1,1", "2.1", "12.345,6"); None for missing; ValueError if malformed."""
    s = raw.strip()
    if s in missing:
        return None
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".")  # 12.345,6
    else:
        s = s.replace(",", ".")
    value = float(s)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(raw)
    return value


def numeric_column(frame: pd.DataFrame, column: str, rejections: list[Rejection],
                   missing: tuple[str, ...] = (".", "")) -> pd.Series:
    """Parse a whole column; every malformed cell becomes a rejection naming the line and column."""
    raw = frame[column].astype(str).str.strip()
    is_missing = raw.isin(missing)
    cleaned = raw.where(~(raw.str.contains(",", regex=False) & raw.str.contains(".", regex=False)),
                        raw.str.replace(".", "", regex=False))
    cleaned = cleaned.str.replace(",", ".", regex=False)
    values = pd.to_numeric(cleaned.where(~is_missing), errors="coerce")
    bad = values.isna() & ~is_missing
    bad |= values.abs().eq(float("inf"))
    for line, text in zip(frame.loc[bad, "_line"], raw[bad]):
        rejections.append(Rejection(int(line), f"ongeldig getal '{text}' in kolom {column}"))
    return values.where(~bad).astype("float64")


# ---------------------------------------------------------------- validation shared by all sources

def validate(obs: pd.DataFrame, indicators: pd.DataFrame, area_keys: set[tuple[str, int]],
             area_codes: set[str]) -> list[Rejection]:
    """Reject unknown references, impossible values and duplicate keys. Returns one rejection per bad row."""
    rejections: list[Rejection] = []
    if obs.empty:
        return rejections
    ind = indicators.set_index("code")

    def reject(mask: pd.Series, reason: Callable[[pd.Series], str] | str) -> None:
        for _, row in obs[mask].iterrows():
            rejections.append(Rejection(int(row["line"]), reason(row) if callable(reason) else reason))

    known_ind = obs["indicator"].isin(ind.index)
    reject(~known_ind, lambda r: f"onbekende indicator '{r['indicator']}'")
    has_indeling = obs["indeling"].notna()
    keys = list(zip(obs["code"], obs["indeling"].fillna(-1).astype(int)))
    known_area = pd.Series(
        [(k in area_keys) if hi else (k[0] in area_codes) for k, hi in zip(keys, has_indeling)], index=obs.index
    )
    reject(~known_area, lambda r: f"onbekend gebied '{r['code']}'")
    valid_period = obs["period"].map(periods.is_valid)
    reject(~valid_period, lambda r: f"ongeldige periode '{r['period']}' (verwacht bv. 2023, 2025-Q2 of 2025-B3)")

    ok = known_ind & known_area & valid_period
    kinds = obs["indicator"].map(ind["kind"])
    val, num, den, det = (obs[c].astype("float64") for c in ("value", "numerator", "denominator", "detractors"))
    not_nps = kinds != "nps"
    reject(ok & not_nps & (val < 0), lambda r: f"negatieve waarde {r['value']:g} kan niet voor '{r['indicator']}'")
    reject(ok & (num < 0), "negatieve teller")
    reject(ok & (den < 0), "negatieve noemer")
    reject(ok & (det < 0), "negatief aantal criticasters")
    reject(ok & (kinds == "percentage") & (val > 100), lambda r: f"percentage boven 100 ({r['value']:g})")
    reject(ok & (kinds == "nps") & ((val < -100) | (val > 100)), "NPS buiten -100..100")
    reject(ok & kinds.isin(["percentage", "nps"]) & (num > den), "teller groter dan noemer")
    reject(ok & (kinds == "nps") & (num + det.fillna(0) > den), "promotors plus criticasters groter dan noemer")

    dup = obs.duplicated(["code", "indeling", "indicator", "period"], keep="first") & ok
    if dup.any():
        first_line = (
            obs[~obs.duplicated(["code", "indeling", "indicator", "period"], keep="first")]
            .set_index(["code", "indeling", "indicator", "period"])["line"]
        )
        for _, row in obs[dup].iterrows():
            other = first_line.get((row["code"], row["indeling"], row["indicator"], row["period"]), "?")
            rejections.append(Rejection(int(row["line"]),
                                        f"dubbele sleutel {row['code']}/{row['indicator']}/{row['period']} "
                                        f"(ook op regel {other})"))
    return rejections


def derive_values(obs: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Fill a missing value from numerator and denominator (ratio of sums), using the indicator's scale."""
    if obs.empty:
        return obs
    ind = indicators.set_index("code")
    kinds = obs["indicator"].map(ind["kind"])
    per = obs["indicator"].map(ind["per"]).fillna(1.0)
    num, den = obs["numerator"].astype("float64"), obs["denominator"].astype("float64")
    det = obs["detractors"].astype("float64").fillna(0)
    scale = pd.Series(1.0, index=obs.index).where(~kinds.isin(["percentage", "nps"]), 100.0)
    scale = scale.where(kinds != "rate", per)
    computed = ((num - det.where(kinds == "nps", 0)) / den.where(den > 0)) * scale
    computed = computed.where(kinds != "count", num)
    obs = obs.copy()
    obs["value"] = obs["value"].astype("float64").fillna(computed)
    return obs


# ---------------------------------------------------------------- the pipeline

def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def load_indicators(conn: Connection) -> pd.DataFrame:
    return pd.read_sql(select(Indicator.id, Indicator.code, Indicator.kind, Indicator.per), conn)


def run_import(engine: Engine, kind: str, path: str | Path, parser: Callable[[bytes, Connection], Parsed],
               user: str = "cli", file_name: str | None = None, batch_id: int | None = None) -> ImportReport:
    """Import one file: identical files are recognised, any rejected row rejects the whole file.

    batch_id: an import_batch row with status 'bezig' made beforehand (the upload page polls it while the
    import runs); it is filled in instead of a new row.
    """
    path = Path(path)
    file_name = file_name or path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ImportReport(None, kind, file_name, "afgewezen", 0,
                            [Rejection(0, f"bestand niet te lezen: {exc.strerror or exc}")])
    digest = sha256_of(raw)
    with engine.connect() as conn:
        already = conn.execute(
            select(ImportBatch.id).where(ImportBatch.sha256 == digest, ImportBatch.kind == kind,
                                         ImportBatch.status == "geaccepteerd")
        ).first()
        if already:
            report = ImportReport(None, kind, file_name, "ongewijzigd", 0, [],
                                  message=f"dit bestand is al geïmporteerd (import {already.id}); niets gewijzigd")
            report.batch_id = _record_batch(engine, kind, file_name, digest, user, report, batch_id)
            return report
        try:
            parsed = parser(raw, conn)
        except FileRejected as exc:
            parsed = Parsed(empty_observations(), [Rejection(0, str(exc))])
        indicators = load_indicators(conn)
        area_keys, area_codes = _known_areas(conn, parsed.areas)
    obs = parsed.observations
    rejections = list(parsed.rejections)
    rejected_lines = {r.line for r in rejections}
    if not obs.empty and rejected_lines:
        obs = obs[~obs["line"].isin(rejected_lines)]
    rejections += validate(obs, indicators, area_keys, area_codes)
    if rejections:
        rejections.sort(key=lambda r: (r.line, r.reason))
        report = ImportReport(None, kind, file_name, "afgewezen", 0, rejections, parsed.skipped,
                              message="het bestand is afgewezen; er is niets opgeslagen")
        report.batch_id = _record_batch(engine, kind, file_name, digest, user, report, batch_id)
        return report
    obs = derive_values(obs, indicators)
    with engine.begin() as conn:
        batch = _insert_batch(conn, kind, file_name, digest, user, batch_id)
        if parsed.areas is not None and not parsed.areas.empty:
            upsert_areas(conn, parsed.areas)
        area_ids = area_id_lookup(conn)
        if parsed.geometries:
            _write_geometries(conn, parsed.geometries, area_ids, batch)
        written = write_observations(conn, obs, indicators, area_ids, batch)
        accepted = written + (len(parsed.areas) if parsed.areas is not None else 0) + len(parsed.geometries)
        message = "; ".join(parsed.notes)
        conn.execute(
            ImportBatch.__table__.update().where(ImportBatch.id == batch).values(
                status="geaccepteerd", rows_accepted=accepted, rows_skipped=parsed.skipped,
                finished_at=utcnow(), message=message,
            )
        )
    return ImportReport(batch, kind, file_name, "geaccepteerd", accepted, [], parsed.skipped, message)


def _known_areas(conn: Connection, new_areas: pd.DataFrame | None) -> tuple[set[tuple[str, int]], set[str]]:
    rows = conn.execute(select(Area.code, Area.indeling)).all()
    keys = {(c, int(i)) for c, i in rows}
    if new_areas is not None and not new_areas.empty:
        keys |= {(c, int(i)) for c, i in zip(new_areas["code"], new_areas["indeling"])}
    return keys, {c for c, _ in keys}


def _insert_batch(conn: Connection, kind: str, file_name: str, digest: str, user: str,
                  batch_id: int | None = None) -> int:
    if batch_id is not None:  # a row made beforehand by the upload page
        conn.execute(ImportBatch.__table__.update().where(ImportBatch.id == batch_id).values(
            kind=kind, file_name=file_name[:300], sha256=digest, imported_by=user, status="bezig"))
        return batch_id
    return conn.execute(
        ImportBatch.__table__.insert().values(
            kind=kind, file_name=file_name[:300], sha256=digest, imported_by=user, started_at=utcnow(),
            status="bezig", rows_accepted=0, rows_rejected=0, rows_skipped=0, message="",
        ).returning(ImportBatch.id)
    ).scalar_one()


def _record_batch(engine: Engine, kind: str, file_name: str, digest: str, user: str,
                  report: ImportReport, batch_id: int | None = None) -> int:
    """Write the batch and its rejected rows in a transaction of their own (no observations)."""
    with engine.begin() as conn:
        batch = _insert_batch(conn, kind, file_name, digest, user, batch_id)
        conn.execute(
            ImportBatch.__table__.update().where(ImportBatch.id == batch).values(
                status=report.status, rows_rejected=len(report.rejections), rows_skipped=report.skipped,
                finished_at=utcnow(), message=report.message,
            )
        )
        if report.rejections:
            conn.execute(RejectedRow.__table__.insert(), [
                {"batch_id": batch, "line": r.line, "reason": r.reason, "content": r.content[:MAX_STORED_CONTENT]}
                for r in report.rejections
            ])
    return batch


def _dialect_insert(conn: Connection, table):  # noqa: ANN001, ANN202
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def upsert_areas(conn: Connection, areas: pd.DataFrame) -> None:
    """Insert areas, or update name and parent of an existing (code, indeling)."""
    table = Area.__table__
    records = areas[AREA_COLUMNS].astype(object).where(areas[AREA_COLUMNS].notna(), None).to_dict("records")
    stmt = _dialect_insert(conn, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["code", "indeling"],
        set_={"name": stmt.excluded.name, "parent_code": stmt.excluded.parent_code, "level": stmt.excluded.level},
    )
    for start in range(0, len(records), 5000):
        conn.execute(stmt, records[start:start + 5000])


def area_id_lookup(conn: Connection) -> pd.DataFrame:
    """All areas with id, code and indeling; the latest indeling of a code is flagged for code-only references."""
    frame = pd.read_sql(select(Area.id, Area.code, Area.indeling), conn)
    frame["latest"] = frame["indeling"] == frame.groupby("code")["indeling"].transform("max")
    return frame


def write_observations(conn: Connection, obs: pd.DataFrame, indicators: pd.DataFrame,
                       area_ids: pd.DataFrame, batch: int) -> int:
    """Upsert observations keyed by (area, indicator, period); a newer delivery replaces an older value."""
    if obs.empty:
        return 0
    exact = obs[obs["indeling"].notna()].merge(
        area_ids[["id", "code", "indeling"]].rename(columns={"id": "area_id"}),
        on=["code", "indeling"], how="left",
    )
    by_code = obs[obs["indeling"].isna()].merge(
        area_ids.loc[area_ids["latest"], ["id", "code"]].rename(columns={"id": "area_id"}), on="code", how="left",
    )
    frame = pd.concat([exact, by_code], ignore_index=True)
    frame["indicator_id"] = frame["indicator"].map(indicators.set_index("code")["id"])
    frame["batch_id"] = batch
    frame["suppressed"] = frame["suppressed"].fillna(False).astype(bool)
    columns = ["area_id", "indicator_id", "period", "value", "numerator", "denominator", "detractors",
               "suppressed", "source", "batch_id"]
    out = frame[columns].astype(object)
    out = out.where(frame[columns].notna(), None)
    for col in ("area_id", "indicator_id", "batch_id"):
        out[col] = frame[col].astype(int)
    records = out.to_dict("records")
    table = Observation.__table__
    stmt = _dialect_insert(conn, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["area_id", "indicator_id", "period"],
        set_={c: getattr(stmt.excluded, c) for c in
              ("value", "numerator", "denominator", "detractors", "suppressed", "source", "batch_id")},
    )
    for start in range(0, len(records), 20000):
        conn.execute(stmt, records[start:start + 20000])
    return len(records)


def _write_geometries(conn: Connection, geometries: list[tuple[str, int, str, bool]], area_ids: pd.DataFrame,
                      batch: int) -> None:
    from data_access.models import AreaGeometry

    ids = {(c, int(i)): a for a, c, i in zip(area_ids["id"], area_ids["code"], area_ids["indeling"])}
    records = [
        {"area_id": ids[(code, indeling)], "geojson": geojson, "reconstructed": reconstructed, "batch_id": batch}
        for code, indeling, geojson, reconstructed in geometries
    ]
    stmt = _dialect_insert(conn, AreaGeometry.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["area_id"],
        set_={"geojson": stmt.excluded.geojson, "reconstructed": stmt.excluded.reconstructed,
              "batch_id": stmt.excluded.batch_id},
    )
    for start in range(0, len(records), 2000):
        conn.execute(stmt, records[start:start + 2000])
