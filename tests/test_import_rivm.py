"""The RIVM importer ("Gezondheid per wijk en buurt", StatLine 50090NED/50120NED): areas, melt, suppression, rules."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.importers import import_file, rivm
from data_access.importers.common import upsert_areas
from data_access.models import Area, Indicator, Observation
from data_access.seed import catalogue_entries

PUBLIC_DATA = Path(os.environ.get("PUBLIC_DATA_DIR", Path(__file__).parents[2] / "shared" / "data"))
RIVM_FILE = PUBLIC_DATA / "rivm_gezondheid_wijk_buurt" / "rivm_gezondheid_wijk_buurt_2012_2016_2020.csv.gz"

HEADER = (
    "jaar,leeftijdsgroep,Leeftijd,Marges,regiocode,Perioden,gemeentenaam,soort_regio,codering,"
    "ErvarenGezondheidGoedZeerGoed_4,VoldoetAanBeweegrichtlijn_5,WekelijkseSporters_6,Ondergewicht_7,"
    "NormaalGewicht_8,Overgewicht_9,ErnstigOvergewicht_10,Roker_11,VoldoetAanAlcoholRichtlijn_12,Drinker_13,"
    "ZwareDrinker_14,OvermatigeDrinker_15,EenOfMeerLangdurigeAandoeningen_16,BeperktVanwegeGezondheid_17,"
    "ErnstigBeperktVanwegeGezondheid_18,LangdurigeZiekteEnBeperkt_19,EenOfMeerLichamelijkeBeperkingen_20,"
    "BeperkingInHoren_21,BeperkingInZien_22,BeperkingInBewegen_23,MatigHoogRisicoOpAngstOfDepressie_24,"
    "HoogRisicoOpAngstOfDepressie_25,HeelVeelStressInAfgelopen4Weken_26,MatigVeelRegieOverEigenLeven_27,"
    "Eenzaam_28,ErnstigZeerErnstigEenzaam_29,EmotioneelEenzaam_30,SociaalEenzaam_31,Mantelzorger_32,"
    "Vrijwilligerswerk_33,LopenEnOfFietsenNaarSchoolOfWerk_34,LopenNaarSchoolOfWerk_35,FietsenNaarSchoolOfWerk_36,"
    "ErnstigeGeluidhinderDoorBuren_37,MoeiteMetRondkomen_38"
)
COLUMNS = HEADER.split(",")
AGE_CODE = {"18+": "20300", "18-64": "53115", "65+": "80200"}


def row(year: int, age: str, code: str, kind: str, gemeente: str = "Haarlem", marges: str = "MW00000",
        **values: object) -> str:
    """One line in the layout of the converted 50090NED file; measures not given are empty (not measured)."""
    cells = dict.fromkeys(COLUMNS, "")
    cells.update(jaar=str(year), leeftijdsgroep=age, Leeftijd=AGE_CODE.get(age, "0"), Marges=marges, regiocode=code,
                 Perioden=f"{year}JJ00", gemeentenaam=gemeente, soort_regio=kind, codering=code)
    cells.update({k: str(v) for k, v in values.items()})
    return ",".join(cells[c] for c in COLUMNS)


def write(tmp_path: Path, lines: list[str], name: str = "rivm.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


NL_ROW = row(2016, "18+", "NL01", "Land", "Nederland", Eenzaam_28="43.2")


@pytest.fixture
def areas_2024(engine):
    """The few 2024 areas whose names the RIVM importer reuses for its 2020 areas."""
    with engine.begin() as conn:
        upsert_areas(conn, pd.DataFrame([
            {"code": "NL00", "indeling": 2024, "level": "land", "name": "Nederland", "parent_code": None},
            {"code": "GM0392", "indeling": 2024, "level": "gemeente", "name": "Haarlem", "parent_code": "NL00"},
            {"code": "WK039201", "indeling": 2024, "level": "wijk", "name": "Centrum", "parent_code": "GM0392"},
        ]))
    return engine


def observations(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            select(Area.code, Area.indeling, Indicator.code.label("indicator"), Observation.period, Observation.value,
                   Observation.source)
            .join(Area, Area.id == Observation.area_id).join(Indicator, Indicator.id == Observation.indicator_id),
            conn,
        )


def count(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_catalogue_has_an_18plus_and_65plus_indicator_for_every_measure():
    entries = {e["code"]: e for e in catalogue_entries()}
    wanted = rivm.measures()
    assert len(wanted) == 34 and all(code in entries for code in wanted.values())
    assert entries["eenzaam_65plus"]["name"] == "Eenzaam (65+)"
    assert entries["eenzaam_65plus"]["weight_indicator"] == "inwoners_65plus"
    assert entries["ervaren_gezondheid_goed_18plus"]["weight_indicator"] == "inwoners"
    assert entries["mantelzorger_18plus"]["polarity"] == "neutral"
    assert entries["eenzaam_18plus"]["polarity"] == "lower_is_better"
    assert {entries[c]["aggregation"] for c in wanted.values()} == {"weighted_mean"}


def test_imports_point_estimates_for_18plus_and_65plus_on_indeling_2020(areas_2024, tmp_path):
    path = write(tmp_path, [
        row(2016, "18+", "NL01", "Land", "Nederland", Eenzaam_28="43.2", ErvarenGezondheidGoedZeerGoed_4="76.0",
            VoldoetAanBeweegrichtlijn_5="49.0"),
        row(2016, "18+", "GM0392", "Gemeente", Eenzaam_28="44.0", Roker_11="."),
        row(2016, "18+", "WK039201", "Wijk", Eenzaam_28="45.1"),
        row(2016, "18+", "BU03920101", "Buurt", Eenzaam_28=".", ErvarenGezondheidGoedZeerGoed_4="70.2"),
        row(2016, "65+", "GM0392", "Gemeente", Eenzaam_28="48.6", Mantelzorger_32="15.0"),
        row(2016, "18-64", "GM0392", "Gemeente", Eenzaam_28="41.0"),
        row(2012, "65+", "GM0392", "Gemeente", Eenzaam_28="46.6"),
        row(2016, "18+", "GM0392", "Gemeente", marges="MOG0095", Eenzaam_28="40.0"),
    ])
    report = import_file(areas_2024, "rivm", path)
    assert report.status == "geaccepteerd", report.summary()
    assert report.skipped == 2  # the two "." cells; empty cells are "not measured" and count nowhere
    assert "2 waarden onderdrukt ('.')" in report.message
    assert "leeftijdsgroep 18-64" in report.message and "marges" in report.message

    obs = observations(areas_2024)
    got = {(r.code, r.indicator, r.period): r.value for r in obs.itertuples()}
    assert got == {
        ("NL00", "eenzaam_18plus", "2016"): 43.2,
        ("NL00", "ervaren_gezondheid_goed_18plus", "2016"): 76.0,
        ("NL00", "beweegrichtlijn_18plus", "2016"): 49.0,
        ("GM0392", "eenzaam_18plus", "2016"): 44.0,  # the point estimate, not the margin row (40.0)
        ("WK039201", "eenzaam_18plus", "2016"): 45.1,
        ("BU03920101", "ervaren_gezondheid_goed_18plus", "2016"): 70.2,
        ("GM0392", "eenzaam_65plus", "2016"): 48.6,
        ("GM0392", "mantelzorger_65plus", "2016"): 15.0,
        ("GM0392", "eenzaam_65plus", "2012"): 46.6,
    }
    assert set(obs["indeling"]) == {2020}
    assert set(obs["source"]) == {"RIVM/GGD'en/CBS Gezondheidsmonitor (50090NED)"}

    with areas_2024.connect() as conn:
        areas = {a.code: a for a in conn.execute(
            select(Area.code, Area.level, Area.name, Area.parent_code).where(Area.indeling == 2020)).all()}
    assert set(areas) == {"NL00", "GM0392", "WK039201", "BU03920101"}
    assert (areas["NL00"].level, areas["NL00"].name, areas["NL00"].parent_code) == ("land", "Nederland", None)
    assert (areas["GM0392"].level, areas["GM0392"].parent_code) == ("gemeente", "NL00")
    assert areas["WK039201"].name == "Centrum"  # the 2024 name of the same code
    assert (areas["BU03920101"].level, areas["BU03920101"].name, areas["BU03920101"].parent_code) == (
        "buurt", "BU03920101", "WK039201")


def test_gzipped_file_gives_the_same_observations(areas_2024, tmp_path):
    plain = write(tmp_path, [NL_ROW, row(2020, "65+", "GM0392", "Gemeente", Eenzaam_28="50.4")])
    packed = tmp_path / "rivm.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    report = import_file(areas_2024, "rivm", packed)
    assert report.status == "geaccepteerd", report.summary()
    assert observations(areas_2024).set_index("indicator")["value"].to_dict() == {
        "eenzaam_18plus": 43.2, "eenzaam_65plus": 50.4}


def test_successor_layout_with_raw_statline_columns_and_padding_is_read(areas_2024, tmp_path):
    header = ("ID,WijkenEnBuurten,Gemeentenaam_1,SoortRegio_2,Codering_3,Leeftijd,Perioden,Marges,"
              "ErvarenGezondheidGoedZeerGoed_5,Eenzaam_31,NieuweMaat_99")
    padded = "GM0392    ,Haarlem                                 ,Gemeente  ,GM0392    "  # as StatLine pads
    path = write(tmp_path, [
        f"0,{padded},20300,2022JJ00,MW00000,77.1,47.0,3",
        f"1,{padded},80200,2022JJ00,MW00000,70.5,52.3,4",
    ], header=header)
    report = import_file(areas_2024, "rivm", path)
    assert report.status == "geaccepteerd", report.summary()
    got = {(r.code, r.indeling, r.indicator, r.period): r.value for r in observations(areas_2024).itertuples()}
    assert got == {
        ("GM0392", 2022, "ervaren_gezondheid_goed_18plus", "2022"): 77.1,
        ("GM0392", 2022, "eenzaam_18plus", "2022"): 47.0,
        ("GM0392", 2022, "ervaren_gezondheid_goed_65plus", "2022"): 70.5,
        ("GM0392", 2022, "eenzaam_65plus", "2022"): 52.3,
    }


@pytest.mark.parametrize(("bad_line", "expected"), [
    (row(2016, "18+", "GM0392", "Gemeente", Eenzaam_28="4x.0"), "ongeldig getal '4x.0' in kolom Eenzaam_28"),
    (row(2016, "18+", "GM0392", "Gemeente", Eenzaam_28="140.0"), "percentage boven 100 (140)"),
    (row(2016, "18+", "GM0392", "Gemeente", Eenzaam_28="-3.0"), "negatieve waarde -3 kan niet voor 'eenzaam_18plus'"),
    (row(2016, "18+", "XX0392", "Gemeente", Eenzaam_28="44.0"), "onbekende regiocode 'XX0392'"),
    (row(2016, "18+", "GM0392", "Wijk", Eenzaam_28="44.0"), "soort_regio 'Wijk' past niet bij regiocode GM0392"),
    (row(2016, "12+", "GM0392", "Gemeente", Eenzaam_28="44.0"), "onbekende leeftijdsgroep '12+'"),
    (row(20016, "18+", "GM0392", "Gemeente", Eenzaam_28="44.0"), "ongeldig jaar '20016'"),
    (NL_ROW, "dubbele regel NL00 2016 18+ (ook op regel 2)"),
])
def test_bad_row_rejects_the_file_with_line_and_reason(areas_2024, tmp_path, bad_line, expected):
    report = import_file(areas_2024, "rivm", write(tmp_path, [NL_ROW, bad_line]))
    assert report.status == "afgewezen"
    assert [(r.line, expected in r.reason) for r in report.rejections] == [(3, True)], report.summary()
    assert count(areas_2024, Observation) == 0
    assert count(areas_2024, Area, Area.indeling == 2020) == 0


@pytest.mark.parametrize(("content", "expected"), [
    ((HEADER.replace(",", ";") + "\n" + NL_ROW.replace(",", ";")).encode(), "verkeerd scheidingsteken"),
    ((HEADER.replace("regiocode,", "") + "\n").encode(), "kolommen ontbreken: regiocode"),
    (b"jaar,leeftijdsgroep,regiocode\n2016,18+,NL01\n", "geen bekende indicatorkolommen"),
    ((HEADER + "\n" + row(2016, "18+", "GM1900", "Gemeente", "Súdwest-Fryslân", Eenzaam_28="40.1")).encode("latin-1"),
     "geen UTF-8"),
    (b"", "leeg"),
    (b"PK\x03\x04\x14\x00\x00\x00binary", "geen tekstbestand"),
    (gzip.compress((HEADER + "\n" + NL_ROW).encode())[:40], "gzip"),
    ((HEADER + "\n").encode(), "alleen een kopregel"),
])
def test_unusable_file_is_rejected_as_a_whole(areas_2024, tmp_path, content, expected):
    path = tmp_path / "rivm.csv"
    path.write_bytes(content)
    report = import_file(areas_2024, "rivm", path)
    assert report.status == "afgewezen"
    assert len(report.rejections) == 1 and report.rejections[0].line == 0
    assert expected in report.rejections[0].reason, report.summary()
    assert count(areas_2024, Observation) == 0


def test_same_file_twice_is_unchanged_without_duplicates(areas_2024, tmp_path):
    path = write(tmp_path, [NL_ROW, row(2016, "65+", "GM0392", "Gemeente", Eenzaam_28="48.6")])
    assert import_file(areas_2024, "rivm", path).status == "geaccepteerd"
    again = import_file(areas_2024, "rivm", path)
    assert again.status == "ongewijzigd" and again.accepted == 0
    assert count(areas_2024, Observation) == 2
    assert count(areas_2024, Area, Area.indeling == 2020) == 2


@pytest.fixture(scope="module")
def real_lines():
    if not RIVM_FILE.exists():
        pytest.skip(f"publieke RIVM-data niet gevonden in {RIVM_FILE.parent} (zet PUBLIC_DATA_DIR)")
    with gzip.open(RIVM_FILE, "rt", encoding="utf-8") as handle:
        return handle.read().splitlines()


def test_real_extract_of_haarlem_matches_the_source_cells(areas_2024, tmp_path, real_lines):
    header, rows = real_lines[0], real_lines[1:]
    code_at = header.split(",").index("regiocode")
    haarlem = [r for r in rows if r.split(",")[code_at] in ("NL01", "GM0392")
               or r.split(",")[code_at].startswith(("WK0392", "BU0392"))]
    path = write(tmp_path, haarlem, header=header)
    report = import_file(areas_2024, "rivm", path)
    assert report.status == "geaccepteerd", report.summary()

    source = pd.read_csv(path, dtype=str, keep_default_na=False)
    source = source[source["leeftijdsgroep"].isin(["18+", "65+"]) & (source["Marges"] == "MW00000")]
    fields = {e["code"]: e["source_field"] for e in catalogue_entries() if e["code"] in rivm.measures().values()}
    expected = sum(((source[f] != "") & (source[f] != ".")).sum() for f in set(fields.values()))
    obs = observations(areas_2024)
    assert len(obs) == expected
    gm_2020_65 = source[(source["regiocode"] == "GM0392") & (source["jaar"] == "2020")
                        & (source["leeftijdsgroep"] == "65+")].iloc[0]
    stored = obs[(obs["code"] == "GM0392") & (obs["period"] == "2020")].set_index("indicator")["value"]
    assert stored["eenzaam_65plus"] == float(gm_2020_65["Eenzaam_28"])
    assert stored["moeite_met_rondkomen_65plus"] == float(gm_2020_65["MoeiteMetRondkomen_38"])


def test_whole_real_file_parses_without_rejections(engine, real_lines):
    raw = RIVM_FILE.read_bytes()
    with engine.connect() as conn:
        parsed = rivm.parse(raw, conn)
    assert parsed.rejections == []
    assert len(parsed.areas) == 17341  # 1 land, 355 gemeenten, 3,177 wijken, 13,808 buurten (indeling 2020)
    assert parsed.areas["level"].value_counts().to_dict() == {"buurt": 13808, "wijk": 3177, "gemeente": 355,
                                                              "land": 1}
    assert set(parsed.observations["period"]) == {"2012", "2016", "2020"}
    assert parsed.skipped > 0 and len(parsed.observations) > 1_000_000
