"""`make run`: web (gunicorn, as in production), Celery worker and beat together, with the URLs and demo logins
printed. Ctrl-C stops all three. DJANGO_DEBUG=1 shows Django's debug pages (they show SQL and settings to
anyone who can reach the server: off by default); WEB_RELOAD=1 restarts the web server on code changes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = str(REPO / ".venv" / "bin" / "python")
CELERY = str(REPO / ".venv" / "bin" / "celery")
PORT = os.environ.get("PLATFORM_PORT", "8000")


def main() -> int:
    env = {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'platform'}", "PLATFORM_PORT": PORT}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    commands = {
        "sandbox": [PY, "-m", "sandbox.server", "--port", "8099", "--keys", str(REPO / ".run" / "sandbox"),
                    "--stripe-webhook-url", f"http://localhost:{PORT}/billing/stripe/webhook/"],
        # The production server (bounded workers and database connections); WEB_RELOAD=1 for code reloads.
        "web": [str(REPO / ".venv" / "bin" / "gunicorn"), "config.wsgi:application",
                "-c", str(REPO / "infra" / "gunicorn.conf.py"), "--bind", f"0.0.0.0:{PORT}"],
        "worker": [CELERY, "-A", "config", "worker", "--loglevel=INFO", "--concurrency=2"],
        "beat": [CELERY, "-A", "config", "beat", "--loglevel=INFO",
                 "--schedule", str(REPO / ".run" / "celerybeat-schedule")],
    }
    children = {name: subprocess.Popen(cmd, cwd=REPO, env=env) for name, cmd in commands.items()}
    time.sleep(2)
    # The plans' Products and Prices in the Stripe sandbox (kept in .run/sandbox/stripe.json between runs).
    subprocess.run([PY, "manage.py", "billing_sync_plans"], cwd=REPO, env=env, check=False)
    print(f"""
  Platform (sign-up):   http://localhost:{PORT}/
  Operators:            http://localhost:{PORT}/operators/        operator / demo-operator-2026
  Demo store 1:         http://demo-beauty.localhost:{PORT}/
      console /console/   owner@demo-beauty.test / demo-owner-2026
  Demo store 2:         http://demo-fresh.localhost:{PORT}/
      console /console/   owner@demo-fresh.test / demo-owner-2026
  Shop API:             http://demo-beauty.localhost:{PORT}/api/v1/storefront/layout/
  Health:               http://localhost:{PORT}/healthz
  Take an order:        .venv/bin/python infra/demo_order.py   (sandbox login, order, WeChat Pay)
  Subscribe a store:    console → 套餐与账单 → 订阅 (Stripe Checkout sandbox, card 4242…)
  (Ctrl-C stops web, worker, beat and the WeChat Pay / Stripe sandbox on :8099)
""", flush=True)
    try:
        while all(child.poll() is None for child in children.values()):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children.values():
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
    failed = [name for name, child in children.items() if child.returncode not in (0, -signal.SIGTERM)]
    if failed:
        print(f"stopped: {', '.join(failed)} exited with an error", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
