#!/usr/bin/env python3
"""Set up and run shopbuilder from a fresh clone with nothing but Python 3.11+.

    python3 dev.py run     # virtualenv + install, then the app (demo shop on first start)
    python3 dev.py test    # virtualenv + install with test extras, then every test

Both are idempotent: the install is redone only when pyproject.toml or this file
changes. On Debian as root, the few system packages Qt and the tests need (CJK fonts,
Xvfb, PostgreSQL) are installed with apt-get when missing.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".setup-stamp"
# Debian packages: CJK fonts for posters and the GUI, Xvfb for screenshots, the
# libraries Qt's xcb/offscreen platforms load, PostgreSQL for the database tests.
DEBIAN_PACKAGES = [
    "fonts-noto-cjk", "fonts-wqy-microhei", "fontconfig", "xvfb", "xauth",
    "libegl1", "libgl1", "libxkbcommon0", "libxkbcommon-x11-0", "libdbus-1-3",
    "libfontconfig1", "libglib2.0-0", "postgresql",
]


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(cmd: list[str], **kw: object) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)  # type: ignore[call-overload]


def debian_packages() -> None:
    if not Path("/etc/debian_version").exists() or not hasattr(os, "geteuid"):
        return
    missing = [p for p in DEBIAN_PACKAGES
               if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0]
    if not missing:
        return
    if os.geteuid() != 0:
        print(f"note: not root, so not installing Debian packages: {' '.join(missing)}")
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


def setup(extras: str) -> None:
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + Path(__file__).read_bytes() + extras.encode()
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and venv_python().exists():
        return
    if not venv_python().exists():
        print(f"+ creating virtualenv {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    py = str(venv_python())
    run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    target = f".[{extras}]" if extras else "."
    run([py, "-m", "pip", "install", "--quiet", "-e", target], cwd=ROOT)
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before any install
        print("shopbuilder needs Python 3.11 or newer", file=sys.stderr)
        return 2
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    action, rest = argv[0], argv[1:]
    if action == "run":
        setup("")
        return subprocess.call([str(venv_python()), "-m", "shopbuilder", *rest], cwd=ROOT)
    debian_packages()
    setup("test")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    workers = ["-n", "auto"] if (os.cpu_count() or 1) > 1 and "-n" not in rest else []
    code = subprocess.call([str(venv_python()), "-m", "pytest", *workers, *rest], cwd=ROOT, env=env)
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
