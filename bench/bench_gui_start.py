"""Cold start of the app to its main window shown and idle, against a bare PySide6
QMainWindow started the same way (a fresh `python` process each) in the same run.

    python bench/bench_gui_start.py [RUNS]

The workspace (demo shop) is prepared once beforehand, so first-start demo building is
not counted. Goal: app ≤ 1.5 × bare. Offscreen unless QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import sys, time
kind, url, t0 = sys.argv[1], sys.argv[2], float(sys.argv[3])
from PySide6.QtCore import QTimer
if kind == "bare":
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1200, 760)
    window.show()
else:
    from shopbuilder.gui.app import launch
    app, window = launch(url, None, sys.argv[:1])

def idle():
    print("shown", time.time() - t0, flush=True)
    if kind == "bare":
        app.quit()

def loaded():
    QTimer.singleShot(0, lambda: (print("loaded", time.time() - t0, flush=True), app.quit()))

QTimer.singleShot(0, idle)  # runs once the window is shown and the queue is empty
if kind == "app":
    window.sig_workspace_ready.connect(loaded)
app.exec()
"""


def run(kind: str, url: str, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, kind, url, repr(time.time())],
                         capture_output=True, text=True, env=env, check=True)
    return {line.split()[0]: float(line.split()[1]) for line in out.stdout.splitlines()
            if line.split() and line.split()[0] in ("shown", "loaded")}


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    tmp = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               SHOPBUILDER_CONFIG=str(tmp / "settings.toml"),
               SHOPBUILDER_LOG_DIR=str(tmp / "logs"), SHOPBUILDER_LANG="zh_CN",
               XDG_CONFIG_HOME=str(tmp / "xdg"))
    url = f"sqlite:///{tmp / 'ws.db'}"
    subprocess.run([sys.executable, "-m", "shopbuilder", "--db", url, "demo"], env=env,
                   check=True, capture_output=True)
    run("bare", url, env)  # warm the OS file cache for both, as a user's second start
    run("app", url, env)
    bare, shown, loaded = [], [], []
    for _ in range(runs):  # interleaved, so drift hits both alike
        bare.append(run("bare", url, env)["shown"])
        times = run("app", url, env)
        shown.append(times["shown"])
        loaded.append(times["loaded"])
    b, a, full = statistics.median(bare), statistics.median(shown), statistics.median(loaded)
    print(f"bare QMainWindow shown+idle:        median {b * 1000:.0f} ms "
          f"(best {min(bare) * 1000:.0f})")
    print(f"shopbuilder window shown+idle:      median {a * 1000:.0f} ms (best "
          f"{min(shown) * 1000:.0f})  ratio {a / b:.2f}x, best-of ratio "
          f"{min(shown) / min(bare):.2f}x (goal <= 1.5x)")
    print(f"shopbuilder shops listed + idle:    median {full * 1000:.0f} ms  ratio "
          f"{full / b:.2f}x (database layer loaded in a worker after the window shows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
