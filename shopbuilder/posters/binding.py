"""Data bindings: ``{{product.title}}`` in any string of a template.

Every binding a template may use is declared here with the template kinds that
provide it, so a typo or a binding the poster's kind cannot fill is reported with
its JSON path when the template is loaded, not as an empty space on a poster.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

BINDING_RE = re.compile(r"\{\{\s*([a-z_]+\.[a-z0-9_]+)\s*\}\}")

PRODUCT_KINDS = ("product", "group_buy", "bargain", "flash_sale")
CAMPAIGN_KINDS = ("group_buy", "bargain", "flash_sale")
ALL_KINDS = (*PRODUCT_KINDS, "coupon", "shop")

_COMMON = {
    "shop.name": "shop name", "shop.brand_name": "brand name", "shop.slogan": "slogan",
    "shop.logo": "logo image", "shop.primary_color": "brand colour",
    "shop.secondary_color": "second brand colour", "shop.share_title": "share title",
    "shop.share_image": "share image",
    "qr.payload": "what the QR code encodes", "qr.scene": "the QR scene",
}
_PRODUCT = {
    "product.code": "product code", "product.title": "title", "product.subtitle": "subtitle",
    "product.image": "main image", "product.image2": "second image (else the main one)",
    "product.short_id": "short id in the QR scene",
    "sku.code": "SKU shown", "sku.options": "its option values, e.g. 红 / M",
    "price.price": "price in fen (for price layers)", "price.yuan": "price as text, e.g. 79",
    "price.list_price": "划线价 in fen, empty when none",
    "price.list_price_label": "plain or msrp",
    "price.from": "起 when the product's SKUs have different prices",
    "price.kind": "which price applies: regular, group_buy, bargain, flash_sale",
}
_CAMPAIGN = {
    "campaign.key": "campaign key", "campaign.title": "campaign title",
    "campaign.label": "拼团, 砍价 or 秒杀", "campaign.time_text": "when it runs",
    "campaign.ends_text": "when it ends",
}
_BY_KIND: dict[str, dict[str, str]] = {
    "group_buy": {
        "group_buy.size": "buyers per group", "group_buy.price": "group price in fen",
        "group_buy.leader_price": "团长价 in fen, empty when none",
        "group_buy.hook": "e.g. 3人团 ¥59", "group_buy.rule": "size, time limit and refund rule",
    },
    "bargain": {
        "bargain.floor": "floor price in fen", "bargain.helpers": "helpers needed",
        "bargain.hook": "e.g. 砍价 最低¥0.01", "bargain.rule": "helpers needed and floor",
    },
    "flash_sale": {
        "flash_sale.price": "flash price in fen", "flash_sale.hook": "e.g. 限时秒杀 ¥49",
        "flash_sale.rule": "time slot and limit",
    },
    "coupon": {
        "coupon.key": "coupon key", "coupon.name": "coupon name",
        "coupon.value": "10 or 8.5", "coupon.unit": "元 or 折",
        "coupon.condition": "满99可用 or 无门槛", "coupon.hook": "e.g. 满99减10",
        "coupon.valid_text": "when it can be claimed and used",
    },
}


def fields_for(kind: str) -> dict[str, str]:
    """Every binding a template of `kind` may use, with a short description."""
    out = dict(_COMMON)
    if kind in PRODUCT_KINDS:
        out.update(_PRODUCT)
    if kind in CAMPAIGN_KINDS:
        out.update(_CAMPAIGN)
    out.update(_BY_KIND.get(kind, {}))
    return out


def all_fields() -> dict[str, set[str]]:
    """Binding → the kinds that provide it (for error messages)."""
    out: dict[str, set[str]] = {}
    for kind in ALL_KINDS:
        for name in fields_for(kind):
            out.setdefault(name, set()).add(kind)
    return out


def walk_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(json path, string) for every string inside a template document."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from walk_strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_strings(item, f"{path}[{i}]")


def names_in(text: str) -> list[str]:
    return BINDING_RE.findall(text)


def resolve(text: str, data: Mapping[str, Any]) -> Any:
    """A string that is exactly one binding gives the raw value (an int for fen, None
    when empty); otherwise bindings are replaced by their text ("" for None)."""
    match = BINDING_RE.fullmatch(text.strip()) if "{{" in text else None
    if match:
        return data.get(match.group(1))
    if "{{" not in text:
        return text

    def sub(m: re.Match[str]) -> str:
        value = data.get(m.group(1))
        return "" if value is None else str(value)
    return BINDING_RE.sub(sub, text)


def resolve_text(text: str, data: Mapping[str, Any]) -> str:
    value = resolve(text, data)
    return "" if value is None else str(value)
