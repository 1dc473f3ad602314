"""Hashing an upload as its parts land, so completing it reads nothing again.

Parts arrive out of order and several at a time; whenever the parts from the start of
the file onwards are all written, that new stretch of the file is handed, in file
order, to two threads: one extends the bundle's SHA-256, the other the zip scan that
hashes each stored entry for the validator (`zipscan`). Both read the stretch through
a memory map of the data file (no copy), so the part's request neither waits for them
nor keeps its bytes in memory.

Everything here is in memory and only a shortcut: after a restart, or when a part
was written again with other bytes after it was hashed, `finish` says so and the
caller reads the file instead.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import Executor, Future, wait
from pathlib import Path

from shopbuilder.bundle.archive import EntryDigest
from shopbuilder.publish.hashing import map_range
from shopbuilder.publish.protocol import part_count, part_range
from shopbuilder.publish.zipscan import ZipScanner


class StreamDigest:
    """The running SHA-256 and zip scan of one upload's data file."""

    def __init__(self, path: Path, size: int, part_size: int, whole_pool: Executor,
                 scan_pool: Executor, written: dict[int, str] | None = None) -> None:
        self.path, self.size, self.part_size = path, size, part_size
        self._pools = whole_pool, scan_pool
        self._lock = threading.Lock()
        self._written: dict[int, str] = dict(written or {})  # part → SHA-256 on disk
        self._hashed: dict[int, str] = {}  # part → SHA-256 of the bytes handed on
        self._next = 0  # the first part not handed on yet
        self._futures: list[Future[None]] = []
        self._whole = hashlib.sha256()
        self._scanner = ZipScanner()
        self._advance()

    def written(self, n: int, sha256: str) -> None:
        """Part n's bytes (with this SHA-256) are in the data file."""
        with self._lock:
            self._written[n] = sha256
            self._advance()

    def _advance(self) -> None:
        first = self._next
        while self._next in self._written:
            self._hashed[self._next] = self._written[self._next]
            self._next += 1
        if self._next == first:
            return
        start = part_range(first, self.size, self.part_size)[0]
        offset, length = part_range(self._next - 1, self.size, self.part_size)
        end = offset + length
        whole_pool, scan_pool = self._pools
        # Submitted under the lock to single-thread pools: stretches stay in file order.
        self._futures.append(whole_pool.submit(map_range, self.path, start, end,
                                               self._whole.update))
        self._futures.append(scan_pool.submit(map_range, self.path, start, end,
                                              self._scanner.feed))

    def finish(self, held: dict[int, str]) -> tuple[str | None, dict[int, EntryDigest]]:
        """(SHA-256 of the data file, digests of its stored entries by header offset)
        once the hashing caught up, if every part on disk (`held`: part → SHA-256) is
        what was hashed; (None, {}) when the file must be read instead."""
        with self._lock:
            futures = list(self._futures)
        wait(futures)
        if any(f.exception() is not None for f in futures):
            return None, {}
        with self._lock:
            if self._next != part_count(self.size, self.part_size) or self._hashed != held:
                return None, {}
            return self._whole.hexdigest(), dict(self._scanner.found)
