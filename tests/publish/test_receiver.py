"""The reference receiver over real HTTP: the protocol, its refusals and its disk state."""

from __future__ import annotations

import hashlib
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from shopbuilder.publish.storage import Store
from tests.publish.conftest import ALL_TOKEN, PART, TOKEN, Receiver, make_bundle


@pytest.fixture
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    yield session
    session.close()


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def start(http: requests.Session, rx: Receiver, data: bytes, key: str = "key-00000001",
          slug: str = "acme", token: str = TOKEN) -> requests.Response:
    return http.post(f"{rx.url}/v1/shops/{slug}/uploads", headers={
        **auth(token), "Idempotency-Key": key},
        json={"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})


def put(http: requests.Session, rx: Receiver, upload_id: str, n: int, chunk: bytes,
        sha: str | None = None) -> requests.Response:
    return http.put(f"{rx.url}/v1/uploads/{upload_id}/parts/{n}", data=chunk, headers={
        **auth(), "X-Content-SHA256": sha or hashlib.sha256(chunk).hexdigest()})


def upload_all(http: requests.Session, rx: Receiver, data: bytes,
               key: str = "key-00000001") -> dict[str, Any]:
    upload = start(http, rx, data, key).json()
    for n in range(upload["parts"]):
        assert put(http, rx, upload["upload_id"], n, data[n * PART:(n + 1) * PART]).ok
    return upload


def test_upload_complete_activate_and_fetch(receiver: Receiver, http: requests.Session,
                                            tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    first = start(http, receiver, data)
    assert first.status_code == 201
    upload = first.json()
    assert upload["parts"] == -(-len(data) // PART) and upload["missing"] == list(
        range(upload["parts"]))
    again = start(http, receiver, data)  # same key → same upload
    assert again.status_code == 200 and again.json()["upload_id"] == upload["upload_id"]
    for n in reversed(range(upload["parts"])):  # any order
        assert put(http, receiver, upload["upload_id"], n, data[n * PART:(n + 1) * PART]).ok
    status = http.get(f"{receiver.url}/v1/uploads/{upload['upload_id']}", headers=auth()).json()
    assert status["missing"] == [] and len(status["received"]) == upload["parts"]
    done = http.post(f"{receiver.url}/v1/uploads/{upload['upload_id']}/complete", headers=auth())
    assert done.status_code == 201 and done.json()["version"] == 1
    assert http.get(f"{receiver.url}/v1/shops/acme/active").status_code == 404  # not yet
    act = http.post(f"{receiver.url}/v1/shops/acme/versions/1/activate", headers=auth())
    assert act.json()["active"] is True
    head = http.head(f"{receiver.url}/v1/shops/acme/active")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(data))
    got = http.get(f"{receiver.url}/v1/shops/acme/active")
    assert got.content == data and got.headers["X-Bundle-Version"] == "1"
    assert got.headers["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    cached = http.get(f"{receiver.url}/v1/shops/acme/active",
                      headers={"If-None-Match": got.headers["ETag"]})
    assert cached.status_code == 304
    listing = http.get(f"{receiver.url}/v1/shops/acme/versions", headers=auth()).json()
    assert listing["active"] == 1 and [v["version"] for v in listing["versions"]] == [1]
    # nothing of the upload is left but its record
    assert not (receiver.root / "uploads" / upload["upload_id"] / "parts").exists()


def test_double_complete_gives_one_version(receiver: Receiver, http: requests.Session,
                                           tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    upload = upload_all(http, receiver, data)
    url = f"{receiver.url}/v1/uploads/{upload['upload_id']}/complete"
    answers: list[requests.Response] = []

    def complete() -> None:
        with requests.Session() as own:
            answers.append(own.post(url, headers=auth()))

    threads = [threading.Thread(target=complete) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    later = http.post(url, headers=auth())
    assert sorted(r.status_code for r in answers) == [200, 200, 200, 201]
    assert {r.json()["version"] for r in [*answers, later]} == {1}
    assert [v.number for v in Store(receiver.root).versions("acme")] == [1]
    assert receiver.app.stats["versions_created"] == 1


def test_bad_and_missing_tokens_are_401_problems(receiver: Receiver, http: requests.Session,
                                                 tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    for headers in ({}, auth("wrong-token"), {"Authorization": "Basic eDp5"}):
        r = http.post(f"{receiver.url}/v1/shops/acme/uploads", json={},
                      headers={**headers, "Idempotency-Key": "key-00000001"})
        assert r.status_code == 401
        assert r.headers["Content-Type"] == "application/problem+json"
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
        body = r.json()
        assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == 401
    upload = start(http, receiver, data).json()
    for upload_id in (upload["upload_id"], "0" * 32):  # a bad token learns nothing of ids
        r = http.get(f"{receiver.url}/v1/uploads/{upload_id}", headers=auth("nope"))
        assert r.status_code == 401


def test_shop_scoped_token_and_unknown_shops(receiver: Receiver, http: requests.Session,
                                             tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip", slug="other").read_bytes()
    assert start(http, receiver, data, slug="other").status_code == 403  # acme's token
    assert start(http, receiver, data, slug="other", token=ALL_TOKEN).status_code == 201
    receiver.tokens.grants[:] = [("acme", hashlib.sha256(TOKEN.encode()).hexdigest())]
    r = start(http, receiver, data, slug="zeta")
    assert r.status_code == 404 and r.json()["title"] == "Unknown shop"


@pytest.mark.parametrize("path", [
    "/v1/shops/..%2F..%2Fetc/uploads", "/v1/shops/../uploads", "/v1/shops/ACME/uploads",
    "/v1/shops/a/uploads", "/v1/uploads/..%2Fshops/complete", "/v1/shops/acme/uploads/x",
    "/v1/shops/acme%0A/uploads",  # "$" in a regex also matches before a final newline
])
def test_path_tricks_are_refused(receiver: Receiver, http: requests.Session,
                                 path: str) -> None:
    r = http.post(receiver.url + path, headers={**auth(ALL_TOKEN), "Idempotency-Key": "k" * 8},
                  json={"sha256": "0" * 64, "size": 1})
    assert r.status_code in (404, 405)
    assert r.json()["status"] == r.status_code
    assert sorted(p.name for p in receiver.root.iterdir()) == ["shops", "uploads"]
    assert list((receiver.root / "uploads").iterdir()) == []


def test_part_path_tricks(receiver: Receiver, http: requests.Session, tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    upload = start(http, receiver, data).json()
    for n in ("-1", "999", "1e3", "..%2F..%2Fx", "%B2", "0%0A"):  # %B2: "²" (isdigit)
        r = http.put(f"{receiver.url}/v1/uploads/{upload['upload_id']}/parts/{n}", data=b"x",
                     headers={**auth(), "X-Content-SHA256": hashlib.sha256(b"x").hexdigest()})
        assert r.status_code == 404, n
    for n in ("%B9", "1%0A"):
        r = http.post(f"{receiver.url}/v1/shops/acme/versions/{n}/activate", headers=auth())
        assert r.status_code == 404 and r.json()["title"] == "Unknown version", n


def test_oversize_bundle_and_part_are_413(receiver: Receiver, http: requests.Session,
                                          tmp_path: Path) -> None:
    r = http.post(f"{receiver.url}/v1/shops/acme/uploads",
                  headers={**auth(), "Idempotency-Key": "key-00000001"},
                  json={"sha256": "a" * 64, "size": 21 * 1024 * 1024})
    assert r.status_code == 413 and "bytes" in r.json()["detail"]
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    upload = start(http, receiver, data).json()
    big = b"x" * (PART + 1)
    assert put(http, receiver, upload["upload_id"], 0, big).status_code == 413


def test_damaged_part_is_refused_and_not_stored(receiver: Receiver, http: requests.Session,
                                                tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    upload = start(http, receiver, data).json()
    chunk = data[:PART]
    r = put(http, receiver, upload["upload_id"], 0, chunk[:-1] + b"!",
            sha=hashlib.sha256(chunk).hexdigest())
    assert r.status_code == 422 and r.json()["type"].endswith("part-checksum-mismatch")
    status = http.get(f"{receiver.url}/v1/uploads/{upload['upload_id']}", headers=auth()).json()
    assert status["received"] == []
    r = http.post(f"{receiver.url}/v1/uploads/{upload['upload_id']}/complete", headers=auth())
    assert r.status_code == 409 and r.json()["missing_parts"] == list(range(upload["parts"]))


def test_invalid_bundle_is_422_with_findings(receiver: Receiver, http: requests.Session,
                                             tmp_path: Path) -> None:
    not_zip = b"this is not a zip" * 100
    upload = upload_all(http, receiver, not_zip)
    r = http.post(f"{receiver.url}/v1/uploads/{upload['upload_id']}/complete", headers=auth())
    assert r.status_code == 422
    assert r.json()["findings"][0]["rule"] == "bundle.archive"
    assert r.json()["findings"][0]["severity"] == "error"
    # a real bundle, but for another shop
    other = make_bundle(tmp_path / "o.zip", slug="other").read_bytes()
    upload = upload_all(http, receiver, other, key="key-00000002")
    r = http.post(f"{receiver.url}/v1/uploads/{upload['upload_id']}/complete", headers=auth())
    body = r.json()
    assert r.status_code == 422 and body["title"] == "Invalid bundle"
    assert any(f["location"].startswith("manifest.json") for f in body["findings"])
    assert "other" in body["detail"]
    # no manifest at all
    path = tmp_path / "nomanifest.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("shop.json", "{}")
    upload = upload_all(http, receiver, path.read_bytes(), key="key-00000003")
    r = http.post(f"{receiver.url}/v1/uploads/{upload['upload_id']}/complete", headers=auth())
    assert r.status_code == 422
    assert any(f["location"] == "manifest.json" for f in r.json()["findings"])
    assert Store(receiver.root).versions("acme") == []


def test_idempotency_key_reused_for_other_bytes(receiver: Receiver, http: requests.Session,
                                                tmp_path: Path) -> None:
    a = make_bundle(tmp_path / "a.zip", seed=1).read_bytes()
    b = make_bundle(tmp_path / "b.zip", seed=2).read_bytes()
    assert start(http, receiver, a).status_code == 201
    r = start(http, receiver, b)
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["detail"]
    r = http.post(f"{receiver.url}/v1/shops/acme/uploads", headers=auth(),
                  json={"sha256": "a" * 64, "size": 1})
    assert r.status_code == 400  # no key at all


def test_restart_keeps_the_upload(receiver: Receiver, http: requests.Session,
                                  tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    upload = start(http, receiver, data).json()
    assert put(http, receiver, upload["upload_id"], 0, data[:PART]).ok
    receiver.restart()
    http.close()  # the old keep-alive connection died with the server
    status = http.get(f"{receiver.url}/v1/uploads/{upload['upload_id']}", headers=auth()).json()
    assert [p["n"] for p in status["received"]] == [0]
    for n in status["missing"]:
        assert put(http, receiver, upload["upload_id"], n, data[n * PART:(n + 1) * PART]).ok
    r = http.post(f"{receiver.url}/v1/uploads/{upload['upload_id']}/complete", headers=auth())
    assert r.status_code == 201
    assert receiver.app.stats["parts_stored"] == upload["parts"] - 1


def test_a_restart_clears_uploads_abandoned_for_a_week(receiver: Receiver,
                                                       http: requests.Session,
                                                       tmp_path: Path) -> None:
    import os
    import time

    data = make_bundle(tmp_path / "b.zip").read_bytes()
    upload = start(http, receiver, data).json()
    assert put(http, receiver, upload["upload_id"], 0, data[:PART]).ok
    folder = receiver.root / "uploads" / upload["upload_id"]
    week_ago = time.time() - 8 * 24 * 3600
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (week_ago, week_ago))
    receiver.restart()
    http.close()
    r = http.get(f"{receiver.url}/v1/uploads/{upload['upload_id']}", headers=auth())
    assert r.status_code == 404 and not folder.exists()
    again = start(http, receiver, data)  # the same key starts afresh
    assert again.status_code == 201 and again.json()["missing"] == list(range(upload["parts"]))


def test_rollback_switches_the_active_bundle(receiver: Receiver, http: requests.Session,
                                             tmp_path: Path) -> None:
    blobs = [make_bundle(tmp_path / f"{i}.zip", seed=i).read_bytes() for i in (1, 2)]
    for i, data in enumerate(blobs, 1):
        upload = upload_all(http, receiver, data, key=f"key-0000000{i}")
        http.post(f"{receiver.url}/v1/uploads/{upload['upload_id']}/complete", headers=auth())
        http.post(f"{receiver.url}/v1/shops/acme/versions/{i}/activate", headers=auth())
    assert http.get(f"{receiver.url}/v1/shops/acme/active").content == blobs[1]
    http.post(f"{receiver.url}/v1/shops/acme/versions/1/activate", headers=auth())
    assert http.get(f"{receiver.url}/v1/shops/acme/active").content == blobs[0]
    r = http.post(f"{receiver.url}/v1/shops/acme/versions/7/activate", headers=auth())
    assert r.status_code == 404 and r.json()["title"] == "Unknown version"


def test_wrong_method_is_405(receiver: Receiver, http: requests.Session) -> None:
    r = http.delete(f"{receiver.url}/v1/shops/acme/versions", headers=auth())
    assert r.status_code == 405 and "GET" in r.json()["detail"]
