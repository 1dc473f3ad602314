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
    via_not_loss_leader: tuple[str, ...] = ()  # how that one is reached
    location_not_loss_leader: str = ""


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


def coupon_cut(coupon: CouponRule, p: int) -> int:
    """The most fen one coupon can take off one unit priced `p`: at its threshold edge
    E = max(threshold, p) the unit's share of the discount d is p × d / E, rounded up."""
    if p <= 0:
        return 0
    edge = coupon.threshold if coupon.threshold > p else p
    if coupon.kind == "amount":
        d = coupon.value if coupon.value < edge else edge
        return -(-p * d // edge)
    if coupon.cap is None or edge * coupon.value <= coupon.cap * 100:
        return -(-p * coupon.value // 100)
    return -(-p * coupon.cap // edge)


class _StackCache:
    """Maximal sets of stackable coupons usable at one moment inside a window; the
    same sets recur for most SKUs (shop-wide coupons), so they are computed once."""

    def __init__(self) -> None:
        self._memo: dict[tuple[tuple[str, ...], datetime, datetime],
                         list[tuple[CouponRule, ...]]] = {}

    def groups(self, coupons: list[CouponRule], start: datetime,
               end: datetime) -> list[tuple[CouponRule, ...]]:
        key = (tuple(c.key for c in coupons), start, end)
        found = self._memo.get(key)
        if found is None:
            found = []
            seen: set[frozenset[str]] = set()
            for c in coupons:
                moment = max(start, c.usable_from)
                group = tuple(d for d in coupons if d.usable_from <= moment < d.usable_until)
                keys = frozenset(d.key for d in group)
                if len(group) > 1 and keys not in seen:
                    seen.add(keys)
                    found.append(group)
            self._memo[key] = found
        return found


def lowest_for(sku: SkuInfo, campaigns: list[CampaignRule], coupons: list[CouponRule],
               stacks: _StackCache | None = None) -> tuple[LowestPrice, int]:
    """The worst case for one SKU given the campaigns and coupons that cover it;
    also returns how many (price context, coupon) pairs were checked."""
    stacks = stacks or _StackCache()
    best_unit, best_via, best_loc, best_ll = sku.price, (), "", True
    best_plain, plain_via, plain_loc = sku.price, (), ""
    pairs = 0
    for ctx in _contexts(sku, campaigns):
        p, camp = ctx.price, ctx.camp
        camp_ll = camp.loss_leader if camp else True
        camp_keys = (camp.key,) if camp else ()
        # (fen off one unit, coupons used, all of them deliberate loss leaders)
        options: list[tuple[int, tuple[CouponRule, ...], bool]] = \
            [(0, (), camp_ll)] if camp else []
        stackable: list[CouponRule] = []
        cuts: dict[str, int] = {}
        pairs += len(coupons)
        for c in coupons:
            if (camp is None or c.stack_campaigns) and c.usable_from < ctx.end \
                    and ctx.start < c.usable_until:
                cut = coupon_cut(c, p)
                options.append((cut, (c,), camp_ll and c.loss_leader))
                if c.stack_coupons:
                    stackable.append(c)
                    cuts[c.key] = cut
        if len(stackable) > 1:
            for group in stacks.groups(stackable, ctx.start, ctx.end):
                options.append((sum(cuts[c.key] for c in group), group,
                                camp_ll and all(c.loss_leader for c in group)))
        for cut, used, ll in options:
            unit = p - cut if cut < p else 0
            if unit > best_unit and (ll or unit >= best_plain):
                continue  # cannot improve either figure
            if unit < best_unit or (unit == best_unit and not best_via):
                best_unit, best_ll = unit, ll
                best_via = camp_keys + tuple(c.key for c in used)
                best_loc = ctx.location or used[0].location
            if not ll and unit < best_plain:
                best_plain = unit
                plain_via = camp_keys + tuple(c.key for c in used)
                plain_loc = ctx.location or used[0].location
    return LowestPrice(sku.code, sku.price, sku.cost, sku.list_price, best_unit, best_via,
                       best_loc, best_ll and bool(best_via), best_plain, plain_via,
                       plain_loc), pairs


def lowest_prices_of(promos: ShopPromos) -> tuple[dict[str, LowestPrice], int]:
    """Per SKU the worst case, and the number of (SKU, promotion) pairs checked."""
    by_sku: dict[str, list[CampaignRule]] = {}
    for camp in promos.campaigns:
        for code in camp.sku_prices:
            if code in promos.skus:
                by_sku.setdefault(code, []).append(camp)
    shop_wide: list[CouponRule] = []
    by_item: dict[str, list[CouponRule]] = {}  # product code or category path → coupons
    excluding: list[CouponRule] = []
    for c in promos.coupons:
        if c.scope == "shop":
            shop_wide.append(c)
        elif c.scope == "exclude":
            excluding.append(c)
        else:
            for item in c.items:
                by_item.setdefault(item, []).append(c)
    order = {c.key: c.index for c in promos.coupons}
    stacks = _StackCache()
    out: dict[str, LowestPrice] = {}
    pairs = 0
    for code, sku in promos.skus.items():
        top = sku.category.split("/", 1)[0]
        extra = [c for c in excluding if sku.product_code not in c.items]
        for item in {sku.product_code, sku.category, top}:
            extra.extend(c for c in by_item.get(item, ()) if c.covers(sku))
        coupons = shop_wide
        if extra:
            unique = {c.key: c for c in shop_wide + extra}
            coupons = sorted(unique.values(), key=lambda c: order[c.key])
        out[code], n = lowest_for(sku, by_sku.get(code, []), coupons, stacks)
        pairs += n + len(by_sku.get(code, ()))
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
        if low.loss_leader:
            out.append(Finding("promo.below_cost", Severity.WARNING, loc, _(
                "{sku} sells at {price} through {via}, below its cost {cost} "
                "(marked as a deliberate loss leader)").format(
                sku=low.sku_code, price=_yuan(low.lowest), via=via, cost=_yuan(low.cost))))
        if low.lowest_not_loss_leader < low.cost:
            # the error names the promotion that is *not* marked as a loss leader,
            # which is not necessarily the one reaching the very lowest price
            plain = not low.loss_leader or not low.via_not_loss_leader
            out.append(Finding(
                "promo.below_cost", Severity.ERROR,
                loc if plain else low.location_not_loss_leader, _(
                    "{sku} can sell at {price} through {via}, below its cost {cost}").format(
                    sku=low.sku_code, cost=_yuan(low.cost),
                    price=_yuan(low.lowest if plain else low.lowest_not_loss_leader),
                    via=via if plain else ", ".join(low.via_not_loss_leader))))
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
    by_product: dict[str, list[str]] = {}
    for info in promos.skus.values():
        by_product.setdefault(info.product_code, []).append(info.code)
    products = set(by_product)
    for coupon in promos.coupons:
        if coupon.scope in ("products", "exclude"):
            for item in sorted(coupon.items - products):
                out.append(Finding("promo.unknown_product", Severity.WARNING,
                                   f"{coupon.location}.scope_items", _(
                                       "product {code!r} no longer exists").format(code=item)))
    for camp in promos.campaigns:
        loc = camp.location
        if camp.kind == "group_buy":  # a SKU added to the product after the campaign
            for code in by_product.get(camp.product_code, ()):
                if code in camp.sku_prices:
                    continue
                out.append(Finding("promo.sku_without_group_price", Severity.ERROR,
                                   f"{loc}.sku_prices.{code}", _(
                                       "{code} was added to the product after the group-buy "
                                       "and has no group price").format(code=code)))
        for code, price in camp.sku_prices.items():
            sku = promos.skus.get(code)
            if sku is None:
                out.append(Finding("promo.unknown_sku", Severity.ERROR,
                                   f"{loc}.sku_prices.{code}",
                                   _("SKU {code!r} no longer exists").format(code=code)))
                continue
            # group price and bargain floor strictly below today's SKU price (the SKU
            # may have been repriced since), flash price at most it
            if price > sku.price or (camp.kind != "flash_sale" and price >= sku.price):
                out.append(Finding("promo.price_not_below", Severity.ERROR,
                                   f"{loc}.sku_prices.{code}", _(
                                       "campaign price {p} is not below the SKU price {s}").format(
                                       p=_yuan(price), s=_yuan(sku.price))))
            if camp.kind == "bargain" and camp.settings["start_price"] > sku.price:
                # the start is shown as the price being cut from: above the real price it
                # is a made-up original price (虚构原价), which the price law forbids
                out.append(Finding("promo.bargain_start_above_price", Severity.ERROR,
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
