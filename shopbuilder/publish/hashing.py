"""SHA-256 of files, and bundle bytes without copies.

Publishing hashes a bundle five times over (the client: the file and each part; the
receiver: each part, the file, each zip entry), and on a 2-core machine every copy of
the bytes counts: reading into a freshly allocated 8 MiB `bytes` costs as much again
in page faults as the read. So files are memory-mapped where we hash or send them and
read into reused buffers elsewhere.

A memory map of a file that another program truncates while we read it ends the
process (SIGBUS on POSIX). The client maps the bundle only while it hashes or sends
it, and bundles are written to a temp file and renamed, never truncated in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

HASH_CHUNK = 4 * 1024 * 1024
SLICE = 1024 * 1024  # mapped bytes are hashed a slice at a time, pages touched in order


def readinto_full(fh: BinaryIO, view: memoryview) -> int:
    """Fill `view` from `fh`; the number of bytes read (less only at the end of file)."""
    got = 0
    while got < len(view):
        n = fh.readinto(view[got:])
        if not n:
            break
        got += n
    return got


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    buffer = bytearray(HASH_CHUNK)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as fh:
        while n := readinto_full(fh, view):  # type: ignore[arg-type]
            digest.update(view[:n])
    return digest.hexdigest()


@dataclass(frozen=True)
class FileDigest:
    """A file's SHA-256 and, for a given part size, each part's SHA-256."""

    sha256: str
    size: int
    part_size: int
    parts: tuple[str, ...]

    def part(self, n: int, part_size: int) -> str | None:
        """Part n's SHA-256 when the parts were cut at `part_size`, else None."""
        return self.parts[n] if part_size == self.part_size and n < len(self.parts) else None


def _map(fh: BinaryIO, start: int, end: int) -> tuple[mmap.mmap, int]:
    """A read-only map of bytes [start, end) of `fh` (start rounded down to what mmap
    allows) and where `start` is in it."""
    base = start - start % mmap.ALLOCATIONGRANULARITY
    return mmap.mmap(fh.fileno(), end - base, offset=base, access=mmap.ACCESS_READ), \
        start - base


@contextlib.contextmanager
def mapped(path: Path, start: int = 0, end: int | None = None) -> Iterator[memoryview]:
    """Bytes [start, end) of `path` (to its end by default), memory-mapped read-only.
    The view and every slice of it must be released before the block ends."""
    with open(path, "rb") as fh:
        if end is None:
            end = fh.seek(0, 2)
        if end <= start:
            yield memoryview(b"")
            return
        m, at = _map(fh, start, end)
        with m, memoryview(m) as whole, whole[at:] as view:
            yield view


def map_range(path: Path, start: int, end: int, use: Callable[[memoryview], None]) -> None:
    """Call `use` with bytes [start, end) of `path`, memory-mapped, in `SLICE` slices."""
    with mapped(path, start, end) as view:
        for at in range(0, len(view), SLICE):
            with view[at:at + SLICE] as piece:
                use(piece)


def part_view(path: Path, offset: int, length: int) -> memoryview:
    """Bytes [offset, offset + length) of `path` as a memory-mapped view to send.

    The map is not closed here but unmapped when the last reference to the view goes:
    an HTTP library may keep the body (in a retried request, an exception) after the
    call returns, and closing a map that is still viewed is an error."""
    if length <= 0:
        return memoryview(b"")
    with open(path, "rb") as fh:
        m, at = _map(fh, offset, offset + length)
    return memoryview(m)[at:]


def digest_file(path: Path, part_size: int) -> FileDigest:
    """The file's SHA-256 and every part's, from one memory map: the whole file is
    hashed on this thread and the parts on a second one at the same time (hashing
    releases the GIL), so this costs the wall time of one pass and the upload needs no
    hashing of its own."""
    whole = hashlib.sha256()

    def part_sha(view: memoryview, start: int) -> str:
        with view[start:start + part_size] as part:
            return hashlib.sha256(part).hexdigest()

    with mapped(path) as view, ThreadPoolExecutor(1, thread_name_prefix="part-hash") as pool:
        futures = [pool.submit(part_sha, view, start)
                   for start in range(0, len(view), part_size)]
        for at in range(0, len(view), SLICE):
            with view[at:at + SLICE] as piece:
                whole.update(piece)
        parts = tuple(f.result() for f in futures) or (hashlib.sha256(b"").hexdigest(),)
        size = len(view)
    return FileDigest(whole.hexdigest(), size, part_size, parts)
