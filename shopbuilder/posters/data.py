"""What a poster shows, read from the workspace as plain data (``{"product.title": …}``).

Prices come from the promotions engine (`shopbuilder.promotions.display.price_in`,
what `display_price` runs on a snapshot loaded once per batch), the same function the
bundle uses, so a poster's price is the price the buyer will see (the price law).
Nothing here computes a price.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shopbuilder.core.errors import NotFoundError, ValidationError
from shopbuilder.core.models import Product, Shop
from shopbuilder.core.services.products import get_product
from shopbuilder.core.services.shops import get_shop
from shopbuilder.core.timeutil import to_local
from shopbuilder.i18n import _
from shopbuilder.posters import qr
from shopbuilder.posters.binding import CAMPAIGN_KINDS
from shopbuilder.promotions.display import DisplayPrice, price_in
from shopbuilder.promotions.snapshot import CampaignRule, ShopPromos

KIND_LABEL = {"group_buy": "拼团", "bargain": "砍价", "flash_sale": "秒杀"}
FONT_SETTING = "posters.font_path"
QR_PREFIX_SETTING = "posters.qr_prefix"


def yuan(fen: int) -> str:
    """Fen as poster text: 7900 → "79", 7950 → "79.50" (as in "3人团 ¥59").

    Poster copy is Chinese content for buyers, not UI text, so it is not translated."""
    whole, cents = divmod(fen, 100)
    return f"{whole}" if cents == 0 else f"{whole}.{cents:02d}"


def local_text(moment: datetime, tz: str) -> str:
    t = to_local(moment, tz)
    return f"{t.month}月{t.day}日 {t:%H:%M}"


@dataclass(frozen=True)
class ShopInfo:
    """Per-shop facts a batch reads once: fonts, QR prefix, the shop's bindings."""

    slug: str
    time_zone: str
    brand_font: str | None  # asset sha256
    font_path: str | None
    qr_prefix: str
    data: dict[str, Any]


def shop_info(session: Session, slug: str) -> ShopInfo:
    shop = get_shop(session, slug)
    settings = shop.settings or {}
    return ShopInfo(
        slug=shop.slug, time_zone=shop.time_zone, brand_font=shop.brand_font_asset,
        font_path=settings.get(FONT_SETTING), qr_prefix=settings.get(QR_PREFIX_SETTING, ""),
        data=_shop_data(shop))


def _shop_data(shop: Shop) -> dict[str, Any]:
    return {
        "shop.name": shop.name, "shop.brand_name": shop.brand_name or shop.name,
        "shop.slogan": shop.slogan, "shop.logo": shop.logo_asset,
        "shop.primary_color": shop.primary_color, "shop.secondary_color": shop.secondary_color,
        "shop.share_title": shop.share_title or shop.name,
        "shop.share_image": shop.share_image_asset,
    }


def _price_fields(dp: DisplayPrice, prefix: str = "price") -> dict[str, Any]:
    return {
        f"{prefix}.price": dp.price, f"{prefix}.yuan": yuan(dp.price),
        f"{prefix}.list_price": dp.list_price,
        f"{prefix}.list_price_label": dp.list_price_label or "plain",
        f"{prefix}.kind": dp.kind,
    }


def _product_fields(product: Product) -> dict[str, Any]:
    images = list(product.images or [])
    return {
        "product.code": product.code, "product.title": product.title,
        "product.subtitle": product.subtitle,
        "product.image": images[0] if images else None,
        "product.image2": images[1] if len(images) > 1 else (images[0] if images else None),
        "product.short_id": qr.short_id(product.code),
    }


def _cheapest(promos: ShopPromos, sku_codes: list[str], campaign_key: str | None,
              at: datetime | None) -> tuple[DisplayPrice, str]:
    """The lowest display price among the SKUs, and "起" when their prices differ."""
    prices = sorted((price_in(promos, code, campaign_key, at) for code in sku_codes),
                    key=lambda dp: (dp.price, dp.sku_code))
    if not prices:
        raise ValidationError("product", _("nothing to price"))
    return prices[0], "起" if prices[0].price != prices[-1].price else ""


def _sku_fields(product: Product, dp: DisplayPrice, from_text: str) -> dict[str, Any]:
    sku = next(s for s in product.skus if s.code == dp.sku_code)
    return {"sku.code": sku.code, "sku.options": " / ".join(sku.option_values or []),
            "price.from": from_text}


def product_data(session: Session, info: ShopInfo, promos: ShopPromos, code: str,
                 at: datetime | None = None, product: Product | None = None) -> dict[str, Any]:
    product = product or get_product(session, info.slug, code)
    if not product.skus:
        raise ValidationError("product", _("{code} has no SKU to price").format(code=code))
    dp, from_text = _cheapest(promos, [s.code for s in product.skus], None, at)
    data = dict(info.data)
    data.update(_product_fields(product))
    data.update(_price_fields(dp))
    data.update(_sku_fields(product, dp, from_text))
    data.update({
        "qr.scene": qr.scene_for(info.slug, "product", product.code),
        "qr.payload": qr.qr_payload(info.slug, "product", product.code, info.qr_prefix),
    })
    return data


def shop_data(session: Session, info: ShopInfo) -> dict[str, Any]:
    data = dict(info.data)
    data.update({"qr.scene": qr.scene_for(info.slug, "shop"),
                 "qr.payload": qr.qr_payload(info.slug, "shop", prefix=info.qr_prefix)})
    return data


def campaign_data(session: Session, info: ShopInfo, promos: ShopPromos, key: str,
                  kind: str | None = None, at: datetime | None = None) -> dict[str, Any]:
    """A campaign poster's data: the campaign price of its cheapest SKU, through
    the promotions engine's `price_in` (what `display_price` uses), plus its rules."""
    camp = promos.campaign(key)
    if camp is None:
        raise NotFoundError(_("no campaign {key!r} in shop {slug!r}").format(
            key=key, slug=info.slug))
    if kind is not None and camp.kind != kind:
        raise ValidationError("campaign", _("{key} is a {actual} campaign, not {kind}").format(
            key=key, actual=camp.kind, kind=kind))
    dp, from_text = _cheapest(promos, sorted(camp.sku_prices), key, at)
    product = get_product(session, info.slug, camp.product_code)
    tz = info.time_zone
    data = dict(info.data)
    data.update(_product_fields(product))
    data.update(_price_fields(dp))
    data.update(_sku_fields(product, dp, from_text))
    data.update({
        "campaign.key": camp.key, "campaign.title": camp.title,
        "campaign.label": KIND_LABEL[camp.kind],
        "campaign.time_text": f"{local_text(camp.starts_at, tz)} – {local_text(camp.ends_at, tz)}",
        "campaign.ends_text": f"{local_text(camp.ends_at, tz)} 结束",
        "qr.scene": qr.scene_for(info.slug, "campaign", camp.key),
        "qr.payload": qr.qr_payload(info.slug, "campaign", camp.key, info.qr_prefix),
    })
    data.update(_campaign_rules(camp, dp))
    return data


def _campaign_rules(camp: CampaignRule, dp: DisplayPrice) -> dict[str, Any]:
    """The conditions the price rules want shown next to the price, in words."""
    s = camp.settings
    if camp.kind == "group_buy":
        size = dp.group_size
        leader = f" · 团长价¥{yuan(dp.leader_price)}" if dp.leader_price is not None else ""
        hours = s.get("fill_hours", 24)
        return {
            "group_buy.size": size, "group_buy.price": dp.price,
            "group_buy.leader_price": dp.leader_price,
            "group_buy.hook": f"{size}人团 ¥{yuan(dp.price)}",
            "group_buy.rule": f"{size}人成团{leader} · {hours}小时内未成团自动退款",
        }
    if camp.kind == "bargain":
        floor = dp.bargain_floor if dp.bargain_floor is not None else dp.price
        return {
            "bargain.floor": floor, "bargain.helpers": dp.bargain_helpers,
            "bargain.hook": f"砍价 最低¥{yuan(floor)}",
            "bargain.rule": f"邀请{dp.bargain_helpers}位好友帮砍，可砍至¥{yuan(floor)}",
        }
    slots = "、".join(f"{a}–{b}" for a, b in dp.slots)
    limit = f"每人限购{camp.per_user_limit}件" if camp.per_user_limit else ""
    rule = " · ".join(x for x in ("限量秒杀", f"每天{slots}开抢" if slots else "", limit) if x)
    return {"flash_sale.price": dp.price, "flash_sale.hook": f"限时秒杀 ¥{yuan(dp.price)}",
            "flash_sale.rule": rule}


def coupon_data(session: Session, info: ShopInfo, key: str) -> dict[str, Any]:
    from shopbuilder.promotions.coupons import get_coupon

    c = get_coupon(session, info.slug, key)
    tz = info.time_zone
    if c.kind == "percent":
        rate = 100 - c.value  # 15% off → 8.5折
        value, unit = (f"{rate // 10}" if rate % 10 == 0 else f"{rate // 10}.{rate % 10}"), "折"
        hook = f"{value}折"
    else:
        value, unit = yuan(c.value), "元"
        hook = f"减{value}元"
    # the conditions shown next to the value (规范促销行为暂行规定): threshold, cap, who, what
    terms = [f"满{yuan(c.threshold)}可用" if c.threshold else "无门槛"]
    if c.kind == "percent" and c.cap:
        terms.append(f"最高减{yuan(c.cap)}元")
    if c.obtain == "new_user":
        terms.append("新人专享")
    if c.scope == "categories" and c.scope_items:
        terms.append("限" + "、".join(str(i) for i in c.scope_items[:3]))
    elif c.scope in ("products", "exclude"):
        terms.append("限指定商品" if c.scope == "products" else "部分商品不可用")
    condition = " · ".join(terms)
    if c.threshold:
        hook = f"满{yuan(c.threshold)}" + (f"减{value}" if c.kind != "percent" else f"打{value}折")
    data = dict(info.data)
    data.update({
        "coupon.key": c.key, "coupon.name": c.name, "coupon.value": value, "coupon.unit": unit,
        "coupon.condition": condition, "coupon.hook": hook,
        "coupon.valid_text": f"领取时间 {local_text(c.claim_starts_at, tz)} – "
                             f"{local_text(c.claim_ends_at, tz)}",
        "qr.scene": qr.scene_for(info.slug, "coupon", c.key),
        "qr.payload": qr.qr_payload(info.slug, "coupon", c.key, info.qr_prefix),
    })
    return data


def poster_data(session: Session, info: ShopInfo, promos: ShopPromos, kind: str, *,
                product_code: str | None = None, campaign_key: str | None = None,
                at: datetime | None = None, product: Product | None = None) -> dict[str, Any]:
    """Data for a template of `kind`; `campaign_key` names a campaign (or a coupon for
    coupon templates); `product` may be given preloaded (batches)."""
    if kind == "shop":
        return shop_data(session, info)
    if kind == "product":
        if not product_code:
            raise ValidationError("product", _("a product poster needs a product code"))
        return product_data(session, info, promos, product_code, at, product)
    if not campaign_key:
        raise ValidationError("campaign", _("a {kind} poster needs a campaign key").format(
            kind=kind))
    if kind == "coupon":
        return coupon_data(session, info, campaign_key)
    assert kind in CAMPAIGN_KINDS
    return campaign_data(session, info, promos, campaign_key, kind, at)
