"""The one import pipeline every source goes through: read, parse, validate, then commit all-or-nothing.

An importer module only turns file bytes into a frame of candidate observations (and, for area lists, areas);
everything that decides whether a file is accepted lives here, so every source obeys the same rules.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import math
import os
import re
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, and_, exists, func, literal, or_, select, update

from data_access import periods
from data_access.db import dialect_insert
from data_access.models import (
    Area,
    ImportBatch,
    ImportLock,
    Indicator,
    Observation,
    ObservationHistory,
    ObservationStaging,
    RejectedRow,
    utcnow,
)

OBSERVATION_COLUMNS = [
    "line", "code", "indeling", "indicator", "period",
    "value", "numerator", "denominator", "detractors", "suppressed", "source",
]
AREA_COLUMNS = ["code", "indeling", "level", "name", "parent_code"]
MAX_STORED_CONTENT = 500
GZIP_MAGIC = b"\x1f\x8b"
MAX_UNPACKED = 512 * 1024 * 1024  # a whole-country GeoJSON is ~10 MB; anything this large is not ours
# The one size limit for a file to import, on the upload page (Flask MAX_CONTENT_LENGTH) and on the command line.
MAX_UPLOAD_MB = float(os.environ.get("MAX_UPLOAD_MB", "50") or 50)  # the same variable as dashboard/config.py
MAX_UPLOAD_BYTES = int(MAX_UPLOAD_MB * 1024 * 1024)
MAX_STORED_REJECTIONS = 1000  # a report keeps the first rejected rows and the total count, not half a million rows
MAX_COLUMNS = 50  # a delivery has 8 columns; thousands of columns are an attack or a broken export
# Text columns of an observation and their column widths in the store: longer values are rejected per row.
TEXT_LIMITS = {"code": 40, "indicator": 60, "period": 10, "source": 100}
VALUE_COLUMNS = ("value", "numerator", "denominator", "detractors", "suppressed")
LOCK_STALE_AFTER = dt.timedelta(minutes=30)  # a lock this old (without heartbeat) belongs to a stopped process
LOCK_WAIT = dt.timedelta(hours=2)
STAGE_CHUNK = 20000


class FileRejected(Exception):
    """The whole file is unusable (empty, binary, wrong encoding or separator, missing columns).

    A message that starts with "regel N: " names the line where the file went wrong.
    """


def file_rejection(exc: FileRejected) -> Rejection:
    """The rejection of a whole file, on the line its message names (else line 0: the file as such)."""
    match = re.match(r"regel (\d+): (.*)", str(exc), re.DOTALL)
    return Rejection(int(match[1]), match[2]) if match else Rejection(0, str(exc))


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
    changed: int = 0  # stored values this import corrected (kept in observation_history)

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
            lines.append(f"  … en nog {len(self.rejections) - 50} regels afgewezen (zie de importrapportage)")
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


def check_line_endings(text: str) -> None:
    """Refuse a file whose lines end in a bare CR (old Mac exports): every line would run into the next."""
    head = text[:65536]
    if "\r" in head and "\n" not in head.rstrip("\r\n"):
        raise FileRejected("regel 1: de regels eindigen op alleen CR (oude Mac-opmaak), zodat het hele bestand één "
                           "regel lijkt; sla het op met gewone regeleinden (Windows CRLF of LF)")


def parser_error_message(exc: Exception) -> str:
    """The pandas/csv parser's complaint in Dutch, with the line number of the file (the header is line 1)."""
    text = str(exc)
    if match := re.search(r"EOF inside string starting at row (\d+)", text):
        return (f"regel {int(match[1]) + 1}: een aanhalingsteken (\") wordt geopend maar niet gesloten; "
                "controleer de aanhalingstekens op die regel")
    if match := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text):
        return (f"regel {match[2]}: {match[3]} kolommen, terwijl de kopregel er {match[1]} heeft "
                "(een scheidingsteken te veel, of een waarde met een scheidingsteken zonder aanhalingstekens?)")
    return f"het bestand is geen geldig CSV-bestand ({text.splitlines()[-1] if text else type(exc).__name__})"


def read_table(text: str, delimiter: str, required: list[str], lowercase_headers: bool = False,
               max_columns: int = 2000) -> pd.DataFrame:
    """Read delimited text as strings; check the header has the required columns (else wrong separator/format).

    Every way a file can be malformed (bare-CR line endings, an unbalanced quote, a row with more fields than the
    header) becomes a FileRejected naming the line, never a parser traceback.
    """
    check_line_endings(text)
    first_line = text.split("\n", 1)[0].rstrip("\r")
    try:
        header = next(csv.reader([first_line], delimiter=delimiter))
    except (csv.Error, StopIteration) as exc:
        raise FileRejected(f"regel 1: de kopregel is niet te lezen ({exc})") from exc
    if len(header) > max_columns:
        raise FileRejected(f"regel 1: {len(header)} kolommen; dit bestandstype heeft er hooguit {max_columns}")
    header = [h.strip() for h in header]
    if lowercase_headers:
        header = [h.lower() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        other = ";" if delimiter == "," else ","
        if len(header) == 1 and other in first_line:
            raise FileRejected(f"verkeerd scheidingsteken: verwacht '{delimiter}', het bestand gebruikt '{other}'")
        raise FileRejected(f"kolommen ontbreken: {', '.join(missing)}")
    second_line = text.split("\n", 2)[1].rstrip("\r") if text.count("\n") >= 1 else ""
    if second_line and '"' not in second_line:  # pandas would silently take surplus first-row fields as an index
        fields = second_line.count(delimiter) + 1
        if fields > len(header):
            raise FileRejected(f"regel 2: {fields} kolommen, terwijl de kopregel er {len(header)} heeft "
                               "(een scheidingsteken te veel, of een waarde met een scheidingsteken zonder "
                               "aanhalingstekens?)")
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False,
            skipinitialspace=False, engine="c",
        )
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise FileRejected(parser_error_message(exc)) from exc
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


AMBIGUOUS_NUMBER = r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$"


def numeric_column(frame: pd.DataFrame, column: str, rejections: list[Rejection],
                   missing: tuple[str, ...] = (".", ""), refuse_ambiguous: bool = False) -> pd.Series:
    """Parse a whole column; every malformed cell becomes a rejection naming the line and column.

    refuse_ambiguous: "1.250" or "1,250" reads as 1.25 (decimal separator) or 1250 (thousands separator); a
    delivery format that accepts both separators cannot tell, so such a cell is rejected, saying both readings.
    """
    raw = frame[column].astype(str).str.strip()
    is_missing = raw.isin(missing)
    if refuse_ambiguous:
        ambiguous = raw.str.match(AMBIGUOUS_NUMBER)
        for line, text in zip(frame.loc[ambiguous, "_line"], raw[ambiguous], strict=True):
            whole, decimal = text.replace(",", ".").split(".")
            short = decimal.rstrip("0") or "0"
            rejections.append(Rejection(int(line), (
                f"getal '{text}' in kolom {column} is dubbelzinnig: {whole},{decimal} of {whole}{decimal}? "
                f"schrijf {whole}{decimal} zonder scheidingsteken voor duizendtallen, of {whole},{short} "
                "als decimaal getal")))
        is_missing = is_missing | ambiguous
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
             area_codes: set[str], today: dt.date | None = None, check_consistency: bool = False) -> list[Rejection]:
    """Reject unknown references, impossible values and duplicate keys. Returns one rejection per bad row.

    check_consistency (deliveries): a `waarde` must follow from `teller`/`noemer` (beyond rounding), and the same
    key may come once per source. Not for public files: CBS publishes counts rounded to fives beside exact
    percentages, and a public file has one figure per key.
    """
    rejections: list[Rejection] = []
    if obs.empty:
        return rejections
    ind = indicators.set_index("code")

    def reject(mask: pd.Series, reason: Callable[[pd.Series], str] | str) -> None:
        for _, row in obs[mask].iterrows():
            rejections.append(Rejection(int(row["line"]), reason(row) if callable(reason) else reason))

    too_long = pd.Series(False, index=obs.index)
    for column, limit in TEXT_LIMITS.items():
        lengths = obs[column].fillna("").astype(str).str.len()
        over = lengths > limit
        reject(over, lambda r, c=column, n=limit: f"{DUTCH_COLUMN[c]} is langer dan {n} tekens "
                                                  f"({len(str(r[c]))} tekens)")
        too_long |= over
    known_ind = obs["indicator"].isin(ind.index)
    reject(~known_ind & ~too_long, lambda r: f"onbekende indicator '{r['indicator']}'")
    has_indeling = obs["indeling"].notna()
    keys = list(zip(obs["code"], obs["indeling"].fillna(-1).astype(int)))
    known_area = pd.Series(
        [(k in area_keys) if hi else (k[0] in area_codes) for k, hi in zip(keys, has_indeling)], index=obs.index
    )
    reject(~known_area & ~too_long, lambda r: f"onbekend gebied '{r['code']}'")
    valid_period = obs["period"].map(periods.is_valid)
    reject(~valid_period & ~too_long,
           lambda r: f"ongeldige periode '{r['period']}' (verwacht bv. 2023, 2025-Q2 of 2025-B3)")
    first_day = (today or dt.date.today())
    future = valid_period & obs["period"].map(lambda p: periods.is_valid(p) and periods.start_date(p) > first_day)
    reject(future & ~too_long, lambda r: f"periode '{r['period']}' ligt na de huidige periode")

    ok = known_ind & known_area & valid_period & ~future & ~too_long
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
    computed = derive_values(obs.assign(value=float("nan")), indicators)["value"].astype("float64")
    tolerance = (computed.abs() * 0.01).clip(lower=0.5) + 1e-9
    inconsistent = ok & val.notna() & computed.notna() & ((val - computed).abs() > tolerance) & check_consistency
    reject(inconsistent, lambda r: (
        f"waarde {r['value']:g} past niet bij teller {r['numerator']:g} en noemer {r['denominator']:g} "
        f"(dat geeft {computed[r.name]:.4g}); laat de waarde leeg of corrigeer haar"))

    # a delivery may carry several sources side by side; a public file has one figure per key
    key = ["code", "indeling", "indicator", "period"] + (["source"] if check_consistency else [])
    dup = obs.duplicated(key, keep="first") & ok
    if dup.any():
        first_line = obs[~obs.duplicated(key, keep="first")].set_index(key)["line"]
        for _, row in obs[dup].iterrows():
            other = first_line.get(tuple(row[k] for k in key), "?")
            rejections.append(Rejection(int(row["line"]),
                                        f"dubbele sleutel {row['code']}/{row['indicator']}/{row['period']} "
                                        f"(ook op regel {other})"))
    return rejections


DUTCH_COLUMN = {"code": "gebied", "indicator": "indicator", "period": "periode", "source": "bron"}


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


def open_delivery(engine: Engine, path: str | Path, kind: str, file_name: str, user: str, batch_id: int | None,
                  on_done: Callable[[Connection, ImportReport], None] | None) -> tuple[bytes, str] | ImportReport:
    """Read a delivered file (bytes and SHA-256), or the final report when it goes no further: unreadable, too
    large (recorded as a rejected batch) or the user's own newest import again (recorded as unchanged)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise FileRejected(f"het bestand is {size / 1024 / 1024:.1f} MB; de grens is {MAX_UPLOAD_MB:g} MB")
        raw = path.read_bytes()
    except OSError as exc:
        return ImportReport(None, kind, file_name, "afgewezen", 0,
                            [Rejection(0, f"bestand niet te lezen: {exc.strerror or exc}")])
    except FileRejected as exc:
        report = ImportReport(None, kind, file_name, "afgewezen", 0, [Rejection(0, str(exc))],
                              message="het bestand is afgewezen; er is niets opgeslagen")
        report.batch_id = _record_batch(engine, kind, file_name, "", user, report, batch_id, on_done)
        return report
    digest = sha256_of(raw)
    with engine.connect() as conn:
        if _same_as_newest_import(conn, digest, kind, user):
            report = ImportReport(None, kind, file_name, "ongewijzigd", 0, [],
                                  message="u heeft dit bestand zojuist al geïmporteerd; niets gewijzigd")
            report.batch_id = _record_batch(engine, kind, file_name, digest, user, report, batch_id, on_done)
            return report
    return raw, digest


def run_import(engine: Engine, kind: str, path: str | Path, parser: Callable[[bytes, Connection], Parsed],
               user: str = "cli", file_name: str | None = None, batch_id: int | None = None,
               on_done: Callable[[Connection, ImportReport], None] | None = None) -> ImportReport:
    """Import one file: any rejected row rejects the whole file; accepted rows are compared with what is stored.

    A value that differs from the stored one (same area, indicator, period and source) replaces it and the old
    one is kept in observation_history; resending an older file therefore applies it again. Only when the newest
    accepted import of all is this user's own import of the very same file is the comparison skipped: nothing
    can have changed since, and the message reveals nothing about other users' imports.
    batch_id: an import_batch row with status 'bezig' made beforehand (the upload page polls it while the
    import runs); it is filled in instead of a new row.
    on_done: called in the transaction that gives the batch its final status (e.g. to write the audit event), so
    whoever sees the status also sees what on_done wrote.
    """
    file_name = file_name or Path(path).name
    opened = open_delivery(engine, path, kind, file_name, user, batch_id, on_done)
    if isinstance(opened, ImportReport):
        return opened
    raw, digest = opened
    with engine.connect() as conn:
        try:
            parsed = parser(raw, conn)
        except FileRejected as exc:
            parsed = Parsed(empty_observations(), [file_rejection(exc)])
        indicators = load_indicators(conn)
        area_keys, area_codes = _known_areas(conn, parsed.areas)
    obs = parsed.observations
    rejections = list(parsed.rejections)
    rejected_lines = {r.line for r in rejections}
    if not obs.empty and rejected_lines:
        obs = obs[~obs["line"].isin(rejected_lines)]
    rejections += validate(obs, indicators, area_keys, area_codes, check_consistency=kind == "levering")
    if rejections:
        rejections.sort(key=lambda r: (r.line, r.reason))
        report = ImportReport(None, kind, file_name, "afgewezen", 0, rejections, parsed.skipped,
                              message="het bestand is afgewezen; er is niets opgeslagen")
        report.batch_id = _record_batch(engine, kind, file_name, digest, user, report, batch_id, on_done)
        return report
    obs = derive_values(obs, indicators)
    with import_lock(engine, f"{user} ({file_name})"[:200]):
        return _write(engine, kind, file_name, digest, user, batch_id, parsed, obs, indicators, on_done)


def _same_as_newest_import(conn: Connection, digest: str, kind: str, user: str) -> bool:
    newest = conn.execute(
        select(ImportBatch.sha256, ImportBatch.kind, ImportBatch.imported_by)
        .where(ImportBatch.status == "geaccepteerd").order_by(ImportBatch.id.desc()).limit(1)
    ).first()
    return newest is not None and tuple(newest) == (digest, kind, user)


def _write(engine: Engine, kind: str, file_name: str, digest: str, user: str, batch_id: int | None,
           parsed: Parsed, obs: pd.DataFrame, indicators: pd.DataFrame,
           on_done: Callable[[Connection, ImportReport], None] | None = None) -> ImportReport:
    """Stage the rows in short transactions, then apply them in one transaction (all or nothing).

    Staging keeps the long part (moving a million rows from Python into the database) out of the transaction
    that takes SQLite's write lock, so a login or an edit during a large import waits seconds, not minutes.
    A file that also brings areas is staged inside the final transaction (its rows refer to the new areas).
    """
    with engine.begin() as conn:
        batch = _insert_batch(conn, kind, file_name, digest, user, batch_id)
    has_areas = (parsed.areas is not None and not parsed.areas.empty) or bool(parsed.geometries)
    try:
        if not has_areas and not obs.empty:
            with engine.connect() as conn:
                frame = observation_records(obs, indicators, area_id_lookup(conn), batch)
            for start in range(0, len(frame), STAGE_CHUNK):
                with engine.begin() as conn:
                    _stage(conn, frame[start:start + STAGE_CHUNK])
                    _heartbeat(conn)
        with engine.begin() as conn:
            # the first statement writes, so SQLite takes the write lock at once (and waits for it politely)
            conn.execute(update(ImportBatch).where(ImportBatch.id == batch).values(message="wordt verwerkt"))
            if parsed.areas is not None and not parsed.areas.empty:
                upsert_areas(conn, parsed.areas)
            if has_areas:
                area_ids = area_id_lookup(conn)
                if parsed.geometries:
                    _write_geometries(conn, parsed.geometries, area_ids, batch)
                if not obs.empty:
                    _stage(conn, observation_records(obs, indicators, area_id_lookup(conn), batch))
            counts = apply_staged(conn, batch, user, replace_other_sources=kind != "levering")
            written = counts["new"] + counts["changed"]
            accepted = len(obs) + (len(parsed.areas) if parsed.areas is not None else 0) + len(parsed.geometries)
            notes = list(parsed.notes)
            if not obs.empty:
                notes.insert(0, f"{counts['new']} nieuw, {counts['changed']} gecorrigeerd (oude waarden bewaard), "
                                f"{counts['same']} ongewijzigd")
            status = "geaccepteerd" if written or has_areas or obs.empty else "ongewijzigd"
            message = "; ".join(notes)
            conn.execute(
                ImportBatch.__table__.update().where(ImportBatch.id == batch).values(
                    status=status, rows_accepted=accepted, rows_skipped=parsed.skipped,
                    finished_at=utcnow(), message=message,
                )
            )
            report = ImportReport(batch, kind, file_name, status, accepted, [], parsed.skipped, message,
                                  counts["changed"])
            if on_done is not None:
                on_done(conn, report)
    except BaseException as exc:
        with engine.begin() as conn:  # nothing of this batch stays behind; the report says it failed
            conn.execute(ObservationStaging.__table__.delete().where(ObservationStaging.batch_id == batch))
            conn.execute(update(ImportBatch).where(ImportBatch.id == batch).values(
                status="mislukt", finished_at=utcnow(),
                message=f"de import is mislukt ({type(exc).__name__}); er is niets opgeslagen"))
        raise
    with engine.begin() as conn:  # after the swap: deleting 1M staged rows need not hold up other writers
        conn.execute(ObservationStaging.__table__.delete().where(ObservationStaging.batch_id == batch))
    return report


# ---------------------------------------------------------------- serialising imports

class ImportBusy(Exception):
    """Another import held the lock for longer than we are willing to wait."""


class import_lock:  # noqa: N801 — used as `with import_lock(engine, holder):`
    """Imports run one after the other: the lock row is taken with a conditional UPDATE (works on both databases).

    A holder refreshes `since` while it works; a lock whose holder has been silent for LOCK_STALE_AFTER belongs to
    a process that was killed and is taken over.
    """

    def __init__(self, engine: Engine, holder: str, wait: dt.timedelta = LOCK_WAIT):
        self.engine, self.wait = engine, wait
        self.holder = f"{holder} #{uuid.uuid4().hex[:8]}"

    def __enter__(self) -> import_lock:
        deadline = time.monotonic() + self.wait.total_seconds()
        delay = 0.05
        with self.engine.begin() as conn:  # the migration makes the row; a schema made otherwise gets it here
            if conn.execute(select(ImportLock.name).where(ImportLock.name == "import")).first() is None:
                conn.execute(dialect_insert(conn, ImportLock.__table__).values(name="import")
                             .on_conflict_do_nothing(index_elements=["name"]))
        while True:
            now = utcnow()
            with self.engine.begin() as conn:
                taken = conn.execute(
                    update(ImportLock).where(
                        ImportLock.name == "import",
                        or_(ImportLock.holder.is_(None), ImportLock.since < now - LOCK_STALE_AFTER),
                    ).values(holder=self.holder, since=now)
                ).rowcount
            if taken:
                _current_holder[self.engine] = self.holder
                with self.engine.begin() as conn:  # no import runs now: staged rows left are a killed import's
                    conn.execute(ObservationStaging.__table__.delete())
                return self
            if time.monotonic() > deadline:
                raise ImportBusy("een andere import is nog bezig; probeer het later opnieuw")
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def __exit__(self, *exc: object) -> None:
        _current_holder.pop(self.engine, None)
        with self.engine.begin() as conn:
            conn.execute(update(ImportLock).where(ImportLock.name == "import", ImportLock.holder == self.holder)
                         .values(holder=None, since=None))


_current_holder: dict[Engine, str] = {}


def _heartbeat(conn: Connection) -> None:
    holder = _current_holder.get(conn.engine)
    if holder:
        conn.execute(update(ImportLock).where(ImportLock.name == "import", ImportLock.holder == holder)
                     .values(since=utcnow()))


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
                  report: ImportReport, batch_id: int | None = None,
                  on_done: Callable[[Connection, ImportReport], None] | None = None) -> int:
    """Write the batch and its rejected rows in a transaction of their own (no observations)."""
    message = report.message
    if len(report.rejections) > MAX_STORED_REJECTIONS:
        message += (f"; de eerste {MAX_STORED_REJECTIONS:,} afgewezen regels zijn bewaard, en nog "
                    f"{len(report.rejections) - MAX_STORED_REJECTIONS:,} regels").replace(",", ".")
    with engine.begin() as conn:
        batch = _insert_batch(conn, kind, file_name, digest, user, batch_id)
        conn.execute(
            ImportBatch.__table__.update().where(ImportBatch.id == batch).values(
                status=report.status, rows_rejected=len(report.rejections), rows_skipped=report.skipped,
                finished_at=utcnow(), message=message,
            )
        )
        if report.rejections:  # the first rows and the count: enough to fix a file, not a copy of a bad file
            conn.execute(RejectedRow.__table__.insert(), [
                {"batch_id": batch, "line": r.line, "reason": r.reason[:2000],
                 "content": r.content[:MAX_STORED_CONTENT]}
                for r in report.rejections[:MAX_STORED_REJECTIONS]
            ])
        if on_done is not None:
            report.batch_id = batch
            on_done(conn, report)
    return batch


def upsert_areas(conn: Connection, areas: pd.DataFrame) -> None:
    """Insert areas, or update name and parent of an existing (code, indeling)."""
    table = Area.__table__
    records = areas[AREA_COLUMNS].astype(object).where(areas[AREA_COLUMNS].notna(), None).to_dict("records")
    stmt = dialect_insert(conn, table)
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


def observation_records(obs: pd.DataFrame, indicators: pd.DataFrame, area_ids: pd.DataFrame,
                        batch: int) -> pd.DataFrame:
    """Validated observations as rows for observation_staging (area and indicator ids resolved)."""
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
    columns = ["batch_id", "area_id", "indicator_id", "period", "value", "numerator", "denominator", "detractors",
               "suppressed", "source"]
    out = frame[columns].astype(object)
    out = out.where(frame[columns].notna(), None)
    for col in ("area_id", "indicator_id", "batch_id"):
        out[col] = frame[col].astype(int)
    return out


def _stage(conn: Connection, records: pd.DataFrame) -> None:
    rows = records.to_dict("records")
    for start in range(0, len(rows), STAGE_CHUNK):
        conn.execute(ObservationStaging.__table__.insert(), rows[start:start + STAGE_CHUNK])


def apply_staged(conn: Connection, batch: int, user: str, replace_other_sources: bool = False) -> dict[str, int]:
    """Move a batch's staged rows into the store, set-based, and keep every value they replace.

    Key: (area, indicator, period, source). A staged row equal to the stored one changes nothing (the stored row
    keeps its batch); a different one is written to observation_history (old and new figures, batch, who, when)
    and then replaces it. Public indicators have one figure per key: a row of a public indicator replaces the same
    key under another source name (e.g. a KWB file of a later year) instead of being combined with it;
    replace_other_sources does that for every row (public files: CBS, RIVM, Vektis, areas, maps).
    The caller deletes the staged rows afterwards. Returns counts: new, changed, same.
    """
    o, s, h = Observation.__table__, ObservationStaging.__table__, ObservationHistory.__table__
    same_key = and_(o.c.area_id == s.c.area_id, o.c.indicator_id == s.c.indicator_id, o.c.period == s.c.period)
    differs = or_(*(o.c[c].is_distinct_from(s.c[c]) for c in VALUE_COLUMNS))
    now = utcnow()
    history_columns = [
        "area_id", "indicator_id", "period", "source", *[f"old_{c}" for c in VALUE_COLUMNS], "old_batch_id",
        *[f"new_{c}" for c in VALUE_COLUMNS], "new_source", "batch_id", "changed_by", "changed_at",
    ]

    def history(condition) -> int:  # noqa: ANN001
        """Keep the stored rows that `condition` says are replaced; returns how many (rowcount is not portable)."""
        joined = o.join(s, same_key)
        count = conn.execute(select(func.count()).select_from(joined)
                             .where(s.c.batch_id == batch, condition)).scalar_one()
        if count:
            sel = select(
                o.c.area_id, o.c.indicator_id, o.c.period, o.c.source, *[o.c[c] for c in VALUE_COLUMNS],
                o.c.batch_id, *[s.c[c] for c in VALUE_COLUMNS], s.c.source, literal(batch), literal(user[:200]),
                literal(now),
            ).select_from(joined).where(s.c.batch_id == batch, condition)
            conn.execute(h.insert().from_select(history_columns, sel))
        return count

    staged = conn.execute(select(func.count()).select_from(s).where(s.c.batch_id == batch)).scalar_one()
    changed = history(and_(o.c.source == s.c.source, differs))
    existing = conn.execute(select(func.count()).select_from(o.join(s, and_(same_key, o.c.source == s.c.source)))
                            .where(s.c.batch_id == batch)).scalar_one()
    owned = literal(True) if replace_other_sources else \
        s.c.indicator_id.in_(select(Indicator.id).where(Indicator.public.is_(True)))
    replaced = history(and_(o.c.source != s.c.source, owned))
    if replaced:
        conn.execute(o.delete().where(exists().where(
            s.c.batch_id == batch, s.c.area_id == o.c.area_id, s.c.indicator_id == o.c.indicator_id,
            s.c.period == o.c.period, s.c.source != o.c.source, owned)))
    changed += replaced
    existing += replaced
    columns = ["area_id", "indicator_id", "period", *VALUE_COLUMNS, "source", "batch_id"]
    stmt = dialect_insert(conn, o).from_select(
        columns, select(*[s.c[c] for c in columns]).where(s.c.batch_id == batch))
    stmt = stmt.on_conflict_do_update(
        index_elements=["area_id", "indicator_id", "period", "source"],
        set_={c: getattr(stmt.excluded, c) for c in (*VALUE_COLUMNS, "batch_id")},
        where=or_(*(o.c[c].is_distinct_from(getattr(stmt.excluded, c)) for c in VALUE_COLUMNS)),
    )
    conn.execute(stmt)
    return {"new": staged - existing, "changed": changed, "same": existing - changed}


def write_observations(conn: Connection, obs: pd.DataFrame, indicators: pd.DataFrame,
                       area_ids: pd.DataFrame, batch: int, user: str = "cli") -> int:
    """Write observations inside the caller's transaction (stage, then apply); returns rows new or changed."""
    if obs.empty:
        return 0
    _stage(conn, observation_records(obs, indicators, area_ids, batch))
    counts = apply_staged(conn, batch, user)
    conn.execute(ObservationStaging.__table__.delete().where(ObservationStaging.batch_id == batch))
    return counts["new"] + counts["changed"]


def _write_geometries(conn: Connection, geometries: list[tuple[str, int, str, bool]], area_ids: pd.DataFrame,
                      batch: int) -> None:
    from data_access.models import AreaGeometry

    ids = {(c, int(i)): a for a, c, i in zip(area_ids["id"], area_ids["code"], area_ids["indeling"])}
    records = [
        {"area_id": ids[(code, indeling)], "geojson": geojson, "reconstructed": reconstructed, "batch_id": batch}
        for code, indeling, geojson, reconstructed in geometries
    ]
    stmt = dialect_insert(conn, AreaGeometry.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["area_id"],
        set_={"geojson": stmt.excluded.geojson, "reconstructed": stmt.excluded.reconstructed,
              "batch_id": stmt.excluded.batch_id},
    )
    for start in range(0, len(records), 2000):
        conn.execute(stmt, records[start:start + 2000])
