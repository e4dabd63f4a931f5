"""Bounded load test: simulated users open their uitkomsten page and the transitie page (issue 11/15 targets).

Each simulated user logs in through the real form, then replays the data callbacks those pages fire, as
dash-renderer posts them (the same cases as scripts/benchmark.py). Run against a local server only, e.g.:

  .venv/bin/gunicorn -c gunicorn.conf.py app:server &          # 2 workers x 4 threads on 127.0.0.1:8050
  .venv/bin/locust -f scripts/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8050 \
      --csv /tmp/locust                                          # p50/p95 per request in /tmp/locust_stats.csv

BUURT_SLUGS (comma-separated) picks the buurten the users open; default: the first demo buurten.
"""

from __future__ import annotations

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
UITKOMSTEN = ("uitkomsten: tables", "uitkomsten: KPI", "uitkomsten: indicator options")
TRANSITIE = ("transitie: overview", "transitie: programme KPI")


def _payload(output: str, inputs: list[dict], state: list[dict]) -> dict:
    outputs = [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
               for part in output.strip(".").split("...")]
    return {"output": output, "outputs": outputs[0] if len(outputs) == 1 else outputs, "inputs": inputs,
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs], "state": state}


class ProgrammeUser(HttpUser):
    """A transitieteam member who alternates between a buurt's review screen and the programme overview."""

    wait_time = between(1, 3)

    def on_start(self) -> None:
        page = self.client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.client.post("/login", data={"email": os.environ.get("LOCUST_EMAIL", "transitie@demo.nl"),
                                         "password": os.environ.get("LOCUST_PASSWORD", "demo"),
                                         "csrf_token": token}, allow_redirects=False)
        self.csrf = self.client.cookies.get("_csrf_token", "")

    def _callbacks(self, names: tuple[str, ...], slug: str) -> None:
        for name, output, inputs, state in callback_cases(slug, "BU03920105"):
            if name in names:
                self.client.post("/_dash-update-component", data=json.dumps(_payload(output, inputs, state)),
                                 headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf},
                                 name=f"callback {name}")

    @task(3)
    def uitkomsten(self) -> None:
        slug = random.choice(SLUGS)
        self.client.get(f"/buurt/{slug}/uitkomsten", name="page /buurt/<slug>/uitkomsten")
        self._callbacks(UITKOMSTEN, slug)

    @task(1)
    def transitie(self) -> None:
        self.client.get("/transitie", name="page /transitie")
        self._callbacks(TRANSITIE, SLUGS[0])
