"""Demo content (data_access/demo_content.py): written stories, review sessions with actions, published best
practices, published buurtverslagen and kartrekker contacts, all labelled fictitious; presentation mode steps
through the demo's published stories with the arrow keys."""

from __future__ import annotations

import datetime as dt

import pytest
from selenium.webdriver.common.keys import Keys
from sqlalchemy import func, select

from data_access import periods
from data_access.contacts import parse_contacts
from data_access.demo_content import add_demo_content
from data_access.models import (
    BestPractice,
    BuurtReport,
    Narrative,
    NetworkContacts,
    ProgrammeBuurt,
    RecordVersion,
    ReviewSession,
)
from data_access.review_summary import parse_actions
from tests.conftest import browser_login, console_errors, start_browser_app

TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def demo(app):
    engine = app.server.extensions["engine"]
    add_demo_content(engine, TODAY)
    return app


def _scalar(app, stmt):
    with app.server.extensions["engine"].connect() as conn:
        return conn.execute(stmt).scalar_one()


def test_demo_content_covers_every_kind_and_is_saved_once(demo):
    engine = demo.server.extensions["engine"]
    counts = {model.__name__: _scalar(demo, select(func.count()).select_from(model)) for model in (
        Narrative, ReviewSession, NetworkContacts)}
    counts["published_practices"] = _scalar(demo, select(func.count()).select_from(BestPractice)
                                            .where(BestPractice.status == "gepubliceerd"))
    counts["published_reports"] = _scalar(demo, select(func.count(BuurtReport.programme_id.distinct()))
                                          .where(BuurtReport.published.is_(True)))
    buurten = _scalar(demo, select(func.count()).select_from(ProgrammeBuurt))
    assert counts == {"Narrative": 4, "ReviewSession": 12, "NetworkContacts": buurten, "published_practices": 3,
                      "published_reports": 3}
    versions = _scalar(demo, select(func.count()).select_from(RecordVersion))
    assert (add_demo_content(engine, TODAY), _scalar(demo, select(func.count()).select_from(RecordVersion))) == (
        0, versions)


def test_demo_content_is_labelled_and_its_actions_and_contacts_parse(demo):
    with demo.server.extensions["engine"].connect() as conn:
        narratives = list(conn.execute(select(Narrative.challenges)).scalars())
        titles = list(conn.execute(select(BestPractice.title)).scalars())
        actions = conn.execute(select(ReviewSession.actions).where(
            ReviewSession.period == periods.last_delivered(TODAY))).scalars().first()
        people = conn.execute(select(NetworkContacts.kartrekkers)).scalars().first()
    parsed, problems = parse_contacts(people)
    assert all(t.startswith("[Demo – fictief]") for t in narratives) and all("(demo)" in t for t in titles)
    assert [a["status"] for a in parse_actions(actions)] == ["open", "loopt", "open"]
    assert (problems, all("(demo)" in p["name"] and p["email"].endswith("@example.org") for p in parsed)) == (
        [], True)


def test_presentation_mode_steps_through_the_demo_stories_with_arrow_keys(dash_duo, demo):
    start_browser_app(dash_duo, demo)
    browser_login(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/best-practices/presentatie")
    dash_duo.wait_for_text_to_equal("#best-slide-counter", "1 / 3", timeout=40)
    body = dash_duo.find_element("body")
    body.send_keys(Keys.ARROW_RIGHT)
    dash_duo.wait_for_text_to_equal("#best-slide-counter", "2 / 3", timeout=5)
    body.send_keys(Keys.ARROW_RIGHT)
    dash_duo.wait_for_text_to_equal("#best-slide-counter", "3 / 3", timeout=5)
    visible = [s for s in dash_duo.find_elements("section.slide") if s.is_displayed()]
    assert len(visible) == 1 and visible[0].find_element("css selector", ".slide-title").text.endswith("(demo)")
    body.send_keys(Keys.ARROW_LEFT)
    dash_duo.wait_for_text_to_equal("#best-slide-counter", "2 / 3", timeout=5)
    assert console_errors(dash_duo) == []
