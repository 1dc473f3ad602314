"""Parts stored from our own page-aligned buffers: written past the page cache where
the file system allows it, hashed from memory in file order whatever order they land
in, and every buffer handed back."""

from __future__ import annotations

import ctypes
import errno
import hashlib
import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from shopbuilder.bundle.archive import EntryDigest
from shopbuilder.publish import partio, storage, streamhash
from shopbuilder.publish.partio import DIRECT_ALIGN, DirectWriter, PartBuffers
from shopbuilder.publish.protocol import part_range
from shopbuilder.publish.storage import Store, UploadState
from tests.publish.conftest import PART, make_bundle

needs_o_direct = pytest.mark.skipif(not partio.O_DIRECT, reason="no O_DIRECT on this OS")


def address(buf: Any) -> int:
    return ctypes.addressof(ctypes.c_char.from_buffer(buf))


def test_part_buffers_are_page_aligned_reused_and_limited() -> None:
    pool = PartBuffers(3 * DIRECT_ALIGN, limit=2)
    first, second = pool.take(), pool.take()
    assert first is not None and second is not None
    assert address(first) % DIRECT_ALIGN == 0 and address(second) % DIRECT_ALIGN == 0
    assert pool.take() is None and pool.in_use == 2  # the limit holds
    pool.give(first)
    assert pool.take() is first  # reused, not allocated again
    pool.give(first)
    pool.give(second)
    assert pool.in_use == 0


class OpenSpy:
    """Records the flags of every os.open of `path` (and opens it for real)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
        self.flags: list[int] = []
        real = os.open

        def spy(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if Path(file) == path:
                self.flags.append(flags)
            return real(file, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", spy)

    @property
    def direct(self) -> list[bool]:
        return [bool(f & partio.O_DIRECT) for f in self.flags]


def aligned_copy(pool: PartBuffers, data: bytes) -> memoryview:
    buf = pool.take()
    assert buf is not None
    view = memoryview(buf)[:len(data)]
    view[:] = data
    return view


@needs_o_direct
def test_aligned_parts_go_to_disk_with_o_direct(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "data"
    path.write_bytes(b"\0" * 4 * DIRECT_ALIGN)
    spy = OpenSpy(monkeypatch, path)
    pool = PartBuffers(2 * DIRECT_ALIGN, limit=1)
    part = os.urandom(2 * DIRECT_ALIGN)
    writer = DirectWriter()
    writer.write(path, 2 * DIRECT_ALIGN, aligned_copy(pool, part), aligned=True, fsync=True)
    assert writer.direct and spy.direct == [True]
    assert path.read_bytes() == b"\0" * 2 * DIRECT_ALIGN + part


def test_short_or_foreign_buffers_take_the_buffered_write(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "data"
    path.write_bytes(b"\0" * 3 * DIRECT_ALIGN)
    spy = OpenSpy(monkeypatch, path)
    pool = PartBuffers(2 * DIRECT_ALIGN, limit=1)
    tail = os.urandom(DIRECT_ALIGN + 100)  # a last part: not a whole number of blocks
    writer = DirectWriter()
    writer.write(path, DIRECT_ALIGN, aligned_copy(pool, tail), aligned=True, fsync=True)
    head = os.urandom(DIRECT_ALIGN)  # the request's own bytes: alignment unknown
    writer.write(path, 0, memoryview(head), aligned=False, fsync=False)
    assert not any(spy.direct)
    assert path.read_bytes() == head + tail + b"\0" * (DIRECT_ALIGN - 100)


@needs_o_direct
def test_a_file_system_that_refuses_o_direct_gets_buffered_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some file systems (FUSE mounts, older tmpfs) refuse O_DIRECT when the file is
    opened: the writer asks once, remembers, and writes through the page cache."""
    real, asked = os.open, []

    def refuse(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & partio.O_DIRECT:
            asked.append(file)
            raise OSError(errno.EINVAL, "Invalid argument")
        return real(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    path = tmp_path / "data"
    path.write_bytes(b"\0" * 2 * DIRECT_ALIGN)
    pool = PartBuffers(DIRECT_ALIGN, limit=2)
    writer = DirectWriter()
    parts = [os.urandom(DIRECT_ALIGN) for _ in range(2)]
    for n, part in enumerate(parts):
        writer.write(path, n * DIRECT_ALIGN, aligned_copy(pool, part), aligned=True,
                     fsync=True)
    assert not writer.direct and len(asked) == 1  # asked once, then remembered
    assert path.read_bytes() == b"".join(parts)


@needs_o_direct
def test_a_direct_write_refused_before_any_byte_is_written_buffered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some devices want another alignment than a page: EINVAL from the first pwrite."""
    path = tmp_path / "data"
    path.write_bytes(b"\0" * DIRECT_ALIGN)

    def refuse(*_args: Any) -> int:
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(os, "pwrite", refuse)
    part = os.urandom(DIRECT_ALIGN)
    writer = DirectWriter()
    writer.write(path, 0, aligned_copy(PartBuffers(DIRECT_ALIGN, 1), part), aligned=True,
                 fsync=True)
    assert not writer.direct and path.read_bytes() == part


# ------------------------------------------------------------ storage + running hashes


class FileReads:
    """Counts the stretches the running hashes read back from the data file."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = streamhash.map_range

        def counted(*args: Any) -> None:
            self.calls += 1
            real(*args)

        monkeypatch.setattr(streamhash, "map_range", counted)


def upload(store: Store, data: bytes, key: str) -> UploadState:
    state, created = store.create_upload("acme", key, hashlib.sha256(data).hexdigest(),
                                         len(data), PART)
    assert created
    return state


def put(store: Store, state: UploadState, data: bytes, n: int, chunk: bytes | None = None
        ) -> None:
    offset, length = part_range(n, state.size, state.part_size)
    chunk = data[offset:offset + length] if chunk is None else chunk
    store.write_part(state, n, chunk, hashlib.sha256(chunk).hexdigest())


def complete(store: Store, state: UploadState, data: bytes) -> dict[int, EntryDigest]:
    seen: dict[int, EntryDigest] = {}

    def check(_path: Path, _slug: str, entries: Any) -> list[Any]:
        seen.update(entries)
        return []

    info, created = store.complete(state.id, check)
    assert created
    assert store.version_path("acme", info.number).read_bytes() == data
    return seen


def stored_entries(data: bytes) -> list[int]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return sorted(i.header_offset for i in zf.infolist()
                      if i.compress_type == zipfile.ZIP_STORED)


def swapped_pairs(parts: int) -> list[int]:
    order = list(range(parts))
    for i in range(0, parts - 1, 2):
        order[i], order[i + 1] = order[i + 1], order[i]
    return order


@pytest.mark.parametrize("arrival", ["in order", "pairs swapped", "two ahead"])
def test_parts_landing_near_their_turn_are_hashed_from_memory(
        arrival: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_bundle(tmp_path / "b.zip", payload=6 * PART).read_bytes()
    store = Store(tmp_path / "root", part_size=PART)
    state = upload(store, data, "key-00000001")
    parts = list(range(state.parts))
    order = {"in order": parts, "pairs swapped": swapped_pairs(state.parts),
             "two ahead": [2, 1, 0, *parts[3:]]}[arrival]
    reads = FileReads(monkeypatch)
    for n in order:
        put(store, state, data, n)
    assert sorted(complete(store, state, data)) == stored_entries(data)
    assert reads.calls == 0  # nothing read back from the file
    assert store.buffers_in_use == 0


def test_parts_far_ahead_of_their_turn_are_read_back_from_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_bundle(tmp_path / "b.zip", payload=6 * PART).read_bytes()
    store = Store(tmp_path / "root", part_size=PART)
    state = upload(store, data, "key-00000001")
    reads = FileReads(monkeypatch)
    assert state.parts > streamhash.MAX_PARKED + 2
    for n in reversed(range(state.parts)):  # only MAX_PARKED may wait in memory
        put(store, state, data, n)
    assert sorted(complete(store, state, data)) == stored_entries(data)
    assert reads.calls >= 1
    assert store.buffers_in_use == 0


def test_a_part_sent_again_while_it_waits_replaces_the_kept_copy(tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip", payload=3 * PART).read_bytes()
    store = Store(tmp_path / "root", part_size=PART)
    state = upload(store, data, "key-00000001")
    _offset, length = part_range(1, state.size, state.part_size)
    put(store, state, data, 1, b"x" * length)  # damaged, waits for part 0
    put(store, state, data, 1)  # sent again: the kept copy must be the new bytes
    assert store.buffers_in_use == 1
    for n in range(state.parts):
        if n != 1:
            put(store, state, data, n)
    assert sorted(complete(store, state, data)) == stored_entries(data)
    assert store.buffers_in_use == 0


def test_parts_kept_for_an_abandoned_upload_are_given_up_when_buffers_run_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage, "PART_BUFFERS", 3)
    data = make_bundle(tmp_path / "b.zip", payload=6 * PART).read_bytes()
    other = make_bundle(tmp_path / "c.zip", payload=1000, seed=2).read_bytes()
    store = Store(tmp_path / "root", part_size=PART)
    abandoned = upload(store, data, "key-00000001")
    for n in (1, 2, 3):  # part 0 never comes (yet)
        put(store, abandoned, data, n)
    assert store.buffers_in_use == 3
    busy = upload(store, other, "key-00000002")
    assert busy.parts == 1  # one part, one buffer: deterministic whatever the hashers do
    reads = FileReads(monkeypatch)
    put(store, busy, other, 0)  # needs a buffer: the abandoned upload's are taken back
    assert sorted(complete(store, busy, other)) == stored_entries(other)
    assert reads.calls == 0 and store.buffers_in_use == 0  # from memory, all back
    for n in (0, *range(4, abandoned.parts)):  # it comes back after all
        put(store, abandoned, data, n)
    assert sorted(complete(store, abandoned, data)) == stored_entries(data)
    assert store.buffers_in_use == 0


def test_a_failed_write_hands_its_buffer_back_and_marks_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_bundle(tmp_path / "b.zip", payload=2 * PART).read_bytes()
    store = Store(tmp_path / "root", part_size=PART)
    state = upload(store, data, "key-00000001")

    def disk_full(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store._writer, "write", disk_full)
    with pytest.raises(OSError):
        put(store, state, data, 0)
    assert store.buffers_in_use == 0 and store.held_parts(state.id) == {}


@needs_o_direct
def test_a_missing_file_is_an_error_not_a_reason_to_stop_direct_writes(tmp_path: Path) -> None:
    writer = DirectWriter()
    part = aligned_copy(PartBuffers(DIRECT_ALIGN, 1), os.urandom(DIRECT_ALIGN))
    with pytest.raises(FileNotFoundError):  # e.g. completed and moved away meanwhile
        writer.write(tmp_path / "gone", 0, part, aligned=True, fsync=True)
    assert writer.direct


def test_a_buffer_that_cannot_be_allocated_takes_no_slot(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    pool = PartBuffers(DIRECT_ALIGN, limit=1)
    real = partio.mmap.mmap

    def no_memory(*_args: Any) -> Any:
        raise OSError(errno.ENOMEM, "Cannot allocate memory")

    monkeypatch.setattr(partio.mmap, "mmap", no_memory)
    with pytest.raises(OSError):
        pool.take()
    assert pool.in_use == 0
    monkeypatch.setattr(partio.mmap, "mmap", real)
    assert pool.take() is not None  # the one slot is still there
