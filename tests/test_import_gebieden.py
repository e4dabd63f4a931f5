"""The CBS area list importer (`gebieden`): real Haarlem rows, every validation rule, idempotent re-import."""

from __future__ import annotations

import csv
import gzip
import os
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from data_access.importers import import_file
from data_access.models import Area, ImportBatch

pytestmark = pytest.mark.bare_store  # these tests count every area an import creates
DATA_DIR = Path(os.environ.get("PUBLIC_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data"))
BUURTEN_2024 = DATA_DIR / "cbs_buurtnamen" / "buurten_2024_codes_namen.csv"
HEADER = "bu_code,bu_naam,wk_code,wk_naam,gm_code,gm_naam,jrstatcode,Shape_Area,Shape_Leng\n"
GOOD_ROWS = (
    "BU03920105,Vijfhoek,WK039201,Oude Stad,GM0392,Haarlem,2024BU03920105,248767.4,2040.5\n"
    "BU03920106,Heiliglanden,WK039201,Oude Stad,GM0392,Haarlem,2024BU03920106,128131.3,1583.7\n"
)


def real_rows(tmp_path: Path, keep) -> tuple[Path, list[dict]]:  # noqa: ANN001
    """Copy the rows of the real CBS list that `keep(row)` selects into tmp_path."""
    if not BUURTEN_2024.exists():
        pytest.skip(f"publieke CBS-bestanden niet gevonden in {DATA_DIR} (zet PUBLIC_DATA_DIR)")
    with BUURTEN_2024.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if keep(r)]
    path = tmp_path / "buurten_2024_subset.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path, rows


def areas(engine) -> pd.DataFrame:  # noqa: ANN001
    with engine.connect() as conn:
        return pd.read_sql(select(Area.code, Area.indeling, Area.level, Area.name, Area.parent_code), conn)


def write(tmp_path: Path, content: str | bytes, name: str = "gebieden.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_haarlem_rows_become_land_gemeente_wijken_and_buurten(engine, tmp_path):
    path, rows = real_rows(tmp_path, lambda r: r["gm_code"] == "GM0392" or r["bu_code"] == "BU0363AD03")

    report = import_file(engine, "gebieden", path)

    assert report.status == "geaccepteerd", report.summary()
    stored = areas(engine).set_index("code")
    haarlem = [r for r in rows if r["gm_code"] == "GM0392"]
    assert len(haarlem) == 111
    assert (stored["level"] == "buurt").sum() == len(rows)
    assert (stored["level"] == "wijk").sum() == len({r["wk_code"] for r in rows})
    assert set(stored["indeling"]) == {2024}
    assert stored.loc["NL00", ["level", "name"]].tolist() == ["land", "Nederland"]
    assert stored.loc["GM0392", ["level", "name", "parent_code"]].tolist() == ["gemeente", "Haarlem", "NL00"]
    vijfhoek = next(r for r in rows if r["bu_code"] == "BU03920105")
    assert stored.loc["BU03920105", "name"] == vijfhoek["bu_naam"] == "Vijfhoek"
    assert stored.loc["BU03920105", "parent_code"] == vijfhoek["wk_code"] == "WK039201"
    assert stored.loc["WK039201", ["name", "parent_code"]].tolist() == [vijfhoek["wk_naam"], "GM0392"]
    # Amsterdam codes are alphanumeric and must pass the format check
    assert stored.loc["BU0363AD03", "parent_code"] == "WK0363AD"
    assert stored.loc["WK0363AD", "parent_code"] == "GM0363"


def test_same_file_twice_is_unchanged_and_adds_nothing(engine, tmp_path):
    path = write(tmp_path, HEADER + GOOD_ROWS)
    first = import_file(engine, "gebieden", path)
    second = import_file(engine, "gebieden", path)

    assert first.status == "geaccepteerd"
    assert first.accepted == 5  # NL00, GM0392, WK039201 and two buurten
    assert second.status == "ongewijzigd"
    assert len(areas(engine)) == 5


def test_gzipped_list_is_accepted(engine, tmp_path):
    path = write(tmp_path, gzip.compress((HEADER + GOOD_ROWS).encode()), "gebieden.csv.gz")

    report = import_file(engine, "gebieden", path)

    assert report.status == "geaccepteerd", report.summary()
    assert set(areas(engine)["code"]) == {"NL00", "GM0392", "WK039201", "BU03920105", "BU03920106"}


def test_list_without_jrstatcode_is_indeling_2024_with_a_note(engine, tmp_path):
    text = "bu_code,bu_naam,wk_code,wk_naam,gm_code,gm_naam\nBU03920105,Vijfhoek,WK039201,Oude Stad,GM0392,Haarlem\n"

    report = import_file(engine, "gebieden", write(tmp_path, text))

    assert report.status == "geaccepteerd"
    assert "indeling 2024 aangenomen" in report.message
    assert set(areas(engine)["indeling"]) == {2024}


def assert_rejected(engine, report, expected: list[tuple[int, str]]) -> None:
    """The file is refused with exactly these (line, reason fragment) pairs, and nothing was stored."""
    assert report.status == "afgewezen"
    assert len(report.rejections) == len(expected), report.summary()
    for rejection, (line, fragment) in zip(report.rejections, expected, strict=True):
        assert rejection.line == line
        assert fragment in rejection.reason, rejection.reason
    assert areas(engine).empty
    with engine.connect() as conn:
        batch = conn.execute(select(ImportBatch).where(ImportBatch.id == report.batch_id)).one()
    assert batch.status == "afgewezen" and batch.rows_rejected == len(expected)


@pytest.mark.parametrize(("content", "fragment"), [
    (HEADER.replace(",", ";") + GOOD_ROWS.replace(",", ";"), "verkeerd scheidingsteken"),
    ((HEADER + "BU03920105,Vijfhoek,WK039201,Oude Stad,GM0392,H\xe4arlem,2024BU03920105,1,1\n").encode("latin-1"),
     "geen UTF-8"),
    (b"", "leeg"),
    (b"PK\x03\x04\x14\x00\x06\x00binary", "geen tekstbestand"),
    (HEADER, "alleen een kopregel"),
    ("code,naam\nBU03920105,Vijfhoek\n", "kolommen ontbreken"),
])
def test_unusable_file_is_rejected_as_a_whole(engine, tmp_path, content, fragment):
    report = import_file(engine, "gebieden", write(tmp_path, content))

    assert_rejected(engine, report, [(0, fragment)])


def test_malformed_codes_are_rejected_with_their_line(engine, tmp_path):
    text = HEADER + GOOD_ROWS + (
        "BU0392010,Te kort,WK039201,Oude Stad,GM0392,Haarlem,2024BU0392010,1,1\n"
        "BU03920107,Verkeerde wijk,WK039202,Oude Stad,GM0392,Haarlem,2024BU03920107,1,1\n"
        "BU03920108,Verkeerde gemeente,WK039201,Oude Stad,GM0393,Haarlem,2024BU03920108,1,1\n"
    )

    report = import_file(engine, "gebieden", write(tmp_path, text))

    assert_rejected(engine, report, [
        (4, "ongeldige code 'BU0392010' in kolom bu_code (verwacht BU + 8 tekens)"),
        (5, "wk_code WK039202 hoort niet bij buurt BU03920107 (verwacht WK039201)"),
        (6, "gm_code GM0393 hoort niet bij buurt BU03920108 (verwacht GM0392)"),
    ])


def test_duplicate_code_missing_name_and_conflicting_names_are_rejected(engine, tmp_path):
    text = HEADER + GOOD_ROWS + (
        "BU03920105,Vijfhoek,WK039201,Oude Stad,GM0392,Haarlem,2024BU03920105,1,1\n"
        "BU03920107,,WK039201,Oude Stad,GM0392,Haarlem,2024BU03920107,1,1\n"
        "BU03920108,Burgwal,WK039201,Centrum,GM0392,Haarlem,2024BU03920108,1,1\n"
        "BU03920109,Bakenes,WK039201,Oude Stad,GM0392,Haarlem,2023BU03920109,1,1\n"
    )

    report = import_file(engine, "gebieden", write(tmp_path, text))

    assert_rejected(engine, report, [
        (4, "dubbele gebiedscode BU03920105 (ook op regel 2)"),
        (5, "naam ontbreekt in kolom bu_naam"),
        (6, "wk_naam 'Centrum' wijkt af van 'Oude Stad'"),
        (7, "jrstatcode '2023BU03920109' past niet bij bu_code BU03920109 en jaar 2024"),
    ])
