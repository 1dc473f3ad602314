"""`promotions/*.json`: coupons and campaigns in the bundle, and back.

Fields are picked explicitly (not dumped from the dataclasses) so the format changes
only when this file and the schemas do. Bargains carry their published cut plan.
Times are UTC ISO 8601 with a ``Z``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from shopbuilder.bundle import format as fmt

COUPON_FIELDS = (
    "key", "name", "kind", "value", "threshold", "cap", "scope", "scope_items",
    "claim_starts_at", "claim_ends_at", "use_mode", "use_starts_at", "use_ends_at",
    "use_days", "total", "per_user", "per_user_per_day", "obtain", "redeem_code",
    "stack_coupons", "stack_campaigns", "loss_leader", "sort_order")
COMMON = ("key", "title", "starts_at", "ends_at", "loss_leader", "allow_overlap", "sort_order")
GROUP_BUY_FIELDS = (*COMMON, "product_code", "sku_prices", "leader_prices", "sku_stock",
                    "group_size", "fill_hours", "per_user_limit", "per_order_limit",
                    "new_users_only", "auto_complete", "auto_complete_pct")
BARGAIN_FIELDS = (*COMMON, "sku_code", "floor_price", "start_price", "helpers", "stock",
                  "finish_hours", "starts_per_user", "helps_per_user", "pay_condition", "seed")
FLASH_FIELDS = (*COMMON, "product_code", "sku_prices", "sku_stock", "slots", "per_user_limit")
TIME_FIELDS = {"claim_starts_at", "claim_ends_at", "use_starts_at", "use_ends_at",
               "starts_at", "ends_at"}


def available() -> bool:
    try:
        import shopbuilder.promotions.campaigns
        import shopbuilder.promotions.coupons
        import shopbuilder.promotions.cutplan  # noqa: F401
    except ImportError:
        return False
    return True


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _pick(data: Any, names: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(data, name)
        if name in TIME_FIELDS:
            value = _time(value)
        elif isinstance(value, dict):
            value = {str(k): v for k, v in sorted(value.items())}
        elif isinstance(value, (list, tuple)):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        out[name] = value
    return out


PROMOTION_DOCS = ((fmt.COUPONS, "coupons"), (fmt.GROUP_BUYS, "group_buys"),
                  (fmt.BARGAINS, "bargains"), (fmt.FLASH_SALES, "flash_sales"))


def build_promotions(promos: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The four promotions documents by bundle file name."""
    return {name: {key: promos.get(key, [])} for name, key in PROMOTION_DOCS}


def load_promotions(session: Session, slug: str) -> dict[str, list[dict[str, Any]]]:
    """Plain dicts for the four promotions files (empty lists if promotions are absent)."""
    out: dict[str, list[dict[str, Any]]] = {
        "coupons": [], "group_buys": [], "bargains": [], "flash_sales": []}
    if not available():
        return out
    from shopbuilder.promotions.campaigns import campaign_data, campaign_rows
    from shopbuilder.promotions.coupons import coupon_data, list_coupons
    from shopbuilder.promotions.cutplan import cut_plan

    out["coupons"] = [_pick(coupon_data(c), COUPON_FIELDS) for c in list_coupons(session, slug)]
    for row in campaign_rows(session, slug):
        data = campaign_data(row)
        if row.kind == "group_buy":
            out["group_buys"].append(_pick(data, GROUP_BUY_FIELDS))
        elif row.kind == "bargain":
            doc = _pick(data, BARGAIN_FIELDS)
            doc["product_code"] = row.product.code
            start = doc["start_price"]
            try:
                doc["cut_plan"] = cut_plan(start, doc["floor_price"], doc["helpers"], doc["seed"])
            except Exception:  # an impossible plan is reported by lint, not here
                doc["cut_plan"] = []
            out["bargains"].append(doc)
        elif row.kind == "flash_sale":
            out["flash_sales"].append(_pick(data, FLASH_FIELDS))
    return out


def _parse_times(doc: dict[str, Any]) -> dict[str, Any]:
    out = dict(doc)
    for name in TIME_FIELDS & set(out):
        if out[name] is not None:
            out[name] = datetime.fromisoformat(out[name]).astimezone(UTC)
    return out


def import_promotions(session: Session, slug: str, docs: dict[str, Any]) -> None:
    """Recreate coupons and campaigns through the promotions services."""
    from shopbuilder.core.errors import ShopBuilderError, ValidationError

    items = [docs.get(n, {}).get(k, []) for n, k in PROMOTION_DOCS]
    if not any(items):
        return
    if not available():
        raise ShopBuilderError("this bundle has promotions, which this version cannot import")
    from shopbuilder.promotions.campaigns import add_campaign
    from shopbuilder.promotions.coupons import create_coupon
    from shopbuilder.promotions.rules import (
        BargainData,
        CouponData,
        FlashSaleData,
        GroupBuyData,
    )

    coupons, group_buys, bargains, flash_sales = items
    for label, rows, cls, fields in (
            ("coupons", coupons, CouponData, COUPON_FIELDS),
            ("group_buys", group_buys, GroupBuyData, GROUP_BUY_FIELDS),
            ("bargains", bargains, BargainData, BARGAIN_FIELDS),
            ("flash_sales", flash_sales, FlashSaleData, FLASH_FIELDS)):
        for i, doc in enumerate(rows):
            values = _parse_times({k: doc[k] for k in fields if k in doc})
            if "slots" in values:
                values["slots"] = [tuple(s) for s in values["slots"]]
            try:
                if cls is CouponData:
                    create_coupon(session, slug, cls(**values))
                else:
                    add_campaign(session, slug, cls(**values))
            except ValidationError as exc:
                raise exc.prefixed(f"{label}[{i}]") from exc
