"""The reference receiver: the publish protocol as a WSGI app, served by waitress.

An agency can self-host its shops' bundles with it (`shopbuilder serve`), and it is
what the tests run against. Errors are RFC 9457 problem details; tokens never reach
a log line (only method, path and status are logged).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from shopbuilder.publish import protocol as p
from shopbuilder.publish.auth import TokenTable, bearer_token
from shopbuilder.publish.protocol import Problem
from shopbuilder.publish.storage import KEEP_UPLOADS_S, Store
from shopbuilder.publish.validation import check_bundle, warm_up

log = logging.getLogger("shopbuilder.publish.server")

StartResponse = Callable[..., Any]
FaultHook = Callable[[dict[str, Any]], Problem | None]
MAX_JSON_BODY = 64 * 1024
SWEEP_EVERY_S = 3600

_SLUG = r"(?P<slug>[^/]+)"
_ID = r"(?P<upload_id>[^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(rf"^/v1/shops/{_SLUG}/uploads\Z"), "create_upload"),
    ("GET", re.compile(rf"^/v1/uploads/{_ID}\Z"), "upload_status"),
    ("PUT", re.compile(rf"^/v1/uploads/{_ID}/parts/(?P<n>[^/]+)\Z"), "put_part"),
    ("POST", re.compile(rf"^/v1/uploads/{_ID}/complete\Z"), "complete"),
    ("GET", re.compile(rf"^/v1/shops/{_SLUG}/versions\Z"), "list_versions"),
    ("POST", re.compile(rf"^/v1/shops/{_SLUG}/versions/(?P<n>[^/]+)/activate\Z"), "activate"),
    ("GET", re.compile(rf"^/v1/shops/{_SLUG}/active\Z"), "get_active"),
    ("HEAD", re.compile(rf"^/v1/shops/{_SLUG}/active\Z"), "get_active"),
]


class Response:
    def __init__(self, status: int, body: Any = None, headers: list[tuple[str, str]] | None = None,
                 stream: Any = None) -> None:
        self.status, self.body, self.headers, self.stream = status, body, headers or [], stream


REASONS = {200: "OK", 201: "Created", 304: "Not Modified", 400: "Bad Request", 401: "Unauthorized",
           403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
           411: "Length Required", 413: "Content Too Large", 422: "Unprocessable Content",
           500: "Internal Server Error", 503: "Service Unavailable"}


class ReceiverApp:
    """WSGI callable. `fault` lets tests inject failures (500s, delays) per request."""

    def __init__(self, root: Path, tokens: TokenTable, *,
                 part_size: int = p.DEFAULT_PART_SIZE,
                 max_bundle_size: int = p.DEFAULT_MAX_BUNDLE_SIZE,
                 fsync_parts: bool = True, fault: FaultHook | None = None,
                 keep_uploads: float = KEEP_UPLOADS_S) -> None:
        self.store = Store(root, fsync_parts=fsync_parts, part_size=part_size)
        self.keep_uploads = keep_uploads
        self._swept = 0.0
        self.sweep()
        self.tokens = tokens
        self.part_size = part_size
        self.max_bundle_size = max_bundle_size
        self.fault = fault
        self.stats: Counter[str] = Counter()  # parts_stored, parts_rejected, versions_created
        self._stats_lock = threading.Lock()
        warm_up()

    def sweep(self) -> None:
        """Clear abandoned uploads and crash leftovers: at start, then at most hourly
        (checked when an upload is created)."""
        self._swept = time.monotonic()
        uploads, temps = self.store.sweep(self.keep_uploads)
        if uploads or temps:
            log.info("removed %d abandoned uploads and %d leftover temp files", uploads, temps)

    def count(self, key: str) -> None:
        with self._stats_lock:
            self.stats[key] += 1

    # ------------------------------------------------------------ WSGI plumbing

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        try:
            response = self.dispatch(environ, method, path)
        except Problem as problem:
            response = Response(problem.status, problem.as_json(),
                                [("Content-Type", p.PROBLEM_MEDIA_TYPE)])
            if problem.status == 401:
                response.headers.append(("WWW-Authenticate", 'Bearer realm="shopbuilder"'))
        except Exception:
            log.exception("internal error on %s %s", method, path)
            problem = Problem(500, "internal", "Internal server error",
                              "the receiver failed; the upload can be resumed")
            response = Response(500, problem.as_json(), [("Content-Type", p.PROBLEM_MEDIA_TYPE)])
        log.info("%s %s -> %d", method, path, response.status)
        status = f"{response.status} {REASONS.get(response.status, '')}".strip()
        if response.stream is not None:
            start_response(status, response.headers)
            if method == "HEAD":
                response.stream.close()
                return [b""]
            wrapper = environ.get("wsgi.file_wrapper")
            return wrapper(response.stream, 1 << 20) if wrapper else iter(
                lambda: response.stream.read(1 << 20), b"")
        body = b"" if response.body is None else json.dumps(
            response.body, ensure_ascii=False).encode()
        headers = response.headers or [("Content-Type", "application/json")]
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def dispatch(self, environ: dict[str, Any], method: str, path: str) -> Response:
        if self.fault is not None and (problem := self.fault(environ)) is not None:
            raise problem
        allowed = []
        for route_method, pattern, handler in ROUTES:
            match = pattern.match(path)
            if match:
                if route_method == method:
                    return getattr(self, handler)(environ, **match.groupdict())
                allowed.append(route_method)
        if allowed:
            raise Problem(405, "method-not-allowed", "Method not allowed",
                          f"{method} is not allowed here; use {', '.join(allowed)}")
        raise Problem(404, "not-found", "Not found", f"nothing at {path}")

    # ------------------------------------------------------------ checks

    def authorize(self, environ: dict[str, Any], slug: str) -> None:
        if not p.SLUG_RE.match(slug):
            raise Problem(404, "unknown-shop", "Unknown shop", "that is not a shop id")
        token = bearer_token(environ.get("HTTP_AUTHORIZATION"))
        scopes = self.tokens.scopes_for(token) if token else set()
        if not scopes:
            raise Problem(401, "unauthorized", "Not authorised",
                          "the access token is missing or wrong; check the target's token")
        if not self.tokens.known_shop(slug):
            raise Problem(404, "unknown-shop", "Unknown shop",
                          f"this receiver does not host shop {slug}")
        if "*" not in scopes and slug not in scopes:
            raise Problem(403, "forbidden", "Not allowed",
                          f"this token may not publish shop {slug}")

    def upload_for(self, environ: dict[str, Any], upload_id: str) -> Any:
        if not p.UPLOAD_ID_RE.match(upload_id):
            raise Problem(404, "unknown-upload", "Unknown upload", "that is not an upload id")
        token = bearer_token(environ.get("HTTP_AUTHORIZATION"))
        if not token or not self.tokens.scopes_for(token):  # 401 before saying what exists
            raise Problem(401, "unauthorized", "Not authorised",
                          "the access token is missing or wrong; check the target's token")
        state = self.store.get_upload(upload_id)
        self.authorize(environ, state.slug)
        return state

    @staticmethod
    def read_json(environ: dict[str, Any]) -> dict[str, Any]:
        length = _content_length(environ)
        if length > MAX_JSON_BODY:
            raise Problem(413, "too-large", "Request too large", "the JSON body is too large")
        try:
            data = json.loads(environ["wsgi.input"].read(length) or b"{}")
        except ValueError as exc:
            raise Problem(400, "bad-json", "Bad request", "the body is not JSON") from exc
        if not isinstance(data, dict):
            raise Problem(400, "bad-json", "Bad request", "the body must be a JSON object")
        return data

    def upload_json(self, state: Any) -> dict[str, Any]:
        held = self.store.held_parts(state.id) if state.version is None else {}
        return {"upload_id": state.id, "shop": state.slug, "sha256": state.sha256,
                "size": state.size, "part_size": state.part_size, "parts": state.parts,
                "received": [{"n": n, "sha256": sha} for n, sha in sorted(held.items())],
                "missing": [n for n in range(state.parts) if n not in held]
                if state.version is None else [],
                "version": state.version}

    # ------------------------------------------------------------ handlers

    def create_upload(self, environ: dict[str, Any], slug: str) -> Response:
        self.authorize(environ, slug)
        if time.monotonic() - self._swept > SWEEP_EVERY_S:
            self.sweep()
        key = environ.get("HTTP_IDEMPOTENCY_KEY", "")
        if not p.IDEMPOTENCY_KEY_RE.match(key):
            raise Problem(400, "idempotency-key", "Idempotency-Key needed",
                          "send an Idempotency-Key header of 8–128 letters, digits or ._:-")
        body = self.read_json(environ)
        sha, size = body.get("sha256"), body.get("size")
        if not isinstance(sha, str) or not p.SHA256_RE.match(sha):
            raise Problem(400, "bad-sha256", "Bad request", "sha256 must be 64 hex digits")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise Problem(400, "bad-size", "Bad request", "size must be a byte count")
        if size > self.max_bundle_size:
            raise Problem(413, "too-large", "Bundle too large",
                          f"this receiver accepts bundles up to {self.max_bundle_size} bytes")
        part_size = max(self.part_size, -(-size // p.MAX_PARTS))
        state, created = self.store.create_upload(slug, key, sha, size, part_size)
        state = self.store.get_upload(state.id)
        return Response(201 if created else 200, self.upload_json(state),
                        [("Content-Type", "application/json"),
                         ("Location", f"{p.API_PREFIX}/uploads/{state.id}")])

    def upload_status(self, environ: dict[str, Any], upload_id: str) -> Response:
        return Response(200, self.upload_json(self.upload_for(environ, upload_id)))

    def put_part(self, environ: dict[str, Any], upload_id: str, n: str) -> Response:
        state = self.upload_for(environ, upload_id)
        if not p.NUMBER_RE.match(n) or int(n) >= state.parts:
            raise Problem(404, "unknown-part", "Unknown part",
                          f"parts are numbered 0 to {state.parts - 1}")
        number = int(n)
        expected = environ.get("HTTP_X_CONTENT_SHA256", "").lower()
        if not p.SHA256_RE.match(expected):
            raise Problem(400, "bad-sha256", "Bad request",
                          f"send the part's SHA-256 in {p.PART_SHA_HEADER}")
        length = _content_length(environ, required=True)
        if length > state.part_size:
            raise Problem(413, "too-large", "Part too large",
                          f"parts are at most {state.part_size} bytes")
        if state.version is not None:  # already complete: nothing to store
            return Response(200, {"n": number, "sha256": expected, "size": length})
        with request_body(environ, length) as data:
            if len(data) != length or hashlib.sha256(data).hexdigest() != expected:
                self.count("parts_rejected")
                raise Problem(422, "part-checksum-mismatch", "Part checksum mismatch",
                              f"part {number} arrived damaged; send it again")
            self.store.write_part(state, number, data, expected)
        self.count("parts_stored")
        return Response(200, {"n": number, "sha256": expected, "size": length})

    def complete(self, environ: dict[str, Any], upload_id: str) -> Response:
        self.upload_for(environ, upload_id)
        info, created = self.store.complete(upload_id, check_bundle)
        if created:
            self.count("versions_created")
        return Response(201 if created else 200, info.as_json())

    def list_versions(self, environ: dict[str, Any], slug: str) -> Response:
        self.authorize(environ, slug)
        versions = self.store.versions(slug)
        return Response(200, {"shop": slug, "active": self.store.active_number(slug),
                              "versions": [v.as_json() for v in versions]})

    def activate(self, environ: dict[str, Any], slug: str, n: str) -> Response:
        self.authorize(environ, slug)
        if not p.NUMBER_RE.match(n):
            raise Problem(404, "unknown-version", "Unknown version", "that is not a version")
        return Response(200, self.store.activate(slug, int(n)).as_json())

    def get_active(self, environ: dict[str, Any], slug: str) -> Response:
        """Public on purpose: this is what the mini-program runtime or a CDN fetches."""
        info = self.store.active(slug) if p.SLUG_RE.match(slug) else None
        if info is None:
            raise Problem(404, "no-active-version", "Nothing published",
                          f"shop {slug} has no active version")
        etag = f'"{info.sha256}"'
        headers = [("Content-Type", "application/zip"), ("ETag", etag),
                   (p.VERSION_HEADER, str(info.number)), (p.BUNDLE_SHA_HEADER, info.sha256),
                   ("Cache-Control", "no-cache")]
        if environ.get("HTTP_IF_NONE_MATCH") == etag:
            return Response(304, None, headers)
        stream = open(self.store.version_path(slug, info.number), "rb")  # noqa: SIM115
        return Response(200, None, [*headers, ("Content-Length", str(info.size))], stream)


@contextlib.contextmanager
def request_body(environ: dict[str, Any], length: int) -> Iterator[bytes | memoryview]:
    """The request body, `length` bytes. Waitress hands over a body it kept in memory
    as a BytesIO: its buffer is used in place, which saves copying every part once more
    (8 MiB of fresh memory per part); any other stream is read."""
    stream = environ["wsgi.input"]
    view = stream.getbuffer() if isinstance(stream, io.BytesIO) and stream.tell() == 0 \
        else None
    if view is not None and view.nbytes != length:
        view.release()
        view = None
    if view is None:
        yield stream.read(length)
        return
    with view:  # released before waitress closes the BytesIO
        yield view


def _content_length(environ: dict[str, Any], required: bool = False) -> int:
    raw = environ.get("CONTENT_LENGTH") or ""
    if not raw:
        if required:
            raise Problem(411, "length-required", "Length required",
                          "send a Content-Length header")
        return 0
    if not (raw.isascii() and raw.isdigit()):
        raise Problem(400, "bad-length", "Bad request", "Content-Length is not a number")
    return int(raw)
