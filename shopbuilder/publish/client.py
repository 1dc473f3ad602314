"""The publish protocol's client: resumable, idempotent, retrying, cancellable.

Transport failures (connection cut, timeout, 429, 5xx) are retried by urllib3 with
exponential backoff; a part the receiver found damaged is read again and re-sent; an
upload started earlier with the same idempotency key resumes from the receiver's
part list, so no completed part is sent twice. Tokens go only into the
Authorization header, never into a log line or an exception message.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies
from urllib3.util.retry import Retry

from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.i18n import _
from shopbuilder.publish import protocol as p
from shopbuilder.publish.hashing import FileDigest, digest_file, part_view
from shopbuilder.publish.protocol import Problem

log = logging.getLogger("shopbuilder.publish.client")

ProgressCallback = Callable[[int, int], None]  # (bytes done, bytes total)
CancelCallback = Callable[[], bool]  # True → stop between parts
RETRY_STATUSES = (429, 500, 502, 503, 504)
PART_RESENDS = 3
# Parts on the wire at once: with three, one is always travelling while the receiver
# hashes, writes and fsyncs the others (two left the line idle; see bench_publish.py).
PARTS_IN_FLIGHT = 3


class PublishError(ShopBuilderError):
    """The receiver said no (its problem detail is the message) or could not be reached."""

    def __init__(self, message: str, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem

    @property
    def status(self) -> int | None:
        return self.problem.status if self.problem else None


class AuthError(PublishError):
    """401/403: the token is wrong, missing or not allowed for this shop."""


class PublishCancelled(ShopBuilderError):
    """The user cancelled; the upload can be resumed later with the same key."""


@dataclass(frozen=True)
class UploadResult:
    upload_id: str
    version: int
    sha256: str
    size: int
    parts: int
    parts_sent: int
    parts_skipped: int
    bytes_sent: int
    created: bool  # False when the receiver already had this upload completed

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def make_session(*, retries: int = 5, backoff: float = 0.5, ca_bundle: str | None = None,
                 pool: int = 4) -> requests.Session:
    """A Session that retries every idempotent call of the protocol (all of them are:
    POSTs carry an Idempotency-Key or are idempotent by design)."""
    retry = Retry(total=retries, connect=retries, read=retries, status=retries, other=retries,
                  backoff_factor=backoff, backoff_max=10.0, status_forcelist=RETRY_STATUSES,
                  allowed_methods=frozenset({"GET", "HEAD", "PUT", "POST"}),
                  respect_retry_after_header=True, raise_on_status=False)
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_connections=pool, pool_maxsize=pool)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # TLS verification stays on. A target's CA bundle is trusted *instead of* the system's
    # certificates (requests' verify=path), so it must hold every CA the receiver needs.
    session.verify = ca_bundle or True
    # trust_env would let a ~/.netrc entry replace our Authorization header; proxies are
    # chosen per receiver instead (see `receiver_proxies`).
    session.trust_env = False
    return session


def receiver_proxies(base_url: str) -> dict[str, str]:
    """The proxies the environment / system settings give for `base_url`, or none when
    no_proxy (or the system's bypass list) excludes its host: a proxy the user left out
    must never see the token."""
    return get_environ_proxies(base_url)


class _Tally:
    """Parts and bytes sent, reported to the progress callback one at a time."""

    def __init__(self, progress: ProgressCallback | None, total: int, done: int) -> None:
        self.progress, self.total, self.done = progress, total, done
        self.parts = self.bytes = 0
        self._lock = threading.Lock()

    def add(self, length: int) -> None:
        """One more part of `length` bytes sent."""
        with self._lock:
            self.parts += 1
            self.bytes += length
            self.done += length
            if self.progress is not None:
                self.progress(self.done, self.total)

    def finish(self) -> None:
        """Nothing to send (the receiver already had it all)."""
        with self._lock:
            if self.progress is not None:
                self.progress(self.total, self.total)


class PublishClient:
    def __init__(self, base_url: str, token: str, *, ca_bundle: str | None = None,
                 timeout: tuple[float, float] = (10.0, 120.0), retries: int = 5,
                 backoff: float = 0.5, workers: int = PARTS_IN_FLIGHT,
                 session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.workers = workers
        self.timeout = timeout
        self.session = session or make_session(retries=retries, backoff=backoff,
                                               ca_bundle=ca_bundle, pool=workers + 2)
        self._auth = {"Authorization": f"Bearer {token}"}
        self._proxies = receiver_proxies(self.base_url)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> PublishClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:  # never show the token
        return f"PublishClient({self.base_url!r})"

    # ------------------------------------------------------------ raw calls

    def _request(self, method: str, path: str, *, headers: dict[str, str] | None = None,
                 auth: bool = True, **kwargs: Any) -> requests.Response:
        url = f"{self.base_url}{p.API_PREFIX}{path}"
        all_headers = {**(self._auth if auth else {}), **(headers or {})}
        try:
            response = self.session.request(method, url, headers=all_headers,
                                            timeout=self.timeout, proxies=self._proxies,
                                            **kwargs)
        except requests.exceptions.SSLError as exc:
            raise PublishError(_("TLS check failed for {url}: the server's certificate is "
                                 "not trusted (set the target's CA bundle)").format(
                                     url=self.base_url)) from exc
        except requests.RequestException as exc:
            raise PublishError(_("cannot reach {url}: {error}").format(
                url=self.base_url, error=type(exc).__name__)) from exc
        log.debug("%s %s -> %d", method, path, response.status_code)
        if response.status_code >= 400:
            raise self._problem(response)
        return response

    @staticmethod
    def _problem(response: requests.Response) -> PublishError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and "title" in body:
            problem = Problem.from_json(response.status_code, body)
        else:
            problem = Problem(response.status_code, "http", f"HTTP {response.status_code}",
                              response.text[:200])
        cls = AuthError if response.status_code in (401, 403) else PublishError
        return cls(str(problem), problem)

    def start_upload(self, slug: str, sha256: str, size: int, key: str) -> dict[str, Any]:
        return self._request("POST", f"/shops/{slug}/uploads", json={"sha256": sha256,
                             "size": size}, headers={p.IDEMPOTENCY_HEADER: key}).json()

    def upload_status(self, upload_id: str) -> dict[str, Any]:
        return self._request("GET", f"/uploads/{upload_id}").json()

    def put_part(self, upload_id: str, n: int, data: bytes | memoryview,
                 sha256: str | None = None) -> None:
        """Send part n; `sha256` is its hash when already known (else computed here)."""
        self._request("PUT", f"/uploads/{upload_id}/parts/{n}", data=data, headers={
            p.PART_SHA_HEADER: sha256 or hashlib.sha256(data).hexdigest(),
            "Content-Type": "application/octet-stream"})

    def complete(self, upload_id: str) -> tuple[dict[str, Any], bool]:
        response = self._request("POST", f"/uploads/{upload_id}/complete")
        return response.json(), response.status_code == 201

    def versions(self, slug: str) -> dict[str, Any]:
        return self._request("GET", f"/shops/{slug}/versions").json()

    def activate(self, slug: str, version: int) -> dict[str, Any]:
        return self._request("POST", f"/shops/{slug}/versions/{version}/activate").json()

    def download_active(self, slug: str, dest: Path) -> int | None:
        """Fetch the active bundle into `dest`; its version, or None if none is active."""
        try:
            response = self._request("GET", f"/shops/{slug}/active", stream=True, auth=False)
        except PublishError as exc:
            if exc.status == 404:
                return None
            raise
        tmp = dest.with_name(f".{dest.name}.part")
        digest = hashlib.sha256()
        with response, open(tmp, "wb") as fh:
            for chunk in response.iter_content(1 << 20):
                digest.update(chunk)
                fh.write(chunk)
        if digest.hexdigest() != response.headers.get(p.BUNDLE_SHA_HEADER, digest.hexdigest()):
            tmp.unlink()
            raise PublishError(_("the active bundle arrived damaged; try again"))
        os.replace(tmp, dest)
        return int(response.headers[p.VERSION_HEADER])

    # ------------------------------------------------------------ the whole upload

    def upload_bundle(self, slug: str, path: Path, *, key: str, sha256: str | None = None,
                      digest: FileDigest | None = None,
                      progress: ProgressCallback | None = None,
                      cancel: CancelCallback | None = None) -> UploadResult:
        """Upload `path` as a new version of `slug` (resuming the upload for `key` if
        the receiver holds part of it) and return that version (not yet active).

        `digest` (see `digest_file`) saves hashing the file again; without it and
        without `sha256` the file is digested here. `progress` is called from the
        sending threads (one at a time, bytes done never decreasing); `cancel` is asked
        before each part."""
        path = Path(path)
        size = path.stat().st_size
        if digest is None and sha256 is None:
            digest = digest_file(path, p.DEFAULT_PART_SIZE)
        if digest is not None:
            if sha256 not in (None, digest.sha256) or digest.size != size:
                raise PublishError(_("{path} changed since it was hashed; publish again")
                                   .format(path=path.name))
            sha256 = digest.sha256
        assert sha256 is not None
        upload = self.start_upload(slug, sha256, size, key)
        upload_id, part_size = upload["upload_id"], int(upload["part_size"])
        missing = list(upload["missing"])
        outcome: tuple[dict[str, Any], bool] | list[int] = missing
        tally = _Tally(progress, size, done=sum(
            p.part_range(n, size, part_size)[1] for n in range(upload["parts"])
            if n not in missing))
        skipped = 0
        if upload.get("version") is None:
            skipped = upload["parts"] - len(missing)
            for _attempt in range(PART_RESENDS):
                self._send_parts(path, upload_id, missing, size, part_size, tally, cancel,
                                 digest)
                outcome = self._try_complete(upload_id)
                if not isinstance(outcome, list):
                    break
                missing = outcome
            if isinstance(outcome, list):
                raise PublishError(_("the receiver keeps rejecting the bundle's "
                                     "checksum; is the file changing while it uploads?"))
        else:
            outcome = self.complete(upload_id)
            tally.finish()
        info, created = outcome
        return UploadResult(upload_id, int(info["version"]), sha256, size, upload["parts"],
                            tally.parts, skipped, tally.bytes, created)

    def _send_parts(self, path: Path, upload_id: str, parts: list[int], size: int,
                    part_size: int, tally: _Tally, cancel: CancelCallback | None,
                    digest: FileDigest | None = None) -> None:
        """Send `parts`, `self.workers` at a time, so the receiver stores (hashes,
        writes, fsyncs) one part while the next is on the wire."""
        stop = threading.Event()

        def send(n: int) -> None:
            if stop.is_set():
                return
            if cancel is not None and cancel():
                stop.set()
                raise PublishCancelled(_("upload cancelled; publishing again resumes "
                                         "where it stopped"))
            known = digest.part(n, part_size) if digest is not None else None
            tally.add(self._send_part(path, upload_id, n, size, part_size, known))

        if self.workers <= 1:
            for n in parts:
                send(n)
            return
        with ThreadPoolExecutor(self.workers, thread_name_prefix="publish") as pool:
            futures = [pool.submit(send, n) for n in parts]
            try:
                for future in as_completed(futures):
                    future.result()
            except BaseException:
                stop.set()
                for future in futures:
                    future.cancel()
                raise

    def _send_part(self, path: Path, upload_id: str, n: int, size: int, part_size: int,
                   sha256: str | None) -> int:
        """Send part n straight from the file's pages (memory-mapped: no copy of it is
        made in this process) and return its length."""
        offset, length = p.part_range(n, size, part_size)
        for attempt in range(1, PART_RESENDS + 1):
            try:
                data = part_view(path, offset, length)
            except (OSError, ValueError) as exc:  # ValueError: the file is shorter now
                raise PublishError(_("{path} changed since it was hashed; publish again")
                                   .format(path=path.name)) from exc
            try:
                # A re-send hashes what it read: the file may have been damaged on disk.
                self.put_part(upload_id, n, data, sha256 if attempt == 1 else None)
                return length
            except PublishError as exc:
                damaged = exc.problem is not None and exc.problem.kind == "part-checksum-mismatch"
                if not damaged or attempt == PART_RESENDS:
                    raise
                log.info("part %d arrived damaged; sending it again", n)
        raise AssertionError("unreachable")

    def _try_complete(self, upload_id: str) -> tuple[dict[str, Any], bool] | list[int]:
        """(version info, created), or the parts the receiver still needs."""
        try:
            return self.complete(upload_id)
        except PublishError as exc:
            problem = exc.problem
            if problem is not None and problem.kind in ("upload-incomplete", "checksum-mismatch"):
                return [int(n) for n in problem.extra.get("missing_parts", [])]
            raise
