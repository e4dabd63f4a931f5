"""The demo build reports every step through one progress callback (issue 15: at 1,000 buurten the build takes
minutes, and only its final refresh showed where it was). The first start of the web app logs those steps."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from dashboard import startup
from data_access import demo
from data_access.seed import programme_entries

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"


def test_first_start_reports_every_demo_step_in_order_ending_at_done_equals_total(database_url, tmp_path,
                                                                                 monkeypatch, caplog):
    public = Path(os.environ.get("PUBLIC_DATA_DIR") or DATA_DIR)
    if not (public / "cbs_buurtnamen" / "buurten_2024_codes_namen.csv").exists():
        pytest.skip(f"openbare bestanden niet gevonden in {public} (zet PUBLIC_DATA_DIR)")
    gemeenten = {m[2:6] for e in programme_entries() for m in e["members"]}
    subset = demo.public_subset(public, gemeenten, tmp_path / "public")
    calls = []
    log_progress = startup.log_progress
    monkeypatch.setattr(startup, "log_progress", lambda *call: (calls.append(call), log_progress(*call)))
    config = {"DATABASE_URL": database_url, "DEMO_MODE": True, "LOAD_DEMO_DATA": True,
              "PUBLIC_DATA_DIR": str(subset), "DEMO_SEED": 7, "DEMO_PROGRAMME_SIZE": 20}
    with caplog.at_level(logging.WARNING, logger="dashboard.startup"):
        startup.prepare_database(config).dispose()

    files = [path.name for _, path in demo.public_files(subset)]
    expected = [f"openbaar bestand {k}/{len(files)}: {name}" for k, name in enumerate(files, start=1)]
    expected += ["synthetische leveringen maken", "synthetische levering 1/2: verzekeraars",
                 "synthetische levering 2/2: buurtnetwerken", "buurtagenda's",
                 "demo-inhoud (verhalen, reviews, verslagen)", "begrotingen"]
    names = [step for step, _, _ in calls]
    assert names[:len(expected)] == expected
    refresh_steps = names[len(expected):-1]
    assert refresh_steps and all(step.startswith("verversen: ") for step in refresh_steps)
    total = calls[-1][2]
    assert calls[-1] == ("klaar", total, total)
    assert [(done, seen_total) for _, done, seen_total in calls] == [(i, total) for i in range(total + 1)]
    assert f"  [0/{total}] {expected[0]}" in caplog.messages
    assert any(m.startswith("Demogegevens geladen in ") for m in caplog.messages)


def test_cli_demo_draws_the_build_progress_as_a_bar_and_prints_the_elapsed_time(engine, monkeypatch, capsys):
    from dashboard.__main__ import main

    def fake_load_demo(engine, public_dir, seed, programme_size, progress):  # noqa: ANN001, ARG001
        for done, step in enumerate(["openbaar bestand 1/1: a.csv", "begrotingen", "verversen: KPI"]):
            progress(step, done, 3)
        progress("klaar", 3, 3)
        assert programme_size == 1000

    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr(demo, "load_demo", fake_load_demo)
    assert main(["demo", "--programma", "1000"]) == 0
    out, err = capsys.readouterr()
    assert err.endswith(f"\r[{'#' * 30}] 3/3 {'klaar':<30}\n")
    assert out.startswith("Demogegevens geladen in ")
