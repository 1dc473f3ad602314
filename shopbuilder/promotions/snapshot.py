"""A shop's prices and promotions as plain frozen data, loaded in three queries.

The quote engine and the margin guard work on this snapshot (never on live ORM
rows), which keeps them fast, pure and easy to test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shopbuilder.core.models import Campaign, Coupon, Product
from shopbuilder.core.services.products import category_path
from shopbuilder.core.services.shops import get_shop
from shopbuilder.core.timeutil import to_local

LOCATION_LIST = {"group_buy": "group_buys", "bargain": "bargains", "flash_sale": "flash_sales"}


@dataclass(frozen=True)
class SkuInfo:
    code: str
    product_code: str
    title: str
    category: str  # "top/sub" or "top" or ""
    price: int
    list_price: int | None
    list_price_label: str
    cost: int | None
    stock: int
    on_shelf: bool


@dataclass(frozen=True)
class CouponRule:
    key: str
    index: int  # position in the shop's coupon list (finding locations)
    name: str
    kind: str
    value: int
    threshold: int
    cap: int | None
    scope: str
    items: frozenset[str]
    usable_from: datetime  # earliest moment any buyer can use it
    usable_until: datetime  # latest
    use_mode: str
    obtain: str
    redeem_code: str | None
    stack_coupons: bool
    stack_campaigns: bool
    loss_leader: bool

    @property
    def location(self) -> str:
        return f"coupons[{self.index}]"

    def covers(self, sku: SkuInfo) -> bool:
        if self.scope == "shop":
            return True
        if self.scope == "products":
            return sku.product_code in self.items
        if self.scope == "exclude":
            return sku.product_code not in self.items
        top = sku.category.split("/", 1)[0]
        return sku.category in self.items or top in self.items

    def usable_at(self, at: datetime) -> bool:
        return self.usable_from <= at < self.usable_until

    def discount(self, eligible: int) -> int:
        """Fen off an eligible subtotal that meets the threshold (never above it)."""
        if self.kind == "amount":
            return min(self.value, eligible)
        off = eligible * self.value // 100
        return off if self.cap is None else min(off, self.cap)


@dataclass(frozen=True)
class CampaignRule:
    key: str
    index: int  # position among campaigns of its kind
    kind: str
    title: str
    product_code: str
    sku_prices: dict[str, int]
    leader_prices: dict[str, int]
    sku_stock: dict[str, int]
    starts_at: datetime
    ends_at: datetime
    slots: tuple[tuple[int, int], ...]  # minutes of the local day; empty = whole window
    per_user_limit: int | None
    per_order_limit: int | None
    loss_leader: bool
    allow_overlap: bool
    settings: dict[str, Any] = field(hash=False)

    @property
    def location(self) -> str:
        return f"{LOCATION_LIST[self.kind]}[{self.index}]"

    def running_at(self, at: datetime, tz: str) -> bool:
        if not self.starts_at <= at < self.ends_at:
            return False
        if not self.slots:
            return True
        local = to_local(at, tz)
        minute = local.hour * 60 + local.minute
        return any(a <= minute < b for a, b in self.slots)


@dataclass(frozen=True)
class ShopPromos:
    slug: str
    time_zone: str
    skus: dict[str, SkuInfo]
    coupons: tuple[CouponRule, ...]
    campaigns: tuple[CampaignRule, ...]

    def campaign(self, key: str) -> CampaignRule | None:
        return next((c for c in self.campaigns if c.key == key), None)


def _next_midnight(moment: datetime, tz: str) -> datetime:
    local = to_local(moment, tz)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return day.astimezone(moment.tzinfo)


def usable_span(row: Coupon, tz: str) -> tuple[datetime, datetime]:
    """When the coupon can be used by someone: the fixed window, or from the claim
    window's start until N days after its end (from the next day for days_next)."""
    if row.use_mode == "fixed":
        return row.use_starts_at, row.use_ends_at  # type: ignore[return-value]
    days = timedelta(days=row.use_days or 0)
    if row.use_mode == "days":
        return row.claim_starts_at, row.claim_ends_at + days
    return (_next_midnight(row.claim_starts_at, tz),
            _next_midnight(row.claim_ends_at, tz) + days)


def coupon_rule(row: Coupon, index: int, tz: str) -> CouponRule:
    start, end = usable_span(row, tz)
    return CouponRule(
        key=row.key, index=index, name=row.name, kind=row.kind, value=row.value,
        threshold=row.threshold, cap=row.cap, scope=row.scope,
        items=frozenset(row.scope_items), usable_from=start, usable_until=end,
        use_mode=row.use_mode, obtain=row.obtain, redeem_code=row.redeem_code,
        stack_coupons=row.stack_coupons, stack_campaigns=row.stack_campaigns,
        loss_leader=row.loss_leader)


def campaign_rule(row: Campaign, index: int) -> CampaignRule:
    slots = tuple((int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:]))
                  for a, b in (row.settings or {}).get("slots", []))
    return CampaignRule(
        key=row.key, index=index, kind=row.kind, title=row.title,
        product_code=row.product.code, sku_prices=dict(row.sku_prices),
        leader_prices=dict(row.leader_prices), sku_stock=dict(row.sku_stock),
        starts_at=row.starts_at, ends_at=row.ends_at, slots=slots,
        per_user_limit=row.per_user_limit, per_order_limit=row.per_order_limit,
        loss_leader=row.loss_leader, allow_overlap=row.allow_overlap,
        settings=dict(row.settings or {}))


def load_promos(session: Session, slug: str) -> ShopPromos:
    shop = get_shop(session, slug)
    products = session.scalars(select(Product).where(Product.shop_id == shop.id)
                               .options(selectinload(Product.skus),
                                        selectinload(Product.category))
                               .order_by(Product.sort_order, Product.id))
    skus: dict[str, SkuInfo] = {}
    for p in products:
        path = category_path(p.category)
        for s in p.skus:
            skus[s.code] = SkuInfo(s.code, p.code, p.title, path, s.price, s.list_price,
                                   s.list_price_label, s.cost, s.stock, p.on_shelf)
    coupons = session.scalars(select(Coupon).where(Coupon.shop_id == shop.id)
                              .order_by(Coupon.sort_order, Coupon.id))
    campaigns = session.scalars(select(Campaign).where(Campaign.shop_id == shop.id)
                                .options(selectinload(Campaign.product))
                                .order_by(Campaign.sort_order, Campaign.id))
    counters: dict[str, int] = {}
    rules = []
    for row in campaigns:
        index = counters.get(row.kind, 0)
        counters[row.kind] = index + 1
        rules.append(campaign_rule(row, index))
    return ShopPromos(slug, shop.time_zone, skus,
                      tuple(coupon_rule(c, i, shop.time_zone) for i, c in enumerate(coupons)),
                      tuple(rules))
