"""Publish a large bundle to the reference receiver on loopback.

Floor, measured in the same run: one plain `requests.put` of the same bytes to a
minimal WSGI handler on the same waitress stack that streams the body to a file and
fsyncs it (what "receive and keep an upload" costs at the least). A second floor that
discards the body is printed too. Goal: publish throughput >= 0.8x the floor's.

`--keep` keeps every round's output on disk, as a receiver keeps its versions, so each
round writes into page cache never used before (the costly case on a VM that hands freed
memory back to its host); by default each round's output is deleted.

Then a resume: the upload is cut (TCP proxy) at 50% of the bytes with retries off, so
the call fails; a second call with the same key resumes from the server's part list.
Goal: at most one part sent again.

    .venv/bin/python bench/bench_publish.py            # 200 MB
    .venv/bin/python bench/bench_publish.py --mb 20    # quick
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import requests
from waitress import create_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from shopbuilder.publish.auth import TokenTable
from shopbuilder.publish.client import PARTS_IN_FLIGHT, PublishClient, PublishError
from shopbuilder.publish.server import ReceiverApp
from shopbuilder.publish.serving import BackgroundServer, make_server, server_url, tuning

TOKEN = "bench-token-0123456789"
ASSET = 4 * 1024 * 1024


def build_bundle(path: Path, total: int) -> None:
    """A real export of a fresh shop plus incompressible assets up to `total` bytes."""
    from shopbuilder.bundle.export import export_bundle
    from shopbuilder.core.services import pages
    from shopbuilder.core.services.shops import create_shop
    from shopbuilder.core.storage import Workspace

    ws = Workspace.open(f"sqlite:///{path.parent / 'ws.db'}")
    with ws.session() as s:
        create_shop(s, "acme", "Acme")
        for page in pages.default_pages():
            pages.set_page(s, "acme", page)
        pages.set_tab_bar(s, "acme", pages.DEFAULT_TABS)
    base = path.parent / "base.zip"
    export_bundle(ws, "acme", base, processes=1)
    ws.close()
    with zipfile.ZipFile(base) as z:
        files = {i.filename: z.read(i) for i in z.infolist()}
    manifest = json.loads(files.pop("manifest.json"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
        for name, data in sorted(files.items()):
            out.writestr(name, data)
        written = 0
        while written < total:
            blob = os.urandom(min(ASSET, total - written))
            sha = hashlib.sha256(blob).hexdigest()
            out.writestr(f"assets/{sha}.bin", blob)
            manifest["files"].append({"path": f"assets/{sha}.bin", "sha256": sha,
                                      "size": len(blob)})
            written += len(blob)
        manifest["files"].sort(key=lambda f: f["path"])
        out.writestr("manifest.json", json.dumps(manifest, indent=1))


class CountingClient(PublishClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.put_calls = 0

    def put_part(self, upload_id: str, n: int, data: bytes, sha256: str | None = None) -> None:
        self.put_calls += 1
        super().put_part(upload_id, n, data, sha256)


def floor_app(sink: Path | None) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        remaining = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"]
        out = open(sink, "wb") if sink else None  # noqa: SIM115
        try:
            while remaining:
                chunk = body.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                remaining -= len(chunk)
                if out:
                    out.write(chunk)
            if out:
                out.flush()
                os.fsync(out.fileno())
        finally:
            if out:
                out.close()
        start_response("204 No Content", [("Content-Length", "0")])
        return [b""]
    return app


def cpu_seconds() -> float:
    """CPU time of this process, all threads (client and server live here): a figure
    the other jobs on a shared machine cannot inflate the way they inflate wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def time_floor(data: bytes, sink: Path | None, tuned: bool) -> tuple[float, float]:
    """One plain PUT of `data`: waitress as it comes (only the body limit raised), or
    with the same socket/buffer settings as the receiver."""
    extra = tuning(len(data)) if tuned else {}
    server = create_server(floor_app(sink), host="127.0.0.1", port=0,
                           max_request_body_size=len(data) + 1024, **extra)
    with BackgroundServer(None, server=server) as background:
        start, cpu = time.perf_counter(), cpu_seconds()
        response = requests.put(background.url + "/upload", data=data, timeout=600)
        elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu
        assert response.status_code == 204
    return elapsed, cpu


def serve_forever(mode: str, where: str, size: int, part_size: int) -> None:
    """Child-process mode: run one server and print its URL (see --separate)."""
    if mode == "publish":
        tokens = TokenTable()
        tokens.add("acme", TOKEN)
        app: Any = ReceiverApp(Path(where), tokens, part_size=part_size,
                               max_bundle_size=2 * size + (1 << 30))
        server = make_server(app)
    else:
        sink = None if mode == "floor_discard" else Path(where)
        extra = tuning(size) if mode == "floor_fsync_tuned" else {}
        server = create_server(floor_app(sink), host="127.0.0.1", port=0,
                               max_request_body_size=size + 1024, **extra)
    print(server_url(server), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.run()


class Child:
    """A server in its own process (no GIL shared with the client), with its CPU time."""

    def __init__(self, mode: str, where: Path, size: int, part_size: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", mode, str(where), str(size), str(part_size)],
            stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()

    def cpu(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def measure_separate(kind: str, tmp: Path, bundle: Path, data: bytes, run: int,
                     workers: int, part_size: int, keep: bool = False) -> tuple[float, float]:
    """Wall and CPU (client + server process) of one floor PUT or one publish. With
    `keep`, what the server wrote stays on disk (as a receiver keeps its versions)."""
    where = tmp / (f"{kind}-{run}.bin" if kind.startswith("floor") else f"rx-sep{run}")
    child = Child(kind, where, len(data), part_size)
    try:
        start, cpu0, child0 = time.perf_counter(), cpu_seconds(), child.cpu()
        if kind == "publish":
            with PublishClient(child.url, TOKEN, workers=workers) as client:
                result = client.upload_bundle("acme", bundle, key=f"sep-key-{run:04d}")
                client.activate("acme", result.version)
        else:
            assert requests.put(child.url + "/upload", data=data, timeout=600).status_code == 204
        wall = time.perf_counter() - start
        used = cpu_seconds() - cpu0 + child.cpu() - child0
    finally:
        child.close()
    if keep:
        return wall, used
    if where.is_dir():
        shutil.rmtree(where)
    where.unlink(missing_ok=True)
    return wall, used


class CutProxy:
    """Forwards to `port`; cuts the connection once after `cut_at` client bytes."""

    def __init__(self, port: int, cut_at: int) -> None:
        self.port, self.cut_at, self.sent = port, cut_at, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            up = socket.create_connection(("127.0.0.1", self.port))
            threading.Thread(target=self._pump, args=(client, up, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(up, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, upward: bool) -> None:
        try:
            while data := src.recv(1 << 16):
                if upward and self.cut_at >= 0 and self.sent + len(data) > self.cut_at:
                    self.cut_at = -1
                    break
                self.sent += len(data) if upward else 0
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def close(self) -> None:
        self.listener.close()


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--serve":
        serve_forever(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200, help="bundle size in MB")
    parser.add_argument("--part-mb", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=PARTS_IN_FLIGHT, help="parts in flight")
    parser.add_argument("--keep", action="store_true",
                        help="keep what every round wrote, as a receiver keeps its versions: "
                             "each round's bytes then land in page cache never used before "
                             "(on a VM that hands freed memory back to its host, the costly "
                             "case); by default each round's output is deleted")
    parser.add_argument("--same-process", action="store_true",
                        help="also measure with client and servers in this one process")
    args = parser.parse_args()
    total = args.mb * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp_name:
        tmp = Path(tmp_name)
        bundle = tmp / "bundle.zip"
        build_bundle(bundle, total)
        data = bundle.read_bytes()
        size = len(data)
        print(f"bundle: {size / 1e6:.1f} MB, parts of {args.part_mb} MiB, "
              f"{'outputs kept' if args.keep else 'outputs deleted'} between rounds")

        tokens = TokenTable()
        tokens.add("acme", TOKEN)
        part_size = args.part_mb * 1024 * 1024
        figures: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}
        kinds = ("floor_fsync", "floor_discard", "floor_fsync_tuned", "publish")
        # Round 0 warms up and is not counted: on a VM the first write of 200 MB into
        # never-used memory (page cache) costs several times a later one, whoever does it.
        for run in range(args.rounds + 1):  # interleaved, best of each: the box is shared
            for kind in kinds:  # each server in its own process, as in real life
                wall, used = measure_separate(kind, tmp, bundle, data, run, args.workers,
                                              part_size, args.keep)
                if run == 0:
                    continue
                figures.setdefault(kind, []).append(wall)
                cpu.setdefault(kind, []).append(used)
            if not args.same_process or run == 0:
                continue
            for name, sink, tuned in (("floor_fsync", tmp / "floor.bin", False),
                                      ("floor_discard", None, False),
                                      ("floor_fsync_tuned", tmp / "floor.bin", True)):
                wall, used = time_floor(data, sink, tuned)
                figures.setdefault(f"{name} (1 process)", []).append(wall)
                cpu.setdefault(f"{name} (1 process)", []).append(used)
                (tmp / "floor.bin").unlink(missing_ok=True)
            app = ReceiverApp(tmp / f"rx{run}", tokens, part_size=part_size,
                              max_bundle_size=2 * total + (1 << 30))
            with BackgroundServer(app) as server, \
                    PublishClient(server.url, TOKEN, workers=args.workers) as client:
                start, used = time.perf_counter(), cpu_seconds()
                result = client.upload_bundle("acme", bundle, key=f"bench-key-{run:04d}")
                client.activate("acme", result.version)
                figures.setdefault("publish (1 process)", []).append(
                    time.perf_counter() - start)
                cpu.setdefault("publish (1 process)", []).append(cpu_seconds() - used)
            shutil.rmtree(tmp / f"rx{run}")
        best = {name: min(values) for name, values in figures.items()}
        middle = {name: statistics.median(values) for name, values in figures.items()}
        mb = size / 1e6
        parts = -(-size // part_size)
        labels = {
            "floor_fsync": "floor: plain requests.put, body to file + fsync",
            "floor_discard": "floor: plain requests.put, body discarded",
            "floor_fsync_tuned": "floor: as the first, waitress tuned like the receiver",
            "publish": f"publish: create, {parts} parts, complete+validate, activate",
        }
        for suffix in ("", " (1 process)"):
            if "publish" + suffix not in figures:
                continue
            print(f"-- client and server in {'one process' if suffix else 'two processes'}")
            for name, label in labels.items():
                key = name + suffix
                print(f"{label:<66} {best[key]:6.2f} s {mb / best[key]:7.1f} MB/s "
                      f"cpu {min(cpu[key]):5.2f} s "
                      f"(runs: {', '.join(f'{v:.2f}' for v in figures[key])})")
            for name in ("floor_fsync", "floor_discard", "floor_fsync_tuned"):
                print(f"ratio publish / {name:<18} "
                      f"{best[name + suffix] / best['publish' + suffix]:.2f}x best-of, "
                      f"{middle[name + suffix] / middle['publish' + suffix]:.2f}x median"
                      f"{'   (goal >= 0.80x)' if name == 'floor_fsync' else ''}")
        print(f"load average during the run: {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores (wall-time ratios are only as clean as the box)")

        # resume after a cut at 50% of the bytes
        app = ReceiverApp(tmp / "rx-resume", tokens, part_size=part_size,
                          max_bundle_size=2 * total + (1 << 30))
        with BackgroundServer(app) as server:
            proxy = CutProxy(server.port, size // 2)
            first = CountingClient(proxy.url, TOKEN, retries=0)
            try:
                first.upload_bundle("acme", bundle, key="bench-resume-0001")
                raise SystemExit("the cut did not happen")
            except PublishError as exc:
                print(f"cut at 50%: first call failed as expected ({exc.message})")
            finally:
                first.close()
                proxy.close()
            stored_before = app.stats["parts_stored"]
            with CountingClient(server.url, TOKEN) as second:
                result = second.upload_bundle("acme", bundle, key="bench-resume-0001")
            resent = first.put_calls + second.put_calls - result.parts
            print(f"resume: {result.parts} parts; {stored_before} held before the resume, "
                  f"{result.parts_skipped} skipped, {result.parts_sent} sent; parts sent "
                  f"again: {resent} (goal <= 1); stored server-side: "
                  f"{app.stats['parts_stored']}")


if __name__ == "__main__":
    main()
