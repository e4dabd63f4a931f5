"""The Vektis importer (Zvw costs per gemeente): name matching, ratio of sums, year from the name, validation."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.importers import import_file, vektis
from data_access.importers.common import upsert_areas
from data_access.models import Area, Indicator, Observation
from data_access.seed import catalogue_entries

PUBLIC_DATA = Path(os.environ.get("PUBLIC_DATA_DIR", Path(__file__).parents[2] / "shared" / "data"))
VEKTIS_DIR = PUBLIC_DATA / "vektis_zvw_gemeente"
CBS_NAMES = PUBLIC_DATA / "cbs_buurtnamen" / "buurten_2024_codes_namen.csv"

# The 2023 header as Vektis publishes it, three names truncated at 32 characters.
HEADER_2023 = (
    "geslacht;leeftijdsklasse;gemeentenaam;aantal_bsn;aantal_verzekerdejaren;kosten_medisch_specialistische_z;"
    "kosten_farmacie;kosten_huisarts_inschrijftarief;kosten_huisarts_consult;kosten_huisarts_mdz;"
    "kosten_huisarts_overig;kosten_hulpmiddelen;kosten_mondzorg;kosten_paramedische_zorg_fysioth;"
    "kosten_paramedische_zorg_overig;kosten_ziekenvervoer_zittend;kosten_ziekenvervoer_liggend;kosten_kraamzorg;"
    "kosten_verloskundige_zorg;kosten_grensoverschrijdende_zorg;kosten_eerstelijns_ondersteuning;"
    "kosten_geriatrische_revalidatiez;kosten_eerstelijnsverblijf;kosten_verpleging_en_verzorging;kosten_gzsp;"
    "kosten_integrale_geboortezorg;kosten_innovatiegelden_ggz;kosten_overig;kosten_consulten_ggz;"
    "kosten_intramuraal_verblijf_ggz;kosten_overige_prestaties_ggz"
)
# 2014: upper case, no wijkverpleging (Zvw from 2015) and no eerstelijnsverblijf (from 2018).
HEADER_2014 = (
    "GESLACHT;LEEFTIJDSKLASSE;GEMEENTENAAM;AANTAL_BSN;AANTAL_VERZEKERDEJAREN;KOSTEN_MEDISCH_SPECIALISTISCHE_ZORG;"
    "KOSTEN_FARMACIE;KOSTEN_SPECIALISTISCHE_GGZ;KOSTEN_HUISARTS_INSCHRIJFTARIEF;KOSTEN_HUISARTS_CONSULT;"
    "KOSTEN_HUISARTS_OVERIG;KOSTEN_HULPMIDDELEN;KOSTEN_MONDZORG;KOSTEN_PARAMEDISCHE_ZORG_FYSIOTHERAPIE;"
    "KOSTEN_PARAMEDISCHE_ZORG_OVERIG;KOSTEN_ZIEKENVERVOER_ZITTEND;KOSTEN_ZIEKENVERVOER_LIGGEND;KOSTEN_KRAAMZORG;"
    "KOSTEN_VERLOSKUNDIGE_ZORG;KOSTEN_GENERALISTISCHE_BASIS_GGZ;KOSTEN_GRENSOVERSCHRIJDENDE_ZORG;"
    "KOSTEN_EERSTELIJNS_ONDERSTEUNING;KOSTEN_GERIATRISCHE_REVALIDATIEZORG;KOSTEN_OVERIG"
)


def vrow(sex: str, age: str, gemeente: str, bsn: object, years: object, header: str = HEADER_2023,
         **costs: object) -> str:
    """One Vektis line; cost columns not given are 0 (keys are lower-case column names)."""
    columns = [c.lower() for c in header.split(";")]
    cells = dict.fromkeys(columns, "0")
    cells.update(geslacht=sex, leeftijdsklasse=age, gemeentenaam=gemeente, aantal_bsn=str(bsn),
                 aantal_verzekerdejaren=str(years))
    cells.update({k: str(v) for k, v in costs.items()})
    return ";".join(cells[c] for c in columns)


REST = vrow("", "", "", 500, 400.5, kosten_medisch_specialistische_z=99999)
GOOD = vrow("M", "65 t/m 69 jaar", "HAARLEM", 10, 10, kosten_medisch_specialistische_z=1000)


def write(tmp_path: Path, lines: list[str], name: str = "vektis_2023_gemeente.csv", header: str = HEADER_2023) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="ascii")
    return path


@pytest.fixture
def gemeenten(engine):
    """A few 2024 gemeenten, plus a 2020 Weesp that must not be chosen (the newest indeling wins)."""
    rows = [("NL00", "land", "Nederland", None)] + [
        (code, "gemeente", name, "NL00") for code, name in [
            ("GM0363", "Amsterdam"), ("GM0373", "Bergen (NH.)"), ("GM0893", "Bergen (L.)"), ("GM0392", "Haarlem"),
            ("GM0088", "Schiermonnikoog"), ("GM0164", "Hengelo (O.)"), ("GM0518", "'s-Gravenhage"),
        ]
    ]
    frame = pd.DataFrame(rows, columns=["code", "level", "name", "parent_code"]).assign(indeling=2024)
    old = pd.DataFrame([{"code": "GM0457", "level": "gemeente", "name": "Weesp", "parent_code": "NL00",
                         "indeling": 2020}])
    with engine.begin() as conn:
        upsert_areas(conn, pd.concat([frame, old]))
    return engine


def observations(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            select(Area.code, Area.indeling, Indicator.code.label("indicator"), Observation.period, Observation.value,
                   Observation.numerator, Observation.denominator)
            .join(Area, Area.id == Observation.area_id).join(Indicator, Indicator.id == Observation.indicator_id),
            conn,
        )


def observation_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Observation)).scalar_one()


def test_catalogue_defines_every_indicator_the_importer_writes():
    entries = {e["code"]: e for e in catalogue_entries()}
    assert all(code in entries for code in vektis.indicator_codes())
    assert entries["zvw_kosten_wijkverpleging_65plus"]["kind"] == "mean"
    assert entries["zvw_kosten_wijkverpleging_65plus"]["aggregation"] == "ratio"
    assert entries["zvw_verzekerden"]["aggregation"] == "sum"
    assert entries["zvw_pct_verzekerden_65plus"]["kind"] == "percentage"
    assert all("indeling 2024" in entries[c]["description"] for c in vektis.indicator_codes())


def test_costs_per_insured_year_are_a_ratio_of_sums_not_a_mean_of_row_ratios(gemeenten, tmp_path):
    # Per-row msz ratios 10, 100, 30, 30 average 42.5; the honest figure is 5,900 / 240 = 24.58.
    path = write(tmp_path, [
        REST,
        vrow("M", "60 t/m 64 jaar", "HAARLEM", 102, 100, kosten_medisch_specialistische_z=1000),
        vrow("M", "65 t/m 69 jaar", "HAARLEM", 11, 10, kosten_medisch_specialistische_z=1000,
             kosten_verpleging_en_verzorging=200, kosten_overig=-100),
        vrow("V", "60 t/m 64 jaar", "HAARLEM", 104, 100, kosten_medisch_specialistische_z=3000,
             kosten_verpleging_en_verzorging=100),
        vrow("V", "65 t/m 69 jaar", "HAARLEM", 31, 30, kosten_medisch_specialistische_z=900,
             kosten_verpleging_en_verzorging=600),
    ])
    report = import_file(gemeenten, "vektis", path)
    assert report.status == "geaccepteerd", report.summary()
    assert report.skipped == 1 and "restregel" in report.message

    obs = observations(gemeenten).set_index("indicator")
    assert set(obs["code"]) == {"GM0392"} and set(obs["indeling"]) == {2024} and set(obs["period"]) == {"2023"}
    msz = obs.loc["zvw_kosten_medisch_specialistisch"]
    assert (msz["numerator"], msz["denominator"]) == (5900, 240)
    assert msz["value"] == pytest.approx(5900 / 240) and msz["value"] != pytest.approx(42.5)
    assert obs.loc["zvw_kosten_medisch_specialistisch_65plus", "value"] == pytest.approx(1900 / 40)
    assert obs.loc["zvw_kosten_wijkverpleging", "value"] == pytest.approx(900 / 240)
    assert obs.loc["zvw_kosten_wijkverpleging_65plus", "value"] == pytest.approx(800 / 40)
    # totaal sums every cost column, the negative correction included
    assert obs.loc["zvw_kosten_totaal", "numerator"] == pytest.approx(5900 + 900 - 100)
    assert obs.loc["zvw_verzekerden", "value"] == 248
    assert obs.loc["zvw_verzekerdejaren", "value"] == 240
    assert obs.loc["zvw_pct_verzekerden_65plus", "value"] == pytest.approx(100 * 40 / 240)
    assert obs.loc["zvw_kosten_eerstelijnsverblijf", "value"] == 0  # the column exists: a real zero


def test_upper_case_headers_and_absent_columns_give_no_observation_not_zero(gemeenten, tmp_path):
    path = write(tmp_path, [
        vrow("V", "90+", "HAARLEM", 5, 4, header=HEADER_2014, kosten_specialistische_ggz=40,
             kosten_generalistische_basis_ggz=20, kosten_huisarts_consult=8),
    ], name="vektis_2014_gemeente.csv", header=HEADER_2014)
    report = import_file(gemeenten, "vektis", path)
    assert report.status == "geaccepteerd", report.summary()
    obs = observations(gemeenten).set_index("indicator")
    assert set(obs["period"]) == {"2014"}
    assert "zvw_kosten_wijkverpleging" not in obs.index and "zvw_kosten_wijkverpleging_65plus" not in obs.index
    assert "zvw_kosten_eerstelijnsverblijf" not in obs.index
    assert obs.loc["zvw_kosten_ggz", "value"] == pytest.approx(60 / 4)
    assert obs.loc["zvw_kosten_huisarts_65plus", "value"] == pytest.approx(8 / 4)  # 90+ counts as 65+
    assert "geen kolommen voor wijkverpleging" in report.message


def test_names_match_cbs_gemeenten_and_merged_gemeenten_are_summed_into_their_successor(gemeenten, tmp_path):
    path = write(tmp_path, [
        vrow("M", "70 t/m 74 jaar", "AMSTERDAM", 100, 100, kosten_farmacie=5000),
        vrow("M", "70 t/m 74 jaar", "WEESP", 20, 20, kosten_farmacie=1600),
        vrow("M", "70 t/m 74 jaar", "BERGEN NH", 30, 30, kosten_farmacie=900),
        vrow("M", "70 t/m 74 jaar", "BERGEN LB", 40, 40, kosten_farmacie=800),
        vrow("M", "70 t/m 74 jaar", "HENGELO", 50, 50, kosten_farmacie=500),
        vrow("M", "70 t/m 74 jaar", "S GRAVENHAGE", 60, 60, kosten_farmacie=600),
    ], name="vektis_2019_gemeente.csv.gz")
    path.write_bytes(gzip.compress(path.read_bytes()))
    report = import_file(gemeenten, "vektis", path)
    assert report.status == "geaccepteerd", report.summary()
    assert "GM0363 = AMSTERDAM + WEESP" in report.message
    obs = observations(gemeenten)
    farmacie = obs[obs["indicator"] == "zvw_kosten_farmacie"].set_index("code")
    assert farmacie["indeling"].eq(2024).all()
    assert farmacie.loc["GM0363", "value"] == pytest.approx(6600 / 120)
    assert farmacie.loc["GM0373", "value"] == pytest.approx(30)
    assert farmacie.loc["GM0893", "value"] == pytest.approx(20)
    assert farmacie.loc["GM0164", "value"] == pytest.approx(10)
    assert farmacie.loc["GM0518", "value"] == pytest.approx(10)


def test_year_comes_from_the_file_name():
    assert vektis.year_from_name("vektis_2017_gemeente.csv.gz") == 2017
    assert vektis.year_from_name("Vektis Open Databestand Zorgverzekeringswet 2022 - gemeente.csv") == 2022
    with pytest.raises(vektis.FileRejected, match="bestandsnaam"):
        vektis.year_from_name("vektis_2022_2023.csv")


@pytest.mark.parametrize(("bad_line", "expected"), [
    (vrow("M", "70 t/m 74 jaar", "HAARLEM", "12x", 10), "ongeldig getal '12x' in kolom aantal_bsn"),
    (vrow("M", "70 t/m 74 jaar", "HAARLEM", 12, -5), "negatief aantal -5 in kolom aantal_verzekerdejaren"),
    (vrow("M", "70 t/m 74 jaar", "HAARLEM", 12, 10, kosten_farmacie="1.2.3"),
     "ongeldig getal '1.2.3' in kolom kosten_farmacie"),
    (vrow("M", "70 t/m 74 jaar", "HAARLEM", 12, 10, kosten_farmacie=""), "lege cel in kolom kosten_farmacie"),
    (vrow("M", "70 t/m 74 jaar", "ATLANTIS", 12, 10), "onbekende gemeente 'ATLANTIS'"),
    (vrow("X", "70 t/m 74 jaar", "HAARLEM", 12, 10), "onbekend geslacht 'X'"),
    (vrow("M", "70 tot 74", "HAARLEM", 12, 10), "onbekende leeftijdsklasse '70 tot 74'"),
    (GOOD, "dubbele regel: HAARLEM M 65 t/m 69 jaar (ook op regel 2)"),
])
def test_bad_row_rejects_the_file_with_line_and_reason(gemeenten, tmp_path, bad_line, expected):
    report = import_file(gemeenten, "vektis", write(tmp_path, [GOOD, bad_line]))
    assert report.status == "afgewezen"
    assert [(r.line, expected in r.reason) for r in report.rejections] == [(3, True)], report.summary()
    assert observation_count(gemeenten) == 0


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("vektis_2023_gemeente.csv", (HEADER_2023.replace(";aantal_bsn", "") + "\n").encode(),
     "kolommen ontbreken: aantal_bsn"),
    ("vektis_2023_gemeente.csv", (HEADER_2023.replace(";", ",") + "\n" + GOOD.replace(";", ",")).encode(),
     "verkeerd scheidingsteken"),
    ("vektis_2023_gemeente.csv", (HEADER_2023 + "\n" + GOOD.replace("HAARLEM", "SÚDWEST-FRYSLÂN")).encode("latin-1"),
     "geen UTF-8"),
    ("vektis_2023_gemeente.csv", b"", "leeg"),
    ("vektis_2023_gemeente.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 excel", "geen tekstbestand"),
    ("vektis_2023_gemeente.csv", (HEADER_2023 + "\n" + REST).encode(), "geen regels met een gemeente"),
    ("vektis_2023_gemeente.csv", b"geslacht;leeftijdsklasse;gemeentenaam;aantal_bsn;aantal_verzekerdejaren\n",
     "geen kostenkolommen"),
    ("gemeente.csv", (HEADER_2023 + "\n" + GOOD).encode(), "zet het jaar in de naam"),
])
def test_unusable_file_is_rejected_as_a_whole(gemeenten, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    report = import_file(gemeenten, "vektis", path)
    assert report.status == "afgewezen"
    assert len(report.rejections) == 1 and report.rejections[0].line == 0
    assert expected in report.rejections[0].reason, report.summary()
    assert observation_count(gemeenten) == 0


def test_without_cbs_gemeenten_the_file_is_rejected_with_a_hint(engine, tmp_path):
    report = import_file(engine, "vektis", write(tmp_path, [GOOD]))
    assert report.status == "afgewezen"
    assert "importeer eerst de gebiedenlijst" in report.rejections[0].reason


def test_same_file_twice_is_unchanged_without_duplicates(gemeenten, tmp_path):
    path = write(tmp_path, [REST, GOOD])
    first = import_file(gemeenten, "vektis", path)
    assert first.status == "geaccepteerd"
    written = observation_count(gemeenten)
    again = import_file(gemeenten, "vektis", path)
    assert again.status == "ongewijzigd" and again.accepted == 0
    assert observation_count(gemeenten) == written == first.accepted


def _real_file(year: int) -> Path:
    path = VEKTIS_DIR / f"vektis_{year}_gemeente.csv.gz"
    if not path.exists():
        pytest.skip(f"publieke Vektis-data niet gevonden in {VEKTIS_DIR} (zet PUBLIC_DATA_DIR)")
    return path


def test_schiermonnikoog_2023_hospital_costs_match_the_published_2014_euro(gemeenten, tmp_path):
    with gzip.open(_real_file(2023), "rt", encoding="utf-8") as handle:
        header, *rows = handle.read().splitlines()
    extract = [r for r in rows if r.split(";")[2] in ("SCHIERMONNIKOOG", "")]
    assert sum(r.startswith(";;;") for r in extract) == 1  # the rest row (groups < 10 insured) rides along
    report = import_file(gemeenten, "vektis", write(tmp_path, extract, header=header))
    assert report.status == "geaccepteerd", report.summary()
    obs = observations(gemeenten).set_index("indicator")
    assert obs.loc["zvw_kosten_medisch_specialistisch", "value"] == pytest.approx(2014, abs=0.5)


def test_every_gemeente_name_in_all_real_files_resolves_to_a_2024_code(engine):
    for year in range(2011, 2024):
        _real_file(year)
    if not CBS_NAMES.exists():
        pytest.skip(f"CBS-gebiedenlijst niet gevonden: {CBS_NAMES}")
    cbs = pd.read_csv(CBS_NAMES, usecols=["gm_code", "gm_naam"], dtype=str).drop_duplicates()
    with engine.begin() as conn:
        upsert_areas(conn, pd.DataFrame({"code": cbs["gm_code"], "indeling": 2024, "level": "gemeente",
                                         "name": cbs["gm_naam"], "parent_code": "NL00"}))
    names = set()
    for year in range(2011, 2024):
        frame = pd.read_csv(_real_file(year), sep=";", usecols=[2], dtype=str, keep_default_na=False)
        names |= set(frame.iloc[:, 0]) - {""}
    with engine.connect() as conn:
        indeling, codes, known = vektis.match_gemeenten(conn, pd.Series(sorted(names)))
    assert indeling == 2024
    assert codes.notna().all(), sorted(pd.Series(sorted(names))[codes.isna()])
    assert set(codes) <= known
    assert len(set(codes)) == 342  # every 2024 gemeente has Vektis figures
