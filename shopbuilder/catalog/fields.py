"""The sheet columns we understand and how headers map onto them.

Our template uses Chinese headers; English aliases and Shopify's headers map onto the
same field keys, and `--map "列名=field"` adds more.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from shopbuilder.core.errors import ValidationError
from shopbuilder.i18n import N_, _


@dataclass(frozen=True)
class Field:
    key: str
    header: str  # the template's (Chinese) header
    aliases: tuple[str, ...]
    note: str  # shown on the template's notes sheet
    product_level: bool = False


FIELDS: tuple[Field, ...] = (
    Field("title", "商品名称", ("title", "name", "product name", "标题", "名称"),
          N_("Product title, at most 120 characters. Required on a product's first row."),
          True),
    Field("product_code", "商品编码", ("product code", "handle", "spu", "商品货号", "货号"),
          N_("Stable product code; rows with the same code are one product's SKUs."), True),
    Field("option1_name", "规格名1", ("option1 name",), N_("First option name, e.g. 颜色."), True),
    Field("option1_value", "规格值1", ("option1 value",), N_("This SKU's value, e.g. 红.")),
    Field("option2_name", "规格名2", ("option2 name",), N_("Second option name, e.g. 尺码."),
          True),
    Field("option2_value", "规格值2", ("option2 value",), N_("This SKU's second value.")),
    Field("option3_name", "规格名3", ("option3 name",), N_("Third option name."), True),
    Field("option3_value", "规格值3", ("option3 value",), N_("This SKU's third value.")),
    # Only so a fourth option is reported (at most 3) rather than ignored.
    Field("option4_name", "规格名4", ("option4 name",), "", True),
    Field("option4_value", "规格值4", ("option4 value",), ""),
    Field("sku_code", "SKU编码", ("sku code", "sku", "variant sku", "规格编码"),
          N_("Unique SKU code; the import updates SKUs by it.")),
    Field("price", "售价", ("price", "sale price", "variant price", "价格", "销售价"),
          N_("Price in yuan: 1299, 1,299.00 or ¥1299.5.")),
    Field("list_price", "划线价", ("list price", "compare at price", "variant compare at price",
                                   "原价", "市场价"),
          N_("Crossed-out price in yuan; not below the price unless labelled msrp.")),
    Field("list_price_label", "划线价说明", ("list price label",),
          N_("Blank for a plain 划线价, or 厂商建议零售价 / msrp.")),
    Field("cost", "成本价", ("cost", "cost per item"), N_("Cost in yuan (never shown).")),
    Field("stock", "库存", ("stock", "inventory", "variant inventory qty", "qty", "数量"),
          N_("Stock, a whole number.")),
    Field("weight_kg", "重量(kg)", ("weight", "weight (kg)", "weight_kg", "重量"),
          N_("Weight in kilograms, e.g. 0.25.")),
    Field("weight_g", "重量(g)", ("variant grams", "grams", "weight (g)", "weight_g", "克重"),
          N_("Weight in grams.")),
    Field("category", "分类", ("category", "type", "product type", "类目"),
          N_("'一级' or '一级/二级'; created if missing."), True),
    Field("tags", "标签", ("tags", "tag"), N_("Tags separated by , or ，."), True),
    Field("images", "主图", ("image", "images", "image src", "图片", "商品图片"),
          N_("Image URLs or file paths relative to the sheet; several separated by | or a "
             "new line. The first is the main image."), True),
    Field("sku_image", "SKU图片", ("sku image", "variant image", "规格图片"),
          N_("One image for this SKU.")),
    Field("detail", "商品详情", ("detail", "body (html)", "body", "description", "详情"),
          N_("Rich detail as HTML or plain text; unsafe parts are removed."), True),
    Field("subtitle", "副标题", ("subtitle", "卖点", "简介"), N_("Short selling point."), True),
    Field("status", "状态", ("status", "上下架"),
          N_("上架 (on shelf) or 下架 (off shelf); blank means on shelf."), True),
    Field("image_position", "图片顺序", ("image position",), N_("Shopify image order."), True),
)

FIELD_BY_KEY = {f.key: f for f in FIELDS}
TEMPLATE_FIELDS = tuple(f for f in FIELDS if f.note and f.key not in ("weight_g",
                                                                      "image_position"))
OPTION_COUNT = 4  # columns read; the core rule allows 3

# Shopify columns we read but do not store, so they are not reported as unknown.
SHOPIFY_IGNORED = (
    "vendor", "product category", "published", "variant inventory tracker",
    "variant inventory policy", "variant fulfillment service", "variant requires shipping",
    "variant taxable", "variant barcode", "image alt text", "gift card", "seo title",
    "seo description", "variant weight unit", "variant tax code", "option1 linked to",
    "option2 linked to", "option3 linked to",
)
SHOPIFY_MARKERS = ("handle", "variant sku", "variant price", "body (html)")


def norm_header(text: str) -> str:
    """Compare headers loosely: full-width → half-width, case, spaces, （）→()."""
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"\s+", " ", text)


_LOOKUP: dict[str, str] = {}
for _f in FIELDS:
    for _name in (_f.header, _f.key, *_f.aliases):
        _LOOKUP.setdefault(norm_header(_name), _f.key)


def field_for_header(header: str) -> str | None:
    return _LOOKUP.get(norm_header(header))


def parse_map_args(items: list[str] | None) -> dict[str, str]:
    """``["列名=field", ...]`` → {header: field key}; the field may be a header or alias."""
    mapping: dict[str, str] = {}
    for item in items or []:
        header, sep, target = item.partition("=")
        key = field_for_header(target) if sep else None
        if not sep or not header.strip():
            raise ValidationError("--map", _("write a mapping as COLUMN=FIELD, got {item!r}")
                                  .format(item=item))
        if target.strip() in ("", "-", "ignore"):
            mapping[header.strip()] = ""
            continue
        if key is None:
            raise ValidationError("--map", _(
                "unknown field {field!r}; use one of: {fields}").format(
                field=target, fields=", ".join(f.key for f in FIELDS)))
        mapping[header.strip()] = key
    return mapping


def propose_mapping(headers: list[str], extra: dict[str, str] | None = None,
                    ) -> tuple[dict[int, str], list[str]]:
    """Column index → field key, and the headers nobody claimed (kept and reported).

    `extra` (from ``--map`` or a saved preset) wins over the built-in names; a field
    is taken by its first column only.
    """
    extra_norm = {norm_header(k): v for k, v in (extra or {}).items()}
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    taken: set[str] = set()
    ignored = set(SHOPIFY_IGNORED)
    for i, header in enumerate(headers):
        n = norm_header(header)
        if not n:
            continue
        key = extra_norm[n] if n in extra_norm else _LOOKUP.get(n)
        if key and key not in taken:
            mapping[i] = key
            taken.add(key)
        elif key == "" or n in ignored:
            continue
        else:  # not ours, or a second column for a field already taken
            unknown.append(header)
    if "status" not in taken:  # older Shopify exports have Published but no Status
        for i, header in enumerate(headers):
            if norm_header(header) == "published" and i not in mapping:
                mapping[i] = "status"
                break
    return mapping, unknown


def looks_like_shopify(headers: list[str]) -> bool:
    names = {norm_header(h) for h in headers}
    return "handle" in names and ("variant price" in names or "variant sku" in names)
