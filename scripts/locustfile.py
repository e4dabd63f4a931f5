"""Bounded load test: simulated users open their uitkomsten page and the transitie page (issue 11/15 targets).

Each simulated user logs in through the real form as a person of their own (accounts made by
scripts/locust_users.py: buurtnetwerk members open their own buurt's uitkomsten page; transitieteam members
alternate between the transitie page and a buurt's uitkomsten page), then replays the data callbacks those pages
fire, as dash-renderer posts them (the same cases as scripts/benchmark.py). Run against a local server only:

  .venv/bin/python scripts/locust_users.py --db sqlite:////tmp/locust.db --n 50 --password "$PW" > /tmp/users.txt
  DATABASE_URL=sqlite:////tmp/locust.db .venv/bin/gunicorn -c gunicorn.conf.py app:server &   # 2 workers x 4 threads
  LOCUST_USERS_FILE=/tmp/users.txt LOCUST_PASSWORD="$PW" .venv/bin/locust -f scripts/locustfile.py --headless \
      -u 50 -r 5 -t 60s --host http://127.0.0.1:8050 --csv /tmp/locust   # p50/p95 per request in /tmp/locust_stats.csv

Without LOCUST_USERS_FILE every simulated user logs in as LOCUST_EMAIL (default transitie@demo.nl); more than five
parallel logins of one account then meet the lockout (401), by design.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark import callback_cases  # noqa: E402

SLUGS = os.environ.get("BUURT_SLUGS", "de-vijfhoek,sterrenwijk").split(",")
UITKOMSTEN = ("uitkomsten: tables", "uitkomsten: review summary", "uitkomsten: KPI", "uitkomsten: indicator options")
TRANSITIE = ("transitie: overview", "transitie: programme KPI", "transitie: candidate info",  # what the page asks
             "transitie: candidate block", "transitie: grid block (sorted, filtered)")  # for when it opens


def _payload(output: str, inputs: list[dict], state: list[dict]) -> dict:
    outputs = [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
               for part in output.strip(".").split("...")]
    return {"output": output, "outputs": outputs[0] if len(outputs) == 1 else outputs, "inputs": inputs,
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs if isinstance(i, dict)], "state": state}


def _accounts() -> list[tuple[str, str, bool]]:
    """(e-mail, own buurt, team member) per simulated user, from LOCUST_USERS_FILE ("email;slug;role" lines)."""
    path = os.environ.get("LOCUST_USERS_FILE")
    if not path:
        return [(os.environ.get("LOCUST_EMAIL", "transitie@demo.nl"), SLUGS[0], True)]
    lines = [line.strip().split(";") for line in Path(path).read_text().splitlines() if line.strip()]
    return [(email, slug, role == "transitieteam") for email, slug, role in lines]


ACCOUNTS = _accounts()
NEXT_ACCOUNT = itertools.count()


class ProgrammeUser(HttpUser):
    """A buurtnetwerk member who opens their own buurt's review screen, or a transitieteam member who alternates
    between the programme overview and a buurt's review screen."""

    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.email, self.own_slug, self.team = ACCOUNTS[next(NEXT_ACCOUNT) % len(ACCOUNTS)]
        page = self.client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.client.post("/login", data={"email": self.email, "password": os.environ.get("LOCUST_PASSWORD", "demo"),
                                         "csrf_token": token}, allow_redirects=False, name="login")
        self.csrf = self.client.cookies.get("_csrf_token", "")

    def _callbacks(self, names: tuple[str, ...], slug: str) -> None:
        for name, output, inputs, state in callback_cases(slug, "BU03920105"):
            if name in names:
                self.client.post("/_dash-update-component", data=json.dumps(_payload(output, inputs, state)),
                                 headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf},
                                 name=f"callback {name}")

    @task(3)
    def uitkomsten(self) -> None:
        slug = random.choice(SLUGS) if self.team else self.own_slug
        self.client.get(f"/buurt/{slug}/uitkomsten", name="page /buurt/<slug>/uitkomsten")
        self._callbacks(UITKOMSTEN, slug)

    @task(1)
    def transitie(self) -> None:
        if not self.team:  # the transitie page is the team's: a network member reads its own page again
            self.uitkomsten()
            return
        self.client.get("/transitie", name="page /transitie")
        self._callbacks(TRANSITIE, SLUGS[0])
