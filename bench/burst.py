"""A burst against the stack as `make run` serves it (gunicorn with infra/gunicorn.conf.py, a Celery worker):

    .venv/bin/python bench/burst.py [--requests 300] [--rounds 2]

300 clients at once (each its own connection, released together at a barrier) over store pages, the shop API,
the console login and the platform host, while a Celery task is sent. Prints burst_requests, burst_5xx (server
errors other than 503), burst_503, burst_seconds, burst_recovery_s (from the burst's end until the health check
and a store page answer 200), burst_pg_connections_max (web + worker, sampled during the burst), celery_task_s
and celery_ok. Uses its own database (distmall_bench_burst) and Redis DB 12.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
DB_NAME = "distmall_bench_burst"
ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    "DJANGO_DEBUG": "false",
    "DATABASE_URL": os.environ.get("BENCH_BURST_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"),
    "REDIS_URL": os.environ.get("BENCH_BURST_REDIS_URL", "redis://127.0.0.1:6379/12"),
    "LOG_LEVEL": "ERROR",
    # One client address sends everything: the per-IP API limit would answer 429s, which is not the point here.
    "API_RATE_ANON": "1000000/min", "API_RATE_MEMBER": "1000000/min",
}
os.environ.update(ENV)
PATHS = [("demo-beauty.localhost", "/"), ("demo-beauty.localhost", "/api/v1/catalog/products/"),
         ("demo-fresh.localhost", "/api/v1/storefront/layout/"), ("demo-beauty.localhost", "/console/login/"),
         ("localhost", "/"), ("demo-fresh.localhost", "/api/v1/catalog/categories/")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare() -> None:
    import psycopg2

    admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{DB_NAME}"')
    admin.close()
    env = {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'platform'}"}
    python = str(REPO / ".venv" / "bin" / "python")
    for command in (["migrate_fleet", "--no-progress"], ["seed_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)


def _get(port: int, host: str, path: str, timeout: float = 60) -> int:
    try:
        return requests.get(f"http://127.0.0.1:{port}{path}", headers={"Host": host}, timeout=timeout).status_code
    except requests.RequestException:
        return 599  # no answer at all counts as a failure


def _connections() -> int:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [DB_NAME])
        count = cursor.fetchone()[0]
    conn.close()
    return count


def _burst(port: int, count: int, app) -> tuple[list[int], int, float, float, bool, float]:
    """One burst: statuses, peak connections, its duration, the Celery task's time and outcome, and the time
    from its end until the health check and a store page answer 200 again."""
    gate = threading.Barrier(count)
    sampling = threading.Event()
    peak = [0]

    def sample() -> None:
        while not sampling.is_set():
            peak[0] = max(peak[0], _connections())
            time.sleep(0.05)

    def hit(i: int) -> int:
        host, path = PATHS[i % len(PATHS)]
        gate.wait()
        return _get(port, host, path)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    task = app.send_task("control_plane.tenancy.tasks.fan_out", args=("tenants.payments.sweep",))
    with ThreadPoolExecutor(max_workers=count) as pool:
        statuses = list(pool.map(hit, range(count)))
    ended = time.perf_counter()
    try:
        task.get(timeout=30)
        task_s, task_ok = time.perf_counter() - started, True
    except Exception:
        task_s, task_ok = 0.0, False
    sampling.set()
    sampler.join()
    while not (_get(port, "localhost", "/healthz", timeout=5) == 200
               and _get(port, "demo-beauty.localhost", "/", timeout=5) == 200):
        time.sleep(0.05)
    return statuses, peak[0], ended - started, task_s, task_ok, time.perf_counter() - ended


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    _prepare()
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'platform'}", "PLATFORM_PORT": str(port),
           "WEB_BIND": f"127.0.0.1:{port}"}
    web = subprocess.Popen([str(REPO / ".venv" / "bin" / "gunicorn"), "config.wsgi:application",
                            "-c", str(REPO / "infra" / "gunicorn.conf.py")], cwd=REPO, env=env,
                           stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([str(REPO / ".venv" / "bin" / "celery"), "-A", "config", "worker", "--loglevel=ERROR",
                               "--concurrency=2"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            if _get(port, "localhost", "/healthz", timeout=5) == 200:
                break
            time.sleep(0.2)
        for host, path in PATHS:  # every worker's first import done before the clock starts
            _get(port, host, path)
        import django

        django.setup()
        from config.celery import app

        statuses: list[int] = []
        peak, recovery, burst_seconds, celery_s, celery_ok = 0, 0.0, 0.0, 0.0, True
        for _round in range(args.rounds):
            round_statuses, round_peak, seconds, task_s, task_ok, round_recovery = _burst(port, args.requests, app)
            statuses += round_statuses
            peak, burst_seconds = max(peak, round_peak), max(burst_seconds, seconds)
            celery_s, celery_ok = max(celery_s, task_s), celery_ok and task_ok
            recovery = max(recovery, round_recovery)
        errors = sum(1 for s in statuses if s >= 500 and s != 503)
        print(f"burst_requests={len(statuses)}")
        print(f"burst_5xx={errors}")
        print(f"burst_503={statuses.count(503)}")
        print(f"burst_seconds={burst_seconds:.2f}")
        print(f"burst_recovery_s={recovery:.2f}")
        print(f"burst_pg_connections_max={peak}")
        print(f"celery_task_s={celery_s:.2f}")
        print(f"celery_ok={str(celery_ok).lower()}")
    finally:
        web.terminate()
        worker.terminate()
        web.wait(timeout=20)
        worker.wait(timeout=20)


if __name__ == "__main__":
    main()
