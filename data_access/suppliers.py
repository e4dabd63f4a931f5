"""Which indicators each supplier source may deliver (seed/leveranciers.toml), and the check on a delivery.

A leverancier writes only its own rows: `bron` equal to its source (exact, case-sensitive), indicators listed for
that source, never a public indicator. Everything else is rejected per row with a Dutch reason, so a supplier can
neither overwrite public figures nor another supplier's.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, select

from data_access.importers import levering
from data_access.importers.common import Parsed, Rejection
from data_access.models import Indicator

SUPPLIERS_FILE = Path(__file__).parent / "seed" / "leveranciers.toml"


@functools.cache
def _load(path: Path) -> dict[str, frozenset[str]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out: dict[str, frozenset[str]] = {}
    for entry in data.get("leverancier", []):
        if entry["bron"] in out:
            raise ValueError(f"bron '{entry['bron']}' staat dubbel in {path.name}")
        out[entry["bron"]] = frozenset(entry.get("indicatoren", []))
    return out


def deliverable(source: str, path: Path | None = None) -> frozenset[str]:
    """The indicator codes this source may deliver (empty for an unlisted source)."""
    return _load(path or SUPPLIERS_FILE).get(source, frozenset())


def all_suppliers(path: Path | None = None) -> dict[str, frozenset[str]]:
    return dict(_load(path or SUPPLIERS_FILE))


def restrict_to_source(source: str, path: Path | None = None) -> Callable[[bytes, Connection], Parsed]:
    """The delivery parser, rejecting every row this supplier may not write (see the module docstring)."""
    allowed = deliverable(source, path)

    def parse(raw: bytes, conn: Connection | None = None) -> Parsed:
        parsed = levering.parse(raw, conn, allow_public=False)
        obs = parsed.observations
        if obs.empty:
            return parsed
        public = set(conn.execute(select(Indicator.code).where(Indicator.public.is_(True))).scalars()) \
            if conn is not None else set()
        for line, src, code in zip(obs["line"], obs["source"].fillna(""), obs["indicator"], strict=True):
            if src and src != source:  # an empty bron is already rejected by the parser
                parsed.rejections.append(Rejection(int(line), (
                    f"bron '{src[:100]}' is niet uw bron ('{source}'): u levert alleen voor uw eigen bron, "
                    "exact zo geschreven")))
            elif code not in public and code not in allowed:
                parsed.rejections.append(Rejection(int(line), (
                    f"indicator '{code[:60]}' staat niet op de lijst van wat bron '{source}' mag leveren")))
        return parsed

    return parse
