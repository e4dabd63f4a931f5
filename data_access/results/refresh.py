"""The refresh: compute every derived result once per change of the store and keep it in the results tables.

Steps (full refresh): peer table → comparison groups → KPI per buurt and for the programme → learning networks
of the default outcomes → drop the results computed on first request that the changes since the last refresh
can affect (`first_view.drop_affected`; a refresh without changes drops them all) → compute ahead what pages
open with (`first_view.compute_ahead`: best-practice proposals and the menukaart comparison of the default
indicator, the transitie rows and grid) → the programme positions of the default review's periods that are not
stored (needed on the first view of every uitkomsten page). A refresh for some buurten (one buurtnetwerk's
delivery or edit) recomputes only what depends on them: their KPI rows, the programme KPI and the learning
networks, and drops and computes ahead as above. A refresh asked for everything (after an upload or an import on
the command line) whose only change is a delivery for programme buurten (their own or their member areas' figures,
no context figure) runs as the partial refresh of those buurten, with the steps its indicators touch
(`delivery_scope`): what it stores equals a full refresh's (tests/test_refresh_partial.py)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable

from sqlalchemy import Connection, Engine, select

from data_access.models import ProgrammeBuurt
from data_access.results import aside, first_view, store
from data_access.results.lock import RefreshLock

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (step, done, total)
# computed on first request, or ahead by the refresh for the first view; a refresh drops the rows its changes can
# affect (first_view.drop_affected: a kind without a rule there is always dropped; "transitie_grid" is the grid's
# older format, "uitkomsten_view" and "review_summary" the whole view-models before they were split into a stored
# own part and per-request comparisons, "practice_evidence" the stories' charts before they were read from the
# proposals, so a leftover row goes with the next refresh)
LAZY_KINDS = ["proposals", "menukaart_changes", "transitie_rows", "transitie_grid_data", "transitie_grid", "positions",
              "comparison_values", "context_profile", "uitkomsten_own", "uitkomsten_view", "review_summary_own",
              "review_summary", "beeld_head", "transitie_map", "programme_impact", "programme_latest",
              "transitie_candidates", "practice_evidence"]
# the learning networks of the default outcomes, for the team and the buurtnetwerken (anonymous visitors never see
# leerpartners: the page, the buurt section and the API ask them to log in; suppliers compute on first view)
PRECOMPUTED_SCOPES = ("intern",)

_count = store.counted


PARTIAL_STEPS = frozenset({"kpi", "learning"})
# The steps of a full refresh, in order (a partial one runs KPI and/or leerpartners, then the last three); the
# positions come after dropping the lazy kinds, which include older positions.
FULL_STEPS = ("vergelijkingstabel", "vergelijkingsgroepen", "KPI", "leerpartners", "overige resultaten",
              "eerste weergave", "programmaposities")
AFTER_STEPS = ("buurtbeelden",)  # every refresh, after the new figures are marked current (`_run`); in a full
# refresh computed beside the other steps by a second process from when the peer table is stored


def refresh(target: Engine | Connection, only_programme_ids: list[int] | None = None,
            progress: Progress | None = None, steps: frozenset[str] = PARTIAL_STEPS) -> bool:
    """Bring the results tables up to date; False when another process is refreshing (the trigger is then
    coalesced into that refresh's next round, so it is neither lost nor run twice at once).

    With `only_programme_ids`, only what depends on those buurten: `steps` says which of their results the change
    can touch ("kpi": their KPI rows and the programme KPI; "learning": the learning networks; "agenda": only the
    agenda lines the stored networks show); results computed
    on first request are always dropped. A coalesced round runs every step."""
    engine = target if isinstance(target, Engine) else target.engine
    lock = RefreshLock(engine, f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:"
                               f"{uuid.uuid4().hex[:8]}")
    if not lock.acquire():
        lock.request(only_programme_ids)
        return False
    try:
        ids, wanted = only_programme_ids, steps
        while True:
            _run(engine, ids, progress, lock, wanted)
            again, ids = lock.release_or_next()
            wanted = PARTIAL_STEPS
            if not again:
                return True
    except BaseException:
        lock.release()
        raise


def refresh_quietly(engine: Engine, only_programme_ids: list[int] | None = None,
                    steps: frozenset[str] = PARTIAL_STEPS) -> None:
    """A refresh whose failure is logged, not raised: pages compute on demand until the next refresh succeeds."""
    try:
        refresh(engine, only_programme_ids, steps=steps)
    except Exception:  # noqa: BLE001 — the next change or `python -m dashboard refresh` tries again
        log.exception("Verversen van de berekende resultaten mislukt")


def refresh_in_background(engine: Engine, only_programme_ids: list[int] | None = None,
                          steps: frozenset[str] = PARTIAL_STEPS) -> threading.Thread:
    """Start a refresh after a change made by a web request; the pages keep reading the previous results."""
    thread = threading.Thread(target=refresh_quietly, args=(engine, only_programme_ids, steps),
                              name="results-refresh", daemon=True)
    thread.start()
    return thread


def after_change(engine: Engine, only_programme_ids: list[int] | None = None, wait: bool | None = None,
                 steps: frozenset[str] = PARTIAL_STEPS) -> None:
    """The one call every writer makes after a change of the store (import, delivery, netwerk edit).

    Waits for the refresh when `wait` or the environment variable RESULTS_REFRESH_SYNC=1 says so (tests, CLI);
    otherwise refreshes in the background."""
    if wait if wait is not None else os.environ.get("RESULTS_REFRESH_SYNC") == "1":
        refresh(engine, only_programme_ids, steps=steps)
    else:
        refresh_in_background(engine, only_programme_ids, steps)


def is_stale(engine: Engine) -> bool:
    """Whether the store changed since the last completed refresh (or none ran yet)."""
    with engine.connect() as conn:
        return store.state(conn)["store_version"] != store.store_version(conn)


def _changed_buurten(conn: Connection, changes: first_view.Changes) -> list[int] | None:
    """The programme buurten whose own or member areas' observations changed (None: not known, all of them)."""
    if changes.everything:
        return None
    if changes.records is not None:  # only buurtnetwerk records: no observation changed
        return []
    return sorted(first_view.fed_programmes(conn, changes.areas)[0])


def delivery_scope(conn: Connection, changes: first_view.Changes, previous: str | None,
                   current: str) -> tuple[list[int], frozenset[str]] | None:
    """The programme buurten and partial steps that equal a full refresh after these changes, or None (run the
    full refresh).

    Only for deliveries (no record of a buurtnetwerk saved meanwhile, no context figure: the peer table and the
    comparison groups rest on context and on buurten outside the programme) whose every area is a programme buurt
    or one of its member areas: a programme buurt's member areas are never in a comparison group, so no other
    buurt's KPI rests on them. Steps: "kpi" when a KPI indicator changed, "learning" when an outcome of the stored
    learning networks did (the networks read nothing else that a delivery can change)."""
    from data_access import kpi_service, learning, peer_groups, queries

    before, now = (previous or "").split(":"), current.split(":")
    if (changes.everything or changes.context or changes.records is not None or not changes.areas
            or len(before) != 4 or before[3] != now[3]
            or changes.indicators & {v["code"] for v in peer_groups.PEER_VARIABLES}):
        return None
    if first_view.outside_programme(conn, changes.areas):
        return None  # an area outside the programme: it can be in a comparison group (or enter the pool)
    steps = set()
    if changes.indicators & set(kpi_service.kpi_indicators(queries.indicators(conn))["code"]):
        steps.add("kpi")
    if changes.indicators & set(learning.DEFAULT_OUTCOMES):
        steps.add("learning")
    return sorted(first_view.fed_programmes(conn, changes.areas)[0]), frozenset(steps)


def _run(engine: Engine, programme_ids: list[int] | None, progress: Progress | None, lock: RefreshLock,
         wanted: frozenset[str] = PARTIAL_STEPS) -> None:
    from data_access import definitions, kpi_service, learning, peer_groups

    with engine.connect() as conn:
        version = store.store_version(conn)
        previous = store.state(conn)["store_version"]
        changes = first_view.changes_since(conn, previous, version, full=programme_ids is None)
        if programme_ids is None:
            narrowed = delivery_scope(conn, changes, previous, version)
            if narrowed is not None:
                programme_ids, wanted = narrowed
        slugs = None
        if programme_ids is not None:
            slugs = set(conn.execute(select(ProgrammeBuurt.slug).where(ProgrammeBuurt.id.in_(programme_ids)))
                        .scalars())
    steps: list[tuple[str, Callable[[], None]]] = []

    beside: list[aside.Aside] = []  # every buurtbeeld, computed by a second process (a refresh that drops them all)

    def peer_table() -> None:
        with engine.connect() as conn:
            table = peer_groups.build_context_table(conn)
        _count("peer_table")
        with engine.begin() as conn:
            store.write_many(conn, "peer_table", {"": store.frame_payload(table)}, version, replace_kind=True)
        if changes.everything or changes.context:  # the drop step takes every buurtbeeld: all are computed again
            beside.extend(a for a in [aside.start(engine)] if a is not None)

    def groups() -> None:
        with engine.connect() as conn:
            found = definitions.build_comparison_groups(conn)
        _count("comparison_groups")
        with engine.begin() as conn:
            store.write_many(conn, "comparison_group",
                             {s: {"codes": list(g.codes), "method": g.method} for s, g in found.items()},
                             version, replace_kind=True)

    def kpi() -> None:
        with engine.connect() as conn:
            rows = None
            if slugs is not None and not changes.everything:
                # a delivery: only the indicators it brought (each indicator's results rest on its own data); none
                # when only buurtnetwerk records changed (the KPI rests on deliveries, members and context only)
                rows = kpi_service.delivered_rows(conn, "matched", slugs,
                                                  changes.indicators if changes.records is None else set())
            if rows is None:  # one read of all data for the buurten's rows and the programme KPI (it pools all)
                computed = kpi_service.compute(conn, "matched", slugs)
                rows = kpi_service.result_rows(computed, "matched")
                if slugs is not None:
                    rows = kpi_service.with_used_sources(conn, rows, computed, "matched")
        if rows:
            _count("kpi")
        with engine.begin() as conn:
            for kind, payloads in rows.items():
                store.write_many(conn, kind, payloads, version, replace_kind=slugs is None)
            store.drop_kinds(conn, [f"kpi_{p}_gemeente" for p in ("buurt", "programme", "overview")])

    def networks() -> None:
        from data_access.services import lerend_view

        payloads, ranked, inputs = {}, {}, {}
        for scope in PRECOMPUTED_SCOPES:
            with engine.connect() as conn:
                before = {key.split("|")[1]: payload for key, payload in store.read_many(
                    conn, "learning", [learning.network_key(scope, i) for i in learning.DEFAULT_OUTCOMES]).items()}
                # the outcome rows the last refresh stored: only the buurten whose data changed since are read again
                kept = store.read(conn, learning.INPUTS_KIND, scope)
                changed = _changed_buurten(conn, changes)
                read, inputs[scope] = learning.outcome_rows(
                    conn, scope, stored=kept if kept is not None and kept.get("version") == previous else None,
                    changed=changed)
                # after a delivery, a network whose inputs did not change is kept (`learning.compute_networks`)
                networks = learning.compute_networks(conn, scope, previous=before, read=read,
                                                     reuse=not changes.everything)
            inputs[scope]["version"] = version
            for indicator, network in networks.items():
                key = learning.network_key(scope, indicator)
                payloads[key] = learning.to_payload(network)
                ranked[key] = lerend_view.ranked_payload(network)  # /lerende-buurt's ranked list, same rows
                _count("learning_kept" if network.reused else "learning")
        with engine.begin() as conn:
            store.write_many(conn, "learning", payloads, version, replace_kind=True)
            store.write_many(conn, lerend_view.RANKED_KIND, ranked, version, replace_kind=True)
            store.write_many(conn, learning.INPUTS_KIND, inputs, version, replace_kind=True)

    def agendas() -> None:
        """A buurtagenda changed: the partners rest on deliveries and context, not on agendas, so the stored
        networks (every scope) only get their buurten's agenda lines read again."""
        with engine.connect() as conn:
            payloads = {key: payload | {"interventions": learning.linked_agendas(
                            conn, store.frame_from(payload["links"]).reset_index(drop=True))}
                        for key, payload in store.read_many(conn, "learning").items()}
        with engine.begin() as conn:
            store.write_many(conn, "learning", payloads, version)

    dropped: dict[str, set[str] | None] = {}

    def lazy() -> None:
        with engine.begin() as conn:
            dropped.update(first_view.drop_affected(conn, LAZY_KINDS, changes))

    def ahead() -> None:
        first_view.compute_ahead(engine, version)

    def positions() -> None:
        """The programme positions the uitkomsten pages need on first view (default review; the internal scope:
        anonymous visitors see no positions) that are not stored yet; other periods and supplier scopes stay
        computed on first request."""
        from data_access import outcome_compare, queries

        payloads: dict[str, object] = {}
        with engine.connect() as conn:
            catalogue = queries.indicators(conn)
            stored = outcome_compare.stored_ranked_periods(conn)
            if programme_ids is None:
                wanted = outcome_compare.default_position_periods(conn)
            else:  # a partial refresh: the internal tables its changes dropped (their periods were stored as needed)
                wanted = sorted({k.split("|")[1] for k in (dropped.get("positions") or ()) if k.startswith("intern|")})
                new = {p for p in changes.periods if f"intern|{p}" not in stored} - set(wanted)
                if new:  # a delivery of a period no table was stored for: stored when the default review ranks it
                    wanted += [p for p in outcome_compare.default_position_periods(conn) if p in new]
            for period in wanted:
                if f"intern|{period}" not in stored:
                    payloads |= outcome_compare.position_rows(
                        "intern", period, outcome_compare.position_table(conn, "intern", period, catalogue))
        if not payloads:
            return
        _count("positions")
        with engine.begin() as conn:
            store.write_many(conn, "positions", payloads, version)

    by_name = {"vergelijkingstabel": peer_table, "vergelijkingsgroepen": groups, "KPI": kpi, "leerpartners": networks,
               "overige resultaten": lazy, "eerste weergave": ahead, "programmaposities": positions}
    if programme_ids is None:
        steps = [(name, by_name[name]) for name in FULL_STEPS]
    else:
        steps += [("KPI", kpi)] if "kpi" in wanted else []
        steps += [("leerpartners", networks)] if "learning" in wanted else []
        steps += [("buurtagenda's", agendas)] if "agenda" in wanted and "learning" not in wanted else []
        steps += [(name, by_name[name]) for name in FULL_STEPS[-3:]]
    total = len(steps) + len(AFTER_STEPS)
    try:
        for done, (name, step) in enumerate(steps):
            lock.heartbeat(name)
            if progress:
                progress(name, done, total)
            step()
        store.mark_refreshed(engine, version)  # pages show the new figures from here
    except BaseException:
        for running in beside:
            aside.stop(running)
        raise
    # still under the lock, what only spares first views their computing: every programme buurt's buurtbeeld (kept
    # by a delivery, so usually nothing to do; all after a context import)
    lock.heartbeat(AFTER_STEPS[0])
    if progress:
        progress(AFTER_STEPS[0], len(steps), total)
    first_view.build_buurtbeelden(engine, version, rows=aside.result(beside[0]) if beside else None)
    if progress:
        progress("klaar", total, total)
