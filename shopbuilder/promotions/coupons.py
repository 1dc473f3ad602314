"""Coupon services: add, update, delete, list, get. Validation reports every issue
with a field path; nothing is written unless all rules pass."""

from __future__ import annotations

from dataclasses import fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopbuilder.core.errors import Collector, ConflictError, NotFoundError
from shopbuilder.core.models import Coupon, Product, Shop
from shopbuilder.core.services.products import category_path, list_categories
from shopbuilder.core.services.shops import get_shop
from shopbuilder.i18n import _
from shopbuilder.promotions.keys import check_key_free, next_key
from shopbuilder.promotions.rules import KEY_PREFIX, CouponData, validate_coupon_fields

COUPON_FIELDS = tuple(f.name for f in fields(CouponData))


def coupon_data(row: Coupon) -> CouponData:
    """The editable state of a coupon (for editors, undo and the CLI)."""
    values = {f: getattr(row, f) for f in COUPON_FIELDS}
    values["scope_items"] = list(row.scope_items)
    return CouponData(**values)


def validate_coupon(session: Session, shop: Shop, data: CouponData,
                    current_key: str | None = None) -> None:
    c = Collector()
    validate_coupon_fields(c, data)
    check_key_free(c, session, shop.id, data.key, current_key)
    if data.scope in ("products", "exclude") and data.scope_items:
        known = set(session.scalars(select(Product.code).where(Product.shop_id == shop.id)))
        for i, code in enumerate(data.scope_items):
            if code not in known:
                c.add(f"scope_items[{i}]", _("no product {code!r} in this shop").format(code=code))
    elif data.scope == "categories" and data.scope_items:
        known = {category_path(cat) for cat in list_categories(session, shop.slug)}
        for i, path in enumerate(data.scope_items):
            if path not in known:
                c.add(f"scope_items[{i}]", _("no category {path!r} in this shop").format(
                    path=path))
    c.raise_if_any()


def _apply(row: Coupon, data: CouponData) -> None:
    for name in COUPON_FIELDS:
        value = getattr(data, name)
        if name == "scope_items":
            value = [s.strip() for s in value]
        elif name == "name":
            value = value.strip()
        if getattr(row, name) != value:
            setattr(row, name, value)


def create_coupon(session: Session, slug: str, data: CouponData) -> Coupon:
    shop = get_shop(session, slug)
    validate_coupon(session, shop, data)
    if data.key is None:
        data.key = next_key(session, shop.id, KEY_PREFIX["coupon"])
    row = Coupon(shop_id=shop.id)
    _apply(row, data)
    session.add(row)
    session.flush()
    return row


def update_coupon(session: Session, slug: str, key: str, data: CouponData,
                  expected_version: int | None = None) -> Coupon:
    """Replace a coupon's state; `data.key` None keeps the key."""
    shop = get_shop(session, slug)
    row = get_coupon(session, slug, key)
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(_("coupon {key!r} was changed elsewhere; reload it").format(key=key))
    if data.key is None:
        data.key = row.key
    validate_coupon(session, shop, data, current_key=row.key)
    _apply(row, data)
    session.flush()
    return row


def get_coupon(session: Session, slug: str, key: str) -> Coupon:
    shop = get_shop(session, slug)
    row = session.scalar(select(Coupon).where(Coupon.shop_id == shop.id, Coupon.key == key))
    if row is None:
        raise NotFoundError(_("no coupon {key!r} in shop {slug!r}").format(key=key, slug=slug))
    return row


def list_coupons(session: Session, slug: str) -> list[Coupon]:
    shop = get_shop(session, slug)
    return list(session.scalars(select(Coupon).where(Coupon.shop_id == shop.id)
                                .order_by(Coupon.sort_order, Coupon.id)))


def delete_coupon(session: Session, slug: str, key: str) -> None:
    session.delete(get_coupon(session, slug, key))
    session.flush()
