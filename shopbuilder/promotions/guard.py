"""The margin guard: the lowest unit price any buyer can pay for each SKU, known
before export.

For every SKU it tries each price context (regular, group price, leader price, bargain
floor, flash price) with each coupon that can reach it, and with the stack of
stackable coupons usable at one moment, each at its threshold edge (the eligible
subtotal just meeting the threshold, or one unit if that is more). The result is a
lower bound: a real cart pays at least this per unit (up to the fen of rounding
remainder the last line of a cart absorbs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction

from sqlalchemy.orm import Session

from shopbuilder.core.findings import Finding, Severity, sort_findings
from shopbuilder.core.money import format_money
from shopbuilder.i18n import _
from shopbuilder.promotions.snapshot import (
    CampaignRule,
    CouponRule,
    ShopPromos,
    SkuInfo,
    load_promos,
)

NEVER = datetime.min.replace(tzinfo=UTC)
FOREVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class LowestPrice:
    """The worst case for one SKU: `lowest` fen per unit, reached through `via`
    (campaign key and/or coupon keys), reported at `location`."""

    sku_code: str
    price: int
    cost: int | None
    list_price: int | None
    lowest: int
    via: tuple[str, ...]
    location: str
    loss_leader: bool  # every promotion involved is marked as a deliberate loss leader
    lowest_not_loss_leader: int  # the lowest through promotions not so marked


@dataclass(frozen=True)
class _Context:
    price: int
    camp: CampaignRule | None
    location: str
    start: datetime
    end: datetime


def _contexts(sku: SkuInfo, campaigns: list[CampaignRule]) -> list[_Context]:
    out = [_Context(sku.price, None, "", NEVER, FOREVER)]
    for camp in campaigns:
        loc = camp.location
        out.append(_Context(camp.sku_prices[sku.code], camp, f"{loc}.sku_prices.{sku.code}",
                            camp.starts_at, camp.ends_at))
        if sku.code in camp.leader_prices:
            out.append(_Context(camp.leader_prices[sku.code], camp,
                                f"{loc}.leader_prices.{sku.code}", camp.starts_at, camp.ends_at))
    return out


def _single_unit(coupon: CouponRule, p: int) -> int:
    """The lowest unit price with this one coupon at its threshold edge (floored)."""
    edge = max(coupon.threshold, p)
    if coupon.kind == "amount":
        return p * (edge - min(coupon.value, edge)) // edge
    if coupon.cap is None or edge * coupon.value <= coupon.cap * 100:
        return p * (100 - coupon.value) // 100
    return p * (edge - coupon.cap) // edge


def _ratio(coupon: CouponRule, p: int) -> Fraction:
    edge = max(coupon.threshold, p)
    if coupon.kind == "amount":
        return Fraction(min(coupon.value, edge), edge)
    if coupon.cap is None or edge * coupon.value <= coupon.cap * 100:
        return Fraction(coupon.value, 100)
    return Fraction(coupon.cap, edge)


def _stacks(coupons: list[CouponRule], start: datetime, end: datetime) -> list[list[CouponRule]]:
    """Maximal sets of stackable coupons usable at one moment inside [start, end)."""
    out: list[list[CouponRule]] = []
    seen: set[frozenset[str]] = set()
    for c in coupons:
        moment = max(start, c.usable_from)
        group = [d for d in coupons if d.usable_from <= moment < d.usable_until]
        keys = frozenset(d.key for d in group)
        if len(group) > 1 and keys not in seen:
            seen.add(keys)
            out.append(group)
    return out


def lowest_for(sku: SkuInfo, campaigns: list[CampaignRule], coupons: list[CouponRule],
               ) -> tuple[LowestPrice, int]:
    """The worst case for one SKU given the campaigns and coupons that cover it;
    also returns how many (context, promotion) pairs were checked."""
    best = (sku.price, (), "", True)  # unit, via, location, loss_leader
    best_plain = sku.price
    pairs = 0
    for ctx in _contexts(sku, campaigns):
        camp_keys = (ctx.camp.key,) if ctx.camp else ()
        camp_ll = ctx.camp.loss_leader if ctx.camp else True
        options: list[tuple[int, tuple[CouponRule, ...]]] = [(ctx.price, ())]
        usable = []
        for c in coupons:
            pairs += 1
            if (ctx.camp is None or c.stack_campaigns) and c.usable_from < ctx.end \
                    and ctx.start < c.usable_until:
                usable.append(c)
                options.append((_single_unit(c, ctx.price), (c,)))
        stackable = [c for c in usable if c.stack_coupons]
        if len(stackable) > 1:
            for group in _stacks(stackable, ctx.start, ctx.end):
                ratio = sum((_ratio(c, ctx.price) for c in group), Fraction(0))
                unit = int(ctx.price * max(Fraction(0), 1 - ratio))  # floor of a non-negative
                options.append((unit, tuple(group)))
        for unit, used in options:
            if not used and ctx.camp is None:
                continue
            ll = camp_ll and all(c.loss_leader for c in used) and bool(used or ctx.camp)
            if unit < best[0] or (unit == best[0] and not best[1]):
                location = ctx.location or (used[0].location if used else "")
                best = (unit, camp_keys + tuple(c.key for c in used), location, ll)
            if not ll and unit < best_plain:
                best_plain = unit
    return LowestPrice(sku.code, sku.price, sku.cost, sku.list_price, best[0], best[1],
                       best[2], best[3] and bool(best[1]), best_plain), pairs


def lowest_prices_of(promos: ShopPromos) -> tuple[dict[str, LowestPrice], int]:
    by_sku: dict[str, list[CampaignRule]] = {}
    for camp in promos.campaigns:
        for code in camp.sku_prices:
            if code in promos.skus:
                by_sku.setdefault(code, []).append(camp)
    shop_wide = [c for c in promos.coupons if c.scope == "shop"]
    scoped = [c for c in promos.coupons if c.scope != "shop"]
    out: dict[str, LowestPrice] = {}
    pairs = 0
    for code, sku in promos.skus.items():
        coupons = shop_wide + [c for c in scoped if c.covers(sku)] if scoped else shop_wide
        pairs += len(scoped)
        out[code], n = lowest_for(sku, by_sku.get(code, []), coupons)
        pairs += n
    return out, pairs


def lowest_prices(session: Session, slug: str) -> dict[str, LowestPrice]:
    """Per SKU code: the lowest unit price any buyer can pay, and how."""
    return lowest_prices_of(load_promos(session, slug))[0]


def _yuan(fen: int) -> str:
    return "¥" + format_money(fen)


def price_findings(low: LowestPrice) -> list[Finding]:
    if not low.via:
        return []
    via = ", ".join(low.via)
    loc = low.location
    if low.lowest <= 0:
        return [Finding("promo.payable_zero", Severity.ERROR, loc, _(
            "{sku} can be bought for {price} through {via}").format(
            sku=low.sku_code, price=_yuan(max(low.lowest, 0)), via=via))]
    out = []
    if low.cost is not None and low.lowest < low.cost:
        deliberate = low.lowest_not_loss_leader >= low.cost
        out.append(Finding(
            "promo.below_cost", Severity.WARNING if deliberate else Severity.ERROR, loc,
            (_("{sku} sells at {price} through {via}, below its cost {cost} "
               "(marked as a deliberate loss leader)") if deliberate else
             _("{sku} can sell at {price} through {via}, below its cost {cost}")).format(
                sku=low.sku_code, price=_yuan(low.lowest), via=via, cost=_yuan(low.cost))))
    reference = low.list_price or low.price
    if low.lowest * 10 < reference:
        out.append(Finding("promo.over_90_off", Severity.WARNING, loc, _(
            "{sku} can sell at {price} through {via}: more than 90% off {ref}").format(
            sku=low.sku_code, price=_yuan(low.lowest), via=via, ref=_yuan(reference))))
    return out


def rule_findings(promos: ShopPromos) -> list[Finding]:
    """Promotions that went stale since they were saved (a SKU deleted or repriced),
    and facts the lint must show (模拟成团)."""
    out = []
    products = {s.product_code for s in promos.skus.values()}
    for coupon in promos.coupons:
        if coupon.scope in ("products", "exclude"):
            for item in sorted(coupon.items - products):
                out.append(Finding("promo.unknown_product", Severity.WARNING,
                                   f"{coupon.location}.scope_items", _(
                                       "product {code!r} no longer exists").format(code=item)))
    for camp in promos.campaigns:
        loc = camp.location
        for code, price in camp.sku_prices.items():
            sku = promos.skus.get(code)
            if sku is None:
                out.append(Finding("promo.unknown_sku", Severity.ERROR,
                                   f"{loc}.sku_prices.{code}",
                                   _("SKU {code!r} no longer exists").format(code=code)))
                continue
            limit = camp.settings["start_price"] if camp.kind == "bargain" else sku.price
            if price > limit or (camp.kind == "group_buy" and price >= sku.price):
                out.append(Finding("promo.price_not_below", Severity.ERROR,
                                   f"{loc}.sku_prices.{code}", _(
                                       "campaign price {p} is not below the SKU price {s}").format(
                                       p=_yuan(price), s=_yuan(sku.price))))
            if camp.kind == "bargain" and camp.settings["start_price"] > sku.price:
                out.append(Finding("promo.bargain_start_above_price", Severity.WARNING,
                                   f"{loc}.start_price", _(
                                       "the bargain starts at {p}, above the SKU price {s}"
                                   ).format(p=_yuan(camp.settings["start_price"]),
                                            s=_yuan(sku.price))))
            stock = camp.sku_stock.get(code)
            if stock is not None and stock > sku.stock:
                out.append(Finding("promo.stock_above_sku", Severity.WARNING,
                                   f"{loc}.sku_stock.{code}", _(
                                       "campaign stock {n} is above the SKU's stock {m}").format(
                                       n=stock, m=sku.stock)))
        if camp.kind == "group_buy" and camp.settings.get("auto_complete"):
            out.append(Finding("promo.fabricated_members", Severity.WARNING,
                               f"{loc}.auto_complete", _(
                                   "auto-complete (模拟成团) fills groups that reach {pct}% "
                                   "with made-up members").format(
                                   pct=camp.settings.get("auto_complete_pct"))))
    return out


def check_promos(promos: ShopPromos) -> list[Finding]:
    lows, _pairs = lowest_prices_of(promos)
    findings = rule_findings(promos)
    for low in lows.values():
        findings.extend(price_findings(low))
    return sort_findings(findings)


def worst_case(session: Session, slug: str) -> list[Finding]:
    """Every finding of the margin guard for a shop, errors first (the export lint
    calls this)."""
    return check_promos(load_promos(session, slug))
