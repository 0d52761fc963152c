"""Tiny service probes used by infra/services.sh: `wait_for.py postgres URL`, `wait_for.py redis URL`,
`wait_for.py createdb URL` (create the database named in URL if it does not exist)."""

from __future__ import annotations

import argparse
import sys
import time
from urllib.parse import parse_qs, unquote, urlsplit


def _pg_params(url: str, dbname: str | None = None) -> dict:
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return {
        "dbname": dbname or unquote(parts.path.lstrip("/")),
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password or ""),
        "host": query.get("host") or parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "connect_timeout": 2,
    }


def postgres_ok(url: str) -> bool:
    import psycopg2

    try:
        psycopg2.connect(**_pg_params(url, "postgres")).close()
    except psycopg2.Error:
        return False
    return True


def redis_ok(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def createdb(url: str) -> None:
    import psycopg2

    params = _pg_params(url)
    conn = psycopg2.connect(**{**params, "dbname": "postgres"})
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [params["dbname"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{params["dbname"]}"')
            print(f"services: created database {params['dbname']}")
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["postgres", "redis", "createdb"])
    parser.add_argument("url")
    parser.add_argument("--timeout", type=float, default=1)
    args = parser.parse_args()
    if args.kind == "createdb":
        createdb(args.url)
        return 0
    probe = postgres_ok if args.kind == "postgres" else redis_ok
    deadline = time.monotonic() + args.timeout
    while True:
        if probe(args.url):
            return 0
        if time.monotonic() >= deadline:
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
