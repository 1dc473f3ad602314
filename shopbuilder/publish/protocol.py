"""The upload protocol's constants and its error shape, shared by client and receiver.

Documented in docs/publish-protocol.md and resources/openapi/publish.json; change the
three together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from shopbuilder.core.validation import SLUG_RE as SLUG_RE  # what a shop id may be

API_PREFIX = "/v1"
DEFAULT_PART_SIZE = 8 * 1024 * 1024
MIN_PART_SIZE = 64 * 1024
DEFAULT_MAX_BUNDLE_SIZE = 1024 * 1024 * 1024
MAX_PARTS = 10_000

IDEMPOTENCY_HEADER = "Idempotency-Key"
PART_SHA_HEADER = "X-Content-SHA256"
VERSION_HEADER = "X-Bundle-Version"
BUNDLE_SHA_HEADER = "X-Bundle-SHA256"

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://shopbuilder.dev/problems/"

SHA256_RE = re.compile(r"^[0-9a-f]{64}\Z")
# A token travels in an HTTP header: printable ASCII only, no spaces or line breaks.
TOKEN_RE = re.compile(r"[!-~]+")
NUMBER_RE = re.compile(r"^[0-9]{1,9}\Z")  # part and version numbers (str.isdigit takes "²")
UPLOAD_ID_RE = re.compile(r"^[0-9a-f]{32}\Z")
IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9._:-]{8,128}\Z")


@dataclass(eq=False)
class Problem(Exception):
    """An RFC 9457 problem detail. The receiver raises it, the client re-raises the one
    it got; `detail` is written for the person running the upload and shown as is."""

    status: int
    kind: str  # short stable id, the last segment of `type`
    title: str
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.title)

    @property
    def type_uri(self) -> str:
        return PROBLEM_BASE + self.kind

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type_uri, "title": self.title,
                                "status": self.status, "detail": self.detail}
        body.update(self.extra)
        return body

    @classmethod
    def from_json(cls, status: int, body: dict[str, Any]) -> Problem:
        known = {"type", "title", "status", "detail"}
        kind = str(body.get("type", "about:blank")).removeprefix(PROBLEM_BASE)
        return cls(int(body.get("status", status)), kind, str(body.get("title", "")),
                   str(body.get("detail", "")), {k: v for k, v in body.items() if k not in known})

    def __str__(self) -> str:
        return f"{self.title}: {self.detail}" if self.detail else self.title


def part_count(size: int, part_size: int) -> int:
    """Parts of a bundle: an empty bundle still has one (empty) part."""
    return max(1, -(-size // part_size))


def part_range(n: int, size: int, part_size: int) -> tuple[int, int]:
    """(offset, length) of part `n`."""
    offset = n * part_size
    return offset, max(0, min(part_size, size - offset))
