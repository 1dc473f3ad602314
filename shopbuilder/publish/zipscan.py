"""Hash a zip's stored entries while its bytes stream in, from the local file headers.

The receiver feeds an upload's bytes here in file order as its parts land, so the
bundle validator finds every stored entry's SHA-256 (and its CRC-32, checked against
the header) ready when the upload completes instead of reading the whole bundle
again. Only what the local headers state plainly is scanned: the first header it
cannot follow (a data descriptor, encryption, ZIP64 sizes, the central directory)
ends the scan, and the validator reads whatever was not scanned as usual.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from typing import Any

from shopbuilder.bundle.archive import EntryDigest

try:  # ISA-L's CRC-32 runs ~4x zlib's here (0.02 s against 0.10 s for 200 MB)
    from isal.isal_zlib import crc32
except ImportError:  # pragma: no cover - a platform without an isal wheel
    from zlib import crc32

LOCAL_SIGNATURE = b"PK\x03\x04"
_HEADER = struct.Struct("<4sHHHHHIIIHH")  # the fixed 30 bytes of a local file header
_ENCRYPTED, _DATA_DESCRIPTOR, _UTF8 = 0x1, 0x8, 0x800
_STORED = 0
_ZIP64 = 0xFFFFFFFF


@dataclass
class _Entry:
    offset: int
    name: str
    crc: int
    size: int
    remaining: int
    digest: Any = field(default_factory=hashlib.sha256)
    computed_crc: int = 0


class ZipScanner:
    """Feed it a zip's bytes in order (`feed`); `found` maps each stored entry's
    local-header offset to its `EntryDigest` once its last byte has gone by."""

    def __init__(self) -> None:
        self.found: dict[int, EntryDigest] = {}
        self.stopped = False
        self._at = 0  # bytes fed so far: the offset of the next byte
        self._head_at = 0  # the offset of the header being read
        self._head = bytearray()  # the header being read
        self._need = _HEADER.size
        self._skip = 0  # bytes of an entry that is not hashed (compressed: small JSON)
        self._entry: _Entry | None = None

    def feed(self, chunk: memoryview) -> None:
        pos, end = 0, len(chunk)
        while pos < end and not self.stopped:
            if self._entry is not None:
                entry = self._entry
                take = min(end - pos, entry.remaining)
                with chunk[pos:pos + take] as piece:
                    entry.digest.update(piece)
                    entry.computed_crc = crc32(piece, entry.computed_crc)
                entry.remaining -= take
                if not entry.remaining:
                    self._close(entry)
            elif self._skip:
                take = min(end - pos, self._skip)
                self._skip -= take
            else:
                if not self._head:
                    self._head_at = self._at
                take = min(end - pos, self._need - len(self._head))
                self._head += chunk[pos:pos + take]
                if len(self._head) == self._need:
                    self._header()
            pos += take
            self._at += take

    def _header(self) -> None:
        """`_head` holds `_need` bytes: either the fixed part (read the name's length
        and ask for the rest) or the whole header (start the entry)."""
        (signature, _version, flags, method, _time, _date, crc, compressed, size,
         name_length, extra_length) = _HEADER.unpack_from(self._head)
        if signature != LOCAL_SIGNATURE:  # the central directory, or not a zip
            self.stopped = True
            return
        full = _HEADER.size + name_length + extra_length
        if len(self._head) < full:
            self._need = full
            return
        if flags & (_ENCRYPTED | _DATA_DESCRIPTOR) or _ZIP64 in (compressed, size):
            self.stopped = True
            return
        raw = bytes(self._head[_HEADER.size:_HEADER.size + name_length])
        try:
            name = raw.decode("utf-8") if flags & _UTF8 else raw.decode("cp437")
        except UnicodeDecodeError:
            self.stopped = True
            return
        offset = self._head_at
        self._head.clear()
        self._need = _HEADER.size
        if method == _STORED and compressed == size:
            entry = _Entry(offset, name, crc, size, size)
            if size:
                self._entry = entry
            else:
                self._close(entry)
        else:
            self._skip = compressed

    def _close(self, entry: _Entry) -> None:
        self._entry = None
        if entry.computed_crc == entry.crc:  # else the validator reads it and reports it
            self.found[entry.offset] = EntryDigest(entry.name, entry.offset, entry.crc,
                                                   entry.size, entry.digest.hexdigest())
