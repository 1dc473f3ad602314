"""The client against the real receiver, through a proxy that cuts or corrupts traffic."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from shopbuilder.publish.client import AuthError, PublishCancelled, PublishClient, PublishError
from shopbuilder.publish.hashing import sha256_file
from shopbuilder.publish.protocol import Problem
from shopbuilder.publish.storage import Store
from tests.publish.conftest import PART, TOKEN, FaultProxy, Receiver, make_bundle

FAST = {"backoff": 0.01}


def client(url: str, token: str = TOKEN, **options: Any) -> PublishClient:
    return PublishClient(url, token, **{**FAST, **options})


def test_upload_then_activate(receiver: Receiver, tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "b.zip")
    seen: list[tuple[int, int]] = []
    with client(receiver.url) as c:
        result = c.upload_bundle("acme", bundle, key="key-00000001",
                                 progress=lambda d, t: seen.append((d, t)))
        c.activate("acme", result.version)
        assert c.versions("acme")["active"] == 1
        assert c.download_active("acme", tmp_path / "active.zip") == 1
    size = bundle.stat().st_size
    assert result.version == 1 and result.created and result.parts == -(-size // PART)
    assert (result.parts_sent, result.parts_skipped, result.bytes_sent) == (result.parts, 0, size)
    assert seen[-1] == (size, size) and [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert (tmp_path / "active.zip").read_bytes() == bundle.read_bytes()
    assert receiver.app.stats["parts_stored"] == result.parts


def test_cut_mid_part_is_retried_without_resending_done_parts(
        receiver: Receiver, proxy: FaultProxy, tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "b.zip")
    proxy.cut_at = int(2.5 * PART)  # inside part 2's body
    with client(proxy.url) as c:
        result = c.upload_bundle("acme", bundle, key="key-00000001")
    assert proxy.faults == 1
    assert result.version == 1
    assert receiver.app.stats["parts_stored"] == result.parts  # each part stored once
    assert sha256_file(Store(receiver.root).version_path("acme", 1)) == sha256_file(bundle)


def test_a_failed_upload_resumes_from_the_servers_part_list(
        receiver: Receiver, proxy: FaultProxy, tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "b.zip")
    proxy.cut_at = int(2.5 * PART)
    with client(proxy.url, retries=0) as c, pytest.raises(PublishError) as err:
        c.upload_bundle("acme", bundle, key="key-00000001")
    assert "cannot reach" in err.value.message
    before = receiver.app.stats["parts_stored"]  # 2, or 3 if part 3 was already under way
    assert 2 <= before < -(-bundle.stat().st_size // PART)
    with client(receiver.url) as c:  # a later run: the same key resumes
        result = c.upload_bundle("acme", bundle, key="key-00000001")
    assert (result.parts_skipped, result.parts_sent) == (before, result.parts - before)
    assert receiver.app.stats["parts_stored"] == result.parts


def test_server_restart_mid_upload_then_resume(receiver: Receiver, tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "b.zip")
    done_parts: list[int] = []

    def progress(done: int, total: int) -> None:
        done_parts.append(done)
        if len(done_parts) == 2:
            receiver.stop()  # the server goes away after two parts

    with client(receiver.url, retries=1) as c, pytest.raises(PublishError):
        c.upload_bundle("acme", bundle, key="key-00000001", progress=progress)
    before = receiver.app.stats["parts_stored"]
    receiver.start()
    with client(receiver.url) as c:
        result = c.upload_bundle("acme", bundle, key="key-00000001")
    assert before >= 2 and result.parts_skipped == before
    assert receiver.app.stats["parts_stored"] == result.parts - before  # the new process
    assert result.version == 1


def test_500s_and_timeouts_are_retried(receiver: Receiver, tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "b.zip")
    injected: list[str] = []
    part2_puts: list[int] = []
    lock = threading.Lock()

    def fault(environ: dict[str, Any]) -> Problem | None:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        with lock:
            if method == "PUT" and path.endswith("/parts/2"):
                part2_puts.append(1)
            if method == "PUT" and path.endswith("/parts/1") and "500" not in injected:
                injected.append("500")
                return Problem(500, "internal", "Boom", "injected")
            if method == "POST" and path.endswith("/uploads") and "503" not in injected:
                injected.append("503")
                return Problem(503, "busy", "Busy", "injected")
            if method == "PUT" and path.endswith("/parts/2") and "slow" not in injected:
                injected.append("slow")
                slow = True
            else:
                slow = False
        if slow:
            time.sleep(1.0)  # longer than the client's read timeout
        return None

    receiver.fault = fault
    receiver.restart()
    with client(receiver.url, timeout=(5, 0.4)) as c:
        result = c.upload_bundle("acme", bundle, key="key-00000001")
    assert sorted(injected) == ["500", "503", "slow"]
    assert len(part2_puts) == 2  # the slow one timed out and was sent again
    assert result.version == 1
    assert Store(receiver.root).version("acme", 1).sha256 == sha256_file(bundle)


def test_corrupted_part_is_rejected_and_sent_again(receiver: Receiver, proxy: FaultProxy,
                                                   tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "b.zip")
    proxy.corrupt_at = int(1.5 * PART)  # a byte inside part 1's body
    with client(proxy.url) as c:
        result = c.upload_bundle("acme", bundle, key="key-00000001")
    assert proxy.faults == 1 and receiver.app.stats["parts_rejected"] == 1
    assert result.parts_sent == result.parts
    assert Store(receiver.root).version("acme", 1).sha256 == sha256_file(bundle)


def test_wrong_token_is_a_clear_auth_error(receiver: Receiver, tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "b.zip")
    with client(receiver.url, token="not-the-token") as c, pytest.raises(AuthError) as err:
        c.upload_bundle("acme", bundle, key="key-00000001")
    assert err.value.status == 401
    assert err.value.message == ("Not authorised: the access token is missing or wrong; "
                                 "check the target's token")
    assert "not-the-token" not in repr(c) and "not-the-token" not in str(err.value)


def test_cancel_between_parts_then_resume(receiver: Receiver, tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "b.zip", payload=1_000_000)  # ~16 parts, 3 in flight
    progress: list[int] = []
    with client(receiver.url) as c:
        with pytest.raises(PublishCancelled):
            c.upload_bundle("acme", bundle, key="key-00000001",
                            progress=lambda d, t: progress.append(d),
                            cancel=lambda: len(progress) >= 3)
        before = receiver.app.stats["parts_stored"]  # parts under way were finished
        assert 3 <= before < -(-bundle.stat().st_size // PART)
        result = c.upload_bundle("acme", bundle, key="key-00000001")
    assert result.parts_skipped == before and result.version == 1
    assert receiver.app.stats["parts_stored"] == result.parts


def test_same_key_after_completion_returns_the_same_version(receiver: Receiver,
                                                            tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "b.zip")
    with client(receiver.url) as c:
        first = c.upload_bundle("acme", bundle, key="key-00000001")
        second = c.upload_bundle("acme", bundle, key="key-00000001")
        third = c.upload_bundle("acme", bundle, key="key-00000002")
    assert (first.version, first.created) == (1, True)
    assert (second.version, second.created, second.parts_sent) == (1, False, 0)
    assert third.version == 2


def test_tls_verification_stays_on_with_a_custom_ca(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    with PublishClient("https://example.invalid", TOKEN, ca_bundle=str(ca)) as c:
        assert c.session.verify == str(ca)
    with PublishClient("https://example.invalid", TOKEN) as c:
        assert c.session.verify is True


@pytest.mark.parametrize("no_proxy", ["", "127.0.0.1"])
def test_environment_proxy_is_used_unless_no_proxy_excludes_the_host(
        receiver: Receiver, proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        no_proxy: str) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    # The "proxy" is a plain TCP relay: waitress accepts the absolute-form requests a
    # client sends to an HTTP proxy, so the upload succeeds either way.
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    if no_proxy:
        monkeypatch.setenv("NO_PROXY", no_proxy)
    bundle = make_bundle(tmp_path / "b.zip")
    with client(receiver.url) as c:
        assert c.upload_bundle("acme", bundle, key="key-00000001").version == 1
    assert (proxy.sent > 0) is not bool(no_proxy)  # excluded: the token never reached it
