"""A crash mid-export (the process killed while writing) leaves no file at the target."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from shopbuilder.core.storage import Workspace

REPO = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from shopbuilder.bundle.export import export_bundle
    from shopbuilder.core.storage import Workspace

    def main():
        ws = Workspace.open(sys.argv[1])
        stage = []
        def cancel():
            if "write" in stage:
                stage.append("entry")
            if stage.count("entry") == 10:  # ten entries into the zip
                print("WRITING", flush=True)
                time.sleep(60)  # killed here, halfway through the zip
            return False
        export_bundle(ws, "tiny", Path(sys.argv[2]), force=True, processes=1,
                      progress=lambda s, d, t: stage.append(s), cancel=cancel)
        print("DONE", flush=True)

    if __name__ == "__main__":
        main()
""")


def test_killed_export_leaves_no_bundle(tiny_workspace: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "bundle.zip"
    script = tmp_path / "crash_export.py"
    script.write_text(SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), tiny_workspace.url, str(target)],
                            stdout=subprocess.PIPE, text=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "WRITING"
        partial = [p for p in out.iterdir() if p.name.endswith(".part")]
        assert partial and partial[0].stat().st_size > 0  # really halfway through
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert not target.exists()
