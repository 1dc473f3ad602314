"""Turn the Yanxuan sample catalogue (../shared/datasets/yanxuan, relational CSVs) into
our template rows and into Shopify rows, the way an agency would before importing.

Quirks met (and what the conversion does):
- image URLs point to a host that cannot be reached: rewritten onto `dead_base` (a local
  port where nothing listens) so tests never touch the internet; they become warnings;
- two SKU image "URLs" are junk (``quality=90&thumbnail=200x200&imageView``, a query
  string without its URL): passed through as they are, the import warns on that row;
- `counter_price` (专柜价) is per product, but one product's SKUs go up to ¥3000 over a
  ¥2618 counter price: a 划线价 below the price is illegal, so the list price is left
  blank for SKUs priced above it (`strict=True` keeps it, to show the error);
- `retail_price` on the product disagrees with its SKUs' prices: the SKU price wins;
- single-SKU products carry a one-value option 规格 = 标准: kept (it is what the shop
  shows); one SKU has stock 0: fine;
- `detail` is raw HTML with `_src`/`style` attributes and a few <video> tags: the import
  sanitises it; three details contain U+200D (zero-width joiner), which GBK cannot
  encode: dropped when writing the GBK file (invisible anyway);
- `keywords` is junk ("ddd") on one product and empty elsewhere: not imported.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.conftest import YANXUAN

HOST = "http://yanxuan.nosdn.127.net/"
TEMPLATE = ["商品名称", "商品编码", "规格名1", "规格值1", "规格名2", "规格值2", "SKU编码", "售价",
            "划线价", "库存", "分类", "主图", "SKU图片", "商品详情", "副标题", "状态"]
SHOPIFY = ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published",
           "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Variant SKU",
           "Variant Inventory Qty", "Variant Price", "Variant Compare At Price", "Image Src",
           "Image Position", "Variant Image", "Status"]


def _read(name: str) -> list[dict[str, str]]:
    with open(YANXUAN / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load(dead_base: str, strict: bool = False) -> list[dict[str, object]]:
    """Products as dicts with their SKUs, ready to write in either format."""
    cats = {c["id"]: c for c in _read("categories.csv")}
    specs: dict[str, dict[str, list[str]]] = {}
    for sp in _read("specifications.csv"):
        specs.setdefault(sp["goods_id"], {}).setdefault(sp["specification"], []).append(
            sp["value"])
    skus: dict[str, list[dict[str, str]]] = {}
    for k in _read("skus.csv"):
        skus.setdefault(k["goods_id"], []).append(k)

    def url(u: str) -> str:
        return u.replace(HOST, dead_base + "/")

    products = []
    for g in _read("goods.csv"):
        cat = cats[g["category_id"]]
        parent = cats.get(cat["pid"])
        counter = float(g["counter_price"])
        products.append({
            "code": g["goods_sn"], "title": g["name"], "subtitle": g["brief"],
            "detail": g["detail"], "category": f"{parent['name']}/{cat['name']}" if parent
            else cat["name"], "images": [url(u) for u in json.loads(g["gallery"])],
            "on_shelf": g["is_on_sale"] == "1", "options": list(specs[g["id"]]),
            "skus": [{"code": f"YX{k['id']}", "values": json.loads(k["specifications"]),
                      "price": k["price"], "stock": k["number"], "image": url(k["url"]),
                      "list_price": g["counter_price"]
                      if strict or counter >= float(k["price"]) else ""}
                     for k in skus[g["id"]]],
        })
    return products


def template_rows(products: list[dict[str, object]]) -> list[list[str]]:
    rows = [TEMPLATE]
    for p in products:
        options: list[str] = p["options"]  # type: ignore[assignment]
        for n, k in enumerate(p["skus"]):  # type: ignore[attr-defined]
            first = n == 0
            values = k["values"] + ["", ""]
            rows.append([
                p["title"] if first else "", p["code"], options[0] if first else "",
                values[0], options[1] if first and len(options) > 1 else "", values[1],
                k["code"], k["price"], k["list_price"], k["stock"],
                p["category"] if first else "",
                "\n".join(p["images"]) if first else "",  # type: ignore[arg-type]
                k["image"], p["detail"] if first else "", p["subtitle"] if first else "",
                ("上架" if p["on_shelf"] else "下架") if first else ""])
    return rows


def shopify_rows(products: list[dict[str, object]]) -> list[list[str]]:
    rows = [SHOPIFY]
    for p in products:
        options: list[str] = p["options"]  # type: ignore[assignment]
        images: list[str] = p["images"]  # type: ignore[assignment]
        for n, k in enumerate(p["skus"]):  # type: ignore[attr-defined]
            first = n == 0
            values = k["values"] + [""]
            rows.append([
                p["code"], p["title"] if first else "", p["detail"] if first else "",
                "严选" if first else "", p["category"] if first else "", "",
                ("TRUE" if p["on_shelf"] else "FALSE") if first else "",
                options[0] if first else "", values[0],
                options[1] if first and len(options) > 1 else "", values[1], k["code"],
                k["stock"], k["price"], k["list_price"], images[0] if first else "",
                "1" if first else "", k["image"],
                ("active" if p["on_shelf"] else "draft") if first else ""])
        rows += [[p["code"], *[""] * 14, img, str(i), "", ""]
                 for i, img in enumerate(images[1:], 2)]
    return rows


def write_gbk_csv(path: Path, rows: list[list[str]]) -> Path:
    """What Chinese Excel writes: GBK. U+200D has no GBK code: dropped."""
    with open(path, "w", encoding="gbk", newline="") as fh:
        csv.writer(fh).writerows([[c.replace("\u200d", "") for c in r] for r in rows])
    return path
