"""A small shop for promotion tests, built through the real services, and helpers
that make valid promotion data to be broken one field at a time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shopbuilder.core.services import products as psvc
from shopbuilder.core.services import shops as ssvc
from shopbuilder.core.storage import Workspace
from shopbuilder.promotions.rules import BargainData, CouponData, FlashSaleData, GroupBuyData

T0 = datetime(2026, 12, 1, tzinfo=UTC)
T1 = T0 + timedelta(days=10)
SLUG = "promo"


def make_shop(session: Any, slug: str = SLUG) -> None:
    ssvc.create_shop(session, slug, "促销测试店")
    top = psvc.ensure_category_path(session, slug, "服饰/上衣")
    kitchen = psvc.ensure_category_path(session, slug, "家居/餐厨")
    psvc.create_product(session, slug, psvc.ProductData(
        code="TEE", title="T恤", category_id=top.id,
        options=[psvc.OptionData("颜色", ["红", "白"])],
        skus=[psvc.SkuData("TEE-R", 10000, stock=50, option_values=["红"], cost=4000,
                           list_price=12000),
              psvc.SkuData("TEE-W", 10000, stock=30, option_values=["白"], cost=4000)]))
    psvc.create_product(session, slug, psvc.ProductData(
        code="CUP", title="杯子", category_id=kitchen.id,
        skus=[psvc.SkuData("CUP", 5000, stock=40, cost=2000)]))
    psvc.create_product(session, slug, psvc.ProductData(
        code="SOCK", title="袜子", category_id=top.id,
        skus=[psvc.SkuData("SOCK", 999, stock=100, cost=500)]))


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    with workspace.session() as s:
        make_shop(s)
    return workspace


def coupon(**kw: Any) -> CouponData:
    base = CouponData(name="满100减10", value=1000, threshold=10000, claim_starts_at=T0,
                      claim_ends_at=T1, use_starts_at=T0, use_ends_at=T1)
    return replace(base, **kw)


def group_buy(**kw: Any) -> GroupBuyData:
    base = GroupBuyData(title="T恤2人团", product_code="TEE",
                        sku_prices={"TEE-R": 8000, "TEE-W": 8000}, starts_at=T0, ends_at=T1)
    return replace(base, **kw)


def bargain(**kw: Any) -> BargainData:
    base = BargainData(title="杯子砍价", sku_code="CUP", floor_price=2500, helpers=5,
                       starts_at=T0, ends_at=T1, stock=10)
    return replace(base, **kw)


def flash(**kw: Any) -> FlashSaleData:
    base = FlashSaleData(title="袜子秒杀", product_code="SOCK", sku_prices={"SOCK": 600},
                         starts_at=T0, ends_at=T1, slots=[("10:00", "12:00")])
    return replace(base, **kw)
