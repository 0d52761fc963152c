#!/usr/bin/env python
"""Django's command-line utility for the distribution-mall platform."""

import os
import sys
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent


def main() -> None:
    # platform/ is a plain folder, not a package: its children (config, core, control_plane) are put on the
    # path after the repo root and the standard library keeps the name `platform`.
    sys.path.insert(1, str(REPO_DIR / "platform"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
