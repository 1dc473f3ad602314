"""Adding files to the workspace's content-addressed store."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from shopbuilder.core.assets import sniff
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.models import Asset
from shopbuilder.core.storage import workspace_of
from shopbuilder.i18n import _


def add_asset(session: Session, data: bytes, name: str = "", path: str = "file") -> Asset:
    """Store bytes once; returns the (possibly existing) asset row."""
    info = sniff(data, name, path)
    existing = session.get(Asset, info.sha256)
    workspace_of(session).assets.write(info.sha256, data)
    if existing is not None:
        return existing
    asset = Asset(sha256=info.sha256, original_name=name[:255], mime=info.mime,
                  size=info.size, width=info.width, height=info.height)
    session.add(asset)
    session.flush()
    return asset


def add_asset_file(session: Session, file: Path, path: str = "file") -> Asset:
    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        raise ValidationError(path, _("cannot read {file}: {err}").format(
            file=file, err=exc.strerror or exc)) from exc
    return add_asset(session, data, Path(file).name, path)


def require_image(session: Session, sha256: str | None, path: str) -> None:
    """An asset reference must exist and be an image."""
    if sha256 is None:
        return
    asset = session.get(Asset, sha256)
    if asset is None:
        raise ValidationError(path, _("no such file in the workspace: {sha}").format(sha=sha256))
    if asset.width is None:
        raise ValidationError(path, _("{name} is not an image").format(name=asset.original_name))
