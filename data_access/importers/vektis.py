"""Vektis open data Zorgverzekeringswet per gemeente (one file per year, "vektis_YYYY_gemeente.csv[.gz]").

One row per sex × age class × gemeente with insured persons, insured-years and claimed costs per care type;
";" separated, headers upper case before 2019 (lower-cased here), three names truncated in 2023 (restored here).
The file has no year column and no gemeente codes:
- the year comes from the file name (vektis_2023_gemeente.csv, or Vektis' own "... 2023 - gemeente.csv");
- gemeente names are matched to the gemeenten of the newest indeling in the store (normalised: case, accents,
  punctuation, "(L.)"-style suffixes), with seed/vektis_gemeentenamen.csv for names that differ and for gemeenten
  merged since, which are summed into their successor. So all years are on one (the newest, 2024) indeling.

Per gemeente and year the importer writes the number of insured persons and insured-years, and costs per
insured-year per care type as a ratio of sums (Σ kosten over all sex × age rows / Σ verzekerdejaren), with
numerator and denominator stored so programme aggregates stay ratios of sums. A care type whose columns do not
exist in a year gives no observation for that year (never 0). Negative cost cells are Vektis corrections and are
kept; negative counts are rejected. The "rest" row (empty gemeente: small or unknown groups) is skipped.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, func, select

from data_access.importers.common import FileRejected, Parsed, Rejection, decode, gunzip, numeric_column, read_table
from data_access.models import Area

NAME_MAP = Path(__file__).parents[1] / "seed" / "vektis_gemeentenamen.csv"
SOURCE = "Vektis Open Databestand Zvw (gemeente)"
KEY_COLUMNS = ["geslacht", "leeftijdsklasse", "gemeentenaam"]
COUNT_COLUMNS = ["aantal_bsn", "aantal_verzekerdejaren"]
# Full names of cost columns Vektis has published; a shorter header that is a prefix of one of them (2023 cuts
# names at 32 characters) is read as that column.
KNOWN_COST_COLUMNS = [
    "kosten_medisch_specialistische_zorg", "kosten_paramedische_zorg_fysiotherapie",
    "kosten_geriatrische_revalidatiezorg", "kosten_eerstelijns_psychologische_zorg",
    "kosten_generalistische_basis_ggz", "kosten_intramuraal_verblijf_ggz", "kosten_overige_prestaties_ggz",
    "kosten_grensoverschrijdende_zorg", "kosten_eerstelijns_ondersteuning", "kosten_integrale_geboortezorg",
    "kosten_verpleging_en_verzorging", "kosten_paramedische_zorg_overig", "kosten_huisarts_inschrijftarief",
]
MIN_PREFIX = 24  # so that a real short name like kosten_overig is never read as kosten_overige_prestaties_ggz
OLDEST_65PLUS = 65


def _is_ggz(column: str) -> bool:
    return "ggz" in column or column == "kosten_eerstelijns_psychologische_zorg"


# Care type → which cost columns it sums (a predicate on the canonical column name).
CARE_TYPES: dict[str, Callable[[str], bool]] = {
    "totaal": lambda c: c.startswith("kosten_"),
    "wijkverpleging": lambda c: c == "kosten_verpleging_en_verzorging",
    "huisarts": lambda c: c.startswith("kosten_huisarts_"),
    "medisch_specialistisch": lambda c: c == "kosten_medisch_specialistische_zorg",
    "farmacie": lambda c: c == "kosten_farmacie",
    "ggz": _is_ggz,
    "paramedisch": lambda c: c.startswith("kosten_paramedische_zorg_"),
    "hulpmiddelen": lambda c: c == "kosten_hulpmiddelen",
    "ziekenvervoer": lambda c: c.startswith("kosten_ziekenvervoer_"),
    "eerstelijnsverblijf": lambda c: c == "kosten_eerstelijnsverblijf",
    "geriatrische_revalidatie": lambda c: c == "kosten_geriatrische_revalidatiezorg",
    "mondzorg": lambda c: c == "kosten_mondzorg",
}
CARE_TYPES_65PLUS = ["totaal", "wijkverpleging", "huisarts", "medisch_specialistisch"]


def cost_indicator(care_type: str, only_65plus: bool = False) -> str:
    """Indicator code of costs per insured-year of one care type, e.g. zvw_kosten_wijkverpleging_65plus."""
    return f"zvw_kosten_{care_type}" + ("_65plus" if only_65plus else "")


def indicator_codes() -> list[str]:
    """All indicator codes this importer writes (the catalogue must define each)."""
    return (["zvw_verzekerden", "zvw_verzekerdejaren", "zvw_pct_verzekerden_65plus"]
            + [cost_indicator(t) for t in CARE_TYPES] + [cost_indicator(t, True) for t in CARE_TYPES_65PLUS])


def year_from_name(file_name: str | None) -> int:
    """The data year in the file name (vektis_2023_gemeente.csv); FileRejected when there is none or several."""
    name = Path(file_name or "").name
    years = set(re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", name))
    if len(years) != 1:
        raise FileRejected(
            f"het jaar van de gegevens is niet uit de bestandsnaam '{name}' af te leiden; Vektis-bestanden hebben "
            "geen jaarkolom: zet het jaar in de naam, bv. vektis_2023_gemeente.csv"
        )
    return int(years.pop())


def normalise_name(name: str, drop_suffix: bool = False) -> str:
    """Lower case, no accents or punctuation; optionally without a "(L.)"-style suffix."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    if drop_suffix:
        text = re.sub(r"\([^)]*\)", " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def name_mapping() -> dict[str, tuple[str, str]]:
    """Normalised Vektis name → (gm_code, explanation) from seed/vektis_gemeentenamen.csv."""
    with NAME_MAP.open(encoding="utf-8", newline="") as handle:
        return {normalise_name(row["vektis_naam"]): (row["gm_code"].strip(), row["toelichting"].strip())
                for row in csv.DictReader(handle, delimiter=";")}


def match_gemeenten(conn: Connection, names: pd.Series) -> tuple[int, pd.Series, set[str]]:
    """The newest gemeente indeling in the store, the CBS code of each Vektis name (NA if unknown), its codes.

    Order: the mapping file, then the full normalised CBS name ("bergen nh"), then the name without its
    "(NH.)"-style suffix when that is unambiguous ("hengelo" yes, "bergen" no).
    """
    indeling = conn.execute(select(func.max(Area.indeling)).where(Area.level == "gemeente")).scalar()
    if indeling is None:
        raise FileRejected("er staan nog geen CBS-gemeenten in de database; importeer eerst de gebiedenlijst "
                           "(type 'gebieden')")
    rows = conn.execute(select(Area.code, Area.name).where(Area.level == "gemeente",
                                                           Area.indeling == indeling)).all()
    full = {normalise_name(name): code for code, name in rows}
    short: dict[str, str | None] = {}
    for code, name in rows:
        key = normalise_name(name, drop_suffix=True)
        short[key] = None if key in short and short[key] != code else code
    short = {k: v for k, v in short.items() if v}
    mapping = {k: v[0] for k, v in name_mapping().items()}
    keys = names.map(normalise_name)
    codes = keys.map(mapping).fillna(keys.map(full)).fillna(keys.map(short))
    return int(indeling), codes, {code for code, _ in rows}


def _canonical(column: str) -> str:
    if len(column) >= MIN_PREFIX:
        for known in KNOWN_COST_COLUMNS:
            if known.startswith(column):
                return known
    return column


def _age_floor(age_class: pd.Series) -> pd.Series:
    return pd.to_numeric(age_class.str.extract(r"^(\d+)", expand=False), errors="coerce")


def parse(raw: bytes, conn: Connection, file_name: str | None = None) -> Parsed:
    """Turn one Vektis gemeente file into yearly observations per 2024 gemeente."""
    year = year_from_name(file_name)
    text = decode(gunzip(raw))
    frame = read_table(text, ";", KEY_COLUMNS + COUNT_COLUMNS, lowercase_headers=True)
    frame.columns = ["_line"] + [_canonical(c) for c in frame.columns[1:]]
    cost_columns = [c for c in frame.columns if c.startswith("kosten_")]
    if not cost_columns:
        raise FileRejected("geen kostenkolommen (kosten_…) gevonden; is dit een Vektis Zvw-bestand per gemeente?")

    rejections: list[Rejection] = []
    notes: list[str] = []
    for col in KEY_COLUMNS:
        frame[col] = frame[col].str.strip()
    frame["leeftijdsklasse"] = frame["leeftijdsklasse"].str.split().str.join(" ")
    rest = frame["gemeentenaam"] == ""
    skipped = int(rest.sum())
    if skipped:
        notes.append(f"{skipped} restregel(s) zonder gemeente overgeslagen (groepen < 10 verzekerden of onbekend)")
    data = frame[~rest]
    if data.empty:
        raise FileRejected("het bestand bevat geen regels met een gemeente")

    def reject(mask: pd.Series, reason) -> None:  # noqa: ANN001
        for idx in data.index[mask]:
            rejections.append(Rejection(int(data.at[idx, "_line"]), reason(data.loc[idx])))

    reject(~data["geslacht"].str.upper().isin(["M", "V"]), lambda r: f"onbekend geslacht '{r['geslacht']}' (M of V)")
    valid_age = data["leeftijdsklasse"].str.fullmatch(r"\d+ t/m \d+ jaar|\d+\+")
    reject(~valid_age, lambda r: f"onbekende leeftijdsklasse '{r['leeftijdsklasse']}'")
    key = data["gemeentenaam"].map(normalise_name)
    sex = data["geslacht"].str.upper()
    dup = pd.DataFrame({"n": key, "s": sex, "a": data["leeftijdsklasse"]}).duplicated()
    if dup.any():
        first_line = data["_line"].groupby([key, sex, data["leeftijdsklasse"]]).transform("min")
        reject(dup, lambda r: f"dubbele regel: {r['gemeentenaam']} {r['geslacht']} {r['leeftijdsklasse']} "
                              f"(ook op regel {first_line[r.name]})")

    indeling, code, codes = match_gemeenten(conn, data["gemeentenaam"])
    reject(code.isna(), lambda r: f"onbekende gemeente '{r['gemeentenaam']}': niet gevonden in de CBS-gemeenten "
                                  f"van indeling {indeling} en niet in vektis_gemeentenamen.csv")
    stale = code.notna() & ~code.isin(codes)
    reject(stale, lambda r: f"gemeente '{r['gemeentenaam']}' verwijst naar {code[r.name]}, dat niet bestaat in "
                            f"indeling {indeling} (zie vektis_gemeentenamen.csv)")
    names_per_code = data.loc[code.notna(), "gemeentenaam"].groupby(code[code.notna()]).unique()
    combined = names_per_code[names_per_code.map(len) > 1]
    notes.append(f"cijfers op gemeente-indeling {indeling}" + (
        "; samengevoegde gemeenten opgeteld: " + "; ".join(
            f"{gm} = {' + '.join(sorted(names))}" for gm, names in combined.items()) if len(combined) else ""))
    explained = name_mapping()
    for name in sorted(set(data["gemeentenaam"])):
        why = explained.get(normalise_name(name), ("", ""))[1]
        if why.startswith("benadering"):
            notes.append(f"{name}: {why}")

    numbers = {}
    for col in COUNT_COLUMNS + cost_columns:
        values = numeric_column(data, col, rejections, missing=("",))
        blank = data[col].str.strip() == ""
        for line in data.loc[blank, "_line"]:
            rejections.append(Rejection(int(line), f"lege cel in kolom {col}"))
        numbers[col] = values
    for col in COUNT_COLUMNS:
        reject(numbers[col] < 0, lambda r, c=col: f"negatief aantal {r[c].strip()} in kolom {c}")

    # Aggregate the accepted rows per gemeente code (sums over sex × age, old gemeenten into their successor).
    rejected = {r.line for r in rejections}
    ok = ~data["_line"].isin(rejected) & code.notna()
    rows = pd.DataFrame({"code": code, "line": data["_line"]})
    is_65plus = _age_floor(data["leeftijdsklasse"]) >= OLDEST_65PLUS
    sums = {"bsn": numbers["aantal_bsn"], "vj": numbers["aantal_verzekerdejaren"],
            "vj65": numbers["aantal_verzekerdejaren"].where(is_65plus, 0.0)}
    present: dict[str, list[str]] = {t: [c for c in cost_columns if pick(c)] for t, pick in CARE_TYPES.items()}
    for care_type, columns in present.items():
        if columns:
            total = pd.concat([numbers[c] for c in columns], axis=1).sum(axis=1)
            sums[care_type] = total
            if care_type in CARE_TYPES_65PLUS:
                sums[care_type + "_65plus"] = total.where(is_65plus, 0.0)
    rows = pd.concat([rows, pd.DataFrame(sums)], axis=1)[ok]
    per_gm = rows.groupby("code", sort=True).agg({"line": "min", **{k: "sum" for k in sums}})

    parts = [
        _frame(per_gm, "zvw_verzekerden", per_gm["bsn"], per_gm["bsn"], None),
        _frame(per_gm, "zvw_verzekerdejaren", per_gm["vj"], per_gm["vj"], None),
        _frame(per_gm, "zvw_pct_verzekerden_65plus", None, per_gm["vj65"], per_gm["vj"], scale=100.0),
    ]
    for care_type in CARE_TYPES:
        if care_type in per_gm:
            parts.append(_frame(per_gm, cost_indicator(care_type), None, per_gm[care_type], per_gm["vj"]))
        if care_type + "_65plus" in per_gm:
            parts.append(_frame(per_gm, cost_indicator(care_type, True), None, per_gm[care_type + "_65plus"],
                                per_gm["vj65"]))
    obs = pd.concat(parts, ignore_index=True)
    obs["indeling"] = indeling
    obs["period"] = str(year)
    missing = [t for t, cols in present.items() if not cols]
    if missing:
        notes.append(f"{year}: geen kolommen voor {', '.join(missing)}; daarvoor geen waarneming (niet 0)")
    return Parsed(obs, rejections, skipped=skipped, notes=notes)


def _frame(per_gm: pd.DataFrame, indicator: str, value: pd.Series | None, numerator: pd.Series,
           denominator: pd.Series | None, scale: float = 1.0) -> pd.DataFrame:
    """Observations of one indicator; a ratio without insured-years gives no observation."""
    if denominator is not None:
        keep = denominator > 0
        value = numerator[keep] / denominator[keep] * scale
        numerator, denominator = numerator[keep], denominator[keep]
    return pd.DataFrame({
        "line": per_gm.loc[numerator.index, "line"].astype(int),
        "code": numerator.index,
        "indeling": None,
        "indicator": indicator,
        "period": None,
        "value": value.astype("float64"),
        "numerator": numerator.astype("float64"),
        "denominator": np.nan if denominator is None else denominator.astype("float64"),
        "detractors": np.nan,
        "suppressed": False,
        "source": SOURCE,
    }).reset_index(drop=True)
