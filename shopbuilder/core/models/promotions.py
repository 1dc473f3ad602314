"""Coupons (优惠券) and campaigns (拼团 group-buy, 砍价 bargain, 秒杀 flash sale).

Both carry a short `key` (unique within the shop) that pages, posters and the bundle
use to refer to them. JSON columns name SKUs by code, products by code and
categories by path, never by row id, so `clone_shop` copies them unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopbuilder.core.models.base import Base, ShopOwned
from shopbuilder.core.models.catalog import Product

COUPON_KINDS = ("amount", "percent")  # 满减/无门槛, 折扣
COUPON_SCOPES = ("shop", "categories", "products", "exclude")
COUPON_USE_MODES = ("fixed", "days", "days_next")  # fixed dates, N days from claim / next day
COUPON_OBTAIN = ("claim", "new_user", "code", "channel")  # 领取, 新人礼, 兑换码, 小程序专享
CAMPAIGN_KINDS = ("group_buy", "bargain", "flash_sale")


class Coupon(ShopOwned, Base):
    __tablename__ = "coupons"
    __table_args__ = (UniqueConstraint("shop_id", "key"),)

    key: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8), default="amount")
    # amount: fen off; percent: whole percent off (1–99)
    value: Mapped[int] = mapped_column(BigInteger)
    threshold: Mapped[int] = mapped_column(BigInteger, default=0)  # fen; 0 = 无门槛
    cap: Mapped[int | None] = mapped_column(BigInteger)  # percent coupons: most fen off
    scope: Mapped[str] = mapped_column(String(12), default="shop")
    # category paths ("服饰/上衣") or product codes, depending on `scope`
    scope_items: Mapped[list[Any]] = mapped_column(default=list)
    claim_starts_at: Mapped[datetime]
    claim_ends_at: Mapped[datetime]
    use_mode: Mapped[str] = mapped_column(String(12), default="fixed")
    use_starts_at: Mapped[datetime | None]
    use_ends_at: Mapped[datetime | None]
    use_days: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)  # None = unlimited
    per_user: Mapped[int] = mapped_column(Integer, default=1)
    per_user_per_day: Mapped[int | None] = mapped_column(Integer)
    obtain: Mapped[str] = mapped_column(String(12), default="claim")
    redeem_code: Mapped[str | None] = mapped_column(String(32))
    stack_coupons: Mapped[bool] = mapped_column(default=False)
    stack_campaigns: Mapped[bool] = mapped_column(default=False)
    loss_leader: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)


class Campaign(ShopOwned, Base):
    """One campaign of any kind; kind-specific rules live in `settings` (validated by
    `shopbuilder.promotions.rules`)."""

    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("shop_id", "key"),)

    key: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(30))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # {sku_code: fen}: group price, bargain floor, flash price
    sku_prices: Mapped[dict[str, Any]] = mapped_column(default=dict)
    leader_prices: Mapped[dict[str, Any]] = mapped_column(default=dict)  # 团长价
    sku_stock: Mapped[dict[str, Any]] = mapped_column(default=dict)
    per_user_limit: Mapped[int | None] = mapped_column(Integer)
    per_order_limit: Mapped[int | None] = mapped_column(Integer)
    loss_leader: Mapped[bool] = mapped_column(default=False)
    allow_overlap: Mapped[bool] = mapped_column(default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sort_order: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship()
