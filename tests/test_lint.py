"""ruff keeps the code base to one style (rules in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_ruff_check_is_clean() -> None:
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "shopbuilder", "tests", "bench",
                          "scripts", "dev.py"], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
