#!/usr/bin/env python3
"""One entry point for a fresh checkout; needs nothing but Python 3.11+.

    python3 dev.py demo   [museion demo options]   install, load the demo museums, serve :8000
    python3 dev.py test   [pytest options]         install, run the suite (SQLite and PostgreSQL)
    python3 dev.py check                           ruff, mypy, import contracts
    python3 dev.py serve  [museion serve options]  install, migrate, serve
    python3 dev.py museion ARGS...                 any museion command inside the environment

Everything is installed into ./.venv (override with MUSEION_VENV); reinstalls happen only
when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("MUSEION_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")

EXTRAS = {"demo": "", "serve": "", "museion": "", "test": "test", "check": "dev"}


def ensure_environment(extra: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older Python
        sys.exit("museion needs Python 3.11 or newer")
    if not PYTHON.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extra}]" if extra else "."
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + target.encode()).hexdigest()
    stamp = VENV / f".museion-installed-{extra or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"installing museion{f'[{extra}]' if extra else ''} into {VENV}", flush=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "--editable", target], check=True, cwd=ROOT)
    stamp.write_text(digest)


def run(command: list[str]) -> int:
    return subprocess.run(command, cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in EXTRAS:
        print(__doc__)
        return 2
    task, rest = argv[0], argv[1:]
    ensure_environment(EXTRAS[task])
    museion = [str(PYTHON), "-m", "museion"]
    if task in ("demo", "serve"):
        return run([*museion, task, *rest])
    if task == "museion":
        return run([*museion, *rest])
    if task == "test":
        return run([str(PYTHON), "-m", "pytest", *rest])
    for command in (
        ["ruff", "format", "--check", "src", "tests", "bench", "dev.py"],
        ["ruff", "check", "src", "tests", "bench", "dev.py"],
        ["mypy", "src"],
    ):
        if code := run([str(PYTHON), "-m", *command]):
            return code
    # STYLE.md section 3, who may import whom: the contracts in pyproject.toml (lint-imports).
    return run([str(PYTHON), "-c", "from importlinter.cli import lint_imports_command as c; c()"])


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
