"""Publishing through the service: the same bytes never make a second version."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from shopbuilder.core.storage import Workspace
from shopbuilder.publish import service
from shopbuilder.publish.storage import Store
from shopbuilder.publish.targets import add_target
from shopbuilder.publish.tokens import store_token
from tests.publish.conftest import TOKEN, FileKeyring, Receiver, make_bundle


@pytest.fixture
def targets(shop_workspace: Workspace, receiver: Receiver, tmp_path: Path,
            test_keyring: FileKeyring) -> Workspace:
    with shop_workspace.session() as s:
        add_target(s, "prod", url=receiver.url)
        add_target(s, "shared", folder=str(tmp_path / "shared"))
    store_token("prod", receiver.url, TOKEN)
    return shop_workspace


@pytest.mark.parametrize("target", ["prod", "shared"])
def test_publishing_bytes_the_target_holds_gives_back_that_version(
        targets: Workspace, receiver: Receiver, tmp_path: Path, target: str) -> None:
    b1, b2 = make_bundle(tmp_path / "b1.zip", seed=1), make_bundle(tmp_path / "b2.zip", seed=2)
    first = service.publish(targets, "acme", target, b1)
    assert first["version"] == 1 and first["new_version"]
    assert service.publish(targets, "acme", target, b2)["version"] == 2
    again = service.publish(targets, "acme", target, b1)  # b1 once more: v1, active again
    assert again["version"] == 1 and not again["new_version"] and again["bytes_sent"] == 0
    root = receiver.root if target == "prod" else tmp_path / "shared"
    assert [v.number for v in Store(root).versions("acme")] == [1, 2]
    assert Store(root).active_number("acme") == 1
    with targets.session() as s:
        rows = service.history(s, "acme")
    assert [(r["version"], r["result"]) for r in rows] == [(1, "ok"), (2, "ok"), (1, "ok")]


@pytest.mark.parametrize("target", ["prod", "shared"])
def test_two_publishes_of_one_bundle_at_once_make_one_version(
        targets: Workspace, receiver: Receiver, tmp_path: Path, target: str) -> None:
    bundle = make_bundle(tmp_path / "b.zip")
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def publish() -> None:
        try:
            results.append(service.publish(targets, "acme", target, bundle))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and [r["version"] for r in results] == [1, 1]
    root = receiver.root if target == "prod" else tmp_path / "shared"
    assert [v.number for v in Store(root).versions("acme")] == [1]


def test_two_processes_publishing_one_bundle_to_a_folder_make_one_version(
        tmp_path: Path) -> None:
    """The folder has no server to serialise writers: a lock file does, across processes."""
    import hashlib
    import subprocess
    import sys

    bundle = make_bundle(tmp_path / "b.zip")
    sha = hashlib.sha256(bundle.read_bytes()).hexdigest()
    go = tmp_path / "go"
    script = (
        "import sys, time, pathlib\n"
        "from shopbuilder.publish.endpoints import FolderEndpoint\n"
        "go = pathlib.Path(sys.argv[1])\n"
        "endpoint = FolderEndpoint(pathlib.Path(sys.argv[2]))\n"
        "while not go.exists(): time.sleep(0.001)\n"
        "print(endpoint.upload('acme', pathlib.Path(sys.argv[3]), sys.argv[4], 'key-same-0001')"
        ".version)\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(go), str(tmp_path / "shared"),
                               str(bundle), sha], stdout=subprocess.PIPE, text=True)
             for _ in range(3)]
    import time

    time.sleep(1.5)  # all three imported and waiting
    go.touch()
    outputs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0] and outputs == ["1", "1", "1"]
    assert [v.number for v in Store(tmp_path / "shared").versions("acme")] == [1]


def test_recording_a_publish_is_no_edit_of_the_shop(targets: Workspace, tmp_path: Path) -> None:
    """The exported bundle's build time is the shop's last edit; the publish history row
    written by the first publish must not count, or the unchanged shop would export to
    other bytes and publish as a second version."""
    first = service.publish(targets, "acme", "shared")  # exported now
    again = service.publish(targets, "acme", "shared")
    assert first["sha256"] == again["sha256"]
    assert (first["version"], again["version"]) == (1, 1) and not again["new_version"]
    assert [v.number for v in Store(tmp_path / "shared").versions("acme")] == [1]
