"""Promotion engine speed.

1. `worst_case` over a shop of N SKUs (N/5 products × 5 SKUs) and P promotions
   (40 % coupons of mixed scopes, some stackable; 20 % each group-buys, bargains and
   flash sales): prints the time, the (SKU, promotion) pairs checked per second and
   the ratio to the issue's goal of 2 s.
2. A 50-line cart quoted against C coupons: prints the time per quote (database load
   included, and the engine alone) and the ratio to the goal of 20 ms.

    .venv/bin/python bench/bench_promotions.py                 # full: 10,000 SKUs, 100, 200
    .venv/bin/python bench/bench_promotions.py --skus 1000 --promotions 20 --coupons 50
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shopbuilder.core.models import Product, Sku
from shopbuilder.core.services import products as psvc
from shopbuilder.core.services import shops as ssvc
from shopbuilder.core.storage import Workspace
from shopbuilder.promotions.campaigns import add_campaign
from shopbuilder.promotions.coupons import create_coupon, list_coupons
from shopbuilder.promotions.guard import lowest_prices_of, worst_case
from shopbuilder.promotions.quote import CartLine, quote, quote_promos
from shopbuilder.promotions.rules import (
    BargainData,
    CouponData,
    FlashSaleData,
    GroupBuyData,
)
from shopbuilder.promotions.snapshot import load_promos

T0 = datetime(2026, 12, 1, tzinfo=UTC)
WORST_GOAL_S, QUOTE_GOAL_S = 2.0, 0.020
CATEGORIES = ["服饰/上衣", "服饰/裤装", "家居/床品", "家居/餐厨", "美食/零食"]


def build_catalogue(ws: Workspace, slug: str, n_skus: int) -> list[str]:
    """Bulk-insert the catalogue (the services are not what is measured here)."""
    rng = random.Random(1)
    with ws.session() as s:
        ssvc.create_shop(s, slug, "压测店")
        shop_id = ssvc.get_shop(s, slug).id
        cats = [psvc.ensure_category_path(s, slug, c).id for c in CATEGORIES]
        n_products = max(1, n_skus // 5)
        s.execute(insert(Product), [
            {"shop_id": shop_id, "code": f"P{i:05d}", "title": f"商品{i}",
             "category_id": cats[i % len(cats)], "tags": [], "images": [], "options": [],
             "sort_order": i} for i in range(n_products)])
        ids = {code: pid for code, pid in s.execute(
            select(Product.code, Product.id).where(Product.shop_id == shop_id))}
        rows = []
        for i in range(n_skus):
            price = rng.randrange(990, 99900, 10)
            rows.append({"shop_id": shop_id, "product_id": ids[f"P{i // 5 % n_products:05d}"],
                         "code": f"P{i // 5 % n_products:05d}-{i % 5}", "price": price,
                         "list_price": price + 2000, "cost": price * 45 // 100, "stock": 500,
                         "option_values": []})
        s.execute(insert(Sku), rows)
    return [r["code"] for r in rows]


def coupon(i: int, rng: random.Random) -> CouponData:
    threshold = rng.choice([0, 9900, 19900, 29900])
    kind = "percent" if i % 4 == 3 else "amount"
    value = rng.randint(5, 30) if kind == "percent" else rng.choice([300, 500, 1000, 2000])
    if kind == "amount" and threshold:
        value = min(value, threshold - 1)
    scope, items = "shop", []
    if i % 3 == 1:
        scope, items = "categories", [rng.choice(CATEGORIES)]
    elif i % 3 == 2:
        scope, items = "products", [f"P{rng.randrange(100):05d}" for _ in range(5)]
    day = timedelta(days=i % 20)
    return CouponData(name=f"券{i}", kind=kind, value=value, threshold=threshold,
                      cap=3000 if kind == "percent" else None, scope=scope, scope_items=items,
                      claim_starts_at=T0 + day, claim_ends_at=T0 + day + timedelta(days=10),
                      use_starts_at=T0 + day, use_ends_at=T0 + day + timedelta(days=15),
                      stack_coupons=i % 5 == 0, stack_campaigns=i % 7 == 0)


def add_promotions(ws: Workspace, slug: str, n: int, n_products: int) -> None:
    rng = random.Random(2)
    with ws.session() as s:
        for i in range(n * 2 // 5):
            create_coupon(s, slug, coupon(i, rng))
        kinds = ["group_buy", "bargain", "flash_sale"]
        for i in range(n - n * 2 // 5):
            product = psvc.get_product(s, slug, f"P{(i * 7) % n_products:05d}")
            start = T0 + timedelta(days=30 * i)  # one campaign per product at a time
            end = start + timedelta(days=20)
            kind = kinds[i % 3]
            if kind == "group_buy":
                data = GroupBuyData(title=f"团{i}", product_code=product.code,
                                    sku_prices={k.code: k.price * 8 // 10 for k in product.skus},
                                    starts_at=start, ends_at=end, group_size=3)
            elif kind == "bargain":
                sku = product.skus[0]
                data = BargainData(title=f"砍{i}", sku_code=sku.code, floor_price=sku.price // 2,
                                   helpers=5, starts_at=start, ends_at=end, stock=10)
            else:
                data = FlashSaleData(title=f"秒{i}", product_code=product.code,
                                     sku_prices={k.code: k.price * 7 // 10 for k in product.skus},
                                     starts_at=start, ends_at=end)
            add_campaign(s, slug, data)


def bench_worst_case(ws: Workspace, slug: str) -> None:
    with ws.session() as s:
        t = time.perf_counter()
        findings = worst_case(s, slug)
        total = time.perf_counter() - t
        promos = load_promos(s, slug)
    t = time.perf_counter()
    _lows, pairs = lowest_prices_of(promos)
    engine = time.perf_counter() - t
    print(f"worst_case: {len(promos.skus)} SKUs × {len(promos.coupons) + len(promos.campaigns)}"
          f" promotions: {total:.3f} s with loading ({engine:.3f} s engine), "
          f"{pairs} pairs, {pairs / engine:,.0f} pairs/s, {len(findings)} findings; "
          f"ratio to the 2 s goal: {total / WORST_GOAL_S:.2f}")


def bench_quote(ws: Workspace, slug: str, codes: list[str], n_coupons: int, runs: int) -> None:
    rng = random.Random(3)
    with ws.session() as s:  # top the shop up to exactly n_coupons coupons
        for i in range(n_coupons - len(list_coupons(s, slug))):
            create_coupon(s, slug, coupon(1000 + i, rng))
    cart = [CartLine(code, rng.randint(1, 3)) for code in rng.sample(codes, 50)]
    at = T0 + timedelta(days=5)
    with ws.session() as s:
        quote(s, slug, cart, "member", at)  # warm up
        t = time.perf_counter()
        for _ in range(runs):
            q = quote(s, slug, cart, "member", at)
        with_db = (time.perf_counter() - t) / runs
        promos = load_promos(s, slug, {c.sku_code for c in cart})
    t = time.perf_counter()
    for _ in range(runs):
        quote_promos(promos, cart, "member", at)
    engine = (time.perf_counter() - t) / runs
    print(f"quote: {len(cart)} lines, {len(promos.coupons)} coupons: "
          f"{with_db * 1000:.2f} ms per quote with loading ({engine * 1000:.2f} ms engine), "
          f"chose {q.coupon_keys}; "
          f"ratio to the 20 ms goal: {with_db / QUOTE_GOAL_S:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--promotions", type=int, default=100)
    parser.add_argument("--coupons", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(f"sqlite:///{tmp}/bench.db")
        t = time.perf_counter()
        codes = build_catalogue(ws, "bench", args.skus)
        add_promotions(ws, "bench", args.promotions, max(1, args.skus // 5))
        print(f"setup: {time.perf_counter() - t:.1f} s")
        bench_worst_case(ws, "bench")
        bench_quote(ws, "bench", codes, args.coupons, args.runs)
        ws.close()


if __name__ == "__main__":
    main()
