"""Short keys shared by coupons and campaigns (one namespace per shop), so a page
component, a poster QR scene or the bundle can name a promotion in ≤ 8 characters."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopbuilder.core.errors import Collector
from shopbuilder.core.models import Campaign, Coupon
from shopbuilder.i18n import _


def taken_keys(session: Session, shop_id: int) -> set[str]:
    keys = set(session.scalars(select(Coupon.key).where(Coupon.shop_id == shop_id)))
    keys.update(session.scalars(select(Campaign.key).where(Campaign.shop_id == shop_id)))
    return keys


def next_key(session: Session, shop_id: int, prefix: str) -> str:
    """The first free ``prefix1``, ``prefix2`` …"""
    taken = taken_keys(session, shop_id)
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def check_key_free(c: Collector, session: Session, shop_id: int, key: str | None,
                   current: str | None = None) -> None:
    if key is None or key == current:
        return
    if key in taken_keys(session, shop_id):
        c.add("key", _("key {key!r} is used by another coupon or campaign").format(key=key))
