"""Bundles on disk: uploads in progress, numbered versions and the active pointer.

Used by the reference receiver and by folder targets. Every file that matters is
written to a temp name, fsynced and renamed, so a crash or restart leaves either the
old state or the new one, never half a version. Layout under `root`::

    uploads/<id>/upload.json          what the upload is (slug, size, SHA-256, part size)
    uploads/<id>/data                 the bundle being assembled, parts at their offsets
    uploads/<id>/parts/<n>-<sha256>   marker: part n is on disk and fsynced
    shops/<slug>/versions/<N>.zip     version N's bundle
    shops/<slug>/versions/<N>.json    its metadata (an empty file: number being taken)
    shops/<slug>/active.json          {"version": N}
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from shopbuilder.bundle.archive import EntryDigest
from shopbuilder.core.findings import Finding, has_errors
from shopbuilder.core.timeutil import utcnow
from shopbuilder.publish import protocol as p
from shopbuilder.publish.hashing import sha256_file
from shopbuilder.publish.partio import WRITE_SLICE, DirectWriter, PartBuffers, write_sliced
from shopbuilder.publish.protocol import Problem, part_count, part_range
from shopbuilder.publish.streamhash import HeldPart, StreamDigest

# Part buffers out at once (in requests, kept ahead of their turn, being hashed): at
# 8 MiB parts, 96 MiB at most. When they run out, parts are stored without one.
PART_BUFFERS = 12
# An unfinished upload nobody touched for this long is removed (its data file may be as
# large as a bundle); publishing again then starts a new one.
KEEP_UPLOADS_S = 7 * 24 * 3600
LOCK_STALE_S = 600  # a lock file this old was left by a process that died holding it
TEMP_FILE_AGE_S = 3600  # a temp file this old is a crash's leftover, never one in use


def fsync_dir(path: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory; NTFS journals the rename
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb", buffering=0) as fh:
            write_sliced(fh, data)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_json_atomic(path: Path, data: Any) -> None:
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1).encode())


def copy_atomic(src: Path, dest: Path) -> None:
    """Copy `src` to `dest` so `dest` is either absent or complete and on disk."""
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(src, "rb") as fin, open(tmp, "wb") as fout:
            shutil.copyfileobj(fin, fout, WRITE_SLICE)
            fout.flush()
            os.fsync(fout.fileno())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a failed copy leaves nothing behind
        raise
    fsync_dir(dest.parent)


def _last_touched(folder: Path) -> float:
    """The newest modification time in an upload's folder (a part landing touches it)."""
    newest = folder.stat().st_mtime
    for path in (folder / "upload.json", folder / "data", folder / "parts"):
        try:
            newest = max(newest, path.stat().st_mtime)
        except OSError:
            continue
    parts = folder / "parts"
    if parts.is_dir():
        for entry in os.scandir(parts):
            newest = max(newest, entry.stat().st_mtime)
    return newest


def _remove_temp_files(folder: Path, now: float) -> int:
    removed = 0
    for entry in os.scandir(folder):
        if entry.name.startswith(".") and entry.name.endswith(".tmp") and entry.is_file() \
                and now - entry.stat().st_mtime > TEMP_FILE_AGE_S:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed += 1
    return removed


@dataclass(frozen=True)
class VersionInfo:
    number: int
    sha256: str
    size: int
    created_at: str
    upload_id: str | None = None
    active: bool = False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["version"] = data.pop("number")
        return data


@dataclass(frozen=True)
class UploadState:
    id: str
    slug: str
    sha256: str
    size: int
    part_size: int
    key_digest: str
    created_at: str
    version: int | None = None

    @property
    def parts(self) -> int:
        return part_count(self.size, self.part_size)


class _Locks:
    """One lock per name, so uploads and shops are serialised without a global lock."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def __call__(self, name: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())


_LOCKS = _Locks()  # process-wide: two Store objects on one root share them


class Store:
    def __init__(self, root: Path, *, fsync_parts: bool = True,
                 part_size: int = p.DEFAULT_PART_SIZE) -> None:
        self.root = Path(root)
        self.fsync_parts = fsync_parts
        self._buffers = PartBuffers(part_size, PART_BUFFERS)
        self._writer = DirectWriter()
        # upload id → its bytes hashed as they land (see streamhash), so completing
        # reads nothing again. Lost on restart (then complete reads the file).
        self._streams: dict[str, StreamDigest] = {}
        self._streams_lock = threading.Lock()
        self._whole_pool = ThreadPoolExecutor(1, thread_name_prefix="bundle-sha")
        self._scan_pool = ThreadPoolExecutor(1, thread_name_prefix="entry-sha")
        (self.root / "uploads").mkdir(parents=True, exist_ok=True)
        (self.root / "shops").mkdir(parents=True, exist_ok=True)

    def _lock(self, kind: str, name: str) -> threading.Lock:
        return _LOCKS(f"{self.root.resolve()}|{kind}|{name}")

    @contextlib.contextmanager
    def exclusive(self, name: str, stale_after: float = LOCK_STALE_S) -> Iterator[None]:
        """Hold `name` against other threads *and processes* using this root (two CLI
        runs publishing to one folder): a lock file made with O_EXCL, waited for while
        another holds it, broken when older than `stale_after` (its holder died)."""
        folder = self.root / ".locks"
        folder.mkdir(exist_ok=True)
        path = folder / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.lock"
        with self._lock("exclusive", name):
            while True:
                try:
                    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                    break
                except FileExistsError:
                    try:
                        if time.time() - path.stat().st_mtime > stale_after:
                            path.unlink(missing_ok=True)
                            continue
                    except FileNotFoundError:
                        continue
                    time.sleep(0.05)
            try:
                yield
            finally:
                path.unlink(missing_ok=True)

    # ------------------------------------------------------------ uploads

    def _upload_dir(self, upload_id: str) -> Path:
        return self.root / "uploads" / upload_id

    def create_upload(self, slug: str, key: str, sha256: str, size: int,
                      part_size: int) -> tuple[UploadState, bool]:
        """The upload for this idempotency key, created if new; (state, created)."""
        key_digest = hashlib.sha256(f"{slug}\n{key}".encode()).hexdigest()
        upload_id = key_digest[:32]
        with self._lock("upload", upload_id):
            try:
                state = self.get_upload(upload_id)
            except Problem:
                pass
            else:
                if (state.slug, state.sha256, state.size) != (slug, sha256, size):
                    raise Problem(422, "idempotency-key-reused", "Idempotency key reused",
                                  "this Idempotency-Key was already used for a different "
                                  "bundle; use a new key for a new upload")
                if state.version is None or self._version_of_upload(state, missing_ok=True):
                    return state, False
                # Its version was deleted by hand: clients derive keys from the bundle's
                # hash, so the key must be able to upload those bytes again.
                shutil.rmtree(self._upload_dir(upload_id))
            state = UploadState(upload_id, slug, sha256, size, part_size, key_digest,
                                utcnow().isoformat())
            folder = self._upload_dir(upload_id)
            (folder / "parts").mkdir(parents=True, exist_ok=True)
            with open(folder / "data", "wb") as fh:
                fh.truncate(size)
            write_json_atomic(folder / "upload.json", asdict(state))
            return state, True

    def get_upload(self, upload_id: str) -> UploadState:
        try:
            raw = json.loads((self._upload_dir(upload_id) / "upload.json").read_bytes())
        except (OSError, ValueError) as exc:
            raise Problem(404, "unknown-upload", "Unknown upload",
                          f"there is no upload {upload_id}; start a new one") from exc
        return UploadState(**raw)

    def held_parts(self, upload_id: str) -> dict[int, str]:
        """Part number → SHA-256 of the parts safely on disk."""
        held: dict[int, str] = {}
        folder = self._upload_dir(upload_id) / "parts"
        if not folder.is_dir():
            return held
        for name in os.listdir(folder):
            n, sep, sha = name.partition("-")
            if sep and n.isdigit() and len(sha) == 64:
                held[int(n)] = sha
        return held

    def write_part(self, state: UploadState, n: int, data: bytes | memoryview,
                   sha256: str) -> None:
        """Store part `n` (already checked against `sha256`) at its offset.

        The part is copied once into a buffer of our own (see partio), written to disk
        from it and hashed from it; without a free buffer it is written as it is."""
        offset, length = part_range(n, state.size, state.part_size)
        if len(data) != length:
            raise Problem(422, "part-size", "Wrong part size",
                          f"part {n} must be {length} bytes, got {len(data)}")
        stream = self._stream(state)  # before the marker, or it would hash the file
        held = self._hold(state, data)
        try:
            folder = self._upload_dir(state.id)
            with self._lock("part", f"{state.id}/{n}"):
                for name in os.listdir(folder / "parts"):
                    if name.startswith(f"{n}-"):
                        os.unlink(folder / "parts" / name)  # the marker goes before the bytes
                with memoryview(data) as source:
                    self._writer.write(folder / "data", offset,
                                       held.view if held is not None else source,
                                       aligned=held is not None, fsync=self.fsync_parts)
                # The marker's own durability needs no fsync: a marker lost in a power
                # cut only means the part is sent again.
                (folder / "parts" / f"{n}-{sha256}").touch()
        except BaseException:
            if held is not None:
                held.release()
            raise
        stream.written(n, sha256, held)

    @property
    def buffers_in_use(self) -> int:
        """Part buffers lent out (in requests, kept ahead of their turn, being hashed)."""
        return self._buffers.in_use

    def _hold(self, state: UploadState, data: bytes | memoryview) -> HeldPart | None:
        """`data` copied into one of our part buffers, or None when none is free."""
        if state.part_size != self._buffers.size:
            return None
        buf = self._buffers.take()
        if buf is None:  # all out: perhaps kept for uploads nobody finishes
            with self._streams_lock:
                streams = list(self._streams.values())
            if sum(stream.drop_parked() for stream in streams):
                buf = self._buffers.take()
            if buf is None:
                return None
        whole = memoryview(buf)
        view = whole[:len(data)]
        view[:] = data

        def release() -> None:
            whole.release()
            self._buffers.give(buf)

        return HeldPart(view, release)

    def _stream(self, state: UploadState) -> StreamDigest:
        with self._streams_lock:
            stream = self._streams.get(state.id)
            if stream is None:  # first part since the upload began or since a restart
                stream = self._streams[state.id] = StreamDigest(
                    self._upload_dir(state.id) / "data", state.size, state.part_size,
                    self._whole_pool, self._scan_pool, self.held_parts(state.id))
            return stream

    def sweep(self, keep_uploads: float = KEEP_UPLOADS_S, now: float | None = None
              ) -> tuple[int, int]:
        """Remove what nobody will come back for: unfinished uploads untouched for
        `keep_uploads` seconds (their data files can be as large as a bundle) and temp
        files a crash left behind (older than an hour, so never one being written).
        Finished uploads stay: they are small and make a repeated key give its version.
        Returns (uploads removed, temp files removed)."""
        now = time.time() if now is None else now
        uploads = temps = 0
        for folder in sorted((self.root / "uploads").iterdir()):
            if not folder.is_dir():
                continue
            with self._lock("upload", folder.name):
                temps += _remove_temp_files(folder, now)
                try:
                    state = self.get_upload(folder.name)
                except Problem:
                    state = None  # crashed while it was being created
                if state is not None and state.version is not None:
                    continue
                if now - _last_touched(folder) < keep_uploads:
                    continue
                with self._streams_lock:
                    stream = self._streams.pop(folder.name, None)
                if stream is not None:
                    stream.drop_parked()
                shutil.rmtree(folder, ignore_errors=True)
                uploads += 1
        for shop in (self.root / "shops").iterdir():
            if shop.is_dir():
                temps += _remove_temp_files(shop, now)
                if (shop / "versions").is_dir():
                    temps += _remove_temp_files(shop / "versions", now)
        return uploads, temps

    def close(self) -> None:
        """Let the background hashing finish; the store takes no parts after this."""
        self._whole_pool.shutdown(wait=True)
        self._scan_pool.shutdown(wait=True)

    def _assembled(self, state: UploadState, data: Path,
                   held: dict[int, str]) -> tuple[str, dict[int, EntryDigest]]:
        """The data file's SHA-256 and its stored entries' digests: from the hashing
        done while the parts landed, else (after a restart) by reading the file."""
        with self._streams_lock:
            stream = self._streams.pop(state.id, None)
        if stream is not None:
            sha, entries = stream.finish(held)
            if sha is not None:
                return sha, entries
        return sha256_file(data), {}

    def complete(self, upload_id: str,
                 check: Callable[[Path, str, Mapping[int, EntryDigest]], list[Finding]]
                 ) -> tuple[VersionInfo, bool]:
        """Verify and store the upload as the shop's next version; (version, created).
        Completing again returns the same version. `check(path, slug, entries)` is the
        bundle validator; `entries` are the digests of entries hashed already."""
        with self._lock("upload", upload_id):
            state = self.get_upload(upload_id)
            done = self._version_of_upload(state)
            if done is not None:
                return done, False
            held = self.held_parts(upload_id)
            missing = [n for n in range(state.parts) if n not in held]
            if missing:
                raise Problem(409, "upload-incomplete", "Upload incomplete",
                              f"{len(missing)} of {state.parts} parts are missing",
                              {"missing_parts": missing})
            data = self._upload_dir(upload_id) / "data"
            sha, entries = self._assembled(state, data, held)
            if sha != state.sha256:
                bad = self._drop_bad_parts(state, held)
                raise Problem(422, "checksum-mismatch", "Bundle checksum mismatch",
                              "the assembled bundle does not match its SHA-256; "
                              "send the listed parts again", {"missing_parts": bad})
            findings = check(data, state.slug, entries)
            if has_errors(findings):
                raise Problem(422, "invalid-bundle", "Invalid bundle",
                              "; ".join(f.message for f in findings if f.severity == "error"),
                              {"findings": [f.as_json() for f in findings]})
            version = self.add_version(state.slug, data, state.sha256, state.size,
                                       move=True, upload_id=upload_id)
            write_json_atomic(self._upload_dir(upload_id) / "upload.json",
                              {**asdict(state), "version": version.number})
            shutil.rmtree(self._upload_dir(upload_id) / "parts", ignore_errors=True)
            return version, True

    def _version_of_upload(self, state: UploadState, missing_ok: bool = False
                           ) -> VersionInfo | None:
        if state.version is not None:
            try:
                return self.version(state.slug, state.version)
            except Problem:
                if missing_ok:
                    return None
                raise
        for info in self.versions(state.slug):  # crashed after storing, before recording
            if info.upload_id == state.id:
                return info
        return None

    def _drop_bad_parts(self, state: UploadState, held: dict[int, str]) -> list[int]:
        bad = []
        with open(self._upload_dir(state.id) / "data", "rb") as fh:
            for n, sha in sorted(held.items()):
                offset, length = part_range(n, state.size, state.part_size)
                fh.seek(offset)
                if hashlib.sha256(fh.read(length)).hexdigest() != sha:
                    (self._upload_dir(state.id) / "parts" / f"{n}-{sha}").unlink()
                    bad.append(n)
        return bad

    # ------------------------------------------------------------ versions

    def _shop_dir(self, slug: str) -> Path:
        return self.root / "shops" / slug

    def add_version(self, slug: str, source: Path, sha256: str, size: int, *,
                    move: bool = False, upload_id: str | None = None) -> VersionInfo:
        """Store `source` as the shop's next version (moved when it is ours to move)."""
        folder = self._shop_dir(slug) / "versions"
        folder.mkdir(parents=True, exist_ok=True)
        number = max([v.number for v in self.versions(slug, include_reserved=True)],
                     default=0) + 1
        while True:  # reserve the number; O_EXCL makes two writers pick different ones
            try:
                os.close(os.open(folder / f"{number}.json", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                break
            except FileExistsError:
                number += 1
        target = folder / f"{number}.zip"
        if move:
            with open(source, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(source, target)
            fsync_dir(folder)
        else:
            copy_atomic(source, target)
        info = VersionInfo(number, sha256, size, utcnow().isoformat(), upload_id)
        meta = {k: v for k, v in info.as_json().items() if k != "active"}
        write_json_atomic(folder / f"{number}.json", meta)
        return info

    def versions(self, slug: str, *, include_reserved: bool = False) -> list[VersionInfo]:
        folder = self._shop_dir(slug) / "versions"
        if not folder.is_dir():
            return []
        active = self.active_number(slug)
        found = []
        for name in os.listdir(folder):
            stem, _dot, ext = name.partition(".")
            if ext != "json" or not stem.isdigit():
                continue
            try:
                meta = json.loads((folder / name).read_bytes() or b"null")
            except (OSError, ValueError):
                meta = None
            if not isinstance(meta, dict):
                if include_reserved:
                    found.append(VersionInfo(int(stem), "", 0, ""))
                continue
            meta["number"] = meta.pop("version")
            found.append(VersionInfo(**meta, active=meta["number"] == active))
        return sorted(found, key=lambda v: v.number)

    def version(self, slug: str, number: int) -> VersionInfo:
        for info in self.versions(slug):
            if info.number == number:
                return info
        raise Problem(404, "unknown-version", "Unknown version",
                      f"shop {slug} has no version {number}")

    def version_path(self, slug: str, number: int) -> Path:
        return self._shop_dir(slug) / "versions" / f"{number}.zip"

    def active_number(self, slug: str) -> int | None:
        try:
            return int(json.loads((self._shop_dir(slug) / "active.json").read_bytes())["version"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def active(self, slug: str) -> VersionInfo | None:
        number = self.active_number(slug)
        return None if number is None else self.version(slug, number)

    def activate(self, slug: str, number: int) -> VersionInfo:
        with self._lock("shop", slug):
            info = self.version(slug, number)
            write_json_atomic(self._shop_dir(slug) / "active.json", {"version": number})
        return VersionInfo(**{**asdict(info), "active": True})

    def has_shop(self, slug: str) -> bool:
        return (self._shop_dir(slug) / "versions").is_dir()
