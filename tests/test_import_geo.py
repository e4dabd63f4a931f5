"""The geometry importer (`geo`): real Haarlem polygons and attributes, skips, every validation rule."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.importers import import_file
from data_access.models import Area, AreaGeometry, Indicator, Observation

pytestmark = pytest.mark.bare_store  # these tests count every area an import creates

DATA_DIR = Path(os.environ.get("PUBLIC_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data"))
BUURTEN_2024 = DATA_DIR / "cbs_buurtnamen" / "buurten_2024_codes_namen.csv"
WIJKEN = DATA_DIR / "cbs_geometrie_wijk_gemeente_2024" / "wijken_2024.geojson.gz"
GEMEENTEN = DATA_DIR / "cbs_geometrie_wijk_gemeente_2024" / "gemeenten_2024.geojson.gz"
BUURTEN = DATA_DIR / "cbs_buurt_geometrie" / "buurten_2024_wgs84_gereconstrueerd.geojson.gz"
GEBIEDEN = ("bu_code,bu_naam,wk_code,wk_naam,gm_code,gm_naam\n"
            "BU03920105,Vijfhoek,WK039201,Oude Stad,GM0392,Haarlem\n"
            "BU03920201,Koninginnebuurt,WK039202,Haarlemmerhoutkwartier,GM0392,Haarlem\n")
SQUARE = {"type": "Polygon",
          "coordinates": [[[4.63, 52.38], [4.64, 52.38], [4.64, 52.39], [4.63, 52.39], [4.63, 52.38]]]}


def need(*paths: Path) -> None:
    for path in paths:
        if not path.exists():
            pytest.skip(f"publiek bestand {path.name} niet gevonden in {DATA_DIR} (zet PUBLIC_DATA_DIR)")


def feature(props: dict, geometry: dict | None = SQUARE) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def write(tmp_path: Path, name: str, content: dict | str | bytes, gz: bool = False) -> Path:
    if isinstance(content, dict):
        content = json.dumps(content)
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def collection(features: list[dict], **extra) -> dict:  # noqa: ANN003
    return {"type": "FeatureCollection", **extra, "features": features}


def real_subset(tmp_path: Path, source: Path, keep) -> tuple[Path, list[dict]]:  # noqa: ANN001
    """The features of a real file that `keep(properties)` selects, written gzipped into tmp_path."""
    need(source)
    data = json.loads(gzip.decompress(source.read_bytes()))
    features = [f for f in data["features"] if keep(f["properties"])]
    data["features"] = features
    return write(tmp_path, source.name, data, gz=True), features


def import_areas(engine, tmp_path: Path, real: bool) -> None:  # noqa: ANN001
    """Haarlem's real area list, or the two hand-written buurten (so validation tests run everywhere)."""
    if real:
        need(BUURTEN_2024)
        with BUURTEN_2024.open(encoding="utf-8", newline="") as handle:
            lines = handle.read().splitlines(keepends=True)
        text = lines[0] + "".join(line for line in lines[1:] if line[2:6] == "0392")
    else:
        text = GEBIEDEN
    assert import_file(engine, "gebieden", write(tmp_path, "gebieden.csv", text)).ok


def geometries(engine) -> pd.DataFrame:  # noqa: ANN001
    query = select(Area.code, Area.level, AreaGeometry.geojson, AreaGeometry.reconstructed).join(
        Area, Area.id == AreaGeometry.area_id)
    with engine.connect() as conn:
        return pd.read_sql(query, conn).set_index("code")


def observations(engine) -> pd.DataFrame:  # noqa: ANN001
    query = (select(Area.code, Area.indeling, Indicator.code.label("indicator"), Observation.period,
                    Observation.value, Observation.numerator, Observation.denominator)
             .join(Area, Area.id == Observation.area_id).join(Indicator, Indicator.id == Observation.indicator_id))
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def count(engine, model) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def compact(geometry: dict) -> str:
    return json.dumps(geometry, separators=(",", ":"))


def test_haarlem_wijken_and_gemeente_store_geometry_and_2024_attributes(engine, tmp_path):
    import_areas(engine, tmp_path, real=True)
    wijken, wijk_features = real_subset(
        tmp_path, WIJKEN, lambda p: p["gemeentecode"] == "GM0392" or p["wijkcode"] in ("WK099899", "WK003499"))
    gemeenten, gemeente_features = real_subset(
        tmp_path, GEMEENTEN, lambda p: p["gemeentecode"] in ("GM0392", "GM0998"))

    wijk_report = import_file(engine, "geo", wijken)
    gemeente_report = import_file(engine, "geo", gemeenten)

    assert wijk_report.status == "geaccepteerd", wijk_report.summary()
    assert gemeente_report.status == "geaccepteerd", gemeente_report.summary()
    assert wijk_report.skipped == 2 and "geen CBS-gebied" in wijk_report.message  # Buitenland and Groot water
    assert gemeente_report.skipped == 1
    stored = geometries(engine)
    haarlem_wijken = [f for f in wijk_features if f["properties"]["gemeentecode"] == "GM0392"]
    assert len(haarlem_wijken) == 21
    assert sorted(stored.index) == sorted([f["properties"]["wijkcode"] for f in haarlem_wijken] + ["GM0392"])
    oude_stad = next(f for f in haarlem_wijken if f["properties"]["wijkcode"] == "WK039201")
    assert stored.loc["WK039201", "geojson"] == compact(oude_stad["geometry"])
    haarlem = next(f for f in gemeente_features if f["properties"]["gemeentecode"] == "GM0392")
    assert stored.loc["GM0392", "geojson"] == compact(haarlem["geometry"])
    assert not stored["reconstructed"].any()

    obs = observations(engine)
    assert set(obs["period"]) == {"2024"} and set(obs["indeling"]) == {2024}
    assert obs["numerator"].isna().all()  # rounded percentages without counts: value only
    values = obs.set_index(["code", "indicator"])["value"]
    props = oude_stad["properties"]
    assert values["WK039201", "pct_65plus"] == props["65plus"]
    assert values["WK039201", "pct_0_14"] == props["0_15"]
    assert values["WK039201", "inwoners"] == props["aantal_inwoners"]
    assert values["WK039201", "gem_huishoudgrootte"] == props["gem_huishouden_grootte"]
    assert values["GM0392", "inwoners"] == haarlem["properties"]["aantal_inwoners"]
    assert values["GM0392", "stedelijkheid"] == haarlem["properties"]["stedelijkheid"]
    assert not any(code.startswith("zk_") for code in obs["indicator"])  # Vektis has its own importer


def test_haarlem_buurten_are_stored_as_reconstructed_without_figures(engine, tmp_path):
    import_areas(engine, tmp_path, real=True)
    buurten, features = real_subset(tmp_path, BUURTEN, lambda p: p["gemeentecode"] == "GM0392")

    report = import_file(engine, "geo", buurten)

    assert report.status == "geaccepteerd", report.summary()
    assert "gereconstrueerd" in report.message
    stored = geometries(engine)
    assert len(stored) == len(features) == 111
    assert stored["reconstructed"].all() and set(stored["level"]) == {"buurt"}
    vijfhoek = next(f for f in features if f["properties"]["buurtcode"] == "BU03920105")
    assert stored.loc["BU03920105", "geojson"] == compact(vijfhoek["geometry"])
    assert count(engine, Observation) == 0


def test_coordinates_are_rounded_and_json_is_compact(engine, tmp_path):
    import_areas(engine, tmp_path, real=False)
    fine = {"type": "MultiPolygon", "coordinates": [[[[4.6300049, 52.38], [4.64, 52.38], [4.64, 52.39],
                                                        [4.63, 52.39], [4.6300049, 52.38]]]]}
    path = write(tmp_path, "b.geojson", collection([feature({"buurtcode": "BU03920105"}, fine)]))

    assert import_file(engine, "geo", path).ok

    assert geometries(engine).loc["BU03920105", "geojson"] == (
        '{"type":"MultiPolygon","coordinates":[[[[4.63,52.38],[4.64,52.38],[4.64,52.39],[4.63,52.39],[4.63,52.38]]]]}')


def test_feature_without_geometry_is_skipped_with_a_note(engine, tmp_path):
    import_areas(engine, tmp_path, real=False)
    path = write(tmp_path, "b.geojson", collection([
        feature({"buurtcode": "BU03920105"}), feature({"buurtcode": "BU03920201"}, None)]))

    report = import_file(engine, "geo", path)

    assert report.status == "geaccepteerd"
    assert report.skipped == 1 and "1 features zonder geometrie overgeslagen" in report.message
    assert list(geometries(engine).index) == ["BU03920105"]


def test_same_file_twice_is_unchanged(engine, tmp_path):
    import_areas(engine, tmp_path, real=False)
    path = write(tmp_path, "w.geojson.gz", collection([
        feature({"wijkcode": "WK039201", "gemeentecode": "GM0392", "aantal_inwoners": 14745, "65plus": 16})]), gz=True)

    first = import_file(engine, "geo", path)
    second = import_file(engine, "geo", path)

    assert first.status == "geaccepteerd" and first.accepted == 3  # one geometry, two observations
    assert second.status == "ongewijzigd"
    assert count(engine, AreaGeometry) == 1 and count(engine, Observation) == 2


def assert_rejected(engine, report, expected: list[tuple[int, str]]) -> None:
    """Refused with exactly these (line, reason fragment) pairs; no geometry and no observation was written."""
    assert report.status == "afgewezen"
    got = [(r.line, r.reason) for r in report.rejections]
    assert len(got) == len(expected), report.summary()
    for (line, reason), (want_line, fragment) in zip(got, expected, strict=True):
        assert line == want_line and fragment in reason, (line, reason)
    assert count(engine, AreaGeometry) == 0
    assert count(engine, Observation) == 0


@pytest.mark.parametrize(("content", "fragment"), [
    (b"", "leeg"),
    (b"\x00\x00binary\x00", "geen tekstbestand"),
    ('{"type": "FeatureCollection", "features": [', "geen geldige GeoJSON"),
    ("buurtcode;geometrie\nBU03920105;POLYGON(...)\n", "geen geldige GeoJSON"),
    ('{"type": "Feature", "properties": {}, "geometry": null}', "geen GeoJSON FeatureCollection"),
    ('{"type": "FeatureCollection", "features": []}', "geen features"),
    (json.dumps(collection([feature({"code": "BU03920105"})])),
     "verwacht eigenschap buurtcode, wijkcode of gemeentecode"),
    (json.dumps(collection([feature({"buurtnaam": "V\u00eajfhoek", "buurtcode": "BU03920105"})])).encode("utf-8")
     .replace(b"\\u00ea", b"\xea"), "geen UTF-8"),
])
def test_unusable_file_is_rejected_as_a_whole(engine, tmp_path, content, fragment):
    import_areas(engine, tmp_path, real=False)

    report = import_file(engine, "geo", write(tmp_path, "x.geojson", content))

    assert_rejected(engine, report, [(0, fragment)])


def test_unknown_area_bad_code_and_duplicate_are_rejected_by_feature_number(engine, tmp_path):
    import_areas(engine, tmp_path, real=False)
    path = write(tmp_path, "b.geojson", collection([
        feature({"buurtcode": "BU03920105"}),
        feature({"buurtcode": "BU03929999"}),
        feature({"buurtcode": "WK039201"}),
        feature({"buurtcode": "BU03920105"}),
    ]))

    report = import_file(engine, "geo", path)

    assert_rejected(engine, report, [
        (2, "onbekend gebied BU03929999 in indeling 2024; importeer eerst de CBS-gebiedenlijst"),
        (3, "ongeldige buurtcode 'WK039201' (verwacht BU-code)"),
        (4, "dubbel gebied BU03920105 (ook op regel 1)"),
    ])


def test_bad_geometries_are_rejected(engine, tmp_path):
    import_areas(engine, tmp_path, real=False)
    rd = {"type": "Polygon", "coordinates": [[[104000, 488000], [105000, 488000], [105000, 489000], [104000, 488000]]]}
    path = write(tmp_path, "b.geojson", collection([
        feature({"buurtcode": "BU03920105"}, rd),
        feature({"buurtcode": "BU03920201"}, {"type": "Point", "coordinates": [4.63, 52.38]}),
    ]))

    report = import_file(engine, "geo", path)

    assert_rejected(engine, report, [
        (1, "BU03920105: coördinaat (104000, 488000) ligt buiten Nederland; verwacht WGS84"),
        (2, "BU03920201: geometrie van type 'Point' wordt niet ondersteund"),
    ])


def test_malformed_and_impossible_attributes_are_rejected(engine, tmp_path):
    import_areas(engine, tmp_path, real=False)
    path = write(tmp_path, "w.geojson", collection([
        feature({"wijkcode": "WK039201", "aantal_inwoners": "veel", "65plus": 16}),
        feature({"wijkcode": "WK039202", "aantal_inwoners": 13090, "65plus": 120}),
    ]))

    report = import_file(engine, "geo", path)

    assert_rejected(engine, report, [
        (1, "ongeldig getal 'veel' in kolom aantal_inwoners"),
        (2, "percentage boven 100 (120)"),
    ])
