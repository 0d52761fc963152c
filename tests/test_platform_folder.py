"""platform/ is a plain folder: the standard library keeps the name `platform`."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_import_platform_from_repo_root_is_the_standard_library():
    out = subprocess.run(
        [sys.executable, "-c", "import platform, sys; print(platform.__file__); print(platform.system())"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    assert not out[0].startswith(str(REPO)), out[0]
    assert out[1] == "Linux"


def test_platform_folder_has_no_init():
    assert not (REPO / "platform" / "__init__.py").exists()


def test_manage_py_check_runs_from_repo_root():
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
