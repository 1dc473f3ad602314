"""Publishing fixtures: a real receiver on 127.0.0.1 (waitress in a thread), a TCP proxy
that cuts or corrupts the stream once, small bundles, and a file-backed keyring for
headless runs (tests only: production refuses anything but a real OS keyring)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend

from shopbuilder.core.storage import Workspace
from shopbuilder.publish.auth import TokenTable
from shopbuilder.publish.protocol import MIN_PART_SIZE, Problem
from shopbuilder.publish.server import ReceiverApp
from shopbuilder.publish.serving import BackgroundServer

TOKEN = "tok-acme-5f0c1d2e9a7b"
ALL_TOKEN = "tok-agency-0b8e4c11d3f2"
PART = MIN_PART_SIZE  # 64 KiB parts keep multi-part bundles small


class FileKeyring(KeyringBackend):
    """A keyring in a JSON file, so tests run without a desktop session."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _load(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\0{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\0{username}"] = password
        self.path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\0{username}", None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self.path.write_text(json.dumps(data))


@pytest.fixture
def test_keyring(tmp_path: Path) -> Iterator[FileKeyring]:
    previous = keyring.get_keyring()
    backend = FileKeyring(tmp_path / "keyring.json")
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


_BASE: dict[str, dict[str, bytes]] = {}


def exported_files(slug: str) -> dict[str, bytes]:
    """The entries of a real export of a fresh shop `slug` (made once per test run)."""
    if slug not in _BASE:
        from shopbuilder.bundle.export import export_bundle
        from shopbuilder.core.services import pages
        from shopbuilder.core.services.shops import create_shop

        with tempfile.TemporaryDirectory() as tmp:
            ws = Workspace.open(f"sqlite:///{tmp}/ws.db")
            try:
                with ws.session() as s:
                    create_shop(s, slug, "Acme 旗舰店")
                    for page in pages.default_pages():
                        pages.set_page(s, slug, page)
                    pages.set_tab_bar(s, slug, pages.DEFAULT_TABS)
                result = export_bundle(ws, slug, Path(tmp) / "b.zip", processes=1)
                assert result.written, result.findings
                with zipfile.ZipFile(Path(tmp) / "b.zip") as z:
                    _BASE[slug] = {i.filename: z.read(i) for i in z.infolist()}
            finally:
                ws.close()
    return dict(_BASE[slug])


def make_bundle(path: Path, slug: str = "acme", payload: int = 300_000, seed: int = 1) -> Path:
    """A valid bundle: a real export of a fresh shop plus an incompressible asset of
    `payload` bytes (listed in the manifest), so uploads span several parts."""
    rng = hashlib.sha256(f"{slug}-{seed}".encode()).digest()
    chunks = []
    for _i in range(-(-payload // 32)):
        rng = hashlib.sha256(rng).digest()
        chunks.append(rng)
    blob = b"".join(chunks)[:payload]
    files = exported_files(slug)
    manifest = json.loads(files.pop("manifest.json"))
    name = f"assets/{hashlib.sha256(blob).hexdigest()}.bin"
    files[name] = blob
    manifest["files"].append({"path": name, "sha256": hashlib.sha256(blob).hexdigest(),
                              "size": len(blob)})
    manifest["files"].sort(key=lambda f: f["path"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for entry, data in sorted(files.items()):
            archive.writestr(entry, data)
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return path


@dataclass
class Receiver:
    """A running receiver; `restart()` stops it and serves the same root again."""

    root: Path
    tokens: TokenTable
    fault: Callable[[dict[str, Any]], Problem | None] | None = None
    server: BackgroundServer | None = None
    part_size: int = PART

    last_app: ReceiverApp | None = None

    @property
    def app(self) -> ReceiverApp:
        app = self.server.app if self.server is not None else self.last_app
        assert app is not None
        return app

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def start(self, port: int = 0) -> Receiver:
        app = ReceiverApp(self.root, self.tokens, part_size=self.part_size,
                          max_bundle_size=20 * 1024 * 1024, fault=self.fault)
        self.server = BackgroundServer(app, port=port).start()
        self.last_app = app
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def restart(self) -> None:
        """A new process on the same root. It listens on a fresh port: on a shared
        machine the old one may be taken by someone else the moment it is free."""
        self.stop()
        self.start()


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    tokens = TokenTable()
    tokens.add("acme", TOKEN)
    tokens.add("*", ALL_TOKEN)
    rx = Receiver(tmp_path / "receiver", tokens).start()
    yield rx
    rx.stop()


class FaultProxy:
    """Forwards 127.0.0.1 TCP to the receiver; once armed, cuts both directions after
    `cut_at` client bytes, or flips the byte at `corrupt_at`, exactly once."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)  # so close() does not wait on a blocked accept()
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.cut_at: int | None = None
        self.corrupt_at: int | None = None
        self.faults = 0
        self.sent = 0
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._closing = False
        self._spawn(self._accept)

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _addr = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            with self._lock:
                self._sockets += [client, upstream]
            self._spawn(self._pump, client, upstream, True)
            self._spawn(self._pump, upstream, client, False)

    def _pump(self, src: socket.socket, dst: socket.socket, upward: bool) -> None:
        try:
            while data := src.recv(65536):
                if upward:
                    data, cut = self._inject(data)
                    if cut:
                        dst.sendall(data)
                        for s in (src, dst):
                            s.shutdown(socket.SHUT_RDWR)
                        return
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def _inject(self, data: bytes) -> tuple[bytes, bool]:
        with self._lock:
            start, self.sent = self.sent, self.sent + len(data)
            if self.cut_at is not None and start + len(data) > self.cut_at:
                keep, self.cut_at = self.cut_at - start, None
                self.faults += 1
                return data[:max(0, keep)], True
            if self.corrupt_at is not None and start <= self.corrupt_at < start + len(data):
                i, self.corrupt_at = self.corrupt_at - start, None
                self.faults += 1
                return data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:], False
        return data, False

    def close(self) -> None:
        self._closing = True
        self.listener.close()
        with self._lock:
            for s in self._sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=5)
        for s in self._sockets:
            s.close()


@pytest.fixture
def proxy(receiver: Receiver) -> Iterator[FaultProxy]:
    assert receiver.server is not None
    fp = FaultProxy(receiver.server.port)
    yield fp
    fp.close()


@pytest.fixture
def shop_workspace(workspace: Workspace) -> Workspace:
    from shopbuilder.core.services.shops import create_shop

    with workspace.session() as s:
        create_shop(s, "acme", "Acme 旗舰店")
    return workspace
