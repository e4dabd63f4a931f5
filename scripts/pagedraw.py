"""Time pages "fully drawn" in headless Chromium against a running server (issue 11's 1.5 s target).

Usage:
  .venv/bin/python scripts/pagedraw.py --url http://127.0.0.1:8050 [--email transitie@demo.nl --password demo]
      [--slug de-vijfhoek] [--code BU00030000] [--runs 5] [--pages home,uitkomsten,/buurt/x/beeld]
      [--timeout 60] [--settle 0.5] [--json /tmp/pagedraw.json] [--screenshots /tmp/pagedraw]

Start the server first (e.g. gunicorn -c gunicorn.conf.py app:server); the script only drives a browser. For each
page it starts Chromium with a fresh profile, logs in through the real /login form (public pages such as /publiek
are opened without logging in), empties the browser cache and opens the page once ("koud": nothing cached in the
browser), then `--runs` more times from about:blank ("warm": assets cached, same session). A page counts as fully
drawn at the first moment from which, for `--settle` seconds without a new callback request:
  - dash-renderer has hydrated and has no pending callback (its store's isLoading; no `._dash-loading`,
    `._dash-loading-callback`, visible `[data-dash-is-loading="true"]`, dcc.Loading or dbc spinner);
  - no `/_dash-update-component` request is in flight (fetch and XMLHttpRequest are wrapped by a script
    injected with CDP Page.addScriptToEvaluateOnNewDocument, which also records every callback request);
  - every visible dcc.Graph has drawn (`.main-svg`, not `dash-graph--pending`);
  - every visible AG Grid shows rows (or its "no rows" overlay), no loading rows or overlay.
The time is performance.now() at that moment, i.e. milliseconds since the navigation started (timeOrigin). A page
not drawn within `--timeout` is reported as "niet getekend na N s" with what was still missing; the run goes on.

Reported per page: cold time, warm median/p95/max, bytes transferred (Resource Timing transferSize of the
document, assets and callbacks up to the drawn moment), the number of callback requests and the slowest callback
(its outputs, time in the browser from start to responseEnd, the server's share responseStart - requestStart,
and response size). Pages over 1.5 s are flagged.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field

TARGET_S = 1.5

# name -> path template ({slug}, {code}); "public" pages are opened without logging in.
PAGES: dict[str, str] = {
    "home": "/",
    "buurt": "/buurt/{slug}",
    "beeld": "/buurt/{slug}/beeld",
    "uitkomsten": "/buurt/{slug}/uitkomsten",
    "netwerk": "/buurt/{slug}/netwerk",
    "gebied": "/gebied/{code}",
    "vergelijken": "/vergelijken",
    "lerende-buurt": "/lerende-buurt",
    "transitie": "/transitie",
    "best-practices": "/best-practices",
    "menukaart": "/menukaart",
    "publiek": "/publiek",
}
PUBLIC_PREFIXES = ("/publiek", "/indicatoren")

# Injected before any page script runs: counts and records callback requests, and watches for "fully drawn".
PROBE_JS = r"""
(() => {
  if (!/^https?:$/.test(location.protocol) || window.__pd) return;
  try { performance.setResourceTimingBufferSize(20000); } catch (e) {}
  const pd = window.__pd = {inflight: 0, calls: [], readyAt: null, doneAt: null, blockers: [], lastStart: 0,
                            settleMs: SETTLE_MS};
  const isDash = (url) => String(url || '').indexOf('_dash-update-component') >= 0;
  const outputOf = (body) => {
    try { return JSON.parse(body).output || '?'; } catch (e) { return '?'; }
  };
  const begin = (body) => {
    const rec = {output: outputOf(body), start: performance.now(), end: null, status: null, bytes: null};
    pd.calls.push(rec); pd.inflight += 1; pd.lastStart = rec.start;
    return rec;
  };
  const finish = (rec) => { if (rec.end === null) { rec.end = performance.now(); pd.inflight -= 1; } };
  const origFetch = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : (input && input.url);
    if (!isDash(url)) return origFetch.apply(this, arguments);
    const rec = begin(init && init.body);
    const p = origFetch.apply(this, arguments);
    p.then((r) => { rec.status = r.status; return r.clone().arrayBuffer(); })
     .then((b) => { rec.bytes = b.byteLength; }, () => {})
     .finally(() => finish(rec));
    return p;
  };
  const origOpen = XMLHttpRequest.prototype.open, origSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.__pdDash = isDash(url); return origOpen.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function (body) {
    if (this.__pdDash) {
      const rec = begin(body);
      this.addEventListener('loadend', () => { rec.status = this.status; finish(rec); });
    }
    return origSend.apply(this, arguments);
  };
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const anyVisible = (sel) => Array.from(document.querySelectorAll(sel)).filter(visible).length;
  const blockers = () => {
    const b = [];
    const st = window.store && window.store.getState ? window.store.getState() : null;
    if (!st) b.push('dash-renderer niet gestart');
    else {
      if (st.appLifecycle !== 'HYDRATED') b.push('niet gehydrateerd');
      if (st.isLoading) b.push('callbacks bezig');
    }
    if (pd.inflight > 0) b.push(pd.inflight + ' callbackverzoek(en) open');
    if (document.querySelector('._dash-loading, ._dash-loading-callback')) b.push('dash laadt');
    const loading = anyVisible('[data-dash-is-loading="true"]');
    if (loading) b.push(loading + ' component(en) laden');
    const spin = anyVisible('.dash-spinner-container, .dash-default-spinner, .dash-spinner, '
                            + '.spinner-border, .spinner-grow');
    if (spin) b.push(spin + ' spinner(s)');
    let graphs = 0;
    document.querySelectorAll('.dash-graph').forEach((g) => {
      if (!visible(g)) return;
      if (g.classList.contains('dash-graph--pending') || g.querySelector('.dash-graph--pending')
          || !g.querySelector('.js-plotly-plot .main-svg, .main-svg')) graphs += 1;
    });
    if (graphs) b.push(graphs + ' grafiek(en) niet getekend');
    let grids = 0;
    document.querySelectorAll('.ag-root-wrapper').forEach((g) => {
      if (!visible(g)) return;
      const rows = g.querySelectorAll('.ag-center-cols-container .ag-row:not(.ag-row-loading)').length;
      const empty = Array.from(g.querySelectorAll('.ag-overlay-no-rows-wrapper, .ag-overlay-no-rows-center'))
        .some(visible);
      const busy = Array.from(g.querySelectorAll(
        '.ag-row-loading, .ag-overlay-loading-wrapper, .ag-overlay-loading-center')).some(visible);
      if (busy || (!rows && !empty)) grids += 1;
    });
    if (grids) b.push(grids + ' tabel(len) zonder rijen');
    return b;
  };
  pd.longTasks = []; pd.timeline = [];
  try {
    new PerformanceObserver((list) => list.getEntries().forEach((e) => {
      if (pd.doneAt === null) pd.longTasks.push([e.startTime, e.duration]);
    })).observe({type: 'longtask', buffered: true});
  } catch (e) {}
  let last = null;
  const tick = () => {
    if (pd.doneAt !== null) return;
    const now = performance.now();
    pd.blockers = blockers();
    const key = pd.blockers.join(', ');
    if (key !== last && pd.timeline.length < 500) { pd.timeline.push([Math.round(now), key]); last = key; }
    if (pd.blockers.length) { pd.readyAt = null; return; }
    if (pd.readyAt === null || pd.lastStart > pd.readyAt) pd.readyAt = now;
    if (now - pd.readyAt >= pd.settleMs && pd.lastStart <= pd.readyAt) pd.doneAt = pd.readyAt;
  };
  setInterval(tick, 25);
})();
"""

# Collected from the page once it is drawn (or timed out): timings, bytes and the callbacks matched to their
# Resource Timing entries (nearest start time).
COLLECT_JS = r"""
const pd = window.__pd;
if (!pd) return null;
const cut = pd.doneAt === null ? performance.now() : pd.doneAt;
const nav = performance.getEntriesByType('navigation')[0] || {};
const res = performance.getEntriesByType('resource');
let bytes = nav.transferSize || 0, assetBytes = 0, callbackBytes = 0;
const dashEntries = [];
res.forEach((e) => {
  if (e.startTime > cut) return;
  bytes += e.transferSize || 0;
  if (e.name.indexOf('_dash-update-component') >= 0) { callbackBytes += e.transferSize || 0; dashEntries.push(e); }
  else assetBytes += e.transferSize || 0;
});
const used = new Set();
const calls = pd.calls.map((c) => {
  let best = null, gap = 1e9;
  dashEntries.forEach((e, i) => {
    if (used.has(i)) return;
    const d = Math.abs(e.startTime - c.start);
    if (d < gap) { gap = d; best = i; }
  });
  const out = {output: c.output, start: c.start, end: c.end, status: c.status, bytes: c.bytes};
  if (best !== null && gap < 50) {
    used.add(best);
    const e = dashEntries[best];
    out.duration = e.responseEnd - e.startTime;
    out.server = e.responseStart - e.requestStart;
    out.queued = e.requestStart - e.startTime;
    out.transfer = e.transferSize;
  } else if (c.end !== null) {
    out.duration = c.end - c.start;
  }
  return out;
});
let components = 0;  // Dash components in the renderer's layout: each one re-runs its store selectors per update
const walk = (x) => {
  if (Array.isArray(x)) { x.forEach(walk); return; }
  if (!x || typeof x !== 'object') return;
  if (x.type && x.namespace && x.props) { components += 1; Object.values(x.props).forEach(walk); }
};
try { walk(window.store.getState().layout.components); } catch (e) {}
return {doneAt: pd.doneAt, components: components,
        now: performance.now(), blockers: pd.blockers, bytes: bytes, assetBytes: assetBytes,
        callbackBytes: callbackBytes, ttfb: nav.responseStart || null,
        domContentLoaded: nav.domContentLoadedEventEnd || null,
        elements: document.getElementsByTagName('*').length, calls: calls, href: location.href,
        longTasks: pd.longTasks, timeline: pd.timeline,
        timeOrigin: performance.timeOrigin};
"""


@dataclass
class Run:
    """One page load: seconds until drawn (None: not drawn before the timeout) and what the browser saw."""

    kind: str  # "koud" or "warm"
    seconds: float | None
    bytes: int = 0
    asset_bytes: int = 0
    callback_bytes: int = 0
    elements: int = 0  # DOM elements (Plotly's SVG included)
    components: int = 0  # Dash components in the layout
    blockers: list[str] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)
    long_task_ms: float = 0.0  # main-thread tasks over 50 ms before the page was drawn (script, layout, Plotly)
    long_tasks: list[list[float]] = field(default_factory=list)  # [start ms, duration ms]
    timeline: list[list] = field(default_factory=list)  # [ms, what was still missing] at every change
    profile: list[list] = field(default_factory=list)  # with --profile: [function (script), self ms], top first
    error: str | None = None


@dataclass
class PageResult:
    name: str
    path: str
    runs: list[Run] = field(default_factory=list)

    def cold(self) -> Run | None:
        return next((r for r in self.runs if r.kind == "koud"), None)

    def warm_times(self) -> list[float]:
        return [r.seconds for r in self.runs if r.kind == "warm" and r.seconds is not None]


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (with 5 runs p95 is the maximum, which is what the target means)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def make_driver(window: str):  # noqa: ANN201
    """Headless Chromium with a fresh profile in its own temporary directory (removed by close_driver)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    profile = tempfile.mkdtemp(prefix="pagedraw-profile-")
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={window}", f"--user-data-dir={profile}", "--disable-extensions",
                "--no-first-run", "--disable-background-networking"):
        options.add_argument(arg)
    options.page_load_strategy = "eager"  # navigation returns at DOMContentLoaded; the probe measures the rest
    driver = webdriver.Chrome(options=options)
    driver.profile_dir = profile
    return driver


def close_driver(driver) -> None:  # noqa: ANN001
    try:
        driver.quit()
    finally:
        shutil.rmtree(getattr(driver, "profile_dir", ""), ignore_errors=True)


def login(driver, base: str, email: str, password: str, timeout: float) -> None:  # noqa: ANN001
    """Log in through the real form; `next` points at a static file so no dashboard page is computed meanwhile."""
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/login?next=/auth/login.css")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.current_url.endswith("/auth/login.css"):
            return
        time.sleep(0.1)
    raise RuntimeError(f"inloggen als {email} mislukt (pagina: {driver.current_url})")


def top_functions(profile: dict, top: int = 8) -> list[tuple[str, float]]:
    """Self time (ms) per JavaScript function in a CDP CPU profile, largest first: where the main thread went."""
    nodes = {n["id"]: n for n in profile.get("nodes", [])}
    self_ms: dict[str, float] = {}
    for node_id, delta in zip(profile.get("samples", []), profile.get("timeDeltas", []), strict=False):
        frame = nodes.get(node_id, {}).get("callFrame", {})
        script = frame.get("url", "").rsplit("/", 1)[-1].split("?")[0]
        name = f"{frame.get('functionName') or '(anoniem)'} ({script or frame.get('functionName', '')})"
        self_ms[name] = self_ms.get(name, 0.0) + delta / 1000
    return sorted(self_ms.items(), key=lambda kv: -kv[1])[:top]


def load_once(driver, url: str, kind: str, timeout: float, profile: bool = False) -> Run:  # noqa: ANN001
    """Open `url` from about:blank and wait until the probe reports it drawn (or `timeout` seconds passed).

    With `profile`, V8's sampling profiler runs from DOMContentLoaded until the page is drawn (started after the
    navigation, because a new document may get a new renderer process)."""
    from selenium.common.exceptions import TimeoutException, WebDriverException

    driver.set_page_load_timeout(timeout)
    try:
        driver.get("about:blank")
    except WebDriverException as exc:  # the previous page still holds the renderer (e.g. after a timeout)
        return Run(kind, None, error=f"niet gemeten: de browser kwam niet los van de vorige keer ({exc.msg[:80]})")
    started = time.monotonic()
    try:
        driver.get(url)
    except TimeoutException:
        pass  # the document itself is slow; the probe (if it runs) still says how far the page got
    except WebDriverException as exc:
        return Run(kind, None, error=f"navigatie mislukt: {exc.msg}")
    if profile:
        driver.execute_cdp_cmd("Profiler.enable", {})
        driver.execute_cdp_cmd("Profiler.setSamplingInterval", {"interval": 500})
        driver.execute_cdp_cmd("Profiler.start", {})
    data, busy = None, False
    driver.set_script_timeout(min(10.0, timeout))
    while time.monotonic() - started < timeout:
        try:
            fresh = driver.execute_script(COLLECT_JS)
            busy = False
        except TimeoutException:
            fresh, busy = None, True  # the page's main thread did not answer (e.g. rendering a huge layout)
        except WebDriverException:
            fresh = None  # the document is still being replaced
        data = fresh or data
        if data and data.get("doneAt") is not None:
            break
        time.sleep(0.1)
    profiled = []
    if profile:
        profiled = top_functions(driver.execute_cdp_cmd("Profiler.stop", {}).get("profile", {}))
        driver.execute_cdp_cmd("Profiler.disable", {})
    if not data:
        why = "browser reageert niet: hoofdthread bezig" if busy else "pagina laadde niet"
        return Run(kind, None, error=f"niet getekend na {timeout:.0f} s ({why})")
    run = Run(kind, data["doneAt"] / 1000 if data.get("doneAt") is not None else None, bytes=int(data["bytes"]),
              asset_bytes=int(data["assetBytes"]), callback_bytes=int(data["callbackBytes"]),
              elements=int(data["elements"]), components=int(data.get("components") or 0),
              blockers=list(data.get("blockers") or []), calls=data["calls"],
              long_tasks=data.get("longTasks") or [], timeline=data.get("timeline") or [])
    run.long_task_ms = sum(d for _, d in run.long_tasks)
    run.profile = [[name, round(ms, 1)] for name, ms in profiled]
    if run.seconds is None:
        missing = run.blockers + (["browser reageert niet: hoofdthread bezig"] if busy else [])
        run.error = f"niet getekend na {timeout:.0f} s ({', '.join(missing) or 'wacht op rust'})"
    return run


def screenshot(driver, path: str) -> None:  # noqa: ANN001
    """A PNG of the whole page (beyond the window), via CDP."""
    import base64

    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    # Capturing beyond the viewport drops the vertical scrollbar, so the page is laid out at the window's full
    # width: clip to that, not to the content width measured with the scrollbar (which cut off the right edge).
    width = max(size["width"], driver.execute_script("return window.innerWidth"))
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": min(size["height"], 12000), "scale": 1}})
    with open(path, "wb") as fh:
        fh.write(base64.b64decode(shot["data"]))


def measure_page(args: argparse.Namespace, name: str, path: str) -> PageResult:
    """Cold load in a fresh profile with an emptied cache, then `args.runs` warm loads in the same browser."""
    result = PageResult(name, path)
    url = args.url.rstrip("/") + path
    try:
        driver = make_driver(args.window)
    except Exception as exc:  # noqa: BLE001 — no browser: report, do not crash the other pages
        result.runs.append(Run("koud", None, error=f"browser start mislukt: {exc}"))
        return result
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                               {"source": PROBE_JS.replace("SETTLE_MS", str(int(args.settle * 1000)))})
        if not path.startswith(PUBLIC_PREFIXES):
            login(driver, args.url.rstrip("/"), args.email, args.password, args.timeout)
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        for i in range(1 + args.runs):
            run = load_once(driver, url, "koud" if i == 0 else "warm", args.timeout,
                            profile=args.profile and i == args.runs)
            result.runs.append(run)
            shown = f"{run.seconds:.2f} s" if run.seconds is not None else run.error
            print(f"  {name:15} {run.kind:5} {shown}", file=sys.stderr, flush=True)
            if args.screenshots and i == args.runs:  # as drawn, or as far as it got
                screenshot(driver, f"{args.screenshots}-{name}.png")
            if run.error and "kwam niet los" in run.error:
                break  # a hung browser: later runs would only repeat this
    except Exception as exc:  # noqa: BLE001 — one broken page must not end the measurement
        result.runs.append(Run("warm", None, error=f"fout: {type(exc).__name__}: {str(exc)[:200]}"))
    finally:
        close_driver(driver)
    return result


def slowest_callbacks(result: PageResult, top: int = 1) -> list[tuple[str, float, float | None, float]]:
    """(outputs, median duration s, median server s, median kB) of the callbacks, slowest first, over all runs."""
    by_output: dict[str, list[dict]] = {}
    for run in result.runs:
        for call in run.calls:
            if call.get("duration") is not None:
                by_output.setdefault(call["output"], []).append(call)
    rows = []
    for output, calls in by_output.items():
        servers = [c["server"] for c in calls if c.get("server") is not None]
        rows.append((output, statistics.median(c["duration"] for c in calls) / 1000,
                     statistics.median(servers) / 1000 if servers else None,
                     statistics.median((c.get("bytes") or 0) for c in calls) / 1024))
    return sorted(rows, key=lambda r: -r[1])[:top]


def short_output(output: str, width: int = 48) -> str:
    """`..a.children...b.figure..` -> `a.children+1`: the first output and how many more."""
    parts = [p for p in output.strip(".").split("...") if p]
    text = parts[0] + (f"+{len(parts) - 1}" if len(parts) > 1 else "") if parts else output
    return text if len(text) <= width else text[: width - 1] + "…"


def fmt_s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def report(results: list[PageResult], args: argparse.Namespace) -> None:
    print(f"\nVolledig getekend in headless Chromium, {args.url}, {args.runs} warme herhalingen (s; doel "
          f"≤ {TARGET_S:.1f} s)")
    header = (f"{'pagina':15} {'pad':32} {'koud':>6} {'warm n':>6} {'med':>6} {'p95':>6} {'max':>6} "
              f"{'kB koud':>8} {'kB warm':>8} {'cb':>4}  traagste callback (med s, server s, kB)  vlag")
    print(header)
    print("-" * len(header))
    for res in results:
        cold = res.cold()
        warm = res.warm_times()
        warm_runs = [r for r in res.runs if r.kind == "warm"]
        cold_s = cold.seconds if cold else None
        p95 = percentile(warm, 0.95)
        flags = []
        if cold is None or cold_s is None:
            flags.append("koud niet getekend")
        elif cold_s > TARGET_S:
            flags.append("koud > 1,5 s")
        if len(warm) < len(warm_runs):
            flags.append(f"{len(warm_runs) - len(warm)} warm niet getekend")
        elif p95 is not None and p95 > TARGET_S:
            flags.append("warm p95 > 1,5 s")
        slow = slowest_callbacks(res)
        slow_text = ""
        if slow:
            out, dur, server, kb = slow[0]
            slow_text = f"{short_output(out)} ({dur:.2f}, {fmt_s(server)}, {kb:.0f})"
        kb_warm = statistics.median(r.bytes for r in warm_runs) / 1024 if warm_runs else None
        n_calls = len(cold.calls) if cold else 0
        print(f"{res.name:15} {res.path[:32]:32} {fmt_s(cold_s):>6} {len(warm):>6} "
              f"{fmt_s(statistics.median(warm) if warm else None):>6} {fmt_s(p95):>6} "
              f"{fmt_s(max(warm) if warm else None):>6} {(cold.bytes / 1024 if cold else 0):>8.0f} "
              f"{(kb_warm or 0):>8.0f} {n_calls:>4}  {slow_text}  {'; '.join(flags)}")
        for run in res.runs:
            if run.error:
                print(f"{'':15} {run.kind}: {run.error}")
        last = res.runs[-1] if res.runs else None
        if last and (last.long_task_ms or last.profile):
            print(f"{'':15} laatste keer: {last.components} Dash-componenten, {last.elements} DOM-elementen; "
                  f"hoofdthread {last.long_task_ms / 1000:.1f} s in lange taken "
                  f"(langste {max((d for _, d in last.long_tasks), default=0) / 1000:.1f} s)"
                  + ("; meeste tijd in " + ", ".join(f"{n} {ms / 1000:.1f} s" for n, ms in last.profile[:4])
                     if last.profile else ""))


def resolve_pages(spec: str, slug: str, code: str) -> list[tuple[str, str]]:
    """`home,uitkomsten,/some/path` -> [(name, path)]; unknown names are an error, paths pass through."""
    pages = []
    for item in [p.strip() for p in spec.split(",") if p.strip()]:
        if item.startswith("/"):
            pages.append((item.strip("/").replace("/", "-") or "home", item))
        elif item in PAGES:
            pages.append((item, PAGES[item].format(slug=slug, code=code)))
        else:
            raise SystemExit(f"onbekende pagina '{item}'; kies uit {', '.join(PAGES)} of geef een pad (/…)")
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n", 1)[1])
    parser.add_argument("--url", default="http://127.0.0.1:8050", help="base URL of the running server")
    parser.add_argument("--email", default="transitie@demo.nl")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--slug", default="de-vijfhoek", help="programme buurt for the /buurt/<slug> pages")
    parser.add_argument("--code", default="BU00030000", help="area code for /gebied/<code>")
    parser.add_argument("--runs", type=int, default=5, help="warm loads per page after the cold one")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated names (%(default)s) or paths")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a load counts as not drawn")
    parser.add_argument("--settle", type=float, default=0.5,
                        help="seconds the page must stay drawn without a new callback request")
    parser.add_argument("--window", default="1400,1000", help="browser window size W,H")
    parser.add_argument("--profile", action="store_true",
                        help="CPU-profile the last load of each page and print the busiest JavaScript functions")
    parser.add_argument("--json", help="write all runs (with every callback request) to this file ('-': stdout)")
    parser.add_argument("--screenshots", metavar="PREFIX",
                        help="save a full-page PNG of each page after its last load as PREFIX-<page>.png")
    args = parser.parse_args(argv)
    results = []
    for name, path in resolve_pages(args.pages, args.slug, args.code):
        print(f"{name} ({path})", file=sys.stderr, flush=True)
        results.append(measure_page(args, name, path))
    report(results, args)
    if args.json:
        payload = {"url": args.url, "runs": args.runs, "settle": args.settle, "timeout": args.timeout,
                   "pages": [{"name": r.name, "path": r.path, "runs": [vars(run) for run in r.runs]}
                             for r in results]}
        text = json.dumps(payload, indent=1)
        if args.json == "-":
            print(text)
        else:
            with open(args.json, "w", encoding="utf-8") as fh:
                fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
