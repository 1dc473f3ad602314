"""The one place that says which price is shown for a SKU, in a campaign or not.

Posters and the bundle both call `display_price`, so a poster's price always equals
the bundle's (price law: the advertised price is the price charged).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shopbuilder.core.errors import NotFoundError
from shopbuilder.core.timeutil import utcnow
from shopbuilder.i18n import _
from shopbuilder.promotions.cutplan import cut_plan
from shopbuilder.promotions.snapshot import CampaignRule, ShopPromos, load_promos


@dataclass(frozen=True)
class DisplayPrice:
    """`price` is what a buyer pays for one unit in this context, in fen. In a campaign
    `list_price` is the SKU's regular price (label "plain"); outside one it is the
    SKU's 划线价 (None when it has none)."""

    sku_code: str
    price: int
    list_price: int | None
    list_price_label: str
    kind: str  # "regular" | "group_buy" | "bargain" | "flash_sale"
    campaign_key: str | None = None
    group_size: int | None = None
    leader_price: int | None = None
    bargain_start: int | None = None
    bargain_floor: int | None = None
    bargain_helpers: int | None = None
    bargain_cuts: tuple[int, ...] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    slots: tuple[tuple[str, str], ...] = ()  # daily flash sessions, local time
    running: bool = True  # whether the campaign runs at the `at` asked about

    def as_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        for name in ("starts_at", "ends_at"):
            out[name] = out[name].isoformat() if out[name] else None
        out["bargain_cuts"] = list(self.bargain_cuts) if self.bargain_cuts else None
        out["slots"] = [list(s) for s in self.slots]
        return out


def _slot_text(camp: CampaignRule) -> tuple[tuple[str, str], ...]:
    return tuple((f"{a // 60:02d}:{a % 60:02d}", f"{b // 60:02d}:{b % 60:02d}")
                 for a, b in camp.slots)


def price_in(promos: ShopPromos, sku_code: str, campaign_key: str | None = None,
             at: datetime | None = None) -> DisplayPrice:
    """`display_price` on a loaded snapshot (for callers pricing many SKUs)."""
    sku = promos.skus.get(sku_code)
    if sku is None:
        raise NotFoundError(_("no SKU {code!r} in shop {slug!r}").format(
            code=sku_code, slug=promos.slug))
    if campaign_key is None:
        return DisplayPrice(sku_code, sku.price, sku.list_price, sku.list_price_label, "regular")
    camp = promos.campaign(campaign_key)
    if camp is None:
        raise NotFoundError(_("no campaign {key!r} in shop {slug!r}").format(
            key=campaign_key, slug=promos.slug))
    if sku_code not in camp.sku_prices:
        raise NotFoundError(_("SKU {code!r} is not in campaign {key!r}").format(
            code=sku_code, key=campaign_key))
    price = camp.sku_prices[sku_code]
    s = camp.settings
    extra: dict[str, Any] = {}
    if camp.kind == "group_buy":
        extra = {"group_size": s["group_size"], "leader_price": camp.leader_prices.get(sku_code)}
    elif camp.kind == "bargain":
        extra = {"bargain_start": s["start_price"], "bargain_floor": price,
                 "bargain_helpers": s["helpers"],
                 "bargain_cuts": tuple(bargain_cuts(camp))}
    return DisplayPrice(
        sku_code, price, sku.price, "plain", camp.kind, camp.key, starts_at=camp.starts_at,
        ends_at=camp.ends_at, slots=_slot_text(camp),
        running=camp.running_at(at or utcnow(), promos.time_zone), **extra)


def bargain_cuts(camp: CampaignRule) -> list[int]:
    """The published cut plan of a bargain campaign."""
    (floor,) = camp.sku_prices.values()
    s = camp.settings
    return cut_plan(s["start_price"], floor, s["helpers"], s["seed"])


def display_price(session: Session, slug: str, sku_code: str, *,
                  campaign_key: str | None = None, at: datetime | None = None) -> DisplayPrice:
    """The price shown for a SKU, optionally as bought through a campaign."""
    return price_in(load_promos(session, slug, {sku_code}), sku_code, campaign_key, at)


@dataclass(frozen=True)
class CampaignSummary:
    kind: str
    key: str
    title: str
    product_code: str
    product_title: str
    sku_codes: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    slots: tuple[tuple[str, str], ...] = ()
    rules: dict[str, Any] = field(default_factory=dict, hash=False)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "title": self.title,
                "product_code": self.product_code, "product_title": self.product_title,
                "sku_codes": list(self.sku_codes), "starts_at": self.starts_at.isoformat(),
                "ends_at": self.ends_at.isoformat(), "slots": [list(s) for s in self.slots],
                "rules": self.rules}


def campaign_rules(camp: CampaignRule) -> dict[str, Any]:
    """Kind-specific facts the runtime and the rules page show."""
    out: dict[str, Any] = {"sku_prices": dict(camp.sku_prices),
                           "sku_stock": dict(camp.sku_stock),
                           "per_user_limit": camp.per_user_limit,
                           "per_order_limit": camp.per_order_limit}
    if camp.kind == "group_buy":
        out.update(camp.settings, leader_prices=dict(camp.leader_prices))
    elif camp.kind == "bargain":
        out.update(camp.settings, cut_plan=bargain_cuts(camp))
    return out


def list_campaigns(session: Session, slug: str) -> list[CampaignSummary]:
    """The shop's campaigns in display order (group-buys, bargains, flash sales mixed)."""
    promos = load_promos(session, slug)
    titles = {s.product_code: s.title for s in promos.skus.values()}
    return [CampaignSummary(c.kind, c.key, c.title, c.product_code,
                            titles.get(c.product_code, ""), tuple(c.sku_prices), c.starts_at,
                            c.ends_at, _slot_text(c), campaign_rules(c))
            for c in promos.campaigns]
