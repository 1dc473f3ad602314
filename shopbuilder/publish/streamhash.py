"""Hashing an upload as its parts land, so completing it reads nothing again.

Parts arrive out of order and several at a time; whenever the parts from the start of
the file onwards are all written, that new stretch is handed, in file order, to two
threads: one extends the bundle's SHA-256, the other the zip scan that hashes each
stored entry for the validator (`zipscan`). A part still held in memory (the buffer
storage wrote it from, see partio) is hashed from there and its buffer released
after; a part that arrives a little ahead of its turn is kept in memory until the
parts before it are in (at most `MAX_PARKED` per upload). Any other stretch is read
through a memory map of the data file. The part's request never waits for them.

Everything here is in memory and only a shortcut: after a restart, or when a part
was written again with other bytes after it was hashed, `finish` says so and the
caller reads the file instead.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, wait
from pathlib import Path

from shopbuilder.bundle.archive import EntryDigest
from shopbuilder.publish.hashing import map_range
from shopbuilder.publish.protocol import part_count, part_range
from shopbuilder.publish.zipscan import ZipScanner

# Parts kept in memory ahead of their turn, per upload. With three parts in flight a
# third of them land one or two places early (measured over 26-part uploads).
MAX_PARKED = 3


class HeldPart:
    """A part's bytes in a buffer lent by storage; `release` hands the buffer back.
    Released exactly once, whoever ends up holding it."""

    def __init__(self, view: memoryview, release: Callable[[], None]) -> None:
        self.view = view
        self._release: Callable[[], None] | None = release
        self._lock = threading.Lock()

    def release(self) -> None:
        with self._lock:
            release, self._release = self._release, None
        if release is not None:
            try:
                self.view.release()
            finally:
                release()


class StreamDigest:
    """The running SHA-256 and zip scan of one upload's data file."""

    def __init__(self, path: Path, size: int, part_size: int, whole_pool: Executor,
                 scan_pool: Executor, written: dict[int, str] | None = None) -> None:
        self.path, self.size, self.part_size = path, size, part_size
        self._pools = whole_pool, scan_pool
        self._lock = threading.Lock()
        self._written: dict[int, str] = dict(written or {})  # part → SHA-256 on disk
        self._hashed: dict[int, str] = {}  # part → SHA-256 of the bytes handed on
        self._parked: dict[int, HeldPart] = {}  # written ahead of its turn, in memory
        self._next = 0  # the first part not handed on yet
        self._futures: list[Future[None]] = []
        self._whole = hashlib.sha256()
        self._scanner = ZipScanner()
        self._advance()

    def written(self, n: int, sha256: str, held: HeldPart | None = None) -> None:
        """Part n's bytes (with this SHA-256) are in the data file; `held`, when given,
        holds the same bytes in memory and is released here or once they are hashed."""
        with self._lock:
            self._written[n] = sha256
            drop = [self._parked.pop(n, None)]  # an earlier copy of a part sent again
            if held is not None and n >= self._next and (
                    n == self._next or len(self._parked) < MAX_PARKED):
                self._parked[n] = held
            else:
                drop.append(held)
            self._advance()
        for part in drop:
            if part is not None:
                part.release()

    def drop_parked(self) -> int:
        """Release the parts kept in memory (they will be read from the file); how many.
        Storage calls this when it runs short of buffers (an abandoned upload)."""
        with self._lock:
            parked, self._parked = list(self._parked.values()), {}
        for part in parked:
            part.release()
        return len(parked)

    def _advance(self) -> None:
        """Hand on every part from `_next` whose bytes are written: runs of parts that
        are only on disk as one stretch of the file, a part in memory as itself."""
        run_from = self._next
        while self._next in self._written:
            n = self._next
            self._hashed[n] = self._written[n]
            held = self._parked.pop(n, None)
            if held is not None:
                self._submit_file(run_from, n)
                self._submit_held(held)
                run_from = n + 1
            self._next += 1
        self._submit_file(run_from, self._next)

    def _submit_file(self, first: int, stop: int) -> None:
        """Hash parts first..stop-1 from the data file (nothing when stop <= first)."""
        if stop <= first:
            return
        start = part_range(first, self.size, self.part_size)[0]
        offset, length = part_range(stop - 1, self.size, self.part_size)
        end = offset + length
        whole_pool, scan_pool = self._pools
        # Submitted under the lock to single-thread pools: stretches stay in file order.
        self._futures.append(whole_pool.submit(map_range, self.path, start, end,
                                               self._whole.update))
        self._futures.append(scan_pool.submit(map_range, self.path, start, end,
                                              self._scanner.feed))

    def _submit_held(self, held: HeldPart) -> None:
        """Both hashers read the part's buffer; the second to finish releases it, inside
        its job, so by the time `finish` sees the jobs done every buffer is back."""
        whole_pool, scan_pool = self._pools
        users = [2]
        users_lock = threading.Lock()

        def done() -> None:
            with users_lock:
                users[0] -= 1
                last = users[0] == 0
            if last:
                held.release()

        def use(consume: Callable[[memoryview], None]) -> None:
            try:
                consume(held.view)
            finally:
                done()

        for pool, consume in ((whole_pool, self._whole.update),
                              (scan_pool, self._scanner.feed)):
            try:
                self._futures.append(pool.submit(use, consume))
            except RuntimeError:  # the store is closing: this reader never runs
                done()
                raise

    def finish(self, held: dict[int, str]) -> tuple[str | None, dict[int, EntryDigest]]:
        """(SHA-256 of the data file, digests of its stored entries by header offset)
        once the hashing caught up, if every part on disk (`held`: part → SHA-256) is
        what was hashed; (None, {}) when the file must be read instead."""
        self.drop_parked()
        with self._lock:
            futures = list(self._futures)
        wait(futures)
        if any(f.exception() is not None for f in futures):
            return None, {}
        with self._lock:
            if self._next != part_count(self.size, self.part_size) or self._hashed != held:
                return None, {}
            return self._whole.hexdigest(), dict(self._scanner.found)
