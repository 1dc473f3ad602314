"""Storing an upload's parts: each part once into a reused page-aligned buffer, from
which it goes to disk past the page cache and into the running hashes.

Why: on the receiver every part used to cross memory three more times after it was
received — written into the page cache, then read back from it twice (the bundle's
running SHA-256 and the zip scan, see streamhash). Writing into the page cache was
the receiver's largest cost after hashing (a third of its CPU on a VM whose freed
memory goes back to the host and must be faulted in again), and threads writing
parts of one file at once spun on its inode lock. Now a part is copied once into a
buffer kept for reuse, written from there with O_DIRECT (DMA from our buffer, no
page-cache pages to allocate and fill), and the hashers read that same buffer.

O_DIRECT wants the buffer, the file offset and the length aligned to the device's
block size; anonymous maps are page-aligned and parts start at multiples of the part
size, so only a short last part, a system without O_DIRECT (macOS, Windows) or a
file system that refuses it (some FUSE mounts) take the ordinary buffered write instead.
Direct and buffered writes (and the memory maps that read parts back after a restart)
may meet in one file: Linux writes back and drops the page-cache pages of a range
before a direct write to it, so readers see the new bytes; we never write one range
both ways at once (a part's writes hold its lock).
"""

from __future__ import annotations

import errno
import mmap
import os
import threading
from typing import BinaryIO

# Large buffers go to the kernel in slices of this size. One 8 MiB write() into the page
# cache measured 6x slower than the same bytes in 1 MiB writes (0.6 s against 0.1 s for
# 200 MB on the dev VM: the big write asks for large folios the VM must fault in).
WRITE_SLICE = 1024 * 1024
# O_DIRECT alignment: a page covers every block size in use (512 B and 4 KiB sectors).
DIRECT_ALIGN = 4096
O_DIRECT = getattr(os, "O_DIRECT", 0)
REFUSED = {errno.EINVAL, errno.EOPNOTSUPP}  # what a file system that cannot do it says


def write_sliced(fh: BinaryIO, data: bytes | memoryview) -> None:
    """Write all of `data` to the unbuffered file `fh`, `WRITE_SLICE` bytes at a time.
    Every view of `data` is released on the way out, even on an error: `data` may be
    the server's own request buffer, which cannot be freed while a view of it lives."""
    with memoryview(data) as whole:
        at = 0
        while at < whole.nbytes:
            with whole[at:at + WRITE_SLICE] as piece:
                at += fh.write(piece)


class PartBuffers:
    """Page-aligned buffers of `size` bytes, at most `limit` of them out at once.

    A buffer is an anonymous memory map: aligned for O_DIRECT, and kept for the next
    part, so its pages are faulted in once per receiver rather than once per part."""

    def __init__(self, size: int, limit: int) -> None:
        self.size, self.limit = size, limit
        self._free: list[mmap.mmap] = []
        self._out = 0
        self._lock = threading.Lock()

    def take(self) -> mmap.mmap | None:
        """A buffer, or None when `limit` are in use (the caller stores without one)."""
        with self._lock:
            if self._out >= self.limit:
                return None
            self._out += 1
            if self._free:
                return self._free.pop()
        try:
            return mmap.mmap(-1, self.size)
        except BaseException:  # out of memory: the slot is not taken after all
            with self._lock:
                self._out -= 1
            raise

    def give(self, buf: mmap.mmap) -> None:
        with self._lock:
            self._out -= 1
            self._free.append(buf)

    @property
    def in_use(self) -> int:
        with self._lock:
            return self._out


class DirectWriter:
    """Writes parts at their offsets, with O_DIRECT where the file system allows it."""

    def __init__(self) -> None:
        self.direct = bool(O_DIRECT)  # cleared for good when the file system says no

    def write(self, path: os.PathLike[str] | str, offset: int, data: memoryview, *,
              aligned: bool, fsync: bool) -> None:
        """Write `data` at `offset` of the existing file `path`. `aligned`: `data`
        starts at a page boundary (one of our PartBuffers), so O_DIRECT may be tried."""
        if (aligned and self.direct and offset % DIRECT_ALIGN == 0
                and data.nbytes % DIRECT_ALIGN == 0 and self._write_direct(path, offset, data,
                                                                          fsync)):
            return
        with open(path, "r+b", buffering=0) as fh:
            fh.seek(offset)
            write_sliced(fh, data)
            if fsync:
                os.fsync(fh.fileno())

    def _write_direct(self, path: os.PathLike[str] | str, offset: int, data: memoryview,
                      fsync: bool) -> bool:
        try:
            fd = os.open(path, os.O_WRONLY | O_DIRECT)
        except OSError as exc:
            if exc.errno not in REFUSED:
                raise  # a missing file or no permission is no reason to stop trying
            self.direct = False  # this file system refuses O_DIRECT (FUSE, old tmpfs)
            return False
        try:
            done = 0
            while done < data.nbytes:
                with data[done:] as rest:
                    try:
                        n = os.pwrite(fd, rest, offset + done)
                    except OSError as exc:
                        if done or exc.errno not in REFUSED:  # before any byte: alignment
                            raise
                        self.direct = False
                        return False
                if n <= 0 or n % DIRECT_ALIGN:
                    raise OSError(f"short direct write ({n} bytes) at {offset + done}")
                done += n
            if fsync:
                os.fsync(fd)  # the blocks' allocation; the bytes are on the device already
        finally:
            os.close(fd)
        return True
