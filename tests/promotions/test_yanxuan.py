"""The real litemall/Yanxuan coupons and group-buy rules, imported through our
services: what validation refuses and what the margin guard says."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shopbuilder.core.errors import ValidationError
from shopbuilder.core.services import products as psvc
from shopbuilder.core.services import shops as ssvc
from shopbuilder.core.storage import Workspace
from shopbuilder.promotions import campaigns as csvc
from shopbuilder.promotions import coupons as cpsvc
from shopbuilder.promotions.guard import lowest_prices, worst_case
from shopbuilder.promotions.rules import CouponData, GroupBuyData
from tests.conftest import YANXUAN

SLUG = "yanxuan"
OBTAIN = {"0": "claim", "1": "new_user", "2": "code"}


def rows(name: str) -> list[dict[str, str]]:
    with Path(YANXUAN, name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fen(yuan: str) -> int:
    return int(Decimal(yuan) * 100)


def build_shop(session: Any) -> None:
    """The goods the group-buy rules reference, with their SKUs, via the services."""
    ssvc.create_shop(session, SLUG, "严选")
    wanted = {r["goods_id"] for r in rows("groupon_rules.csv")}
    cats = {r["id"]: r for r in rows("categories.csv")}
    skus = [r for r in rows("skus.csv") if r["goods_id"] in wanted]
    for goods in (g for g in rows("goods.csv") if g["id"] in wanted):
        cat = cats[goods["category_id"]]
        path = f"{cats[cat['pid']]['name']}/{cat['name']}" if cat["pid"] != "0" else cat["name"]
        category = psvc.ensure_category_path(session, SLUG, path)
        mine = [s for s in skus if s["goods_id"] == goods["id"]]
        values = [json.loads(s["specifications"]) for s in mine]
        options = [psvc.OptionData("规格", [v[0] for v in values])] if len(mine) > 1 else []
        psvc.create_product(session, SLUG, psvc.ProductData(
            code=goods["goods_sn"], title=goods["name"], category_id=category.id,
            options=options,
            skus=[psvc.SkuData(code=f"{goods['id']}-{s['id']}", price=fen(s["price"]),
                               stock=int(s["number"]), list_price=fen(goods["counter_price"]),
                               option_values=v[:1] if options else [])
                  for s, v in zip(mine, values, strict=True)]))


def coupon_data(row: dict[str, str], start: datetime, end: datetime) -> CouponData:
    days = row["time_type"] == "0"
    return CouponData(
        name=row["name"], value=fen(row["discount"]), threshold=fen(row["min"]),
        claim_starts_at=start, claim_ends_at=end, use_mode="days" if days else "fixed",
        use_days=int(row["days"]) if days else None,
        use_starts_at=None if days else start, use_ends_at=None if days else end,
        total=int(row["total"]) or None, per_user=int(row["limit"]) or 1,
        obtain=OBTAIN[row["type"]], redeem_code=row["code"] or None)


def group_buy_data(session: Any, row: dict[str, str]) -> GroupBuyData:
    product = psvc.get_product(session, SLUG, row["goods_id"])
    end = datetime.fromisoformat(row["expire_time"]).replace(tzinfo=UTC)
    off = fen(row["discount"])
    return GroupBuyData(title=row["goods_name"][:30], product_code=product.code,
                        sku_prices={s.code: s.price - off for s in product.skus},
                        group_size=int(row["discount_member"]),
                        starts_at=end - timedelta(days=90), ends_at=end)


@pytest.fixture
def yx(workspace: Workspace) -> Workspace:
    with workspace.session() as s:
        build_shop(s)
    return workspace


def test_yanxuan_promotions_through_the_guard(yx: Workspace) -> None:
    start, end = datetime(2019, 10, 1, tzinfo=UTC), datetime(2019, 12, 31, tzinfo=UTC)
    with yx.session() as s:
        for row in rows("coupons.csv"):
            cpsvc.create_coupon(s, SLUG, coupon_data(row, start, end))
        assert [c.obtain for c in cpsvc.list_coupons(s, SLUG)] == [
            "claim", "claim", "new_user", "code"]
    refused: dict[str, list[str]] = {}
    for row in rows("groupon_rules.csv"):
        try:
            with yx.session() as s:
                csvc.add_campaign(s, SLUG, group_buy_data(s, row))
        except ValidationError as exc:
            refused[row["goods_name"]] = [i.path for i in exc.issues]
    # rule 3 takes ¥39 off a ¥39 brush: a ¥0 group-buy, refused before it is saved
    assert refused == {"天然硅胶宠物除毛按摩刷": ["sku_prices.1110016-150"]}
    with yx.session() as s:
        assert [c.settings["group_size"] for c in csvc.campaign_rows(s, SLUG)] == [20, 5]
        assert worst_case(s, SLUG) == []  # no cost data; nothing free or 90% off
        lows = lowest_prices(s, SLUG)
        assert (lows["1039051-54"].lowest, lows["1039051-54"].via) == (5900, ("gb1",))
        assert (lows["1109008-140"].lowest, lows["1109008-140"].via) == (394900, ("gb2",))
        # the brush with the best coupon (满99减15) at its threshold edge: 39 × 84/99
        assert (lows["1110016-150"].lowest, lows["1110016-150"].via) == (3309, ("c4",))
        # the pillow repriced to its group price: the group-buy is now stale
        psvc.set_sku_price(s, SLUG, "1039051-54", price=5900)
        findings = worst_case(s, SLUG)
    assert [(f.rule, str(f.severity), f.location) for f in findings] == [
        ("promo.price_not_below", "error", "group_buys[0].sku_prices.1039051-54")]
