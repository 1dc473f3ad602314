"""The demo shop's promotions: two coupons, a group-buy, a bargain and a flash sale."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from shopbuilder.core.timeutil import utcnow
from shopbuilder.promotions.campaigns import add_campaign
from shopbuilder.promotions.coupons import create_coupon
from shopbuilder.promotions.rules import BargainData, CouponData, FlashSaleData, GroupBuyData

DEMO_COUPON_KEYS = ("c1", "c2")
DEMO_CAMPAIGN_KEYS = {"group_buy": "gb1", "bargain": "bg1", "flash_sale": "fs1"}


def add_demo_promotions(session: Session, slug: str, now: datetime | None = None) -> None:
    """Runs from today for 30 days; needs the demo catalogue (TEE-01, PILL-08, CUP-10)."""
    start = (now or utcnow()).replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(days=30)
    create_coupon(session, slug, CouponData(
        key="c1", name="满199减30", value=3000, threshold=19900, claim_starts_at=start,
        claim_ends_at=end, use_mode="days", use_days=7, total=1000, per_user=1))
    create_coupon(session, slug, CouponData(
        key="c2", name="新人9折券", kind="percent", value=10, cap=5000, claim_starts_at=start,
        claim_ends_at=end, use_starts_at=start, use_ends_at=end, obtain="new_user",
        scope="categories", scope_items=["家居"]))
    tee = [f"TEE-01-{n}" for n in range(1, 10)]
    add_campaign(session, slug, GroupBuyData(
        key="gb1", title="T恤3人团", product_code="TEE-01",
        sku_prices=dict.fromkeys(tee, 5900), leader_prices=dict.fromkeys(tee, 4900),
        group_size=3, fill_hours=24, starts_at=start, ends_at=end, per_user_limit=2,
        per_order_limit=2))
    add_campaign(session, slug, BargainData(
        key="bg1", title="乳胶枕砍价", sku_code="PILL-08", floor_price=9900, helpers=5,
        starts_at=start, ends_at=end, stock=10, finish_hours=24))
    add_campaign(session, slug, FlashSaleData(
        key="fs1", title="马克杯秒杀", product_code="CUP-10",
        sku_prices={"CUP-10-1": 2900, "CUP-10-2": 2900, "CUP-10-3": 2900},
        sku_stock={"CUP-10-1": 10, "CUP-10-2": 10, "CUP-10-3": 10},
        starts_at=start, ends_at=end, slots=[("10:00", "12:00"), ("20:00", "22:00")],
        per_user_limit=2))


DEMO_COMPONENTS = [
    {"id": "coupons", "type": "coupon_strip",
     "settings": {"title": "领券中心", "coupon_keys": list(DEMO_COUPON_KEYS)}},
    {"id": "groupbuy", "type": "group_buy_section",
     "settings": {"title": "拼团", "campaign_keys": ["gb1"], "limit": 4}},
    {"id": "bargain", "type": "bargain_section",
     "settings": {"title": "砍价", "campaign_keys": ["bg1"], "limit": 4}},
    {"id": "flash", "type": "flash_sale_section",
     "settings": {"title": "秒杀", "campaign_keys": ["fs1"], "limit": 4}},
]
