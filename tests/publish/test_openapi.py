"""The OpenAPI file describes exactly the receiver's routes, and real answers match its
schemas."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import requests
from jsonschema import Draft202012Validator

from shopbuilder.publish.server import ROUTES
from shopbuilder.resources_path import load_json_resource
from tests.publish.conftest import TOKEN, Receiver, make_bundle


def spec() -> dict[str, Any]:
    return load_json_resource("openapi", "publish.json")


def check(body: Any, schema: str) -> None:
    doc = spec()
    validator = Draft202012Validator({**doc["components"]["schemas"][schema],
                                      "components": doc["components"]})
    errors = list(validator.iter_errors(body))
    assert errors == [], errors


def test_every_route_is_documented_and_nothing_more() -> None:
    documented = {(method.upper(), path) for path, ops in spec()["paths"].items()
                  for method in ops}
    served = set()
    for method, pattern, _handler in ROUTES:
        path = re.sub(r"\(\?P<(\w+)>\[\^/\]\+\)", lambda m: "{" + m.group(1) + "}",
                      pattern.pattern.removeprefix("^").removesuffix("\\Z"))
        served.add((method, path.replace("{upload_id}", "{id}")))
    assert served == documented


def test_answers_match_the_schemas(receiver: Receiver, tmp_path: Path) -> None:
    data = make_bundle(tmp_path / "b.zip").read_bytes()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with requests.Session() as http:
        upload = http.post(f"{receiver.url}/v1/shops/acme/uploads", json={
            "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)},
            headers={**auth, "Idempotency-Key": "key-00000001"}).json()
        check(upload, "Upload")
        size = upload["part_size"]
        for n in range(upload["parts"]):
            chunk = data[n * size:(n + 1) * size]
            receipt = http.put(f"{receiver.url}/v1/uploads/{upload['upload_id']}/parts/{n}",
                               data=chunk, headers={
                                   **auth, "X-Content-SHA256": hashlib.sha256(chunk).hexdigest()})
            check(receipt.json(), "PartReceipt")
        version = http.post(f"{receiver.url}/v1/uploads/{upload['upload_id']}/complete",
                            headers=auth).json()
        check(version, "Version")
        check(http.get(f"{receiver.url}/v1/shops/acme/versions", headers=auth).json(),
              "VersionList")
        problem = http.get(f"{receiver.url}/v1/shops/acme/active").json()
        check(problem, "Problem")
        assert problem["status"] == 404
