"""CBS Kerncijfers wijken en buurten (`kwb`), in two formats recognised by their header.

a. The CBS download (kwb-YYYY.xlsx saved as CSV, or a column selection of it): ";"-separated, "." = missing,
   decimal comma in some columns and a point in others, one row per NL00/GM/WK/BU code (column gwb_code_10).
   It defines the areas of its own indeling year. The year follows from the file name (kwb-2023…, kwb_2023…);
   without one it is 2023, the year of the selection we hold, and the import says so in its message.
b. The KWB 2024 buurt selection (buurtcode, kwb_inwoners, …, misdrijven_YYYY, goed_ervaren_gezondheid_YYYY):
   ","-separated, empty = missing, buurten of indeling 2024 only; the areas must exist (import `gebieden` first).

Both files may be gzipped. Values are stored as published; shares that the file has counts for get numerator and
denominator so a programme buurt made of several CBS areas aggregates as a ratio of sums.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

import pandas as pd
from sqlalchemy import Connection, select

from data_access.importers.common import (
    AREA_COLUMNS,
    OBSERVATION_COLUMNS,
    FileRejected,
    Parsed,
    Rejection,
    decode,
    empty_observations,
    gunzip,
    numeric_column,
    read_table,
)
from data_access.importers.gebieden import (
    code_is_valid,
    level_of,
    parent_of,
    reject_duplicates,
    reject_rows,
)
from data_access.models import Area

FALLBACK_YEAR = 2023
INDELING_2024 = 2024
SOURCE_KWB = "CBS Kerncijfers wijken en buurten {year}"
SOURCE_CRIME = "Politie/CBS (47022NED)"
SOURCE_HEALTH = "RIVM/GGD'en/CBS Gezondheidsmonitor (50150NED)"

# ---------------------------------------------------------------- format a: the CBS download
# Column → indicator; the value is stored as published.
CBS_VALUES = {
    "a_inw": "inwoners", "a_ongeh": "inwoners_ongehuwd", "a_gehuwd": "inwoners_gehuwd",
    "a_gesch": "inwoners_gescheiden", "a_verwed": "inwoners_verweduwd", "a_nl_all": "inwoners_herkomst_nl",
    "a_eur_al": "inwoners_herkomst_europa", "a_neu_al": "inwoners_herkomst_buiten_europa",
    "a_hh": "huishoudens", "a_1p_hh": "huishoudens_eenpersoons", "a_hh_z_k": "huishoudens_zonder_kinderen",
    "a_hh_m_k": "huishoudens_met_kinderen", "g_hhgro": "gem_huishoudgrootte", "bev_dich": "bevolkingsdichtheid",
    "g_wozbag": "woz_waarde", "g_ink_pi": "inkomen_per_inwoner", "p_ink_li": "pct_personen_laag_inkomen",
    "p_ink_hi": "pct_personen_hoog_inkomen", "g_hh_sti": "gestandaardiseerd_huishoudinkomen",
    "p_hh_li": "pct_huishoudens_laag_inkomen", "p_hh_hi": "pct_huishoudens_hoog_inkomen",
    "a_soz_wb": "uitkering_bijstand", "a_soz_ao": "uitkering_ao", "a_soz_ww": "uitkering_ww",
    "a_soz_ow": "uitkering_aow", "a_jz_tn": "jeugdzorg_jongeren", "p_jz_tn": "pct_jeugdzorg",
    "a_wmo_t": "wmo_clienten", "a_pau": "personenautos", "a_bst_b": "personenautos_benzine",
    "a_bst_nb": "personenautos_overig", "g_pau_km": "autos_per_km2", "g_afs_hp": "afstand_huisarts",
    "g_afs_gs": "afstand_supermarkt", "g_afs_kv": "afstand_kinderdagverblijf", "g_afs_sc": "afstand_school",
    "g_3km_sc": "scholen_binnen_3km", "ste_mvs": "stedelijkheid", "ste_oad": "omgevingsadressendichtheid",
}
# Published ratios with the counts behind them: indicator → (value column, numerator column, denominator column).
CBS_RATIOS = {
    "wmo_per_1000": ("p_wmo_t", "a_wmo_t", "a_inw"),
    "autos_per_huishouden": ("g_pau_hh", "a_pau", "a_hh"),
}
# Shares CBS does not publish in this selection, computed as 100 × numerator / denominator.
CBS_SHARES = {
    "pct_ongehuwd": ("a_ongeh", "a_inw"), "pct_gehuwd": ("a_gehuwd", "a_inw"),
    "pct_gescheiden": ("a_gesch", "a_inw"), "pct_verweduwd": ("a_verwed", "a_inw"),
    "pct_herkomst_nl": ("a_nl_all", "a_inw"), "pct_herkomst_europa": ("a_eur_al", "a_inw"),
    "pct_herkomst_buiten_europa": ("a_neu_al", "a_inw"),
    "pct_eenpersoonshuishoudens": ("a_1p_hh", "a_hh"), "pct_huishoudens_zonder_kinderen": ("a_hh_z_k", "a_hh"),
    "pct_huishoudens_met_kinderen": ("a_hh_m_k", "a_hh"),
    "uitkering_bijstand_per_100": ("a_soz_wb", "a_inw"), "uitkering_ao_per_100": ("a_soz_ao", "a_inw"),
    "uitkering_ww_per_100": ("a_soz_ww", "a_inw"), "uitkering_aow_per_100": ("a_soz_ow", "a_inw"),
}
CBS_IGNORED = {"gwb_code_10", "gwb_code_8", "gwb_code", "regio", "gm_naam", "recs", "ind_wbi", "_line"}

# ---------------------------------------------------------------- format b: the KWB 2024 buurt selection
BUURT_VALUES = {
    "kwb_inwoners": "inwoners", "kwb_inwoners65plus": "inwoners_65plus", "kwb_inwoners0tot15": "inwoners_0_14",
    "kwb_huishoudensgrootte": "gem_huishoudgrootte", "kwb_huishoudens": "huishoudens",
    "kwb_wozWaarde": "woz_waarde", "kwb_koopwoningen": "pct_koopwoningen",
    "kwb_eengezinswoning": "pct_eengezinswoningen", "kwb_inkomenPerInwoner": "inkomen_per_inwoner",
    "kwb_stedelijkheid": "stedelijkheid", "kwb_adressendichtheid": "omgevingsadressendichtheid",
    "kwb_oppervlakteLandHa": "oppervlakte_land", "kwb_afstandHuisarts": "afstand_huisarts",
    "kwb_afstandSupermarkt": "afstand_supermarkt", "kwb_afstandSchool": "afstand_school",
    "kwb_scholenBinnen3km": "scholen_binnen_3km",
}
BUURT_SHARES = {
    "pct_65plus": ("kwb_inwoners65plus", "kwb_inwoners"), "pct_0_14": ("kwb_inwoners0tot15", "kwb_inwoners"),
}
CRIME_COLUMN = re.compile(r"misdrijven_(\d{4})")
HEALTH_COLUMN = re.compile(r"goed_ervaren_gezondheid_(\d{4})")
CRIME_RATE_YEAR = "2024"  # the only year with inwoners in the file
# Not imported: names (file `gebieden` has the full ones), postcode, the author's text label and rounded km²,
# misdrijven_laatste12mnd (= 2025), misdrijven_per1000 (the author's 5-year mean; we store a per-year ratio),
# goed_ervaren_gezondheid (= the 2024 value).
BUURT_IGNORED = {
    "_line", "_code", "buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam", "provincie", "kwb_postcode",
    "kwb_stedelijkheidLabel", "kwb_oppervlakteLandKm2", "misdrijven_per1000", "misdrijven_laatste12mnd",
    "goed_ervaren_gezondheid",
}

# Whole-number class indicators: a value outside this range is a broken file, not a fact.
SCORE_RANGE = {"stedelijkheid": (1, 5)}
MAX_PER_1000 = {"wmo_per_1000": 1000}


def year_from_name(file_name: str | None) -> int | None:
    """The year in a KWB file name such as kwb-2023.csv or kwb_2023_selectie.csv.gz, else None."""
    if not file_name:
        return None
    match = re.search(r"kwb[-_ ]?(\d{4})", PurePath(file_name).name, flags=re.IGNORECASE)
    return int(match[1]) if match and 1990 <= int(match[1]) <= 2100 else None


@dataclass
class _Table:
    """Parsed numbers of one file plus what the builders need to turn them into observations."""

    frame: pd.DataFrame
    numbers: dict[str, pd.Series]
    indeling: int
    rejections: list[Rejection]
    pieces: list[pd.DataFrame]
    skipped_shares: int = 0

    def add(self, indicator: str, period: str, source: str, value: pd.Series,
            numerator: pd.Series | None = None, denominator: pd.Series | None = None) -> None:
        nan = pd.Series(float("nan"), index=self.frame.index)
        self.pieces.append(pd.DataFrame({
            "line": self.frame["_line"], "code": self.frame["_code"], "indicator": indicator, "period": period,
            "value": value, "numerator": nan if numerator is None else numerator,
            "denominator": nan if denominator is None else denominator, "source": source,
        }))

    def add_share(self, indicator: str, period: str, source: str, numerator: pd.Series, denominator: pd.Series,
                  scale: float = 100.0) -> None:
        """A share computed from counts; left out where CBS rounding makes it meaningless (noemer 0, teller >
        noemer), while the counts themselves are still stored."""
        usable = numerator.notna() & denominator.gt(0) & numerator.le(denominator)
        self.skipped_shares += int((numerator.notna() & denominator.notna() & ~usable).sum())
        self.add(indicator, period, source, (scale * numerator / denominator).where(usable),
                 numerator.where(usable), denominator.where(usable))

    def observations(self) -> pd.DataFrame:
        if not self.pieces:
            return empty_observations()
        obs = pd.concat(self.pieces, ignore_index=True)
        obs = obs[obs["value"].notna()]
        obs.insert(2, "indeling", self.indeling)
        obs["detractors"] = float("nan")
        obs["suppressed"] = False
        return obs[OBSERVATION_COLUMNS].reset_index(drop=True)


def _numbers(frame: pd.DataFrame, columns: list[str], rejections: list[Rejection],
             missing: tuple[str, ...]) -> tuple[dict[str, pd.Series], int]:
    """Parse the given columns; returns the series and how many cells were missing."""
    numbers = {col: numeric_column(frame, col, rejections, missing=missing) for col in columns}
    n_missing = sum(int(frame[col].str.strip().isin(missing).sum()) for col in columns)
    return numbers, n_missing


def _check_ranges(table: _Table, columns: dict[str, str]) -> None:
    """Reject values that cannot be true (stedelijkheid 7, 1.200 Wmo-cliënten per 1.000 inwoners)."""
    for col, indicator in columns.items():
        if col not in table.numbers:
            continue
        values = table.numbers[col]
        if indicator in SCORE_RANGE:
            low, high = SCORE_RANGE[indicator]
            bad = values.notna() & ((values < low) | (values > high) | (values % 1 != 0))
            reject_rows(table.frame, bad, table.rejections,
                        lambda r, c=col, lo=low, hi=high: f"onmogelijke waarde '{r[c]}' in kolom {c} "
                                                          f"(verwacht een geheel getal {lo} t/m {hi})")
        if indicator in MAX_PER_1000:
            bad = values > MAX_PER_1000[indicator]
            reject_rows(table.frame, bad, table.rejections,
                        lambda r, c=col: f"onmogelijke waarde '{r[c]}' in kolom {c} "
                                         "(meer dan 1.000 per 1.000 inwoners)")


# ---------------------------------------------------------------- format a

def _area_names(conn: Connection | None, codes: pd.Series) -> pd.Series:
    """Names of the same codes in indeling 2024, where the store has them (the 2023 selection has no names)."""
    names = {}
    if conn is not None:
        rows = conn.execute(select(Area.code, Area.name).where(Area.indeling == INDELING_2024)).all()
        names = {c: n for c, n in rows if n != c}  # a name equal to the code is a placeholder
    return pd.Series([names.get(c) for c in codes], index=codes.index, dtype=object)


def _parse_cbs(text: str, conn: Connection | None, file_name: str | None) -> Parsed:
    frame = read_table(text, ";", ["gwb_code_10"], lowercase_headers=True)
    if frame.empty:
        raise FileRejected("het bestand bevat alleen een kopregel en geen gebieden")
    notes: list[str] = []
    year = year_from_name(file_name)
    if year is None:
        year = FALLBACK_YEAR
        notes.append(f"jaar niet af te leiden uit de bestandsnaam (verwacht kwb-JJJJ…): {FALLBACK_YEAR} aangenomen")
    known = set(CBS_VALUES) | {c for triple in CBS_RATIOS.values() for c in triple}
    present = [c for c in frame.columns if c in known]
    if "a_inw" not in present:
        raise FileRejected("kolom a_inw (inwoners) ontbreekt: dit lijkt geen CBS-kerncijferbestand")
    unknown = [c for c in frame.columns if c not in known and c not in CBS_IGNORED]
    if unknown:
        notes.append(f"{len(unknown)} kolommen niet geïmporteerd (geen indicator): {', '.join(unknown[:10])}"
                     + (" …" if len(unknown) > 10 else ""))

    rejections: list[Rejection] = []
    frame["_code"] = frame["gwb_code_10"].str.strip().str.upper()
    bad_code = ~code_is_valid(frame["_code"])
    reject_rows(frame, bad_code, rejections,
                lambda r: f"ongeldige gebiedscode '{r['gwb_code_10']}' "
                          "(verwacht NL00, GM + 4, WK + 6 of BU + 8 tekens)")
    reject_duplicates(frame, "_code", rejections)
    numbers, n_missing = _numbers(frame, present, rejections, missing=(".", ""))
    table = _Table(frame, numbers, year, rejections, [])
    _check_ranges(table, {**CBS_VALUES, **{v: k for k, (v, _, _) in CBS_RATIOS.items()}})

    period, source = str(year), SOURCE_KWB.format(year=year)
    for col, indicator in CBS_VALUES.items():
        if col in numbers:
            table.add(indicator, period, source, numbers[col])
    for indicator, (value_col, num_col, den_col) in CBS_RATIOS.items():
        if value_col not in numbers:
            continue
        value = numbers[value_col]
        if num_col in numbers and den_col in numbers:
            usable = value.notna() & numbers[num_col].notna() & numbers[den_col].gt(0)
            table.add(indicator, period, source, value, numbers[num_col].where(usable), numbers[den_col].where(usable))
        else:
            table.add(indicator, period, source, value)
    for indicator, (num_col, den_col) in CBS_SHARES.items():
        if num_col in numbers and den_col in numbers:
            table.add_share(indicator, period, source, numbers[num_col], numbers[den_col])

    good = frame[~bad_code].drop_duplicates("_code")
    codes = good["_code"]
    name = _area_names(conn, codes)
    if "regio" in good.columns:  # the full CBS download names every area itself
        regio = good["regio"].str.strip()
        name = regio.where(regio != "", name)
    if "gm_naam" in good.columns:
        name = name.where(name.notna() | (codes.str[:2] != "GM"), good["gm_naam"].str.strip())
    name = name.where(codes != "NL00", "Nederland")
    name = name.where(name.notna() & (name != ""), codes)
    areas = pd.DataFrame({"code": codes, "indeling": year, "level": level_of(codes),
                          "name": name, "parent_code": parent_of(codes)})

    notes.append(f"KWB {year} (indeling {year}): {len(areas)} gebieden")
    notes.append(f"{n_missing} lege of geheime cellen ('.') overgeslagen, niet als 0 opgeslagen")
    if table.skipped_shares:
        notes.append(f"{table.skipped_shares} aandelen niet berekend: noemer 0 of teller groter dan noemer "
                     "(CBS rondt kleine aantallen af op vijftallen)")
    return Parsed(table.observations(), rejections, areas=areas[AREA_COLUMNS],
                  skipped=n_missing + table.skipped_shares, notes=notes)


# ---------------------------------------------------------------- format b

def _parse_buurten(text: str, conn: Connection | None) -> Parsed:
    frame = read_table(text, ",", ["buurtcode", "kwb_inwoners"])
    if frame.empty:
        raise FileRejected("het bestand bevat alleen een kopregel en geen buurten")
    rejections: list[Rejection] = []
    notes: list[str] = []
    frame["_code"] = frame["buurtcode"].str.strip()
    bad_code = ~code_is_valid(frame["_code"], "BU")
    reject_rows(frame, bad_code, rejections,
                lambda r: f"ongeldige buurtcode '{r['buurtcode']}' (verwacht BU + 8 tekens)")
    if "wijkcode" in frame.columns:
        wrong = ~bad_code & (frame["wijkcode"].str.strip() != "WK" + frame["_code"].str[2:8])
        reject_rows(frame, wrong, rejections,
                    lambda r: f"wijkcode {r['wijkcode']} hoort niet bij buurt {r['_code']}")
    reject_duplicates(frame, "_code", rejections)
    if conn is not None:
        known = {c for (c,) in conn.execute(
            select(Area.code).where(Area.indeling == INDELING_2024, Area.level == "buurt"))}
        unknown = ~bad_code & ~frame["_code"].isin(known)
        reject_rows(frame, unknown, rejections,
                    lambda r: f"onbekende buurt {r['_code']} in indeling {INDELING_2024}; importeer eerst de "
                              "CBS-gebiedenlijst (soort 'gebieden')")

    crime = {CRIME_COLUMN.fullmatch(c)[1]: c for c in frame.columns if CRIME_COLUMN.fullmatch(c)}
    health = {HEALTH_COLUMN.fullmatch(c)[1]: c for c in frame.columns if HEALTH_COLUMN.fullmatch(c)}
    columns = [c for c in frame.columns if c in BUURT_VALUES or c == "kwb_dichtheid"]
    columns += list(crime.values()) + list(health.values())
    unknown_cols = [c for c in frame.columns if c not in columns and c not in BUURT_IGNORED]
    if unknown_cols:
        notes.append(f"{len(unknown_cols)} kolommen niet geïmporteerd: {', '.join(unknown_cols[:10])}")
    numbers, n_missing = _numbers(frame, columns, rejections, missing=("", "."))
    table = _Table(frame, numbers, INDELING_2024, rejections, [])
    _check_ranges(table, BUURT_VALUES)

    period, source = str(INDELING_2024), SOURCE_KWB.format(year=INDELING_2024) + " (85984NED)"
    for col, indicator in BUURT_VALUES.items():
        if col in numbers:
            table.add(indicator, period, source, numbers[col])
    inhabitants = numbers["kwb_inwoners"]
    if "kwb_dichtheid" in numbers:
        # Inwoners / km² land: with the counts from the same file, so a sum of buurten gives the true density.
        density = numbers["kwb_dichtheid"]
        land_km2 = numbers.get("kwb_oppervlakteLandHa", pd.Series(float("nan"), index=frame.index)) / 100
        usable = density.notna() & inhabitants.notna() & land_km2.gt(0)
        table.add("bevolkingsdichtheid", period, source, density, inhabitants.where(usable), land_km2.where(usable))
    for indicator, (num_col, den_col) in BUURT_SHARES.items():
        if num_col in numbers:
            table.add_share(indicator, period, source, numbers[num_col], numbers[den_col])
    for year, col in sorted(crime.items()):
        table.add("misdrijven", year, SOURCE_CRIME, numbers[col])
    if CRIME_RATE_YEAR in crime:
        crimes = numbers[crime[CRIME_RATE_YEAR]]
        usable = crimes.notna() & inhabitants.gt(0)
        table.add("misdrijven_per_1000", CRIME_RATE_YEAR, f"{SOURCE_CRIME}; {source}",
                  (1000 * crimes / inhabitants).where(usable), crimes.where(usable), inhabitants.where(usable))
    for year, col in sorted(health.items()):
        table.add("ervaren_gezondheid_goed_reeks", year, SOURCE_HEALTH, numbers[col])

    notes.append(f"KWB {INDELING_2024} buurtselectie: {len(frame)} buurten (indeling {INDELING_2024})")
    notes.append(f"{n_missing} lege cellen overgeslagen (geheim, onbekend of 0 in de bron), niet als 0 opgeslagen")
    if table.skipped_shares:
        notes.append(f"{table.skipped_shares} aandelen niet berekend: noemer 0 of teller groter dan noemer")
    return Parsed(table.observations(), rejections, skipped=n_missing + table.skipped_shares, notes=notes)


def parse(raw: bytes, conn: Connection | None = None, file_name: str | None = None) -> Parsed:
    """Parse either KWB format, recognised by its header (gwb_code_10 or buurtcode)."""
    text = decode(gunzip(raw))
    header = text.split("\n", 1)[0].lower()
    if "gwb_code_10" in header:
        return _parse_cbs(text, conn, file_name)
    if "buurtcode" in header:
        return _parse_buurten(text, conn)
    raise FileRejected("onbekend formaat: verwacht de CBS-kerncijfers (kolom gwb_code_10, ';') of de "
                       "KWB-buurtselectie (kolom buurtcode, ',')")
