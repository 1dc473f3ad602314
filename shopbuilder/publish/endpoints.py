"""One interface over both kinds of target: a receiver (over the protocol) and a folder
(the same on-disk layout as the receiver, written directly with atomic renames)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.core.models import PublishTarget
from shopbuilder.i18n import _
from shopbuilder.publish.client import CancelCallback, ProgressCallback, PublishClient
from shopbuilder.publish.hashing import FileDigest
from shopbuilder.publish.protocol import Problem
from shopbuilder.publish.storage import Store, copy_atomic
from shopbuilder.publish.validation import check_bundle


@dataclass(frozen=True)
class Uploaded:
    version: int
    parts_sent: int = 0
    parts_skipped: int = 0
    bytes_sent: int = 0
    created: bool = True


class Endpoint(Protocol):
    def upload(self, slug: str, path: Path, sha256: str, key: str, *,
               progress: ProgressCallback | None = None,
               cancel: CancelCallback | None = None,
               digest: FileDigest | None = None) -> Uploaded: ...

    def activate(self, slug: str, version: int) -> None: ...

    def versions(self, slug: str) -> list[dict[str, Any]]: ...

    def fetch_active(self, slug: str, dest: Path) -> int | None: ...

    def close(self) -> None: ...


class RemoteEndpoint:
    def __init__(self, client: PublishClient) -> None:
        self.client = client

    def upload(self, slug: str, path: Path, sha256: str, key: str, *,
               progress: ProgressCallback | None = None,
               cancel: CancelCallback | None = None,
               digest: FileDigest | None = None) -> Uploaded:
        r = self.client.upload_bundle(slug, path, key=key, sha256=sha256, digest=digest,
                                      progress=progress, cancel=cancel)
        return Uploaded(r.version, r.parts_sent, r.parts_skipped, r.bytes_sent, r.created)

    def activate(self, slug: str, version: int) -> None:
        self.client.activate(slug, version)

    def versions(self, slug: str) -> list[dict[str, Any]]:
        return list(self.client.versions(slug)["versions"])

    def fetch_active(self, slug: str, dest: Path) -> int | None:
        return self.client.download_active(slug, dest)

    def close(self) -> None:
        self.client.close()


class FolderEndpoint:
    """A folder an agency syncs or serves statically. Besides the versions, the active
    bundle is copied to ``shops/<slug>/active.zip`` so a plain web server can serve it."""

    def __init__(self, folder: Path) -> None:
        try:
            self.store = Store(folder)
        except OSError as exc:
            raise ShopBuilderError(_("cannot create the target folder {path}: {error}").format(
                path=folder, error=exc.strerror or exc)) from exc

    def upload(self, slug: str, path: Path, sha256: str, key: str, *,
               progress: ProgressCallback | None = None,
               cancel: CancelCallback | None = None,
               digest: FileDigest | None = None) -> Uploaded:
        findings = [f for f in check_bundle(path, slug) if f.severity == "error"]
        if findings:
            raise ShopBuilderError(_("the bundle is invalid: {details}").format(
                details="; ".join(f"{f.location}: {f.message}" for f in findings)))
        size = path.stat().st_size
        try:
            # One writer per key, across processes: two runs publishing the same bundle
            # at once must make one version, as the receiver's idempotency key does.
            with self.store.exclusive(f"{slug}\n{key}"):
                for info in self.store.versions(slug):  # same key → same version
                    if info.upload_id == key:
                        return Uploaded(info.number, created=False)
                info = self.store.add_version(slug, path, sha256, size, upload_id=key)
        except OSError as exc:
            raise ShopBuilderError(_("cannot write to {path}: {error}").format(
                path=self.store.root, error=exc.strerror or exc)) from exc
        if progress is not None:
            progress(size, size)
        return Uploaded(info.number, bytes_sent=size)

    def activate(self, slug: str, version: int) -> None:
        # active.zip first (copied atomically), then active.json: active.json is the
        # commit point, so it never names a version active.zip does not hold yet. A
        # failure in between leaves the old version recorded; activating again repairs it.
        try:
            self.store.version(slug, version)
        except Problem as problem:
            raise ShopBuilderError(str(problem)) from problem
        active_zip = self.store.root / "shops" / slug / "active.zip"
        try:
            copy_atomic(self.store.version_path(slug, version), active_zip)
        except OSError as exc:
            raise ShopBuilderError(_("cannot write {path}: {error}").format(
                path=active_zip, error=exc.strerror or exc)) from exc
        try:
            self.store.activate(slug, version)
        except Problem as problem:
            raise ShopBuilderError(str(problem)) from problem
        except OSError as exc:
            raise ShopBuilderError(_("cannot write {path}: {error}").format(
                path=active_zip.with_name("active.json"), error=exc.strerror or exc)) from exc

    def versions(self, slug: str) -> list[dict[str, Any]]:
        return [v.as_json() for v in self.store.versions(slug)]

    def fetch_active(self, slug: str, dest: Path) -> int | None:
        info = self.store.active(slug)
        if info is None:
            return None
        copy_atomic(self.store.version_path(slug, info.number), dest)
        return info.number

    def close(self) -> None:
        pass


def open_endpoint(target: PublishTarget, token: str | None = None, **client_options: Any
                  ) -> Endpoint:
    """The endpoint for a target row; URL targets need their token."""
    if target.kind == "folder":
        return FolderEndpoint(Path(target.folder))
    if not token:
        raise ShopBuilderError(_("target {name} needs a token").format(name=target.name))
    client = PublishClient(target.url, token, ca_bundle=target.ca_bundle or None,
                           **client_options)
    return RemoteEndpoint(client)
