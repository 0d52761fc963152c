"""The image builds without runtime secrets: the Dockerfile's collectstatic line runs, in a copy of exactly what
the Dockerfile copies into the image, with exactly the environment the Dockerfile gives it. And web and worker
share one media volume (uploads and exports survive redeploys; exports written by the worker are served)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = (REPO / "infra" / "Dockerfile").read_text()


def _instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in joined.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_collectstatic_runs_with_only_the_dockerfiles_environment(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    env, command = {}, None
    for instruction, argument in _instructions():
        if instruction == "ENV":
            env.update(dict(pair.split("=", 1) for pair in shlex.split(argument)))
        elif instruction == "COPY":  # Docker's rules: a folder's contents go to the target; a file into a "dir/"
            *sources, target = shlex.split(argument)
            destination = app / target
            for source in map(REPO.joinpath, sources):
                if source.is_dir():
                    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__"),
                                    dirs_exist_ok=True)
                else:
                    folder = destination if target.endswith("/") else destination.parent
                    folder.mkdir(parents=True, exist_ok=True)
                    shutil.copy(source, folder / source.name if target.endswith("/") else destination)
        elif instruction == "RUN" and "collectstatic" in argument:
            command = argument
    assert command is not None, "the Dockerfile no longer collects static files"
    env = {key: value.replace("/app", str(app)) for key, value in env.items()}
    env["PATH"] = f"{Path(sys.executable).parent}:/usr/bin:/bin"  # the image's python, with the dependencies
    result = subprocess.run(["bash", "-c", command], cwd=app, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    collected = app / "staticfiles"
    assert (collected / "console" / "console.js").is_file() and (collected / "console" / "app.css").is_file()
    assert not any("SECRET" in key or "STRIPE" in key or "FIELD_" in key for key in env)


def test_web_and_worker_share_the_media_volume():
    compose = yaml.safe_load((REPO / "infra" / "compose.yaml").read_text())
    services = compose["services"]
    mounts = {name: services[name].get("volumes", []) for name in ("web", "worker")}
    assert mounts["web"] == mounts["worker"] == ["media:/app/media"]
    assert "media" in compose["volumes"]
    assert services["web"]["environment"]["MEDIA_ROOT"] == "/app/media"
    assert 'VOLUME ["/app/media"]' in DOCKERFILE
