"""The on-disk store: verification at complete, damage found after a restart, version
numbers, and nothing half-written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from shopbuilder.core.findings import Finding
from shopbuilder.publish import partio
from shopbuilder.publish.protocol import Problem, part_range
from shopbuilder.publish.storage import Store, UploadState
from tests.publish.conftest import PART, make_bundle


def no_findings(_path: Path, _slug: str, _entries: object) -> list[Finding]:
    return []


def start(store: Store, data: bytes, key: str = "key-00000001") -> UploadState:
    state, created = store.create_upload("acme", key, hashlib.sha256(data).hexdigest(),
                                         len(data), PART)
    assert created
    return state


def put_all(store: Store, state: UploadState, data: bytes, order: list[int] | None = None
            ) -> None:
    for n in order if order is not None else range(state.parts):
        offset, length = part_range(n, state.size, state.part_size)
        chunk = data[offset:offset + length]
        store.write_part(state, n, chunk, hashlib.sha256(chunk).hexdigest())


def test_parts_in_any_order_complete_to_the_same_bytes(tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    store = Store(tmp_path / "root", part_size=PART)
    state = start(store, data)
    put_all(store, state, data, order=[2, 0, 4, 1, 3])
    info, created = store.complete(state.id, no_findings)
    assert created and info.number == 1
    assert store.version_path("acme", 1).read_bytes() == data


def test_damage_on_disk_after_a_restart_is_found_and_asked_for_again(tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    store = Store(tmp_path / "root", part_size=PART)
    state = start(store, data)
    put_all(store, state, data)
    data_file = tmp_path / "root" / "uploads" / state.id / "data"
    with open(data_file, "r+b") as fh:  # a write lost in a power cut
        fh.seek(PART + 10)
        fh.write(b"\0" * 100)
    restarted = Store(tmp_path / "root", part_size=PART)  # no running hash survives
    with pytest.raises(Problem) as err:
        restarted.complete(state.id, no_findings)
    assert err.value.kind == "checksum-mismatch" and err.value.extra["missing_parts"] == [1]
    assert 1 not in restarted.held_parts(state.id)
    put_all(restarted, state, data, order=[1])
    info, _created = restarted.complete(state.id, no_findings)
    assert restarted.version_path("acme", info.number).read_bytes() == data


def test_a_part_resent_with_other_bytes_voids_the_running_hash(tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    store = Store(tmp_path / "root", part_size=PART)
    state = start(store, data)
    put_all(store, state, data)
    other = b"x" * PART
    store.write_part(state, 1, other, hashlib.sha256(other).hexdigest())
    with pytest.raises(Problem) as err:
        store.complete(state.id, no_findings)
    assert err.value.kind == "checksum-mismatch"
    assert store.versions("acme") == []


def test_version_numbers_are_never_shared_or_reused(tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "b.zip")
    store = Store(tmp_path / "root", part_size=PART)
    sha = hashlib.sha256(bundle.read_bytes()).hexdigest()
    # a number taken by a writer that crashed before finishing (empty metadata file)
    (tmp_path / "root" / "shops" / "acme" / "versions").mkdir(parents=True)
    (tmp_path / "root" / "shops" / "acme" / "versions" / "1.json").touch()
    numbers = [store.add_version("acme", bundle, sha, bundle.stat().st_size).number
               for _ in range(3)]
    assert numbers == [2, 3, 4]
    assert [v.number for v in store.versions("acme")] == [2, 3, 4]
    assert store.active("acme") is None
    store.activate("acme", 3)
    assert [v.active for v in store.versions("acme")] == [False, True, False]
    leftovers = [p for p in (tmp_path / "root").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_wrong_part_length_is_refused(tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    store = Store(tmp_path / "root", part_size=PART)
    state = start(store, data)
    with pytest.raises(Problem) as err:
        store.write_part(state, 0, b"short", hashlib.sha256(b"short").hexdigest())
    assert err.value.kind == "part-size" and store.held_parts(state.id) == {}


def test_sliced_writes_keep_every_byte_through_short_writes(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts reach the disk in slices; a raw write() that takes fewer bytes than offered
    (allowed for unbuffered files) must not lose the rest."""
    import io

    class Short(io.FileIO):
        def write(self, b: object) -> int:
            return super().write(memoryview(b)[:1000])  # type: ignore[arg-type]

    monkeypatch.setattr(partio, "WRITE_SLICE", 4096)
    data = hashlib.sha256(b"seed").digest() * 700  # 22,400 bytes: 6 slices, 23 short writes
    with Short(tmp_path / "out.bin", "w") as fh:
        partio.write_sliced(fh, data)
    assert (tmp_path / "out.bin").read_bytes() == data


def test_sweep_removes_abandoned_uploads_and_crash_leftovers_only(tmp_path: Path) -> None:
    import os
    import time

    data = make_bundle(tmp_path / "b.zip").read_bytes()
    store = Store(tmp_path / "root", part_size=PART)
    now = time.time()
    day = 24 * 3600

    def age(path: Path, days: float) -> None:
        for p in [path, *path.rglob("*")]:
            os.utime(p, (now - days * day, now - days * day))

    abandoned = start(store, data, "key-00000001")
    put_all(store, abandoned, data, [0])
    recent = start(store, data, "key-00000002")
    put_all(store, recent, data, [0])
    finished = start(store, data, "key-00000003")
    put_all(store, finished, data)
    store.complete(finished.id, no_findings)
    upload_dir = tmp_path / "root" / "uploads"
    age(upload_dir / abandoned.id, 8)
    age(upload_dir / recent.id, 8)
    (upload_dir / recent.id / "parts" / "1-x").touch()  # a part landed today
    age(upload_dir / finished.id, 30)
    versions = tmp_path / "root" / "shops" / "acme" / "versions"
    old_tmp, new_tmp = versions / ".2.zip.1.2.tmp", versions / ".3.zip.1.3.tmp"
    old_tmp.write_bytes(b"half")
    new_tmp.write_bytes(b"being written")
    age(old_tmp, 1)

    assert store.sweep(7 * day, now) == (1, 1)
    assert not (upload_dir / abandoned.id).exists()
    assert (upload_dir / recent.id).is_dir() and (upload_dir / finished.id).is_dir()
    assert not old_tmp.exists() and new_tmp.exists()
    again, created = store.create_upload("acme", "key-00000001",
                                         hashlib.sha256(data).hexdigest(), len(data), PART)
    assert created and store.held_parts(again.id) == {}  # publishing again starts anew
    same, created = store.create_upload("acme", "key-00000003",
                                        hashlib.sha256(data).hexdigest(), len(data), PART)
    assert not created and same.version == 1  # a finished upload still answers its key


def test_a_key_whose_version_was_deleted_by_hand_uploads_again(tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    store = Store(tmp_path / "root", part_size=PART)
    state = start(store, data)
    put_all(store, state, data)
    info, _created = store.complete(state.id, no_findings)
    for path in store.version_path("acme", info.number).parent.iterdir():
        path.unlink()  # an operator cleared the shop's versions
    again, created = store.create_upload("acme", "key-00000001",
                                         hashlib.sha256(data).hexdigest(), len(data), PART)
    assert created and again.version is None and store.held_parts(again.id) == {}
    put_all(store, again, data)
    info, created = store.complete(again.id, no_findings)
    assert created and store.version_path("acme", info.number).read_bytes() == data
