"""Hashing uploads as they land: the zip scan, the digests the validator takes, and the
fall-back to reading the file whenever the shortcut cannot be trusted."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from shopbuilder.bundle.archive import EntryDigest, open_bundle
from shopbuilder.publish import partio
from shopbuilder.publish.hashing import digest_file, sha256_file
from shopbuilder.publish.protocol import part_range
from shopbuilder.publish.server import request_body
from shopbuilder.publish.storage import Store
from shopbuilder.publish.zipscan import ZipScanner
from tests.publish.conftest import PART, make_bundle


def scan(data: bytes, step: int) -> ZipScanner:
    scanner = ZipScanner()
    for at in range(0, len(data), step):
        scanner.feed(memoryview(data)[at:at + step])
    return scanner


@pytest.mark.parametrize("step", [1, 7, 4096, 1 << 30])
def test_the_scan_finds_every_stored_entry_whatever_the_chunking(tmp_path: Path,
                                                                 step: int) -> None:
    data = make_bundle(tmp_path / "b.zip", payload=20_000).read_bytes()
    scanner = scan(data, step)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        stored = {i.header_offset: i for i in zf.infolist()
                  if i.compress_type == zipfile.ZIP_STORED}
        assert set(scanner.found) == set(stored)
        for offset, digest in scanner.found.items():
            info = stored[offset]
            assert digest.describes(info)
            assert digest.sha256 == hashlib.sha256(zf.read(info)).hexdigest()


def test_the_scan_skips_compressed_entries_and_stops_at_a_data_descriptor() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(zipfile.ZipInfo("a.json"), b"{}" * 500, zipfile.ZIP_DEFLATED)
        zf.writestr(zipfile.ZipInfo("b.bin"), b"b" * 100, zipfile.ZIP_STORED)
    assert {d.name for d in scan(buffer.getvalue(), 13).found.values()} == {"b.bin"}
    streamed = io.BytesIO()  # written where zipfile cannot seek back: data descriptors
    with zipfile.ZipFile(_Unseekable(streamed), "w") as zf:
        zf.writestr("d.bin", b"d" * 100)
    scanner = scan(streamed.getvalue(), 13)
    assert scanner.found == {} and scanner.stopped


class _Unseekable(io.RawIOBase):
    """A file zipfile cannot seek back in, so it writes data descriptors."""

    def __init__(self, sink: io.BytesIO) -> None:
        self.sink = sink

    def writable(self) -> bool:
        return True

    def write(self, b: object) -> int:
        return self.sink.write(b)  # type: ignore[arg-type]


def test_a_wrong_crc_is_not_vouched_for() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("x.bin", b"x" * 1000)
    data = bytearray(buffer.getvalue())
    data[40] ^= 0xFF  # one byte of x.bin's content (header is 30 + 5 bytes)
    assert scan(bytes(data), 64).found == {}


def test_the_validator_trusts_only_digests_that_describe_the_entry(tmp_path: Path) -> None:
    path = make_bundle(tmp_path / "b.zip")
    with zipfile.ZipFile(path) as zf:
        asset = next(i for i in zf.infolist() if i.filename.endswith(".bin"))
    lying = EntryDigest(asset.orig_filename, asset.header_offset, asset.CRC, asset.file_size,
                        "0" * 64)
    with pytest.raises(Exception, match="checksum"):
        open_bundle(path, {asset.header_offset: lying})  # taken: it describes the entry
    elsewhere = EntryDigest(asset.orig_filename, asset.header_offset + 1, asset.CRC,
                            asset.file_size, "0" * 64)
    other_crc = EntryDigest(asset.orig_filename, asset.header_offset, asset.CRC ^ 1,
                            asset.file_size, "0" * 64)
    for digest in (elsewhere, other_crc):  # not about this entry: the entry is read
        assert open_bundle(path, {digest.header_offset: digest}).findings == []


def test_a_completed_upload_hands_the_validator_every_stored_entry(tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    store = Store(tmp_path / "root", part_size=PART)
    state, _ = store.create_upload("acme", "key-00000001", hashlib.sha256(data).hexdigest(),
                                   len(data), PART)
    for n in reversed(range(state.parts)):  # the worst order: nothing hashed till the end
        offset, length = part_range(n, state.size, state.part_size)
        chunk = data[offset:offset + length]
        store.write_part(state, n, chunk, hashlib.sha256(chunk).hexdigest())
    seen: dict[int, EntryDigest] = {}

    def check(path: Path, slug: str, entries: object) -> list:  # type: ignore[type-arg]
        seen.update(entries)  # type: ignore[call-overload]
        return []

    store.complete(state.id, check)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        stored = [i for i in zf.infolist() if i.compress_type == zipfile.ZIP_STORED]
    assert sorted(seen) == sorted(i.header_offset for i in stored)
    again, _ = store.create_upload("acme", "key-00000002", hashlib.sha256(data).hexdigest(),
                                   len(data), PART)
    for n in range(again.parts):
        offset, length = part_range(n, again.size, again.part_size)
        chunk = data[offset:offset + length]
        store.write_part(again, n, chunk, hashlib.sha256(chunk).hexdigest())
    restarted = Store(tmp_path / "root", part_size=PART)  # a restart: the hashing is gone
    seen.clear()
    info, _created = restarted.complete(again.id, check)
    assert seen == {}  # the validator reads every entry itself
    assert sha256_file(restarted.version_path("acme", info.number)) == \
        hashlib.sha256(data).hexdigest()


def test_digest_file_matches_hashlib(tmp_path: Path) -> None:
    for size in (0, 1, PART - 1, PART, 3 * PART + 5):
        path = tmp_path / f"f{size}"
        data = hashlib.sha256(str(size).encode()).digest() * (size // 32 + 1)
        path.write_bytes(data[:size])
        digest = digest_file(path, PART)
        body = data[:size]
        assert digest.sha256 == hashlib.sha256(body).hexdigest() == sha256_file(path)
        assert digest.size == size
        expected = [hashlib.sha256(body[i:i + PART]).hexdigest()
                    for i in range(0, max(size, 1), PART)]
        assert list(digest.parts) == expected


def test_request_bodies_are_read_from_any_stream() -> None:
    body = b"part bytes" * 100
    in_memory = io.BytesIO(body)  # what waitress hands over: used in place
    with request_body({"wsgi.input": in_memory}, len(body)) as data:
        assert isinstance(data, memoryview) and bytes(data) == body
    in_memory.close()  # no view of it is left behind
    with request_body({"wsgi.input": io.BufferedReader(io.BytesIO(body))}, len(body)) as data:
        assert data == body
    with request_body({"wsgi.input": io.BytesIO(body + b"more")}, len(body)) as data:
        assert bytes(data) == body


def test_a_failed_write_leaves_no_view_of_the_request_buffer(tmp_path: Path) -> None:
    buffer = io.BytesIO(b"z" * 10_000)

    class Failing(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, b: object) -> int:
            raise OSError("disk full")

    with pytest.raises(OSError), request_body({"wsgi.input": buffer}, 10_000) as data:
        partio.write_sliced(Failing(), data)  # type: ignore[arg-type]
    buffer.close()
