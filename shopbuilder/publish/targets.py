"""Publish targets: a receiver URL (token in the keyring) or a plain folder.

Targets are workspace-level rows (`publish_targets`) rather than settings-file
entries: the history rows name them, a workspace shared by a team (PostgreSQL)
shares them while each person keeps their own token, and a test or second workspace
never sees another's targets.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopbuilder.core.errors import Collector, NotFoundError
from shopbuilder.core.models import PublishTarget
from shopbuilder.i18n import _

TARGET_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}\Z")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(c: Collector, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        c.add("url", _("{url!r} is not an http(s) address").format(url=url))
    elif parts.scheme == "http" and not is_loopback(parts.hostname):
        c.add("url", _("use https:// so the token is never sent in the clear "
                       "(plain http is allowed only for localhost)"))
    elif parts.username or parts.password or parts.query or parts.fragment:
        c.add("url", _("the address must not carry credentials, a query or a fragment"))


def add_target(session: Session, name: str, *, url: str | None = None,
               folder: str | None = None, ca_bundle: str | None = None) -> PublishTarget:
    """Add a target, or change the one with that name."""
    c = Collector()
    if not TARGET_NAME_RE.match(name or ""):
        c.add("name", _("a target name is 1–40 letters, digits, '.', '_' or '-'"))
    if (url is None) == (folder is None):
        c.add("url", _("give either --url or --folder"))
    if url is not None:
        check_url(c, url)
    if folder is not None and not folder.strip():
        c.add("folder", _("give the folder to publish to"))
    if ca_bundle and not Path(ca_bundle).is_file():
        c.add("ca_bundle", _("no CA bundle file at {path}").format(path=ca_bundle))
    c.raise_if_any()
    target = session.scalar(select(PublishTarget).where(PublishTarget.name == name))
    if target is None:
        target = PublishTarget(name=name)
        session.add(target)
    target.kind = "url" if url is not None else "folder"
    target.url = (url or "").rstrip("/")
    # A relative folder is taken from the current one and stored absolute, so publishing
    # from anywhere else reaches the same place.
    target.folder = str(Path(folder).resolve()) if folder is not None else ""
    target.ca_bundle = str(Path(ca_bundle).resolve()) if ca_bundle else ""
    session.flush()
    return target


def get_target(session: Session, name: str) -> PublishTarget:
    target = session.scalar(select(PublishTarget).where(PublishTarget.name == name))
    if target is None:
        raise NotFoundError(_("no publish target named {name!r} (add one with "
                              "'shopbuilder target add')").format(name=name))
    return target


def list_targets(session: Session) -> list[PublishTarget]:
    return list(session.scalars(select(PublishTarget).order_by(PublishTarget.name)))


def remove_target(session: Session, name: str) -> None:
    session.delete(get_target(session, name))


def target_json(target: PublishTarget) -> dict[str, str]:
    return {"name": target.name, "kind": target.kind, "url": target.url,
            "folder": target.folder, "ca_bundle": target.ca_bundle}
