"""Issue 10, findings 10 and 11: malformed or nonsensical delivery files are refused with a Dutch reason and a line."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from data_access.importers import common, import_file
from data_access.models import ImportBatch, Observation, RejectedRow
from tests.conftest import write_csv

HEADER = "gebied;indicator;periode;teller;noemer;waarde;bron\n"
GOOD = "BU03920105;wvpk_uren_per_client;2025-B1;4200;30;;demo (synthetisch)\n"


@pytest.fixture
def store(app):  # noqa: ANN001, ANN201
    """The app's database: the programme buurten (and their member areas) are in it."""
    return app.server.extensions["engine"]


def _import(engine, tmp_path, raw: bytes | str, name: str = "levering.csv"):  # noqa: ANN001, ANN202
    path = tmp_path / name
    path.write_bytes(raw.encode() if isinstance(raw, str) else raw)
    return import_file(engine, "levering", path, user="transitie@demo.nl")


def _reasons(report) -> str:  # noqa: ANN001
    return " | ".join(f"regel {r.line}: {r.reason}" for r in report.rejections)


@pytest.mark.parametrize(("content", "expected"), [
    (HEADER + GOOD + 'BU03920105;seh_per_1000;2025-B1;"40;1000;;demo (synthetisch)\n' + GOOD,
     "regel 3: een aanhalingsteken"),
    ((HEADER + GOOD).replace("\n", "\r"), "alleen CR"),
    (HEADER, "alleen een kopregel"),
    ((HEADER + GOOD).replace(";", "\t"), "tab"),
    (HEADER.replace("bron", "bron;opmerking") + GOOD.replace("\n", ";x\n"), "onbekende kolommen (1): 'opmerking'"),
    (HEADER.rstrip("\n") + ";x" * 20000 + "\n" + GOOD, "onbekende kolommen (20000)"),
    (HEADER + GOOD.rstrip("\n") + ";x" * 20000 + "\n", "regel 2: 20007 kolommen"),
    (HEADER + GOOD.replace("demo (synthetisch)", "b" * 120), "regel 2: bron is langer dan 100 tekens"),
    (HEADER + GOOD.replace("2025-B1", "2099-B4"), "regel 2: periode '2099-B4' ligt na de huidige periode"),
    (HEADER + "BU03920105;prev_trainingen_gevolgd;2025-B1;50;900;999999;demo (synthetisch)\n",
     "regel 2: waarde 999999 past niet bij teller 50 en noemer 900"),
    (HEADER + GOOD.replace(";4200;", ";1.250;"),
     "regel 2: getal '1.250' in kolom teller is dubbelzinnig: 1,250 of 1250"),
])
def test_bad_delivery_is_rejected_with_a_dutch_reason(store, tmp_path, content, expected):
    report = _import(store, tmp_path, content)
    assert report.status == "afgewezen" and expected in _reasons(report)
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Observation)).scalar() == 0


def test_a_value_that_follows_from_its_counts_after_rounding_is_accepted(store, tmp_path):
    report = _import(store, tmp_path, HEADER + "BU03920105;prev_trainingen_gevolgd;2025-B1;50;900;5,6;demo\n")
    assert report.status == "geaccepteerd", report.summary()


def test_cli_reports_a_parser_error_without_a_traceback(store, tmp_path, capsys, monkeypatch):
    from dashboard.__main__ import main

    monkeypatch.setenv("DATABASE_URL", store.url.render_as_string(hide_password=False))
    path = write_csv(tmp_path / "quote.csv", HEADER + 'BU03920105;seh_per_1000;2025-B1;"40;1000;;x\n')
    assert main(["import", "levering", str(path)]) == 1
    err = capsys.readouterr().err
    assert "regel 2: een aanhalingsteken" in err and "Traceback" not in err


def test_cli_refuses_a_file_above_the_upload_limit(store, tmp_path, capsys, monkeypatch):
    from dashboard.__main__ import main

    monkeypatch.setenv("DATABASE_URL", store.url.render_as_string(hide_password=False))
    monkeypatch.setattr(common, "MAX_UPLOAD_BYTES", 100)
    path = write_csv(tmp_path / "big.csv", HEADER + GOOD * 3)
    assert main(["import", "levering", str(path)]) == 1
    assert f"de grens is {common.MAX_UPLOAD_MB:g} MB" in capsys.readouterr().err


def test_only_the_first_thousand_rejected_rows_are_stored_with_the_total(store, tmp_path):
    rows = "".join(f"BU03920105;wvpk_uren_per_client;2025-B1;{n};30;;\n" for n in range(1500))
    report = _import(store, tmp_path, HEADER + rows)
    assert report.status == "afgewezen"
    with store.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(RejectedRow)).scalar()
        batch = conn.execute(select(ImportBatch.rows_rejected, ImportBatch.message)).one()
    assert (stored, batch.rows_rejected) == (1000, 1500)
    assert "en nog 500 regels" in batch.message


def test_upload_page_job_reports_a_parser_error_not_an_internal_error(store, tmp_path):
    """The thread behind /beheer/upload turns a malformed file into a rejected report with the line."""
    from data_access import uploads

    path = write_csv(tmp_path / "quote.csv", HEADER + 'BU03920105;seh_per_1000;2025-B1;"40;1000;;x\n')
    with store.begin() as conn:
        batch_id = uploads.create_pending_batch(conn, "levering", "quote.csv", "verzekeraar@demo.nl")
    uploads.run_upload(store, batch_id, "levering", path, "verzekeraar@demo.nl", "quote.csv", "demo (synthetisch)")
    with store.connect() as conn:
        row = uploads.batch(conn, batch_id)
        rejected = uploads.rejected_rows(conn, batch_id)
    reasons = [f"regel {line}: {reason}" for line, reason in zip(rejected["regel"], rejected["reden"], strict=True)]
    assert row["status"] == "afgewezen" and "interne fout" not in row["message"]
    assert reasons == ["regel 2: een aanhalingsteken (\") wordt geopend maar niet gesloten; controleer de "
                       "aanhalingstekens op die regel"]
