"""The KWB importer (`kwb`): CBS download 2023 and the KWB 2024 buurt selection, compared with the real files."""

from __future__ import annotations

import csv
import gzip
import io
import os
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.importers import import_file, kwb
from data_access.models import Area, Indicator, Observation

pytestmark = pytest.mark.bare_store  # these tests count every area an import creates
DATA_DIR = Path(os.environ.get("PUBLIC_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data"))
BUURTEN_2024 = DATA_DIR / "cbs_buurtnamen" / "buurten_2024_codes_namen.csv"
KWB_2023 = DATA_DIR / "cbs_kwb_2023_selectie" / "kwb_2023_selectie.csv.gz"
KWB_2024 = DATA_DIR / "cbs_buurtnamen" / "buurt_2024_kwb_selectie_woonikveilig.csv.gz"
HAARLEM = "0392"

CBS_HEADER = "gwb_code_10;gm_naam;a_inw;a_wmo_t;p_wmo_t;g_afs_hp;ste_mvs;p_ink_li\n"
CBS_GOOD = "NL00;Nederland;17811291;1247750;70;1,1;2;40\nGM0392;Haarlem;165396;10870;66;0,6;1;35.2\n"
BUURT_HEADER = ("buurtcode,buurtnaam,wijkcode,kwb_inwoners,kwb_inwoners65plus,misdrijven_2024,"
                "goed_ervaren_gezondheid_2024\n")
GEBIEDEN = ("bu_code,bu_naam,wk_code,wk_naam,gm_code,gm_naam\n"
            "BU03920105,Vijfhoek,WK039201,Oude Stad,GM0392,Haarlem\n"
            "BU03920106,Heiliglanden,WK039201,Oude Stad,GM0392,Haarlem\n")


def need(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"publiek bestand {path.name} niet gevonden in {DATA_DIR} (zet PUBLIC_DATA_DIR)")


def write(tmp_path: Path, name: str, content: str | bytes, gz: bool = False) -> Path:
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def subset(source: Path, delimiter: str, code_column: str, keep) -> tuple[str, dict[str, dict]]:  # noqa: ANN001
    """Header plus the rows `keep(code)` selects, as text in the source format, and those rows by code."""
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8", newline="") as handle:
        lines = handle.read().splitlines(keepends=True)
    kept = [lines[0]] + [line for line in lines[1:] if keep(line.split(delimiter, 1)[0])]
    rows = {r[code_column]: r for r in csv.DictReader(io.StringIO("".join(kept)), delimiter=delimiter)}
    return "".join(kept), rows


def import_haarlem_areas(engine, tmp_path: Path) -> None:  # noqa: ANN001
    need(BUURTEN_2024)
    text, _ = subset(BUURTEN_2024, ",", "bu_code", lambda code: code[2:6] == HAARLEM)
    assert import_file(engine, "gebieden", write(tmp_path, "buurten_2024.csv", text)).ok


def haarlem_2023(tmp_path: Path, name: str = "kwb_2023_haarlem.csv.gz") -> tuple[Path, dict[str, dict]]:
    need(KWB_2023)
    text, rows = subset(KWB_2023, ";", "gwb_code_10",
                        lambda code: code in ("NL00", "GM" + HAARLEM) or code[2:6] == HAARLEM)
    return write(tmp_path, name, text, gz=name.endswith(".gz")), rows


def haarlem_2024(tmp_path: Path) -> tuple[Path, dict[str, dict]]:
    need(KWB_2024)
    text, rows = subset(KWB_2024, ",", "buurtcode", lambda code: code[2:6] == HAARLEM)
    return write(tmp_path, "buurt_2024_kwb_haarlem.csv.gz", text, gz=True), rows


def observations(engine, code: str | None = None, indicator: str | None = None) -> pd.DataFrame:  # noqa: ANN001
    query = (select(Area.code, Area.indeling, Indicator.code.label("indicator"), Observation.period,
                    Observation.value, Observation.numerator, Observation.denominator, Observation.source)
             .join(Area, Area.id == Observation.area_id).join(Indicator, Indicator.id == Observation.indicator_id))
    if code:
        query = query.where(Area.code == code)
    if indicator:
        query = query.where(Indicator.code == indicator)
    with engine.connect() as conn:
        return pd.read_sql(query.order_by(Area.indeling, Observation.period), conn)


def count(engine, model) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def number(text: str) -> float:
    return float(text.replace(",", "."))


# ---------------------------------------------------------------- format a: the CBS download (KWB 2023)

def test_cbs_download_stores_haarlem_values_as_published(engine, tmp_path):
    import_haarlem_areas(engine, tmp_path)
    path, rows = haarlem_2023(tmp_path)
    row = rows["BU03920101"]
    assert row["g_ink_pi"] == "." and "," in row["g_afs_hp"]  # the cells this test is about

    report = import_file(engine, "kwb", path)

    assert report.status == "geaccepteerd", report.summary()
    assert report.skipped > 0 and "'.'" in report.message
    obs = observations(engine, "BU03920101").set_index("indicator")
    assert set(obs["indeling"]) == {2023} and set(obs["period"]) == {"2023"}
    assert obs.loc["inwoners", "value"] == number(row["a_inw"])
    assert obs.loc["afstand_huisarts", "value"] == pytest.approx(number(row["g_afs_hp"]))  # "0,4" → 0.4
    assert obs.loc["gem_huishoudgrootte", "value"] == pytest.approx(number(row["g_hhgro"]))  # "1.6" → 1.6
    assert "inkomen_per_inwoner" not in obs.index  # "." is missing, never 0
    wmo = obs.loc["wmo_per_1000"]
    assert (wmo["value"], wmo["numerator"], wmo["denominator"]) == (
        number(row["p_wmo_t"]), number(row["a_wmo_t"]), number(row["a_inw"]))
    bijstand = obs.loc["uitkering_bijstand_per_100"]
    assert bijstand["numerator"] == number(row["a_soz_wb"]) and bijstand["denominator"] == number(row["a_inw"])
    assert bijstand["value"] == pytest.approx(100 * number(row["a_soz_wb"]) / number(row["a_inw"]))
    single = obs.loc["pct_eenpersoonshuishoudens"]
    assert (single["numerator"], single["denominator"]) == (number(row["a_1p_hh"]), number(row["a_hh"]))
    assert obs.loc["inwoners", "source"] == "CBS Kerncijfers wijken en buurten 2023"
    inhabitants = observations(engine, indicator="inwoners")
    assert len(inhabitants) == sum(r["a_inw"] != "." for r in rows.values())
    assert observations(engine, "NL00", "afstand_huisarts")["value"].tolist() == [number(rows["NL00"]["g_afs_hp"])]


def test_cbs_download_defines_areas_of_its_year_with_2024_names(engine, tmp_path):
    import_haarlem_areas(engine, tmp_path)
    path, rows = haarlem_2023(tmp_path)

    assert import_file(engine, "kwb", path).ok

    with engine.connect() as conn:
        stored = pd.read_sql(select(Area).where(Area.indeling == 2023), conn).set_index("code")
    assert len(stored) == len(rows)
    assert stored.loc["NL00", ["level", "name"]].tolist() == ["land", "Nederland"]
    assert stored.loc["GM0392", ["level", "name", "parent_code"]].tolist() == ["gemeente", "Haarlem", "NL00"]
    assert stored.loc["WK039201", ["level", "name", "parent_code"]].tolist() == ["wijk", "Oude Stad", "GM0392"]
    assert stored.loc["BU03920105", ["level", "name", "parent_code"]].tolist() == ["buurt", "Vijfhoek", "WK039201"]


def test_cbs_download_without_2024_areas_falls_back_to_gm_naam_and_code(engine, tmp_path):
    path = write(tmp_path, "kwb-2023.csv", CBS_HEADER + CBS_GOOD + "WK039201;Haarlem;14745;680;46;0,4;1;29.1\n")

    assert import_file(engine, "kwb", path).ok

    with engine.connect() as conn:
        names = dict(conn.execute(select(Area.code, Area.name).where(Area.indeling == 2023)).all())
    assert names == {"NL00": "Nederland", "GM0392": "Haarlem", "WK039201": "WK039201"}


def test_year_comes_from_the_file_name_with_2023_as_fallback(engine, tmp_path):
    assert kwb.year_from_name("kwb-2022.csv") == 2022
    assert kwb.year_from_name("KWB_2024_selectie.csv.gz") == 2024
    assert kwb.year_from_name("kerncijfers.csv") is None

    named = import_file(engine, "kwb", write(tmp_path, "kwb-2022.csv", CBS_HEADER + CBS_GOOD))
    unnamed = import_file(engine, "kwb", write(tmp_path, "kerncijfers.csv", CBS_HEADER + CBS_GOOD.replace("66", "67")))

    assert named.ok and unnamed.ok
    assert "2023 aangenomen" in unnamed.message and "aangenomen" not in named.message
    periods = observations(engine, "GM0392", "wmo_per_1000").set_index("period")
    assert periods.loc["2022", ["indeling", "value"]].tolist() == [2022, 66]
    assert periods.loc["2023", ["indeling", "value"]].tolist() == [2023, 67]


def test_same_file_twice_is_unchanged_and_adds_nothing(engine, tmp_path):
    path = write(tmp_path, "kwb_2023.csv.gz", CBS_HEADER + CBS_GOOD, gz=True)
    first = import_file(engine, "kwb", path)
    stored = count(engine, Observation)
    second = import_file(engine, "kwb", path)

    assert first.status == "geaccepteerd" and stored > 0
    assert second.status == "ongewijzigd"
    assert count(engine, Observation) == stored


def assert_rejected(engine, report, expected: list[tuple[int, str]]) -> None:
    """Refused with exactly these (line, reason fragment) pairs; no observation and no area was written."""
    assert report.status == "afgewezen"
    got = [(r.line, r.reason) for r in report.rejections]
    assert len(got) == len(expected), report.summary()
    for (line, reason), (want_line, fragment) in zip(got, expected, strict=True):
        assert line == want_line and fragment in reason, (line, reason)
    assert count(engine, Observation) == 0
    assert count(engine, Area) == 0


@pytest.mark.parametrize(("content", "fragment"), [
    (CBS_HEADER.replace(";", ",") + CBS_GOOD.replace(",", ".").replace(";", ","), "verkeerd scheidingsteken"),
    (BUURT_HEADER.replace(",", ";") + "BU03920105;Vijfhoek;WK039201;3500;520;567;79.4\n", "verkeerd scheidingsteken"),
    ((CBS_HEADER + "GM0392;H\xe4arlem;1;1;1;1;1;1\n").encode("latin-1"), "geen UTF-8"),
    (b"", "leeg"),
    (b"\x00\x01\x02binary\x00", "geen tekstbestand"),
    (gzip.compress(b"\x89PNG\r\n\x1a\n\x00\x00"), "geen tekstbestand"),
    (b"\x1f\x8b\x08\x00broken", "beschadigd gzip-bestand"),
    ("code;inwoners\nGM0392;165396\n", "onbekend formaat"),
    ("gwb_code_10;gm_naam\nGM0392;Haarlem\n", "kolom a_inw (inwoners) ontbreekt"),
    (CBS_HEADER, "alleen een kopregel"),
])
def test_unusable_file_is_rejected_as_a_whole(engine, tmp_path, content, fragment):
    report = import_file(engine, "kwb", write(tmp_path, "kwb_2023.csv", content))

    assert_rejected(engine, report, [(0, fragment)])


def test_malformed_number_and_code_are_rejected_with_their_line(engine, tmp_path):
    text = CBS_HEADER + CBS_GOOD + "WK039201;Haarlem;14.745,5,1;680;46;0,4;1;29.1\nBU392;Haarlem;5;0;0;0,4;1;29.1\n"

    report = import_file(engine, "kwb", write(tmp_path, "kwb_2023.csv", text))

    assert_rejected(engine, report, [
        (4, "ongeldig getal '14.745,5,1' in kolom a_inw"),
        (5, "ongeldige gebiedscode 'BU392'"),
    ])


def test_impossible_values_are_rejected(engine, tmp_path):
    text = CBS_HEADER + CBS_GOOD + (
        "WK039201;Haarlem;-5;680;46;0,4;1;29.1\n"
        "WK039202;Haarlem;13090;600;1200;0,4;1;29.1\n"
        "WK039203;Haarlem;13090;600;46;0,4;7;29.1\n"
        "WK039204;Haarlem;13090;600;46;0,4;1;120\n"
    )

    report = import_file(engine, "kwb", write(tmp_path, "kwb_2023.csv", text))

    assert_rejected(engine, report, [
        (4, "negatieve waarde -5 kan niet voor 'inwoners'"),
        (5, "onmogelijke waarde '1200' in kolom p_wmo_t (meer dan 1.000 per 1.000 inwoners)"),
        (6, "onmogelijke waarde '7' in kolom ste_mvs (verwacht een geheel getal 1 t/m 5)"),
        (7, "percentage boven 100 (120)"),
    ])


def test_duplicate_code_is_rejected(engine, tmp_path):
    text = CBS_HEADER + CBS_GOOD + "GM0392;Haarlem;165396;10870;66;0,6;1;35.2\n"

    report = import_file(engine, "kwb", write(tmp_path, "kwb_2023.csv", text))

    assert_rejected(engine, report, [(4, "dubbele gebiedscode GM0392 (ook op regel 3)")])


def test_share_is_left_out_where_cbs_rounding_makes_the_numerator_exceed_the_denominator(engine, tmp_path):
    text = "gwb_code_10;gm_naam;a_inw;a_nl_all\nNL00;Nederland;17811291;12978154\nGM0392;Haarlem;5;10\n"

    report = import_file(engine, "kwb", write(tmp_path, "kwb_2023.csv", text))

    assert report.status == "geaccepteerd", report.summary()
    assert "aandelen niet berekend" in report.message
    assert observations(engine, "GM0392", "inwoners_herkomst_nl")["value"].tolist() == [10]
    assert observations(engine, "GM0392", "pct_herkomst_nl").empty
    assert observations(engine, "NL00", "pct_herkomst_nl")["value"].iloc[0] == pytest.approx(
        100 * 12978154 / 17811291)


# ---------------------------------------------------------------- format b: KWB 2024 buurt selection

def test_buurt_selection_stores_haarlem_2024_crime_and_health(engine, tmp_path):
    import_haarlem_areas(engine, tmp_path)
    path, rows = haarlem_2024(tmp_path)
    row = rows["BU03920105"]

    report = import_file(engine, "kwb", path)

    assert report.status == "geaccepteerd", report.summary()
    obs = observations(engine, "BU03920105")
    assert set(obs["indeling"]) == {2024}
    kwb_2024 = obs[obs["period"] == "2024"].set_index("indicator")
    assert kwb_2024.loc["inwoners", "value"] == number(row["kwb_inwoners"])
    assert kwb_2024.loc["inwoners_65plus", "value"] == number(row["kwb_inwoners65plus"])
    share = kwb_2024.loc["pct_65plus"]
    assert (share["numerator"], share["denominator"]) == (number(row["kwb_inwoners65plus"]),
                                                          number(row["kwb_inwoners"]))
    assert share["value"] == pytest.approx(100 * number(row["kwb_inwoners65plus"]) / number(row["kwb_inwoners"]))
    density = kwb_2024.loc["bevolkingsdichtheid"]
    assert density["value"] == number(row["kwb_dichtheid"])
    assert density["denominator"] == pytest.approx(number(row["kwb_oppervlakteLandHa"]) / 100)
    crimes = obs[obs["indicator"] == "misdrijven"]
    assert crimes["period"].tolist() == ["2021", "2022", "2023", "2024", "2025"]
    assert crimes["value"].tolist() == [number(row[f"misdrijven_{y}"]) for y in range(2021, 2026)]
    assert set(crimes["source"]) == {"Politie/CBS (47022NED)"}
    rate = kwb_2024.loc["misdrijven_per_1000"]
    assert (rate["numerator"], rate["denominator"]) == (number(row["misdrijven_2024"]), number(row["kwb_inwoners"]))
    assert rate["value"] == pytest.approx(1000 * number(row["misdrijven_2024"]) / number(row["kwb_inwoners"]))
    health = obs[obs["indicator"] == "ervaren_gezondheid_goed_reeks"]
    assert health["period"].tolist() == ["2012", "2016", "2020", "2022", "2024"]
    assert health["value"].tolist() == [number(row[f"goed_ervaren_gezondheid_{year}"])
                                        for year in (2012, 2016, 2020, 2022, 2024)]
    # an empty cell is missing, not 0
    empty = [code for code, r in rows.items() if r["kwb_inkomenPerInwoner"] == "" and r["kwb_inwoners"] != ""]
    assert empty and observations(engine, empty[0], "inkomen_per_inwoner").empty
    assert len(observations(engine, indicator="inwoners")) == sum(r["kwb_inwoners"] != "" for r in rows.values())


def test_indicators_of_both_kwb_years_share_one_code(engine, tmp_path):
    import_haarlem_areas(engine, tmp_path)
    path_2023, rows_2023 = haarlem_2023(tmp_path)
    path_2024, rows_2024 = haarlem_2024(tmp_path)

    assert import_file(engine, "kwb", path_2023).ok and import_file(engine, "kwb", path_2024).ok

    shared = ["inwoners", "huishoudens", "gem_huishoudgrootte", "bevolkingsdichtheid", "woz_waarde",
              "afstand_huisarts", "afstand_supermarkt", "afstand_school", "scholen_binnen_3km", "stedelijkheid",
              "omgevingsadressendichtheid"]
    obs = observations(engine, "BU03920105")
    for indicator in shared:
        assert obs.loc[obs["indicator"] == indicator, "period"].tolist() == ["2023", "2024"], indicator
    inhabitants = obs[obs["indicator"] == "inwoners"].set_index("period")["value"]
    assert inhabitants.tolist() == [number(rows_2023["BU03920105"]["a_inw"]),
                                    number(rows_2024["BU03920105"]["kwb_inwoners"])]


def test_buurt_selection_rejects_unknown_buurt_and_bad_rows(engine, tmp_path):
    assert import_file(engine, "gebieden", write(tmp_path, "gebieden.csv", GEBIEDEN)).ok
    areas_before = count(engine, Area)
    text = BUURT_HEADER + (
        "BU03920105,Vijfhoek,WK039201,3500,520,567,79.4\n"
        "BU03929999,Onbekend,WK039299,100,10,1,80\n"
        "BU03920106,Heiliglanden,WK039202,1000,100,10,80\n"
        "BU03920105,Vijfhoek,WK039201,3500,520,567,79.4\n"
        "BU0392010X6,Te lang,WK039201,1,1,1,1\n"
    )

    report = import_file(engine, "kwb", write(tmp_path, "buurt_2024.csv", text))

    assert report.status == "afgewezen"
    assert [(r.line, r.reason) for r in report.rejections] == [
        (3, "onbekende buurt BU03929999 in indeling 2024; importeer eerst de CBS-gebiedenlijst (soort 'gebieden')"),
        (4, "wijkcode WK039202 hoort niet bij buurt BU03920106"),
        (5, "dubbele gebiedscode BU03920105 (ook op regel 2)"),
        (6, "ongeldige buurtcode 'BU0392010X6' (verwacht BU + 8 tekens)"),
    ]
    assert count(engine, Observation) == 0 and count(engine, Area) == areas_before


def test_buurt_selection_rejects_malformed_and_impossible_values(engine, tmp_path):
    assert import_file(engine, "gebieden", write(tmp_path, "gebieden.csv", GEBIEDEN)).ok
    text = BUURT_HEADER + ("BU03920105,Vijfhoek,WK039201,3500,vijf,567,79.4\n"
                           "BU03920106,Heiliglanden,WK039201,1000,100,10,120\n")

    report = import_file(engine, "kwb", write(tmp_path, "buurt_2024.csv", text))

    assert report.status == "afgewezen"
    assert [(r.line, r.reason) for r in report.rejections] == [
        (2, "ongeldig getal 'vijf' in kolom kwb_inwoners65plus"),
        (3, "percentage boven 100 (120)"),
    ]
    assert count(engine, Observation) == 0


def test_buurt_selection_twice_is_unchanged(engine, tmp_path):
    assert import_file(engine, "gebieden", write(tmp_path, "gebieden.csv", GEBIEDEN)).ok
    path = write(tmp_path, "buurt_2024.csv", BUURT_HEADER + "BU03920105,Vijfhoek,WK039201,3500,520,567,79.4\n")

    first = import_file(engine, "kwb", path)
    stored = count(engine, Observation)
    second = import_file(engine, "kwb", path)

    assert first.status == "geaccepteerd" and stored == 6  # inwoners, 65+, pct 65+, misdrijven, per 1000, gezondheid
    assert second.status == "ongewijzigd" and count(engine, Observation) == stored
