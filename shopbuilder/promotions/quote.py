"""The price engine: what a buyer pays for a cart at a moment, and why.

Order of work: campaign prices replace unit prices (a flash sale running now applies by
itself; a group-buy or bargain price only on a line bought through it), then the best
coupon choice for the buyer is applied. Coupon thresholds are checked against the
*eligible subtotal*: the lines the coupon covers, at their campaign prices, before any
coupon. In a stack every coupon is computed on that same basis, independently, so
adding a stackable coupon never lowers the discount and "best" is easy to prove.
Each coupon's discount is split over its lines in proportion to their amounts, the
rounding remainder on the last line; no line ever goes below 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shopbuilder.core.errors import Collector, ValidationError
from shopbuilder.core.money import format_money
from shopbuilder.core.timeutil import utcnow
from shopbuilder.i18n import _
from shopbuilder.promotions.snapshot import CampaignRule, CouponRule, ShopPromos, load_promos
from shopbuilder.promotions.split import split

BUYERS = ("new", "member")
KIND_LABEL = {"group_buy": "拼团", "bargain": "砍价", "flash_sale": "秒杀"}


@dataclass(frozen=True)
class CartLine:
    sku_code: str
    qty: int
    campaign_key: str | None = None  # buy through this group-buy / bargain / flash sale
    leader: bool = False  # opening the group (团长价)


def parse_cart_line(text: str) -> CartLine:
    """``CODE:QTY``, ``CODE:QTY@KEY`` or ``CODE:QTY@KEY/leader``."""
    body, _at, campaign = text.partition("@")
    code, sep, qty = body.rpartition(":")
    leader = campaign.endswith("/leader")
    campaign = campaign.removesuffix("/leader")
    if not sep or not code or not qty.isdigit():
        raise ValidationError("sku", _("write a cart line as CODE:QTY (e.g. TEE-01-1:2), "
                                       "got {text!r}").format(text=text))
    return CartLine(code, int(qty), campaign or None, leader)


@dataclass(frozen=True)
class QuoteLine:
    sku_code: str
    qty: int
    list_unit: int  # the SKU's regular price
    unit: int  # after the campaign price
    campaign_key: str | None
    campaign_kind: str | None
    subtotal: int  # unit × qty
    discount: int  # this line's share of the coupon discount
    total: int  # subtotal − discount, never below 0

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class NotApplied:
    key: str
    kind: str  # "coupon", "group_buy", "bargain", "flash_sale"
    reason: str

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Quote:
    buyer: str
    at: datetime
    lines: tuple[QuoteLine, ...]
    coupon_keys: tuple[str, ...]
    goods_total: int  # at regular prices
    subtotal: int  # after campaign prices
    discount: int  # coupons; == sum of line discounts
    total: int
    not_applied: tuple[NotApplied, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {"buyer": self.buyer, "at": self.at.isoformat(),
                "lines": [line.as_json() for line in self.lines],
                "coupon_keys": list(self.coupon_keys), "goods_total": self.goods_total,
                "subtotal": self.subtotal, "discount": self.discount, "total": self.total,
                "not_applied": [n.as_json() for n in self.not_applied]}


def _yuan(fen: int) -> str:
    return "¥" + format_money(fen)


def _limit_reason(camp: CampaignRule, line: CartLine, used: dict[tuple[str, str], int]
                  ) -> str | None:
    """Why `line` cannot (also) be bought through `camp`: limits and campaign stock
    count every line of the cart bought through it, so splitting a cart into several
    lines of the same SKU cannot buy more than the limits allow."""
    in_camp = sum(n for (key, _code), n in used.items() if key == camp.key) + line.qty
    of_sku = used.get((camp.key, line.sku_code), 0) + line.qty
    if camp.per_order_limit is not None and in_camp > camp.per_order_limit:
        return _("at most {n} per order").format(n=camp.per_order_limit)
    if camp.per_user_limit is not None and in_camp > camp.per_user_limit:
        return _("at most {n} per buyer").format(n=camp.per_user_limit)
    stock = camp.sku_stock.get(line.sku_code)
    if stock is not None and of_sku > stock:
        return _("only {n} left at this price").format(n=stock)
    return None


def _campaign_price(promos: ShopPromos, line: CartLine, buyer: str, at: datetime,
                    skipped: list[NotApplied],
                    used: dict[tuple[str, str], int] | None = None) -> CampaignRule | None:
    """The campaign this line is bought through, if it applies. `used` counts the units
    already bought through each (campaign, SKU) by earlier lines of the cart."""
    tz = promos.time_zone
    used = {} if used is None else used
    if line.campaign_key is None:
        for camp in promos.campaigns:
            if camp.kind == "flash_sale" and line.sku_code in camp.sku_prices:
                if not camp.running_at(at, tz):
                    skipped.append(NotApplied(camp.key, camp.kind, _("outside window")))
                    continue
                reason = _limit_reason(camp, line, used)
                if reason:
                    skipped.append(NotApplied(camp.key, camp.kind, reason))
                else:
                    used[camp.key, line.sku_code] = used.get((camp.key, line.sku_code), 0) \
                        + line.qty
                    return camp
        return None
    camp = promos.campaign(line.campaign_key)
    reason = None
    if camp is None or line.sku_code not in camp.sku_prices:
        reason = _("{sku} is not in this campaign").format(sku=line.sku_code)
    elif not camp.running_at(at, tz):
        reason = _("outside window")
    elif (camp.kind == "group_buy" and camp.settings.get("new_users_only")
          and not line.leader and buyer != "new"):
        reason = _("new users only")
    else:
        reason = _limit_reason(camp, line, used)
    if reason:
        skipped.append(NotApplied(line.campaign_key, camp.kind if camp else "campaign", reason))
        return None
    assert camp is not None
    used[camp.key, line.sku_code] = used.get((camp.key, line.sku_code), 0) + line.qty
    return camp


def unit_price(camp: CampaignRule, sku_code: str, leader: bool) -> int:
    if leader and camp.kind == "group_buy" and sku_code in camp.leader_prices:
        return camp.leader_prices[sku_code]
    return camp.sku_prices[sku_code]


def coupon_line_discounts(chosen: Sequence[tuple[CouponRule, list[int]]],
                          amounts: list[int]) -> list[int]:
    """Each coupon split over its eligible lines (indices), summed and capped per line."""
    out = [0] * len(amounts)
    for coupon, idx in chosen:
        bases = [amounts[i] for i in idx]
        shares = split(coupon.discount(sum(bases)), bases)
        for i, share in zip(idx, shares, strict=True):
            out[i] += share
    return [min(d, a) for d, a in zip(out, amounts, strict=True)]


def best_coupons(candidates: list[tuple[CouponRule, list[int]]],
                 amounts: list[int]) -> tuple[list[tuple[CouponRule, list[int]]], list[int]]:
    """The best choice: any single coupon, or every stackable coupon together (adding
    one never lowers the discount). Ties go to fewer coupons, then shop order."""
    best: list[tuple[CouponRule, list[int]]] = []
    best_total = 0
    for coupon, idx in candidates:
        total = coupon.discount(sum(amounts[i] for i in idx))
        if total > best_total:
            best, best_total = [(coupon, idx)], total
    stack = [(c, idx) for c, idx in candidates if c.stack_coupons]
    if len(stack) > 1:
        stacked = coupon_line_discounts(stack, amounts)
        if sum(stacked) > best_total:
            return stack, stacked
    return best, coupon_line_discounts(best, amounts)


def quote_promos(promos: ShopPromos, lines: Sequence[CartLine | str], buyer: str = "member",
                 at: datetime | None = None, codes: Sequence[str] = ()) -> Quote:
    at = at or utcnow()
    c = Collector()
    if not isinstance(at, datetime) or at.tzinfo is None:
        c.add("at", _("must be a date and time with a time zone"))
    if buyer not in BUYERS:
        c.add("buyer", _("must be one of {b}").format(b=", ".join(BUYERS)))
    cart = [parse_cart_line(x) if isinstance(x, str) else x for x in lines]
    if not cart:
        c.add("lines", _("the cart is empty"))
    for i, line in enumerate(cart):
        if line.sku_code not in promos.skus:
            c.add(f"lines[{i}].sku", _("no SKU {code!r} in this shop").format(code=line.sku_code))
        if isinstance(line.qty, bool) or not isinstance(line.qty, int) or line.qty < 1:
            c.add(f"lines[{i}].qty", _("must be at least 1"))
    c.raise_if_any()
    skipped: list[NotApplied] = []
    camps, units, amounts = price_lines(promos, cart, buyer, at, skipped)
    candidates = coupon_candidates(promos, cart, camps, amounts, buyer, at, codes, skipped)
    chosen, discounts = best_coupons(candidates, amounts)
    chosen_keys = {cp.key for cp, _idx in chosen}
    for coupon, _idx in candidates:
        if coupon.key not in chosen_keys:
            reason = (_("not combinable with other coupons")
                      if len(chosen) > 1 and not coupon.stack_coupons
                      else _("a better coupon was chosen"))
            skipped.append(NotApplied(coupon.key, "coupon", reason))
    out = tuple(QuoteLine(line.sku_code, line.qty, promos.skus[line.sku_code].price, unit,
                          camp.key if camp else None, camp.kind if camp else None,
                          amount, disc, amount - disc)
                for line, camp, unit, amount, disc
                in zip(cart, camps, units, amounts, discounts, strict=True))
    return Quote(buyer, at, out, tuple(cp.key for cp, _idx in chosen),
                 sum(promos.skus[x.sku_code].price * x.qty for x in cart), sum(amounts),
                 sum(discounts), sum(amounts) - sum(discounts), tuple(skipped))


def price_lines(promos: ShopPromos, cart: list[CartLine], buyer: str, at: datetime,
                skipped: list[NotApplied]) -> tuple[list[CampaignRule | None], list[int],
                                                    list[int]]:
    """Per line: the campaign applied, the unit price and the amount (unit × qty)."""
    used: dict[tuple[str, str], int] = {}
    camps = [_campaign_price(promos, line, buyer, at, skipped, used) for line in cart]
    units = [unit_price(camp, line.sku_code, line.leader) if camp
             else promos.skus[line.sku_code].price for line, camp in zip(cart, camps, strict=True)]
    return camps, units, [u * line.qty for u, line in zip(units, cart, strict=True)]


def coupon_candidates(promos: ShopPromos, cart: list[CartLine],
                      camps: list[CampaignRule | None], amounts: list[int], buyer: str,
                      at: datetime, codes: Sequence[str],
                      skipped: list[NotApplied]) -> list[tuple[CouponRule, list[int]]]:
    """Coupons this buyer can use on this cart now, each with its eligible line indices;
    the others go to `skipped` with the reason."""
    candidates: list[tuple[CouponRule, list[int]]] = []
    for coupon in promos.coupons:
        reason = _coupon_reason(promos, coupon, cart, camps, amounts, buyer, at, codes,
                                candidates)
        if reason:
            skipped.append(NotApplied(coupon.key, "coupon", reason))
    return candidates


def _coupon_reason(promos: ShopPromos, coupon: CouponRule, cart: list[CartLine],
                   camps: list[CampaignRule | None], amounts: list[int], buyer: str,
                   at: datetime, codes: Sequence[str],
                   candidates: list[tuple[CouponRule, list[int]]]) -> str | None:
    if coupon.obtain == "new_user" and buyer != "new":
        return _("new users only")
    if coupon.obtain == "code" and coupon.redeem_code not in codes:
        return _("needs its redeem code")
    if not coupon.usable_at(at):
        return _("outside window")
    covered = [i for i, line in enumerate(cart) if coupon.covers(promos.skus[line.sku_code])]
    if not covered:
        return _("no eligible items in the cart")
    idx = [i for i in covered if camps[i] is None or coupon.stack_campaigns]
    if not idx:
        kind = camps[covered[0]].kind  # type: ignore[union-attr]
        return _("not combinable with {kind}").format(kind=KIND_LABEL[kind])
    eligible = sum(amounts[i] for i in idx)
    if eligible < coupon.threshold or eligible == 0:
        return _("threshold not met: needs {t} of eligible items, the cart has {e}").format(
            t=_yuan(coupon.threshold), e=_yuan(eligible))
    candidates.append((coupon, idx))
    return None


def quote(session: Session, slug: str, lines: Sequence[CartLine | str], buyer: str = "member",
          at: datetime | None = None, *, codes: Sequence[str] = ()) -> Quote:
    """Price a cart for a buyer ("new" or "member") at a moment (default now)."""
    cart = [parse_cart_line(x) if isinstance(x, str) else x for x in lines]
    promos = load_promos(session, slug, {line.sku_code for line in cart})
    return quote_promos(promos, cart, buyer, at, codes)
