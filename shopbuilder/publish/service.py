"""Publish a shop's bundle to a target, roll a target back, and keep the history.

The history row is committed as "pending" before anything is sent, with the upload's
idempotency key, which follows from the shop, the target and the bundle's SHA-256: if
the app crashes or the network gives up, publishing the same bundle to the same target
again resumes the upload, and publishing bytes the target already holds returns that
version (activated again) rather than a duplicate.
No database session is held open while bytes travel.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopbuilder.core.errors import Issue, NotFoundError, ShopBuilderError, ValidationError
from shopbuilder.core.models import PublishRecord, PublishTarget
from shopbuilder.core.services.shops import get_shop
from shopbuilder.core.storage import Workspace
from shopbuilder.core.timeutil import to_local, utcnow
from shopbuilder.i18n import _
from shopbuilder.publish import protocol as p
from shopbuilder.publish.client import CancelCallback, ProgressCallback, PublishCancelled
from shopbuilder.publish.diffing import dry_run_diff
from shopbuilder.publish.endpoints import Endpoint, open_endpoint
from shopbuilder.publish.hashing import FileDigest, digest_file, sha256_file
from shopbuilder.publish.targets import (
    add_target,
    get_target,
    list_targets,
    remove_target,
    target_json,
)
from shopbuilder.publish.tokens import delete_token, load_token, store_token

TokenLoader = Callable[[str, str], str]


@dataclass(frozen=True)
class TargetInfo:
    """A target row as plain data, safe to use after its session closed."""

    name: str
    kind: str
    url: str
    folder: str
    ca_bundle: str


def _target(workspace: Workspace, slug: str, name: str) -> TargetInfo:
    with workspace.session() as s:
        get_shop(s, slug)
        t = get_target(s, name)
        return TargetInfo(t.name, t.kind, t.url, t.folder, t.ca_bundle)


def save_target(workspace: Workspace, name: str, *, url: str | None = None,
                folder: str | None = None, ca_bundle: str | None = None,
                token: str | Callable[[], str] | None = None) -> dict[str, str]:
    """Add a target or change the one with that name; a receiver's token goes to the
    OS keyring, never the database. `token` may be a callable, asked only once the rest
    is valid (the CLI prompts then). Nothing is saved unless everything is: a missing
    or refused token rolls the row back. A token kept for the target's old address is
    deleted (it is of no use any more)."""
    with workspace.session() as s:
        try:
            old = get_target(s, name)
            old_url = old.url if old.kind == "url" else ""
        except NotFoundError:
            old_url = ""
        target = add_target(s, name, url=url, folder=folder, ca_bundle=ca_bundle)
        if target.kind == "url":
            secret = token() if callable(token) else token
            if not secret or not secret.strip():
                raise ValidationError("token", _("no token given; the target was not added"))
            store_token(target.name, target.url, secret)  # a failure rolls the row back
        data = target_json(target)
    if old_url and old_url != data["url"]:
        delete_token(name, old_url)
    return data


def delete_target(workspace: Workspace, name: str) -> None:
    """Remove the target and the token kept for it; its history rows stay."""
    with workspace.session() as s:
        target = get_target(s, name)
        url, kind = target.url, target.kind
        remove_target(s, name)
    if kind == "url":
        delete_token(name, url)


def targets(workspace: Workspace) -> list[dict[str, str]]:
    with workspace.session() as s:
        return [target_json(t) for t in list_targets(s)]


def connect(target: TargetInfo, token_loader: TokenLoader = load_token,
            **client_options: Any) -> Endpoint:
    token = token_loader(target.name, target.url) if target.kind == "url" else None
    row = PublishTarget(name=target.name, kind=target.kind, url=target.url,
                        folder=target.folder, ca_bundle=target.ca_bundle)
    return open_endpoint(row, token, **client_options)


def export_for_publish(workspace: Workspace, slug: str, out: Path) -> Path:
    """Export the shop's current state; lint errors stop the publish."""
    from shopbuilder.bundle.export import export_bundle

    result = export_bundle(workspace, slug, out)
    if not result.written:
        errors = [f for f in result.findings if f.severity == "error"]
        raise ValidationError([
            *(Issue(f.location, f.message) for f in errors),
            Issue("", _("fix these (see 'shopbuilder lint {slug}') before publishing")
                   .format(slug=slug))])
    return out


def publish(workspace: Workspace, slug: str, target_name: str, bundle: Path | None = None,
            *, dry_run: bool = False, progress: ProgressCallback | None = None,
            cancel: CancelCallback | None = None, token_loader: TokenLoader = load_token,
            **client_options: Any) -> dict[str, Any]:
    """Upload the bundle (exported now unless given) and make it the active version."""
    target = _target(workspace, slug, target_name)
    with tempfile.TemporaryDirectory(prefix="shopbuilder-publish-") as tmp:
        if bundle is None:
            bundle = export_for_publish(workspace, slug, Path(tmp) / f"{slug}.zip")
        elif not Path(bundle).is_file():
            raise ValidationError("bundle", _("no bundle file at {path}").format(path=bundle))
        bundle = Path(bundle)
        digest = digest_file(bundle, p.DEFAULT_PART_SIZE)
        sha, size = digest.sha256, digest.size
        endpoint = connect(target, token_loader, **client_options)
        try:
            if dry_run:
                return _dry_run(endpoint, slug, target, bundle, sha, size, Path(tmp))
            return _publish(workspace, endpoint, slug, target, bundle, digest,
                            progress, cancel)
        finally:
            endpoint.close()


def _dry_run(endpoint: Endpoint, slug: str, target: TargetInfo, bundle: Path, sha: str,
             size: int, tmp: Path) -> dict[str, Any]:
    active = tmp / "active.zip"
    version = endpoint.fetch_active(slug, active)
    diff, text = dry_run_diff(active if version is not None else None, version, bundle)
    return {"shop": slug, "target": target.name, "dry_run": True, "sha256": sha, "size": size,
            "active_version": version,
            "same_as_active": version is not None and sha256_file(active) == sha,
            "diff": diff, "diff_text": text}


def idempotency_key(slug: str, target: str, sha: str) -> str:
    """The upload key for these bytes of this shop on this target: always the same, so
    a retry after a crash resumes the earlier upload, two publishes started at once
    (a double click, two windows) share one upload, and publishing bytes the target
    already holds gives back that version instead of a duplicate."""
    tag = hashlib.sha256(f"{slug}\n{target}\n{sha}".encode()).hexdigest()[:32]
    return f"{sha[:16]}-{tag}"


def _finish(workspace: Workspace, record_id: int, result: str, message: str = "",
            version: int | None = None) -> None:
    with workspace.session() as s:
        record = s.get(PublishRecord, record_id)
        assert record is not None
        record.result, record.message = result, message[:500]
        record.finished_at = utcnow()
        if version is not None:
            record.bundle_version = version


def _publish(workspace: Workspace, endpoint: Endpoint, slug: str, target: TargetInfo,
             bundle: Path, digest: FileDigest, progress: ProgressCallback | None,
             cancel: CancelCallback | None) -> dict[str, Any]:
    sha, size = digest.sha256, digest.size
    with workspace.session() as s:
        shop = get_shop(s, slug)
        key = idempotency_key(slug, target.name, sha)
        record = PublishRecord(shop_id=shop.id, target=target.name, action="publish",
                               sha256=sha, size=size, result="pending", idempotency_key=key)
        s.add(record)
        s.flush()
        record_id = record.id
    try:
        uploaded = endpoint.upload(slug, bundle, sha, key, progress=progress, cancel=cancel,
                                   digest=digest)
        endpoint.activate(slug, uploaded.version)
    except PublishCancelled as exc:
        _finish(workspace, record_id, "cancelled", exc.message)
        raise
    except KeyboardInterrupt:
        _finish(workspace, record_id, "cancelled", _("interrupted"))
        raise
    except ShopBuilderError as exc:
        _finish(workspace, record_id, "failed", exc.message)
        raise
    except BaseException as exc:
        _finish(workspace, record_id, "failed", _("internal error: {kind}").format(
            kind=type(exc).__name__))
        raise
    _finish(workspace, record_id, "ok", version=uploaded.version)
    return {"shop": slug, "target": target.name, "dry_run": False,
            "version": uploaded.version, "active": True, "sha256": sha, "size": size,
            "parts_sent": uploaded.parts_sent, "parts_skipped": uploaded.parts_skipped,
            "bytes_sent": uploaded.bytes_sent, "new_version": uploaded.created}


def rollback(workspace: Workspace, slug: str, target_name: str, to: int, *,
             token_loader: TokenLoader = load_token, **client_options: Any) -> dict[str, Any]:
    """Make version `to` the target's active version again."""
    target = _target(workspace, slug, target_name)
    endpoint = connect(target, token_loader, **client_options)
    with workspace.session() as s:
        record = PublishRecord(shop_id=get_shop(s, slug).id, target=target.name,
                               action="rollback", bundle_version=to, result="pending")
        s.add(record)
        s.flush()
        record_id = record.id
    try:
        versions = {int(v["version"]): v for v in endpoint.versions(slug)}
        if to not in versions:
            raise ValidationError("to", _("target {target} has no version {n} of shop {slug} "
                                          "(it has: {have})").format(
                target=target.name, n=to, slug=slug,
                have=", ".join(map(str, sorted(versions))) or _("none")))
        endpoint.activate(slug, to)
    except ShopBuilderError as exc:
        _finish(workspace, record_id, "failed", exc.message)
        raise
    finally:
        endpoint.close()
    with workspace.session() as s:
        record = s.get(PublishRecord, record_id)
        assert record is not None
        record.sha256 = str(versions[to].get("sha256", ""))
        record.size = int(versions[to].get("size", 0))
    _finish(workspace, record_id, "ok", version=to)
    return {"shop": slug, "target": target.name, "active_version": to,
            "sha256": versions[to].get("sha256", "")}


def history(session: Session, slug: str) -> list[dict[str, Any]]:
    """The shop's publishes and rollbacks, newest first; times in the shop's zone."""
    shop = get_shop(session, slug)
    rows = session.scalars(select(PublishRecord).where(PublishRecord.shop_id == shop.id)
                           .order_by(PublishRecord.id.desc()))
    return [{"version": r.bundle_version, "time": r.created_at.isoformat(),
             "local_time": to_local(r.created_at, shop.time_zone).isoformat(timespec="seconds"),
             "target": r.target, "action": r.action, "sha256": r.sha256, "size": r.size,
             "result": r.result, "message": r.message} for r in rows]
