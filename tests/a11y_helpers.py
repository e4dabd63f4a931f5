"""axe-core for the browser tests: found in a cache folder, installed there with npm when missing.

CI needs nothing but node and npm: the first run installs the pinned axe-core into AXE_CACHE_DIR (default
~/.cache/buurtdashboard/axe-core), later runs reuse it. AXE_CORE_JS points at an axe.min.js of your own instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from selenium.common.exceptions import TimeoutException

AXE_VERSION = "4.14.1"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""


def axe_source() -> str:
    """The text of axe.min.js (installing axe-core with npm into the cache folder on first use)."""
    own = os.environ.get("AXE_CORE_JS")
    if own:
        return Path(own).read_text(encoding="utf-8")
    cache = Path(os.environ.get("AXE_CACHE_DIR", Path.home() / ".cache" / "buurtdashboard" / "axe-core"))
    script = cache / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("axe-core ontbreekt en npm is niet gevonden: installeer node/npm of zet AXE_CORE_JS")
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund", "--silent",
                        f"axe-core@{AXE_VERSION}"], check=True, timeout=300)
    return script.read_text(encoding="utf-8")


def axe_violations(driver, source: str) -> list[dict]:  # noqa: ANN001
    """Serious and critical WCAG 2.1 A/AA violations on the page the driver shows now."""
    driver.set_script_timeout(60)
    driver.execute_script(source)
    found = driver.execute_async_script(RUN_AXE, WCAG_TAGS)
    return [v for v in found if v["impact"] in BLOCKING]


BUSY = ("return !document.querySelector('#_pages_content') || "
        "document.querySelector('#_pages_content').children.length === 0 || "
        "!!document.querySelector('[data-dash-is-loading=\"true\"], ._dash-loading');")


def settled(driver, timeout: float = 30, dash_page: bool = True) -> str:  # noqa: ANN001
    """The body text once Dash has filled the page (nothing loading for half a second, or `timeout` passed)."""
    end = time.time() + timeout
    quiet_since = None
    while dash_page and time.time() < end:
        try:
            busy = driver.execute_script(BUSY)
        except TimeoutException:  # still rendering (a slow, shared machine)
            busy = True
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.time()
        elif time.time() - quiet_since > 0.5:
            break
        time.sleep(0.1)
    return driver.find_element("tag name", "body").text
