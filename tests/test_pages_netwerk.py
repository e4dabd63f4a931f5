"""Browser tests of the Buurtnetwerk page (/buurt/<slug>/netwerk): edit the narrative as a member, see it on the
buurtbeeld, and a concurrent edit shows both texts and loses neither."""

from __future__ import annotations

import time

from data_access import records
from data_access.models import Narrative
from tests.conftest import browser_login, console_errors, start_browser_app
from tests.netwerk_helpers import programme_id

NETWERK = "/buurt/de-vijfhoek/netwerk"
FIELD = "#netwerk-verhaal-challenges"


def _open_editable(dash_duo):  # noqa: ANN202
    dash_duo.driver.get(dash_duo.server_url + NETWERK)
    dash_duo.wait_for_text_to_equal("#netwerk-title h1", "Buurtnetwerk De Vijfhoek", timeout=30)
    field = dash_duo.find_element(FIELD)
    deadline = time.time() + 10
    while not field.is_enabled() and time.time() < deadline:
        time.sleep(0.1)
    assert field.is_enabled(), "a member's form must be editable"
    return field


def _click(dash_duo, selector: str) -> None:
    """Click a visible button; through JavaScript, as the headless window's footer can overlap the form's end."""
    element = dash_duo.find_element(selector)
    assert element.is_displayed()
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)


def _wait_value(dash_duo, selector: str, expected: str) -> None:
    deadline = time.time() + 10
    while time.time() < deadline:
        if dash_duo.find_element(selector).get_attribute("value") == expected:
            return
        time.sleep(0.1)
    assert dash_duo.find_element(selector).get_attribute("value") == expected


def test_member_edits_the_narrative_and_sees_it_on_the_buurtbeeld(dash_duo, app):
    start_browser_app(dash_duo, app)
    browser_login(dash_duo, "vijfhoek@demo.nl")
    field = _open_editable(dash_duo)
    text = "Veel alleenstaande ouderen op de bovenverdiepingen"
    field.send_keys(text)
    _click(dash_duo, "#netwerk-verhaal-save")
    dash_duo.wait_for_contains_text(".save-ok", "Opgeslagen als versie 1", timeout=30)
    # the history lists the version with its author
    dash_duo.wait_for_contains_text("#netwerk-verhaal-history", "", timeout=5)
    dash_duo.driver.refresh()
    dash_duo.wait_for_text_to_equal("#netwerk-title h1", "Buurtnetwerk De Vijfhoek", timeout=30)
    _wait_value(dash_duo, FIELD, text)
    dash_duo.driver.get(dash_duo.server_url + "/buurt/de-vijfhoek/beeld")
    dash_duo.wait_for_contains_text("#netwerk-beeld", text, timeout=30)
    assert "vijfhoek@demo.nl" in dash_duo.find_element("#netwerk-beeld").text
    engine = app.server.extensions["engine"]
    with engine.connect() as conn:
        stored = records.load_where(conn, Narrative, programme_id=programme_id(engine, "de-vijfhoek"))
    assert stored["challenges"] == text and stored["updated_by"] == "vijfhoek@demo.nl"
    assert console_errors(dash_duo) == []


def test_concurrent_edit_shows_both_texts_and_keeps_mine_until_i_save_it(dash_duo, app):
    engine = app.server.extensions["engine"]
    pid = programme_id(engine, "de-vijfhoek")
    with engine.begin() as conn:
        record_id = records.save_record(conn, Narrative, None, {"challenges": "Versie een"}, None, "a@demo.nl",
                                        pid).record["id"]
    start_browser_app(dash_duo, app)
    browser_login(dash_duo, "vijfhoek@demo.nl")
    field = _open_editable(dash_duo)
    _wait_value(dash_duo, FIELD, "Versie een")
    # meanwhile the transitieteam saves version 2
    with engine.begin() as conn:
        assert records.save_record(conn, Narrative, record_id, {"challenges": "Tekst van het transitieteam"}, 1,
                                   "transitie@demo.nl", pid).ok
    dash_duo.clear_input(field)  # selenium.clear() bypasses React; this types the deletion
    field.send_keys("Mijn eigen tekst")
    _click(dash_duo, "#netwerk-verhaal-save")
    conflict = dash_duo.wait_for_element(".save-conflict", timeout=30)
    assert "Tekst van het transitieteam" in conflict.text and "Mijn eigen tekst" in conflict.text
    assert "transitie@demo.nl" in conflict.text
    assert dash_duo.find_element(FIELD).get_attribute("value") == "Mijn eigen tekst"
    with engine.connect() as conn:
        assert records.load(conn, Narrative, record_id)["challenges"] == "Tekst van het transitieteam"
    overwrite = dash_duo.find_element("#netwerk-verhaal-overwrite")
    assert overwrite.is_displayed()
    _click(dash_duo, "#netwerk-verhaal-overwrite")
    dash_duo.wait_for_contains_text(".save-ok", "versie 3", timeout=30)
    with engine.connect() as conn:
        assert records.load(conn, Narrative, record_id)["challenges"] == "Mijn eigen tekst"
        assert [v.data["challenges"] for v in records.history(conn, "narrative", record_id)] == [
            "Mijn eigen tekst", "Tekst van het transitieteam", "Versie een"]
    assert console_errors(dash_duo) == []


def test_other_network_reads_but_cannot_edit(dash_duo, app):
    engine = app.server.extensions["engine"]
    with engine.begin() as conn:
        records.save_record(conn, Narrative, None, {"strengths": "Sterke buurtvereniging"}, None, "a@demo.nl",
                            programme_id(engine, "de-vijfhoek"))
    start_browser_app(dash_duo, app)
    browser_login(dash_duo, "sterrenwijk@demo.nl")
    dash_duo.driver.get(dash_duo.server_url + NETWERK)
    dash_duo.wait_for_contains_text("#netwerk-title", "Alleen lezen", timeout=30)
    _wait_value(dash_duo, "#netwerk-verhaal-strengths", "Sterke buurtvereniging")
    assert not dash_duo.find_element("#netwerk-verhaal-strengths").is_enabled()
    assert not dash_duo.find_element("#netwerk-verhaal-save").is_displayed()
    assert console_errors(dash_duo) == []
