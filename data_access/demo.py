"""Demo data: the real public files through the importers, then synthetic non-public deliveries.

No real insurer or municipal deliveries exist yet, so the demo generates them: bimonthly rolling-year figures
from 2024-B1 up to the last completed period, for the programme buurten and comparison buurten in the same
gemeenten. Every synthetic value carries the source "demo (synthetisch)". Levels follow the real context
(older, lower-income buurten use more care), the national trend in district-nursing hours is about −5% a year,
and the transition effect differs per buurt (some strong, some none). Deterministic for a given seed.
The synthetic deliveries go through the same `levering` import a supplier would use.
"""

from __future__ import annotations

import datetime as dt
import gzip
import logging
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from data_access import periods, queries
from data_access.begroting_demo import add_demo_budgets
from data_access.importers import import_file
from data_access.models import AgendaItem, Area, Intervention, ProgrammeBuurt
from data_access.results.refresh import AFTER_STEPS, FULL_STEPS
from data_access.seed import programme_entries, sync_programme

log = logging.getLogger(__name__)
SYNTHETIC_SOURCE = "demo (synthetisch)"
FIRST_PERIOD = "2024-B1"
BASE_YEAR = 2024
# Buurt-specific transition effects on care use, spread evenly over the buurten in a seeded random order, so that
# buurten alike in context still differ in outcome (some improve strongly, some not at all): the lerende buurt
# needs such pairs. The mean (−12.5%) stays close to the business case's −15%.
EFFECT_LEVELS = np.array([-0.35, -0.25, -0.15, -0.05, 0.0, 0.05])
AGENDA_NOTE = "demo (synthetisch)"
# Menukaart interventions a buurt with a strong effect runs (first) and those every buurt may run.
STRONG_INTERVENTIONS = ["reablement", "wvp-als-poh-ouderen", "positieve-gezondheid", "gezamenlijk-spreekuur",
                        "preventieve-huisbezoeken", "copd-monitoring-thuis"]
COMMON_INTERVENTIONS = ["acp", "vitality-club", "sociale-benadering-dementie", "populatiemanagement",
                        "infuustherapie-thuis", "hartfalen-thuis", "wondzorg-dichtbij", "eigen-kracht-conferentie"]
ZORGZAAM_INTERVENTIONS = ["voorzorgcirkel", "lotgenotencontact", "dorpsondersteuner", "ontmoetingsplek"]
LEREND_INTERVENTIONS = ["intervisie", "kennisplatform", "ervaringsdeskundigen"]


def public_files(public_dir: str | Path) -> list[tuple[str, Path]]:
    """The public files in the order they must be imported (areas first)."""
    d = Path(public_dir)
    files = [
        ("gebieden", d / "cbs_buurtnamen" / "buurten_2024_codes_namen.csv"),
        ("kwb", d / "cbs_kwb_2023_selectie" / "kwb_2023_selectie.csv.gz"),
        ("kwb", d / "cbs_buurtnamen" / "buurt_2024_kwb_selectie_woonikveilig.csv.gz"),
        ("rivm", d / "rivm_gezondheid_wijk_buurt" / "rivm_gezondheid_wijk_buurt_2012_2016_2020.csv.gz"),
        *[("vektis", p) for p in sorted((d / "vektis_zvw_gemeente").glob("vektis_*_gemeente.csv.gz"))],
        ("geo", d / "cbs_geometrie_wijk_gemeente_2024" / "gemeenten_2024.geojson.gz"),
        ("geo", d / "cbs_geometrie_wijk_gemeente_2024" / "wijken_2024.geojson.gz"),
        ("geo", d / "cbs_buurt_geometrie" / "buurten_2024_wgs84_gereconstrueerd.geojson.gz"),
    ]
    from data_access.importers import PARSERS

    return [(kind, path) for kind, path in files if path.exists() and kind in PARSERS]


SUBSET_KINDS = ("gebieden", "kwb", "rivm")
_CBS_CODE = re.compile(r"\b(?:BU|WK|GM)(\d{4})")


def public_subset(public_dir: str | Path, gemeenten: set[str], out_dir: str | Path) -> Path:
    """Copy the area, KWB and RIVM files, reduced to some gemeenten (4-digit codes) and national rows, to out_dir.

    Same folder layout and format as the originals, so `load_demo(engine, out_dir)` imports real data through
    the real importers in seconds; tests use it. Rows without any CBS code (Nederland) are kept.
    """
    src, out = Path(public_dir), Path(out_dir)
    for kind, path in public_files(src):
        if kind not in SUBSET_KINDS:
            continue
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            lines = handle.read().splitlines(keepends=True)
        kept = [lines[0]]
        for line in lines[1:]:
            match = _CBS_CODE.search(line)
            if match is None or match.group(1) in gemeenten:
                kept.append(line)
        target = out / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = "".join(kept).encode("utf-8")
        target.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return out




class DemoProgress:
    """Numbers every step of the demo build into one `progress(step, done, total)` sequence, the refresh's own
    steps included, so the CLI bar and the first-start log show where a long build is."""

    def __init__(self, progress, planned: int) -> None:  # noqa: ANN001
        self.progress, self.done, self.planned = progress, 0, planned
        self.refresh_total = len(FULL_STEPS) + len(AFTER_STEPS)  # the refresh reports its own count once it starts

    @property
    def total(self) -> int:
        return self.planned + self.refresh_total

    def step(self, name: str) -> None:
        """Report that step `name` starts (counting the one before it as done)."""
        if self.progress:
            self.progress(name, self.done, self.total)
        self.done += 1

    def replan(self, planned: int) -> None:
        """Correct the count of steps before the refresh once it is known (the delivery files)."""
        self.planned = planned

    def refresh_step(self, name: str, done: int, total: int) -> None:
        """The refresh's callback, shifted behind the steps before it."""
        self.refresh_total = total
        if self.progress and done < total:
            self.progress(f"verversen: {name}", self.planned + done, self.total)

    def finish(self) -> None:
        if self.progress:
            self.progress("klaar", self.total, self.total)


def load_demo(engine: Engine, public_dir: str | None, seed: int = 2024, programme_size: int = 20,
              today: dt.date | None = None, comparison_cap: int = 1500, progress=None) -> list:  # noqa: ANN001
    """Import the public files (when present), generate the synthetic deliveries, and refresh the results.

    `progress(step, done, total)` is called as each step starts and once more with done == total at the end."""
    reports = []
    files = public_files(public_dir) if public_dir and Path(public_dir).exists() else []
    # public files, [synthetic programme], generating, the delivery files (3 without real context), agenda,
    # content, budgets
    n_deliveries = 2 if files else 3
    extra = 1 if programme_size > 20 else 0
    tracker = DemoProgress(progress, len(files) + extra + 1 + n_deliveries + 3)
    for k, (kind, path) in enumerate(files, start=1):
        tracker.step(f"openbaar bestand {k}/{len(files)}: {path.name}")
        report = import_file(engine, kind, path, user="demo")
        log.info("  %s", report.summary().splitlines()[0])
        if not report.ok:
            raise RuntimeError(report.summary())
        reports.append(report)
    if not files:
        log.warning("Geen openbare bestanden gevonden (PUBLIC_DATA_DIR): de context is synthetisch. Importeer de "
                    "CBS-, RIVM- en Vektis-bestanden met 'python -m dashboard import <soort> <pad>'.")
    rng = np.random.default_rng(seed)
    if extra:
        tracker.step(f"synthetische programmabuurten ({programme_size})")
        add_synthetic_programme(engine, programme_size, rng)
    with engine.connect() as conn:
        effects = buurt_effects(list(queries.programme_buurten(conn)["code"]), seed)
    tracker.step("synthetische leveringen maken")
    deliveries = synthetic_deliveries(engine, rng, today, comparison_cap, effects)
    tracker.replan(len(files) + extra + 1 + len(deliveries) + 3)
    with tempfile.TemporaryDirectory() as tmp:
        for k, (name, frame) in enumerate(deliveries.items(), start=1):
            tracker.step(f"synthetische levering {k}/{len(deliveries)}: {name}")
            path = Path(tmp) / f"demo_{name}.csv"
            frame.to_csv(path, sep=";", index=False, decimal=",")
            report = import_file(engine, "levering", path, user="demo")
            log.info("  %s", report.summary().splitlines()[0])
            if not report.ok:
                raise RuntimeError(report.summary())
            reports.append(report)
    tracker.step("buurtagenda's")
    add_demo_agenda(engine, effects, seed)
    from data_access.demo_content import add_demo_content

    tracker.step("demo-inhoud (verhalen, reviews, verslagen)")
    add_demo_content(engine, today)  # stories, reviews, best practices, verslagen, contacts (fictitious)
    tracker.step("begrotingen")
    add_demo_budgets(engine, seed, today)  # budgets and realisation, through their service
    from data_access.results import refresh

    refresh(engine, progress=tracker.refresh_step)
    tracker.finish()
    return reports


def add_synthetic_programme(engine: Engine, size: int, rng: np.random.Generator) -> None:
    """Add synthetic programme buurten (cohorts 2+) on real CBS buurten, for scale tests of up to 1,000."""
    with engine.connect() as conn:
        buurten = queries.areas(conn, "buurt")
        used = {m for e in programme_entries() for m in e["members"]}
        inhabitants = _latest_values(conn, "inwoners", "buurt")
    pool = buurten[~buurten["code"].isin(used)].copy()
    pool["inw"] = pool["code"].map(inhabitants)
    pool = pool[pool["inw"].fillna(0) >= 800]
    chosen = pool.sample(n=min(size - 20, len(pool)), random_state=int(rng.integers(1 << 30)))
    entries = []
    for i, row in enumerate(chosen.itertuples()):
        cohort = 2 if i < 40 else 3 if i < 80 else 4 + (i - 80) // 300
        start = {2: dt.date(2025, 1, 1), 3: dt.date(2026, 1, 1)}.get(cohort, dt.date(2027, 1, 1))
        entries.append({
            "slug": f"syn-{row.code.lower()}", "name": f"{row.name} (synthetisch)", "alliance_partner": "Demo-partner",
            "region": row.parent_code, "cohort": cohort, "start_date": start,
            "status": "actief" if start <= dt.date.today() else "gepland", "provisional": True,
            "note": "Synthetische programmabuurt voor schaaltests.", "indeling": int(row.indeling),
            "members": [row.code], "synthetic": True,
        })
    with engine.begin() as conn:
        sync_programme(conn, entries, synthetic=True)


def add_demo_agenda(engine: Engine, effects: dict[str, float], seed: int) -> int:
    """Give every programme buurt without a buurtagenda a synthetic one from the menukaart; returns rows added.

    Buurten with a strong effect run more of the interventions aimed at care use, and start them earlier, so
    the lerende buurt can point at what a better buurt does differently. Rows carry the note AGENDA_NOTE.
    """
    with engine.connect() as conn:
        programme = pd.read_sql(select(ProgrammeBuurt.id, ProgrammeBuurt.slug, ProgrammeBuurt.start_date), conn)
        interventions = dict(conn.execute(select(Intervention.code, Intervention.id)).all())
        themes = dict(conn.execute(select(Intervention.code, Intervention.theme)).all())
        planned = set(conn.execute(select(AgendaItem.programme_id).distinct()).scalars())
    rng = np.random.default_rng([seed, 11])
    today = dt.date.today()
    items = []
    for pid, slug, start in programme.sort_values("slug").itertuples(index=False):
        if pid in planned:
            continue
        start = pd.Timestamp(start).date()
        strength = -effects.get(slug, 0.0)  # 0.35 for the strongest effect, −0.05 for a worsening buurt
        n_strong = int(np.clip(round(strength * 12), 0, len(STRONG_INTERVENTIONS)))
        chosen = STRONG_INTERVENTIONS[:n_strong] if n_strong else []
        chosen += list(rng.choice(COMMON_INTERVENTIONS, 2 if strength > 0.1 else 1, replace=False))
        chosen += [str(rng.choice(ZORGZAAM_INTERVENTIONS)), str(rng.choice(LEREND_INTERVENTIONS))]
        for rank, code in enumerate(chosen):
            if code not in interventions:
                continue
            # strong buurten start their care-use interventions in the first months, others later
            months = rank * 2 + (0 if code in STRONG_INTERVENTIONS else int(rng.integers(2, 10)))
            begin = (pd.Timestamp(start) + pd.DateOffset(months=months)).date()
            items.append({"programme_id": int(pid), "theme": themes[code], "intervention_id": interventions[code],
                          "title": "", "start_date": begin, "status": "gestart" if begin <= today else "gepland",
                          "note": AGENDA_NOTE, "updated_by": "demo"})
    if items:
        with engine.begin() as conn:
            conn.execute(AgendaItem.__table__.insert(), items)
    return len(items)


def _latest_values(conn, indicator: str, level: str | None = None) -> pd.Series:  # noqa: ANN001
    """The newest value per CBS code for one indicator (any indeling)."""
    frame = queries.observations_by_indicator(conn, indicator, level)
    if frame.empty:
        return pd.Series(dtype="float64")
    frame = frame.dropna(subset=["value"])
    frame["_k"] = frame["period"].map(periods.sort_key)
    return frame.sort_values("_k").groupby("area")["value"].last()


def _context(engine: Engine, codes: list[str]) -> pd.DataFrame:
    """Inhabitants, 65+ and low-income share per area, from the real data where available."""
    with engine.connect() as conn:
        inw = _latest_values(conn, "inwoners")
        n65 = _latest_values(conn, "inwoners_65plus")
        pct65 = _latest_values(conn, "pct_65plus")
        low = _latest_values(conn, "pct_huishoudens_laag_inkomen")
    ctx = pd.DataFrame(index=pd.Index(codes, name="code"))
    ctx["inw"] = ctx.index.map(inw)
    share = ctx.index.map(n65) / ctx["inw"]
    share = share.fillna(pd.Series(ctx.index.map(pct65), index=ctx.index) / 100)
    ctx["share65"] = share.fillna(0.2).clip(0.02, 0.6)
    ctx["low_income"] = pd.Series(ctx.index.map(low), index=ctx.index).fillna(40.0)
    return ctx


def synthetic_deliveries(engine: Engine, rng: np.random.Generator, today: dt.date | None = None,
                         comparison_cap: int = 1500, effects: dict[str, float] | None = None
                         ) -> dict[str, pd.DataFrame]:
    """Build the delivery files: insurer data per CBS area and buurtnetwerk/alliance data per programme buurt."""
    last = periods.last_delivered(today)
    period_list = periods.bimonthly_range(FIRST_PERIOD, last)
    with engine.connect() as conn:
        programme = queries.programme_buurten(conn)
        buurten = pd.read_sql(select(Area.code, Area.parent_code).where(Area.level == "buurt"), conn)
    members = programme.explode("members").rename(columns={"members": "member"})
    members = members.dropna(subset=["member"]).drop_duplicates("member")
    gemeenten = set(members["member"].str[2:6])
    pool = buurten[buurten["code"].str[2:6].isin(gemeenten) & ~buurten["code"].isin(members["member"])]
    pool = pool.drop_duplicates("code")
    codes = list(members["member"]) + list(pool["code"])
    ctx = _context(engine, codes)
    has_real_context = ctx["inw"].notna().any()
    if not has_real_context:
        ctx["inw"] = rng.integers(800, 6000, len(ctx)).astype(float)
    # Comparison areas need some inhabitants; every member of a programme buurt is delivered, however small
    # (a programme aggregate is a ratio of sums over all its members, so one missing member would blank it).
    is_member = ctx.index.isin(members["member"])
    ctx = ctx[(ctx["inw"].fillna(0) >= 200) | is_member]
    ctx["inw"] = ctx["inw"].fillna(200.0)
    comparison = [c for c in pool["code"] if c in ctx.index]
    if len(comparison) > comparison_cap:
        comparison = list(rng.choice(comparison, comparison_cap, replace=False))
    treated = members[members["member"].isin(ctx.index)]
    units = pd.DataFrame({"code": list(treated["member"]) + comparison})
    units["programme"] = list(treated["code"]) + [None] * len(comparison)
    start = dict(zip(programme["code"], pd.to_datetime(programme["start_date"]), strict=True))
    effect = effects if effects is not None else buurt_effects(list(programme["code"]), 0)
    units["start_year"] = units["programme"].map(
        lambda p: (start[p].year + (start[p].day_of_year - 1) / 365.25 - BASE_YEAR) if pd.notna(p) else np.nan)
    units["effect"] = units["programme"].map(lambda p: effect[p] if pd.notna(p) else 0.0)
    units = units.join(ctx, on="code")
    files = {"verzekeraars": insurer_delivery(units, period_list, rng)}
    if not has_real_context:
        files["context"] = pd.DataFrame({
            "gebied": units["code"], "indicator": "inwoners", "periode": "2024", "teller": "", "noemer": "",
            "waarde": units["inw"].round(), "bron": SYNTHETIC_SOURCE,
        })
    files["buurtnetwerken"] = network_delivery(programme, period_list, effect, rng)
    return files


def buurt_effects(slugs: list[str], seed: int) -> dict[str, float]:
    """The synthetic transition effect per programme buurt: every level of EFFECT_LEVELS in turn, in seeded order."""
    order = sorted(slugs)
    levels = np.resize(EFFECT_LEVELS, len(order))
    return dict(zip(order, np.random.default_rng([seed, 7]).permutation(levels).tolist(), strict=True))


def _ramp(t: np.ndarray, start_year: np.ndarray) -> np.ndarray:
    """Share of the final effect reached: 0 before the start, linear to 1 after 2.5 years."""
    return np.clip((t - np.nan_to_num(start_year, nan=99.0)) / 2.5, 0.0, 1.0)


def insurer_delivery(units: pd.DataFrame, period_list: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Rolling-year insurer figures per CBS area and bimonthly period (counts, so suppression matters)."""
    n = len(units)
    inw = units["inw"].to_numpy(float)
    share65 = units["share65"].to_numpy(float)
    low = units["low_income"].to_numpy(float)
    n65 = inw * share65
    frail = np.maximum(np.round(n65 * 0.25), 0)
    area_effect = rng.lognormal(0.0, 0.10, n)
    base_hours = 150 * (1 + 1.2 * (share65 - 0.2)) * (1 + 0.004 * (low - 40)) * area_effect
    client_rate = (0.010 * inw + 0.06 * n65) * (1 + 0.003 * (low - 40))
    rows = []
    for p in period_list:
        start = periods.start_date(p)
        t = start.year + (start.month + 1) / 12 - BASE_YEAR  # middle of the period, in years since 2024
        national = 0.95 ** t
        ramp = _ramp(t, units["start_year"].to_numpy(float)) * units["effect"].to_numpy(float)
        clients = rng.poisson(client_rate)
        hours = clients * base_hours * national * (1 + ramp) * rng.lognormal(0, 0.04, n)
        inflow = rng.poisson(np.maximum(clients * 0.35 * (1 + 0.5 * ramp), 0))
        seh = rng.poisson(inw * 0.11 * (1 + 0.5 * (share65 - 0.2)) * (1 + 0.5 * ramp))
        hap = rng.poisson(inw * 0.25 * (1 + 0.3 * ramp))
        consults = rng.poisson(inw * 4.5 * (1 + share65) * national ** 0.3 * (1 + 0.6 * ramp))
        visits = rng.poisson(inw * 0.15 * (1 + 3 * share65))
        admissions = rng.poisson(frail * 0.35 * (1 + 1.5 * ramp))
        bed_days = rng.poisson(admissions * 6.5 * (1 + 0.8 * ramp))
        frail_seh = rng.poisson(frail * 0.45 * (1 + ramp))
        for code, num, den in (
            ("wvpk_uren_per_client", np.round(hours, 1), clients),
            ("wvpk_instroom_per_1000", inflow, inw),
            ("seh_per_1000", seh, inw),
            ("hap_per_1000", hap, inw),
            ("ha_consulten_per_patient", consults, inw),
            ("ha_visites_per_patient", visits, inw),
            ("opnames_kwetsbare_ouderen_per_1000", admissions, frail),
            ("ligduur_kwetsbare_ouderen", bed_days, admissions),
            ("seh_kwetsbare_ouderen_per_1000", frail_seh, frail),
        ):
            rows.append(pd.DataFrame({"gebied": units["code"], "indicator": code, "periode": p,
                                      "teller": num, "noemer": den}))
    frame = pd.concat(rows, ignore_index=True)
    # a zero denominator is a valid delivery for a tiny member area (nothing to add to its buurt's sums)
    frame = frame[(frame["noemer"] > 0) | frame["gebied"].isin(units.loc[units["programme"].notna(), "code"])]
    # one programme buurt misses the newest deliveries, so the pages must explain a gap
    late = units.loc[units["programme"] == "veendam", "code"]
    frame = frame[~(frame["gebied"].isin(late) & frame["periode"].isin(period_list[-3:]))]
    frame["waarde"] = ""
    frame["bron"] = SYNTHETIC_SOURCE
    return frame[["gebied", "indicator", "periode", "teller", "noemer", "waarde", "bron"]]


def network_delivery(programme: pd.DataFrame, period_list: list[str], effect: dict,
                     rng: np.random.Generator) -> pd.DataFrame:
    """Adoption counts, staff figures and experience surveys per programme buurt since its start."""
    rows: list[dict] = []

    def add(slug: str, code: str, period: str, teller=None, noemer=None, waarde=None,  # noqa: ANN001
            criticasters=None) -> None:  # noqa: ANN001
        rows.append({"gebied": slug, "indicator": code, "periode": period, "teller": teller, "noemer": noemer,
                     "waarde": waarde, "bron": SYNTHETIC_SOURCE, "criticasters": criticasters})

    for slug, start_date in zip(programme["code"], pd.to_datetime(programme["start_date"]), strict=True):
        first = periods.bimonthly(start_date.date())
        active = [p for p in period_list if periods.sort_key(p) >= periods.sort_key(first)]
        if not active:
            continue
        vigour = 1.0 - effect[slug] * 3  # stronger effect ↔ more adoption activity
        for i, p in enumerate(active):
            add(slug, "prev_clienten_geincludeerd", p, waarde=int(rng.poisson(4 * vigour * (1 + i / 3))))
            add(slug, "prev_interventies_gestart", p, waarde=int(rng.poisson(0.8 * vigour)))
            add(slug, "ie_clienten_geincludeerd", p, waarde=int(rng.poisson(3 * vigour * (1 + i / 4))))
            add(slug, "ie_interventies_gestart", p, waarde=int(rng.poisson(0.5 * vigour)))
            add(slug, "lb_sessies", p, waarde=int(rng.random() < 0.85))
            add(slug, "lb_trainingen", p, waarde=int(rng.poisson(1.2)))
            add(slug, "lb_gebruikers", p, waarde=int(rng.poisson(6 + i)))
            add(slug, "lb_best_practices", p, waarde=int(rng.random() < 0.1 * vigour))
            offered = int(rng.integers(3, 8))
            add(slug, "prev_trainingen_gevolgd", p, teller=int(rng.binomial(offered, 0.7)), noemer=offered)
            if i == 0:
                add(slug, "lb_buurtbeelden", p, waarde=1)
            if p.endswith(("B3", "B6")) and slug != "bronckhorst" or (slug == "bronckhorst" and i == len(active) - 1):
                for code, promoter, detractor, size in (
                    ("prev_nps_clienten", 0.62, 0.10, 40), ("ie_nps_clienten", 0.55, 0.14, 35),
                    ("bd_nps_patienten", 0.6, 0.1, 18), ("zb_nps_burgers", 0.45, 0.2, 50),
                    ("zb_nps_professionals", 0.5, 0.15, 14), ("lb_nps_burgers", 0.42, 0.22, 30),
                    ("lb_nps_buurtnetwerk", 0.58, 0.12, 12),
                ):
                    n = int(rng.poisson(size)) + 5
                    prom = int(rng.binomial(n, promoter))
                    det = int(rng.binomial(n - prom, detractor / (1 - promoter)))
                    add(slug, code, p, teller=prom, noemer=n, criticasters=det)
                for code, share in (("prev_zelfredzaamheid", 0.7 - 0.8 * effect[slug]),
                                    ("prev_mantelzorgbelasting", 0.18 + effect[slug] * 0.3)):
                    n = int(rng.poisson(45)) + 10
                    add(slug, code, p, teller=int(rng.binomial(n, min(max(share, 0.01), 0.99))), noemer=n)
                for code in ("prev_ervaring_professionals", "ie_ervaring_professionals", "bd_ervaring_professionals"):
                    n = int(rng.integers(6, 16))
                    add(slug, code, p, teller=round(float(rng.normal(7.4, 0.5)) * n, 1), noemer=n)
        quarters = sorted({f"{periods.year_of(p)}-Q{(periods.start_date(p).month - 1) // 3 + 1}" for p in active})
        for q in quarters:
            add(slug, "bd_zorgpaden_gestart", q, waarde=int(rng.poisson(0.6 * vigour)))
            add(slug, "bd_patienten_geincludeerd", q, waarde=int(rng.poisson(6 * vigour)))
            add(slug, "zb_initiatieven", q, waarde=int(rng.poisson(1.0 * vigour)))
            add(slug, "zb_deelnemende_burgers", q, waarde=int(rng.poisson(25 * vigour)))
            add(slug, "bd_klachten", q, waarde=int(rng.poisson(0.4)))
            staff = int(rng.integers(18, 40))
            add(slug, "verloop_wvpk", q, teller=int(rng.binomial(staff, 0.04)), noemer=staff)
            scheduled = staff * 380
            add(slug, "verzuim_wvpk", q, teller=round(scheduled * float(rng.normal(0.055, 0.012)), 0),
                noemer=scheduled)
        for year in sorted({periods.year_of(p) for p in active}):
            add(slug, "praktijken_opvolgingsproblemen", str(year), waarde=int(rng.poisson(0.5)))
    frame = pd.DataFrame(rows)
    return frame[["gebied", "indicator", "periode", "teller", "noemer", "waarde", "bron", "criticasters"]]
