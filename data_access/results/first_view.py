"""What a refresh drops and what it computes ahead, so the first view after it computes nothing.

Results that are computed on first request (`refresh.LAZY_KINDS`) used to be dropped by every refresh, so the
first visitor after each delivery paid seconds per page. Now the refresh looks at what changed since the last
refresh (`changes_since`: the indicators, periods and areas of observations written by newer import batches, and
whether the buurtnetwerk saved records) and drops only the rows that can depend on it (`drop_affected`):

- `context_profile`, `beeld_head` (buurtbeeld, per programme buurt), `transitie_map` (outlines, buurt positions),
  `transitie_candidates` (the candidate buurten's and wijken's figures): public context figures, geometry and
  member areas only; kept unless a context indicator, the programme's member areas or a public import changed;
- `proposals`, `menukaart_changes` ("<scope>|<indicator>"; a best-practice story's evidence chart is its buurt's
  rows of the proposals): the rows of the changed indicators; after a delivery of programme buurten only, their
  rows are recomputed for those buurten and put into the stored rows instead (`_patch_per_buurt`);
- `programme_latest` ("<scope>|<indicator>", /vergelijken): the rows of the changed indicators are brought up to
  date for the buurten the changed areas feed (`_patch_latest`), not dropped; all are dropped when a context
  indicator changed (it can weigh another indicator's aggregate);
- `positions` ("<scope>|<period>"): the rows of the changed periods;
- `comparison_values` ("<scope>|<buurt>"): the buurten whose comparison group holds a changed area;
- `uitkomsten_own`, `review_summary_own` ("<scope>|<buurt>|<review>": the part of the uitkomsten tables and of the
  review summary that rests on the buurt's own rows): the buurten the changed areas feed; all when a context
  indicator changed (member aggregates can be weighed by context figures); kept when only records were saved
  (the comparisons, KPI and last session are read per request);
- `programme_impact` (hours, FTE and euros on /transitie): kept when only stories, sessions, best practices,
  reports or contacts were saved; dropped by budgets, budget activities, agendas and any import;
- `transitie_rows`, `transitie_grid_data` (adoption counts, freshness, KPI status): always; they are recomputed,
  except after a delivery of programme buurten only: today's rows of those buurten are then computed again and
  put into the stored ones (`_patch_transitie`);
- any other lazy kind: always.

A refresh with nothing changed (`python -m dashboard refresh` by hand), a public import (CBS, RIVM, Vektis, areas)
or a change of the programme's members drops everything, as before. Then `compute_ahead` stores what pages open
with (the internal scope, the default indicator, today): best-practice proposals, the menukaart comparison, the
transitie rows, grid, map and candidates (both levels), the newest values of the indicators /vergelijken opens
with, and per programme buurt without them its comparison values and (at the default review) the own parts of
its uitkomsten tables and review summary, from one read of the programme's rows; when that read covers every
buurt, it also ranks every period (the programme positions); the remaining default periods follow
(`refresh.positions`). So the first view of any buurt's uitkomsten page after a refresh computes nothing. Last,
after the new figures are marked current, `build_buurtbeelden` stores the buurtbeeld profile and head of every
programme buurt without them (none after a delivery; all after a context import or a full refresh, computed by a
second process beside the other steps from when the peer table is stored: `results.aside`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, Engine, delete, select

from data_access.models import Area, DerivedResult, ImportBatch, Indicator, Observation, RecordVersion
from data_access.results import store

AHEAD_SCOPE = "intern"  # the transitieteam and the buurtnetwerken; suppliers and visitors compute on first view
# buurtbeeld parts (public context figures only) and the transitie map (outlines and member areas)
CONTEXT_KINDS = frozenset({"context_profile", "beeld_head", "transitie_map", "transitie_candidates"})
DELIVERY_KINDS = frozenset({"levering"})  # imports that bring programme deliveries, not public context
IMPACT_RECORDS = frozenset({"budget", "budget_activity", "agenda_item"})  # records the programme impact reads


@dataclass
class Changes:
    """What changed in the store since the last completed refresh."""

    everything: bool = False
    indicators: set[str] = field(default_factory=set)
    periods: set[str] = field(default_factory=set)
    areas: set[str] = field(default_factory=set)
    context: bool = False  # a context indicator (public CBS/RIVM/Vektis figures) changed
    records: frozenset[str] | None = None  # the buurtnetwerk record types saved (None: unknown, or an import)


def _parts(version: str | None) -> list[str] | None:
    parts = version.split(":") if version else None
    return parts if parts and len(parts) == 4 else None


def changes_since(conn: Connection, previous: str | None, current: str, full: bool = True) -> Changes:
    """The changes between two store versions (`store.store_version`): everything when unknown, when members
    changed or a public import came in, and for a full refresh without a change (asked for by hand: recompute
    all); nothing for a partial refresh without a change."""
    before, now = _parts(previous), _parts(current)
    if before is None or now is None or before[1:3] != now[1:3] or (full and before == now):
        return Changes(everything=True)
    if before[0] == now[0]:  # only buurtnetwerk records (stories, reviews, agendas, budgets) changed
        since = -1 if before[3] == "-" else int(before[3])
        return Changes(records=frozenset(conn.execute(
            select(RecordVersion.record_type).where(RecordVersion.id > since).distinct()).scalars()))
    since = -1 if before[0] == "-" else int(before[0])
    kinds = set(conn.execute(select(ImportBatch.kind).where(ImportBatch.id > since).distinct()).scalars())
    if not kinds <= DELIVERY_KINDS:
        return Changes(everything=True)
    # one flat select: a DISTINCT subquery made SQLite scan every observation (~2 s at 1,000 buurten) instead of
    # using the batch index
    found = conn.execute(select(Indicator.code, Indicator.group, Observation.period, Area.code).distinct()
                         .join(Indicator, Indicator.id == Observation.indicator_id)
                         .join(Area, Area.id == Observation.area_id)
                         .where(Observation.batch_id > since)).all()
    return Changes(indicators={r[0] for r in found}, periods={r[2] for r in found}, areas={r[3] for r in found},
                   context=any(r[1] == "context" for r in found))


def _key_part(key: str, index: int) -> str:
    parts = key.split("|")
    return parts[index] if len(parts) > index else ""


def affected_keys(conn: Connection, kinds: list[str], changes: Changes) -> dict[str, set[str] | None]:
    """Per lazy kind the stored keys the changes can affect (None: all of them)."""
    from data_access.review_summary import KIND as SUMMARY_KIND
    from data_access.services.uitkomsten_view import OWN_KIND

    if changes.everything:
        return {kind: None for kind in kinds}
    stored: dict[str, list[str]] = {}
    for kind, key in conn.execute(select(DerivedResult.kind, DerivedResult.key)
                                  .where(DerivedResult.kind.in_(kinds))):
        stored.setdefault(kind, []).append(key)
    groups = {}
    if "comparison_values" in kinds and changes.areas:
        if outside_programme(conn, changes.areas):
            groups = {code: set(payload.get("codes") or []) for code, payload in
                      store.read_many(conn, "comparison_group").items()}
        else:  # programme buurten and their members are in no comparison group: which buurten have one is enough
            groups = {code: set() for code in conn.execute(select(DerivedResult.key).where(
                DerivedResult.kind == "comparison_group")).scalars()}
    out: dict[str, set[str] | None] = {}
    for kind in kinds:
        keys = stored.get(kind, [])
        if kind in CONTEXT_KINDS:
            out[kind] = None if changes.context else set()
        elif kind in ("proposals", "menukaart_changes"):
            out[kind] = {k for k in keys if _key_part(k, 1) in changes.indicators}
        elif kind == "programme_latest":  # a context figure can weigh the aggregate of another indicator
            out[kind] = None if changes.context else {k for k in keys if _key_part(k, 1) in changes.indicators}
        elif kind == "positions":
            out[kind] = {k for k in keys if _key_part(k, 1) in changes.periods}
        elif kind == "programme_impact" and not changes.indicators and changes.records is not None:
            # hours and euros rest on deliveries, budgets and realisation (an import), never on stories or sessions
            out[kind] = None if changes.records & IMPACT_RECORDS else set()
        elif kind in (OWN_KIND, SUMMARY_KIND):  # a buurt's own rows only (member aggregates: weighed by context)
            fed = fed_programmes(conn, changes.areas)[1]
            out[kind] = None if changes.context else {k for k in keys if _key_part(k, 1) in fed}
        elif kind == "comparison_values":
            # a buurt without a stored group: its values are computed from a group found on request
            out[kind] = {k for k in keys if groups.get(_key_part(k, 1)) is None
                         or groups[_key_part(k, 1)] & changes.areas} if changes.areas else set()
        else:  # transitie rows and grid (adoption counts, freshness, KPI status) and kinds without a rule
            out[kind] = None
    return out


def fed_programmes(conn: Connection, areas: set[str]) -> tuple[set[int], set[str]]:
    """Ids and slugs of the programme buurten these areas feed: the buurt itself or one of its member areas."""
    from data_access.models import ProgrammeBuurt, ProgrammeMember

    codes = sorted(areas)
    if not codes:
        return set(), set()
    ids = set(conn.execute(select(ProgrammeBuurt.id).where(ProgrammeBuurt.slug.in_(codes))).scalars())
    ids |= set(conn.execute(select(ProgrammeMember.programme_id).join(Area, Area.id == ProgrammeMember.area_id)
                            .where(Area.code.in_(codes))).scalars())
    slugs = set(conn.execute(select(ProgrammeBuurt.slug).where(ProgrammeBuurt.id.in_(ids))).scalars()) if ids \
        else set()
    return ids, slugs


def _patch_latest(conn: Connection, keys: set[str], areas: set[str]) -> set[str]:
    """Bring stored `programme_latest` rows up to date by recomputing only the programme buurten the changed areas
    feed (the buurt itself or one of its member areas) and replacing their rows: a buurt's newest value rests on its
    own observations only, so this equals a full recomputation (seconds at 1,000 buurten) for a delivery of a few
    buurten. Returns the keys brought up to date (kept by the drop)."""
    from data_access import compare
    from data_access.results.scopes import scope_viewer

    ids, slugs = fed_programmes(conn, areas)
    rows = {r.key: r.payload for r in conn.execute(select(DerivedResult.key, DerivedResult.payload).where(
        DerivedResult.kind == compare.STORED_KIND, DerivedResult.key.in_(sorted(keys))))}
    patched = {}
    by_scope: dict[str, list[str]] = {}
    for key in rows:
        by_scope.setdefault(key.split("|", 1)[0], []).append(key.split("|", 1)[1])
    # the buurten's newest values of every indicator of a scope in one read (each indicator's rest on its own rows)
    latest = {scope: compare.programme_latest(conn, scope_viewer(scope), sorted(codes), programme_ids=sorted(ids))
              for scope, codes in by_scope.items()} if ids else {}
    for key, text in rows.items():
        scope, indicator = key.split("|", 1)
        frame = store.frame_from(json.loads(text))
        if ids:
            fresh = latest[scope][latest[scope]["indicator"] == indicator]
            parts = [f for f in (frame[~frame["area"].isin(slugs)], fresh) if not f.empty]
            frame = pd.concat(parts, ignore_index=True) if parts else frame.iloc[:0]
        patched[key] = store.frame_payload(frame.reset_index(drop=True))
    if patched:
        store.counted("programme_latest_patch")
        store.write_many(conn, compare.STORED_KIND, patched, store.store_version(conn))
    return set(patched)


def outside_programme(conn: Connection, codes: set[str]) -> set[str]:
    """The area codes that are neither a programme buurt (slug) nor one of its member areas."""
    from data_access.models import ProgrammeBuurt, ProgrammeMember

    wanted = sorted(codes)
    inside = set(conn.execute(select(ProgrammeBuurt.slug).where(ProgrammeBuurt.slug.in_(wanted))).scalars())
    inside |= set(conn.execute(select(Area.code).join(ProgrammeMember, ProgrammeMember.area_id == Area.id)
                               .where(Area.code.in_(wanted))).scalars())
    return set(codes) - inside


def _programme_delivery(conn: Connection, changes: Changes) -> tuple[set[int], set[str]] | None:
    """Ids and slugs of the programme buurten fed, when the changes are deliveries of programme buurten and their
    member areas only (no context figure, no record, no area outside the programme: such areas are in no
    comparison group, so no other buurt's figures rest on them); None otherwise. The condition of every patch."""
    if changes.everything or changes.context or changes.records is not None or not changes.areas \
            or outside_programme(conn, changes.areas):
        return None
    fed = fed_programmes(conn, changes.areas)
    return fed if fed[0] else None


def _patch_per_buurt(conn: Connection, affected: dict[str, set[str] | None], changes: Changes,
                     fed: tuple[set[int], set[str]] | None) -> set[tuple[str, str]]:
    """Bring stored best-practice proposals and menukaart comparisons up to date by recomputing only the programme
    buurten a delivery fed (`best_practices.patched_proposals_payload`, `menukaart.patched_outcome_changes`):
    seconds at 1,000 buurten become a tenth. `fed`: `_programme_delivery`. Returns the (kind, key) pairs brought
    up to date (kept by the drop)."""
    from data_access import best_practices, menukaart, published, queries
    from data_access.results.scopes import scope_viewer

    wanted = {kind: affected.get(kind) or set() for kind in ("proposals", "menukaart_changes")}
    if fed is None or not any(wanted.values()):
        return set()
    ids, slugs = fed
    catalogue = queries.indicators(conn)
    keys = sorted(wanted["proposals"] | wanted["menukaart_changes"])
    stored = {(r.kind, r.key): json.loads(r.payload) for r in conn.execute(
        select(DerivedResult.kind, DerivedResult.key, DerivedResult.payload).where(
            DerivedResult.kind.in_(list(wanted)), DerivedResult.key.in_(keys)))}
    patched: dict[str, dict[str, object]] = {}
    values: dict[str, object] = {}  # the buurten's shown values per key: proposals and menukaart read the same
    for kind, key in sorted(stored):
        if key not in wanted[kind]:
            continue
        scope, indicator = key.split("|", 1)
        viewer = scope_viewer(scope)
        if key not in values:
            values[key] = published.shown_programme_values(conn, viewer, indicator, catalogue, sorted(ids))
        shown = values[key]
        if kind == "proposals":
            payload = best_practices.patched_proposals_payload(conn, indicator, viewer, stored[(kind, key)], slugs,
                                                               shown, changes.periods)
        else:
            payload = menukaart.patched_outcome_changes(stored[(kind, key)], slugs, menukaart.outcome_changes(
                conn, indicator, viewer=viewer, shown=shown))
        if payload is not None:
            patched.setdefault(kind, {})[key] = payload
    version = store.store_version(conn)
    for kind, payloads in patched.items():
        store.counted(f"{kind}_patch")
        store.write_many(conn, kind, payloads, version)
    return {(kind, key) for kind, payloads in patched.items() for key in payloads}


def _patch_positions(conn: Connection, keys: set[str] | None, changes: Changes) -> set[tuple[str, str]]:
    """Bring the stored programme positions of the delivered periods up to date by ranking only the delivered
    indicators again (`outcome_compare.patched_position_rows`): one indicator instead of all 40 per period. Not
    after a context change (member aggregates can be weighed by context figures). Returns the (kind, key) pairs
    kept: the rows brought up to date and those the delivery did not change."""
    from data_access import definitions, outcome_compare, queries

    if not keys or changes.context or changes.records is not None:
        return set()
    catalogue = queries.indicators(conn)
    monitoring = set(catalogue.loc[catalogue["group"].isin(definitions.MONITORING_GROUPS), "code"])
    changed = changes.indicators & monitoring
    kind = outcome_compare.POSITIONS_KIND
    stored = {r.key: json.loads(r.payload) for r in conn.execute(
        select(DerivedResult.key, DerivedResult.payload).where(DerivedResult.kind == kind,
                                                              DerivedResult.key.in_(sorted(keys))))}
    kept, write, version = set(), {}, store.store_version(conn)
    for marker in sorted(k for k in stored if k.endswith("|") and k.count("|") == 2):
        scope, period = marker.split("|")[:2]
        rows = {k: v for k, v in stored.items() if k.startswith(marker) and k != marker}
        table = outcome_compare.position_table(conn, scope, period, catalogue, changed) if changed else None
        patched = outcome_compare.patched_position_rows(scope, period, rows, table, changed) if changed \
            else {**rows, marker: stored[marker]}
        for key, row in patched.items():
            if row is not None:
                kept.add(key)
                if row != stored.get(key):
                    write[key] = row
    if changed and kept:
        store.counted("positions_patch")
    if write:
        store.write_many(conn, kind, write, version)
    return {(kind, key) for key in kept}


def _patch_transitie(conn: Connection, fed: tuple[set[int], set[str]] | None,
                     today: dt.date | None = None) -> set[tuple[str, str]]:
    """Bring today's stored transitie rows and grid up to date for the programme buurten a delivery fed alone
    (`transitie.patched_overview_payload`): a buurt's row rests on its own records, deliveries and KPI rows (the
    KPI step ran before). `fed`: `_programme_delivery`. Returns the (kind, key) pairs brought up to date (kept by
    the drop)."""
    from data_access import transitie
    from data_access.results.scopes import scope_viewer

    if fed is None:
        return set()
    ids = sorted(fed[0])
    key = (today or dt.date.today()).isoformat()
    kinds = ["transitie_rows", transitie.GRID_KIND]
    stored = {r.kind: json.loads(r.payload) for r in conn.execute(select(DerivedResult.kind, DerivedResult.payload)
                                                                  .where(DerivedResult.kind.in_(kinds),
                                                                         DerivedResult.key == key))}
    if set(stored) != set(kinds):
        return set()
    overview = transitie.programme_overview(conn, today, ids)
    grid = transitie.grid_frame(conn, overview, scope_viewer(AHEAD_SCOPE))
    rows = {"transitie_rows": {key: transitie.patched_overview_payload(stored["transitie_rows"], overview)},
            transitie.GRID_KIND: {key: transitie.patched_overview_payload(stored[transitie.GRID_KIND], grid)}}
    version = store.store_version(conn)
    for kind, payloads in rows.items():
        store.counted(f"{kind}_patch")
        store.write_many(conn, kind, payloads, version)
    return {(kind, key) for kind in kinds}


def drop_affected(conn: Connection, kinds: list[str], changes: Changes) -> dict[str, set[str] | None]:
    """Delete the stored rows of these kinds that the changes can affect (the rest stays valid); returns the
    dropped keys per kind (None: all)."""
    affected = affected_keys(conn, kinds, changes)
    if affected.get("programme_latest"):
        affected = {**affected, "programme_latest": affected["programme_latest"] - _patch_latest(
            conn, affected["programme_latest"], changes.areas)}
    fed = _programme_delivery(conn, changes)  # once for the patches that rest on it
    kept = _patch_per_buurt(conn, affected, changes, fed) | _patch_transitie(conn, fed) \
        | _patch_positions(conn, affected.get("positions"), changes)
    affected = {kind: keys if keys is None else {k for k in keys if (kind, k) not in kept}
                for kind, keys in affected.items()}
    for kind, keys in affected.items():
        if keys is None:
            spared = sorted(k for kept_kind, k in kept if kept_kind == kind)
            conn.execute(delete(DerivedResult).where(DerivedResult.kind == kind, DerivedResult.key.not_in(spared)))
        elif keys:
            conn.execute(delete(DerivedResult).where(DerivedResult.kind == kind, DerivedResult.key.in_(keys)))
    return affected


def _missing_own_parts(conn: Connection, today: dt.date) -> list[int] | None:
    """Ids of the programme buurten whose uitkomsten own part (internal scope, default review) is not stored;
    an empty list: all of them; None: none."""
    from data_access import definitions
    from data_access.models import ProgrammeBuurt
    from data_access.services.uitkomsten_view import OWN_KIND, own_key

    review = definitions.default_review(today)
    stored = set(conn.execute(select(DerivedResult.key).where(DerivedResult.kind == OWN_KIND)).scalars())
    buurten = conn.execute(select(ProgrammeBuurt.id, ProgrammeBuurt.slug)).all()
    missing = [b.id for b in buurten if own_key(AHEAD_SCOPE, b.slug, review) not in stored]
    if not missing:
        return None
    return [] if len(missing) == len(buurten) else missing


def _missing_comparison_values(conn: Connection) -> dict[str, dict]:
    """The comparison values (internal scope) of the programme buurten that have none stored, from one read of
    their groups' rows (`outcome_compare.comparison_value_tables`): every uitkomsten page looks its own up."""
    from data_access import definitions, outcome_compare, queries
    from data_access.models import ProgrammeBuurt

    stored = set(conn.execute(select(DerivedResult.key).where(DerivedResult.kind == "comparison_values")).scalars())
    slugs = [s for s in conn.execute(select(ProgrammeBuurt.slug)).scalars() if f"{AHEAD_SCOPE}|{s}" not in stored]
    if not slugs:
        return {}
    every = definitions.comparison_groups(conn)  # one read of all groups, not one per buurt
    groups = {slug: every.get(slug, definitions.ComparisonGroup(slug, (), "geen")) for slug in slugs}
    tables = outcome_compare.comparison_value_tables(conn, AHEAD_SCOPE, groups, queries.indicators(conn))
    empty = pd.DataFrame(columns=outcome_compare.COMPARISON_COLUMNS)
    return {f"{AHEAD_SCOPE}|{slug}": store.frame_payload(tables.get(slug, empty)) for slug in slugs}


def buurtbeeld_rows(engine: Engine, every: bool = False) -> dict[str, dict[str, object]]:
    """The buurtbeeld profile and head (kinds `context_profile`, `beeld_head`) of every programme buurt that has none
    stored (`every`: of all of them, for a refresh that drops them all), from one read of each kind for all of them,
    so no buurtbeeld's first view computes (0.3-0.4 s each at 1,000 buurten). Kind → key → payload."""
    from data_access import profile_store, queries
    from data_access.access import ANONYMOUS
    from data_access.published import visible_observations_of
    from data_access.services import beeld_view

    with engine.connect() as conn:
        catalogue = queries.indicators(conn)
        if not profile_store.shareable(ANONYMOUS, catalogue):
            return {}  # a stored copy would not be used (see profile_store)
        stored = set() if every else {(r.kind, r.key) for r in conn.execute(
            select(DerivedResult.kind, DerivedResult.key).where(
                DerivedResult.kind.in_([profile_store.KIND, beeld_view.KIND])))}
        areas = queries.programme_areas(conn)
        profiles = [a for a in areas if (profile_store.KIND, f"{a.code}|{profile_store.PEER_COUNT}") not in stored]
        heads = [a for a in areas
                 if (beeld_view.KIND, beeld_view.stored_key(a.code, beeld_view.HEADLINES)) not in stored]
        if not profiles and not heads:
            return {}
        # one read of their rows (as everyone sees them) serves both: the context and the headline indicators
        wanted = sorted({*catalogue.loc[catalogue["group"] == "context", "code"],
                         *(ind for ind, _scope in beeld_view.HEADLINES)})
        observed = visible_observations_of(conn, ANONYMOUS, list({a.code: a for a in [*profiles, *heads]}.values()),
                                           wanted, catalogue=catalogue)
        rows: dict[str, dict[str, object]] = {}
        if profiles:
            rows[profile_store.KIND] = profile_store.ahead_payloads(conn, profiles, catalogue, observed)
        if heads:
            rows[beeld_view.KIND] = beeld_view.ahead_payloads(conn, heads, observed)
    return rows


def build_buurtbeelden(engine: Engine, version: str, rows: dict[str, dict[str, object]] | None = None) -> int:
    """Store the buurtbeelden of the programme buurten that have none (`buurtbeeld_rows`; `rows`: computed already,
    by a second process, `results.aside`). They rest on public context figures only: a refresh after a delivery
    keeps them and this finds nothing to do; after a context import it builds all (~20 s at 1,000 buurten).
    Returns the number of rows stored."""
    rows = buurtbeeld_rows(engine) if rows is None else rows
    for kind in rows:
        store.counted(kind)
    with engine.begin() as conn:
        for kind, payloads in rows.items():
            store.write_many(conn, kind, payloads, version)
    return sum(len(payloads) for payloads in rows.values())


def compute_ahead(engine: Engine, version: str, today: dt.date | None = None) -> None:
    """Store what pages open with, where it is not stored yet (a kept row is current: the refresh re-tags it): the
    best-practice proposals and the menukaart comparison of the default indicator, the proposals of the indicators
    stories use (their evidence charts), the transitie rows and grid of
    today, the transitie map and candidates, the programme impact and the newest values of the indicators
    /vergelijken opens with (internal scope)."""
    from data_access import (
        best_practices,
        compare,
        definitions,
        impact_service,
        menukaart,
        published,
        queries,
        review_summary,
        transitie,
    )
    from data_access.outcome_compare import POSITIONS_KIND, position_rows, position_tables, stored_ranked_periods
    from data_access.results.scopes import scope_viewer
    from data_access.services import uitkomsten_view

    today = today or dt.date.today()
    viewer = scope_viewer(AHEAD_SCOPE)
    with engine.connect() as conn:
        catalogue = set(queries.indicators(conn)["code"])
        indicator = next((c for c in best_practices.OUTCOME_INDICATORS if c in catalogue), None)
        wanted = {"transitie_rows": today.isoformat(), transitie.GRID_KIND: today.isoformat(), transitie.MAP_KIND: "",
                  impact_service.STORED_KIND: AHEAD_SCOPE}
        if indicator is not None:
            wanted |= {"proposals": f"{AHEAD_SCOPE}|{indicator}", "menukaart_changes": f"{AHEAD_SCOPE}|{indicator}"}
        stored = {(r.kind, r.key) for r in conn.execute(
            select(DerivedResult.kind, DerivedResult.key)
            .where(DerivedResult.kind.in_([*wanted, transitie.CANDIDATES_KIND, "proposals"])))}
        missing = {kind: key for kind, key in wanted.items() if (kind, key) not in stored}
        levels = [lv for lv in transitie.CANDIDATE_LEVELS if (transitie.CANDIDATES_KIND, lv) not in stored]
        rows: dict[str, dict[str, object]] = {}
        if "proposals" in missing or "menukaart_changes" in missing:  # one read of the indicator for both
            shown = published.shown_programme_values(conn, viewer, indicator, queries.indicators(conn))
        if "proposals" in missing:
            rows["proposals"] = {missing["proposals"]: best_practices.proposals_payload(conn, indicator, viewer,
                                                                                         shown)}
        # the stories' evidence charts are their buurten's rows of their indicator's proposals (`stored` holds
        # every key of the kinds asked for, so every stored proposal)
        for code in sorted(set(best_practices.practices(conn)["indicator_code"].dropna()) & catalogue):
            if code != indicator and ("proposals", f"{AHEAD_SCOPE}|{code}") not in stored:
                rows.setdefault("proposals", {})[f"{AHEAD_SCOPE}|{code}"] = \
                    best_practices.proposals_payload(conn, code, viewer)
        if "menukaart_changes" in missing:
            rows["menukaart_changes"] = {missing["menukaart_changes"]: store.frame_payload(
                menukaart.outcome_changes(conn, indicator, viewer=viewer, shown=shown))}
        if "transitie_rows" in missing or transitie.GRID_KIND in missing:
            overview = transitie.programme_overview(conn, today)
            rows["transitie_rows"] = {today.isoformat(): store.frame_payload(overview)}
            rows[transitie.GRID_KIND] = {today.isoformat(): store.frame_payload(
                transitie.grid_frame(conn, overview, viewer))}
        if transitie.MAP_KIND in missing:
            rows[transitie.MAP_KIND] = {"": transitie.map_payload(conn)}
        if levels:
            rows[transitie.CANDIDATES_KIND] = {lv: transitie.candidates_payload(conn, lv) for lv in levels}
        if impact_service.STORED_KIND in missing:
            rows[impact_service.STORED_KIND] = {AHEAD_SCOPE: impact_service.impact_payload(conn, viewer)}
        # /vergelijken: the funnel, scatter and dots of the indicators it opens with (one aggregation for both)
        latest = [c for c in compare.DEFAULT_INDICATORS if c in catalogue]
        stored_latest = set(conn.execute(select(DerivedResult.key).where(
            DerivedResult.kind == compare.STORED_KIND,
            DerivedResult.key.in_([f"{AHEAD_SCOPE}|{c}" for c in latest]))).scalars())
        latest = [c for c in latest if f"{AHEAD_SCOPE}|{c}" not in stored_latest]
        if latest:
            rows[compare.STORED_KIND] = {f"{AHEAD_SCOPE}|{code}": payload for code, payload in
                                         compare.latest_payloads(conn, AHEAD_SCOPE, latest).items()}
        compared = _missing_comparison_values(conn)
        if compared:
            rows["comparison_values"] = compared
        own = _missing_own_parts(conn, today)
        if own is not None:
            catalogue = queries.indicators(conn)
            published = uitkomsten_view.programme_published(conn, AHEAD_SCOPE, catalogue, own or None)
            review = definitions.default_review(today)
            rows[uitkomsten_view.OWN_KIND] = uitkomsten_view.build_own_many(
                conn, AHEAD_SCOPE, review, catalogue, published=published)
            rows[review_summary.KIND] = review_summary.part_payloads(published[1], published[0], AHEAD_SCOPE, review,
                                                                     catalogue)
            if not own:  # every buurt: rank every period they have values in, from the same rows
                stored = stored_ranked_periods(conn)
                rows[POSITIONS_KIND] = {key: row for period, table in position_tables(published[1], catalogue).items()
                                        if f"{AHEAD_SCOPE}|{period}" not in stored
                                        for key, row in position_rows(AHEAD_SCOPE, period, table).items()}
    for kind in rows:
        store.counted(kind)
    with engine.begin() as conn:
        for kind, payloads in rows.items():
            store.write_many(conn, kind, payloads, version)
