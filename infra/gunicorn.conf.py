"""Gunicorn as `make run` and the image run it: a bounded number of workers and threads, so a burst of
requests queues (or, past the backlog, is refused fast) instead of opening a database connection each.
Database connections are at most workers x threads for the web (each thread keeps one, CONN_MAX_AGE), whatever
the load; the rest of the server's connection budget stays for Celery and migrations.

Environment: WEB_BIND (default 0.0.0.0:8000), WEB_WORKERS (default: 2, or the CPU count if larger, at most 8),
WEB_THREADS (4), WEB_RELOAD=1 to restart on code changes while developing.
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS") or min(max(multiprocessing.cpu_count(), 2), 8))
threads = int(os.environ.get("WEB_THREADS") or 4)
backlog = 2048  # connections the kernel holds while every thread is busy
worker_connections = 500  # per worker, beyond what its threads are serving: queued, not dropped
timeout = 30
graceful_timeout = 10
keepalive = 5
max_requests, max_requests_jitter = 10_000, 1_000  # a slow leak in a dependency cannot grow forever
reload = os.environ.get("WEB_RELOAD") == "1"
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "warning")
