"""gunicorn settings for `scripts/run.sh` (`gunicorn -c gunicorn.conf.py app:server`); every value can be overridden
by an environment variable, see README "Productieserver".

Defaults are chosen for the embedded default, a 2-core machine: 2 worker processes x 4 threads. The work per request
is mostly pandas/numpy (the GIL), so processes, not threads, use the cores; threads let a worker keep answering
cheap requests (assets, small callbacks) while one request computes. More than ~2 workers per core only adds memory
(each worker holds its own caches, several hundred MB at 1,000 buurten). On a larger machine set WEB_CONCURRENCY to
the number of cores (e.g. 8 on 8 cores) and keep GUNICORN_THREADS at 4. The database pool of each worker is sized to
its threads (dashboard.config DB_POOL_SIZE), so a full server queues requests instead of failing them.
"""

import os

bind = os.environ.get("GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8050')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A worker that does not report for this long is restarted. With gthread the heartbeat runs beside the request
# threads, so a long computation (the KPI at 1,000 buurten: ~30 s cold) does not trigger it; a hung process does.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Connections waiting for a free thread; beyond this the kernel refuses them (back-pressure at the door).
backlog = int(os.environ.get("GUNICORN_BACKLOG", "256"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))  # 0: workers are not recycled (caches stay warm)
max_requests_jitter = max_requests // 10
limit_request_line = 8190
limit_request_fields = 100
# Proxy headers are believed only by the app, and only when TRUSTED_PROXIES/PROXY_FIX says so (dashboard/hardening.py):
# gunicorn's own X-Forwarded-Proto handling (trusting 127.0.0.1 by default) is switched off.
secure_scheme_headers = {}
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "buurtdashboard"


def on_starting(server) -> None:  # noqa: ANN001
    """Before any worker exists: migrate, create the demo secret key and (first start) build the demo database,
    once, in the master process, so two workers never both build it."""
    from dashboard.config import load_config
    from dashboard.startup import prepare_database

    server.log.info("Database voorbereiden (migraties; bij de eerste start de demogegevens)…")
    prepare_database(load_config()).dispose()
