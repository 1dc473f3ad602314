"""Hypothesis strategies: small random shops (as snapshots) and carts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from shopbuilder.promotions.quote import CartLine
from shopbuilder.promotions.snapshot import CampaignRule, CouponRule, ShopPromos, SkuInfo

BASE = datetime(2026, 12, 1, tzinfo=UTC)
SKUS = {
    "A": SkuInfo("A", "PA", "甲", "服饰/上衣", 10000, 12000, "plain", 4000, 100, True),
    "B": SkuInfo("B", "PB", "乙", "家居/餐厨", 2999, None, "plain", 1500, 100, True),
    "C": SkuInfo("C", "PC", "丙", "家居/浴室", 150, None, "plain", None, 100, True),
    "D": SkuInfo("D", "PA", "甲", "服饰/上衣", 8800, None, "plain", 8000, 100, True),
}


def hours(n: int) -> datetime:
    return BASE + timedelta(hours=n)


@st.composite
def coupons(draw: st.DrawFn, index: int) -> CouponRule:
    kind = draw(st.sampled_from(["amount", "percent"]))
    threshold = draw(st.sampled_from([0, 0, 500, 3000, 10000, 20000]))
    if kind == "amount":
        top = threshold - 1 if threshold else 20000
        value = draw(st.integers(1, max(1, top)))
        cap = None
    else:
        value = draw(st.integers(1, 99))
        cap = draw(st.one_of(st.none(), st.integers(1, 5000)))
    scope = draw(st.sampled_from(["shop", "shop", "categories", "products", "exclude"]))
    items: frozenset[str] = frozenset()
    if scope == "categories":
        items = frozenset(draw(st.lists(st.sampled_from(["服饰", "家居/餐厨", "家居/浴室"]),
                                        min_size=1, max_size=2)))
    elif scope in ("products", "exclude"):
        items = frozenset(draw(st.lists(st.sampled_from(["PA", "PB", "PC"]), min_size=1,
                                        max_size=2)))
    start = draw(st.integers(0, 40))
    end = start + draw(st.integers(1, 60))
    return CouponRule(
        key=f"k{index}", index=index, name=f"券{index}", kind=kind, value=value,
        threshold=threshold, cap=cap, scope=scope, items=items, usable_from=hours(start),
        usable_until=hours(end), use_mode="fixed",
        obtain=draw(st.sampled_from(["claim", "claim", "new_user", "channel"])),
        redeem_code=None, stack_coupons=draw(st.booleans()),
        stack_campaigns=draw(st.booleans()), loss_leader=draw(st.booleans()))


@st.composite
def campaigns(draw: st.DrawFn) -> tuple[CampaignRule, ...]:
    out = []
    if draw(st.booleans()):
        out.append(CampaignRule(
            key="gb1", index=0, kind="group_buy", title="团", product_code="PA",
            sku_prices={"A": draw(st.integers(1, 9999)), "D": draw(st.integers(1, 8799))},
            leader_prices={"A": draw(st.integers(1, 500))}, sku_stock={}, starts_at=hours(0),
            ends_at=hours(draw(st.integers(1, 100))), slots=(), per_user_limit=None,
            per_order_limit=None, loss_leader=draw(st.booleans()), allow_overlap=False,
            settings={"group_size": 2, "new_users_only": draw(st.booleans())}))
    if draw(st.booleans()):
        out.append(CampaignRule(
            key="fs1", index=0, kind="flash_sale", title="秒杀", product_code="PB",
            sku_prices={"B": draw(st.integers(1, 2999))}, leader_prices={}, sku_stock={},
            starts_at=hours(draw(st.integers(0, 50))), ends_at=hours(100), slots=(),
            per_user_limit=draw(st.one_of(st.none(), st.integers(1, 3))),
            per_order_limit=None, loss_leader=False, allow_overlap=False, settings={}))
        if draw(st.booleans()):
            out[-1] = replace(out[-1], sku_stock={"B": draw(st.integers(1, 6))})
    if draw(st.booleans()):
        out.append(CampaignRule(
            key="bg1", index=0, kind="bargain", title="砍价", product_code="PC",
            sku_prices={"C": draw(st.integers(0, 149))}, leader_prices={}, sku_stock={},
            starts_at=hours(0), ends_at=hours(100), slots=(), per_user_limit=1,
            per_order_limit=1, loss_leader=False, allow_overlap=False,
            settings={"start_price": 150, "helpers": 2, "seed": 0}))
    return tuple(out)


@st.composite
def shops(draw: st.DrawFn, max_coupons: int = 5) -> ShopPromos:
    n = draw(st.integers(0, max_coupons))
    return ShopPromos("t", "Asia/Shanghai", SKUS,
                      tuple(draw(coupons(i)) for i in range(n)), draw(campaigns()))


@st.composite
def carts(draw: st.DrawFn, promos: ShopPromos, max_lines: int = 4) -> list[CartLine]:
    # the same SKU may come back on several lines: limits and stock count them all
    codes = draw(st.lists(st.sampled_from(sorted(SKUS)), min_size=1, max_size=max_lines))
    lines = []
    for code in codes:
        keys = [c.key for c in promos.campaigns if code in c.sku_prices]
        key = draw(st.sampled_from([None, *keys]))
        lines.append(CartLine(code, draw(st.integers(1, 5)), key, draw(st.booleans())))
    return lines
