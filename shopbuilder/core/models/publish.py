"""Publishing: where bundles go (targets, workspace-wide) and what went where (history,
per shop). Tokens are never stored here: they live in the OS keyring."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shopbuilder.core.models.base import Base, ShopOwned, Timestamped

TARGET_KINDS = ("url", "folder")
PUBLISH_ACTIONS = ("publish", "rollback")
PUBLISH_RESULTS = ("pending", "ok", "failed", "cancelled")


class PublishTarget(Timestamped, Base):
    """A receiver URL or a plain folder. Workspace-level, so every shop (and everyone
    sharing the workspace database) sees the same targets; each person's token for a
    URL target stays in their own keyring."""

    __tablename__ = "publish_targets"

    name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    url: Mapped[str] = mapped_column(String(500), default="")
    folder: Mapped[str] = mapped_column(String(1000), default="")
    # a CA bundle trusted instead of the system's certificates
    ca_bundle: Mapped[str] = mapped_column(String(1000), default="")


class PublishRecord(ShopOwned, Base):
    """One publish or rollback of a shop. `created_at` is when it started (UTC);
    `bundle_version` is the target's version number (the mixin's `version` column is
    the row's optimistic-locking counter)."""

    __tablename__ = "publish_history"
    # What was done to the shop, not what it is: a clone (a new client's shop, never
    # published) does not copy it, and recording a publish is no edit of the shop.
    __table_args__ = {"info": {"history": True}}

    target: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(16), default="publish")
    bundle_version: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str] = mapped_column(String(16), default="pending")
    message: Mapped[str] = mapped_column(String(500), default="")
    # Follows from shop, target and bundle SHA-256 (service.idempotency_key): the same
    # bytes to the same target always reach the same upload, resumed or already done.
    idempotency_key: Mapped[str] = mapped_column(String(128), default="")
    finished_at: Mapped[datetime | None] = mapped_column()
