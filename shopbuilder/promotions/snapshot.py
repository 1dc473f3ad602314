"""A shop's prices and promotions as plain frozen data, loaded in three queries.

The quote engine and the margin guard work on this snapshot (never on live ORM
rows), which keeps them fast, pure and easy to test.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from shopbuilder.core.models import Campaign, Category, Coupon, Product, Sku
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

    def group_deadline(self, opened_at: datetime) -> datetime:
        """When a group opened at `opened_at` fails unless full: min(opened + fill
        hours, campaign end). A group not full by then is never a success."""
        return min(opened_at + timedelta(hours=self.settings["fill_hours"]), self.ends_at)

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


def _plus_days(moment: datetime, days: int, tz: str) -> datetime:
    """`moment` plus whole calendar days in the shop's time zone: local midnight stays
    local midnight across a daylight-saving change (UTC + 24 h × N would not)."""
    return (to_local(moment, tz) + timedelta(days=days)).astimezone(moment.tzinfo)


def usable_span(row: Coupon, tz: str) -> tuple[datetime, datetime]:
    """When the coupon can be used by someone: the fixed window, or from the claim
    window's start until N days after its end (from the next day for days_next)."""
    if row.use_mode == "fixed":
        return row.use_starts_at, row.use_ends_at  # type: ignore[return-value]
    days = row.use_days or 0
    if row.use_mode == "days":
        return row.claim_starts_at, _plus_days(row.claim_ends_at, days, tz)
    return (_next_midnight(row.claim_starts_at, tz),
            _plus_days(_next_midnight(row.claim_ends_at, tz), days, tz))


def coupon_rule(row: Coupon, index: int, tz: str) -> CouponRule:
    start, end = usable_span(row, tz)
    return CouponRule(
        key=row.key, index=index, name=row.name, kind=row.kind, value=row.value,
        threshold=row.threshold, cap=row.cap, scope=row.scope,
        items=frozenset(row.scope_items), usable_from=start, usable_until=end,
        use_mode=row.use_mode, obtain=row.obtain, redeem_code=row.redeem_code,
        stack_coupons=row.stack_coupons, stack_campaigns=row.stack_campaigns,
        loss_leader=row.loss_leader)


def campaign_rule(row: Any, index: int, product_code: str | None = None) -> CampaignRule:
    """From a Campaign row (ORM or Core, with `product_code` when Core)."""
    slots = tuple((int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:]))
                  for a, b in (row.settings or {}).get("slots", []))
    return CampaignRule(
        key=row.key, index=index, kind=row.kind, title=row.title,
        product_code=product_code or row.product.code, sku_prices=dict(row.sku_prices),
        leader_prices=dict(row.leader_prices), sku_stock=dict(row.sku_stock),
        starts_at=_aware(row.starts_at), ends_at=_aware(row.ends_at), slots=slots,
        per_user_limit=row.per_user_limit, per_order_limit=row.per_order_limit,
        loss_leader=row.loss_leader, allow_overlap=row.allow_overlap,
        settings=dict(row.settings or {}))


def _aware(moment: datetime | None) -> datetime | None:
    """Core selects return what UTCDateTime stored; make sure it is aware UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


_COUPON_CACHE: dict[tuple[int, str, int], tuple[tuple[Any, ...], tuple[CouponRule, ...]]] = {}


def _coupon_rules(conn: Connection, shop_id: int, tz: str) -> tuple[CouponRule, ...]:
    """The shop's coupons, re-read only when a cheap fingerprint (count, highest id,
    sum of versions, latest update) changes: a quote need not parse 200 coupons."""
    fingerprint = (*conn.execute(
        select(func.count(), func.max(Coupon.id), func.sum(Coupon.version),
               func.max(Coupon.updated_at)).where(Coupon.shop_id == shop_id)).one(), tz)
    key = (id(conn.engine), str(conn.engine.url), shop_id)
    hit = _COUPON_CACHE.get(key)
    if hit is not None and hit[0] == fingerprint:
        return hit[1]
    rows = conn.execute(select(*[c for c in Coupon.__table__.c if c.name not in _SKIP])
                        .where(Coupon.shop_id == shop_id)
                        .order_by(Coupon.sort_order, Coupon.id))
    rules = tuple(coupon_rule(c, i, tz) for i, c in enumerate(rows))
    if len(_COUPON_CACHE) > 32:
        _COUPON_CACHE.clear()
    _COUPON_CACHE[key] = (fingerprint, rules)
    return rules


_SKIP = {"id", "shop_id", "created_at", "updated_at", "version"}  # parsing dates costs


def load_promos(session: Session, slug: str,
                sku_codes: Collection[str] | None = None) -> ShopPromos:
    """The snapshot, read with plain Core selects (no ORM objects: a 10,000-SKU shop
    loads in a fraction of a second). With `sku_codes`, only the products holding those
    SKUs are loaded (a quote needs its cart, not the whole catalogue)."""
    shop = get_shop(session, slug)
    conn = session.connection()  # Core: no ORM result processing
    cats = {cid: (name, parent) for cid, name, parent in conn.execute(
        select(Category.id, Category.name, Category.parent_id)
        .where(Category.shop_id == shop.id))}

    def path(cid: int | None) -> str:
        if cid is None or cid not in cats:
            return ""
        name, parent = cats[cid]
        return f"{cats[parent][0]}/{name}" if parent in cats else name

    query = (select(Sku.code, Product.code, Product.title, Product.category_id, Sku.price,
                    Sku.list_price, Sku.list_price_label, Sku.cost, Sku.stock, Product.on_shelf)
             .join(Product, Sku.product_id == Product.id).where(Sku.shop_id == shop.id)
             .order_by(Product.sort_order, Product.id, Sku.id))
    if sku_codes is not None:
        product_ids = list(conn.scalars(select(Sku.product_id).distinct().where(
            Sku.shop_id == shop.id, Sku.code.in_(list(sku_codes)))))
        query = query.where(Sku.product_id.in_(product_ids))
    skus = {r[0]: SkuInfo(r[0], r[1], r[2], path(r[3]), r[4], r[5], r[6], r[7], r[8], r[9])
            for r in conn.execute(query)}
    campaigns = conn.execute(
        select(*[c for c in Campaign.__table__.c if c.name not in _SKIP],
               Product.code.label("product_code"))
        .join(Product, Campaign.product_id == Product.id).where(Campaign.shop_id == shop.id)
        .order_by(Campaign.sort_order, Campaign.id))
    counters: dict[str, int] = {}
    rules = []
    for row in campaigns:
        index = counters.get(row.kind, 0)
        counters[row.kind] = index + 1
        rules.append(campaign_rule(row, index, row.product_code))
    return ShopPromos(slug, shop.time_zone, skus,
                      _coupon_rules(conn, shop.id, shop.time_zone), tuple(rules))
