"""Writing sheets: the blank template and a shop's catalogue in the template's layout.

Exports re-import into the same shop with no changes: money as yuan text, weight in
kg, images as paths of the workspace's stored files, one row per SKU.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopbuilder.catalog.fields import FIELD_BY_KEY, TEMPLATE_FIELDS
from shopbuilder.catalog.upsert import P, load_existing
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.money import format_money
from shopbuilder.core.services.shops import get_shop
from shopbuilder.core.storage import workspace_of
from shopbuilder.i18n import _

EXPORT_KEYS = ("title", "product_code", "option1_name", "option1_value", "option2_name",
               "option2_value", "option3_name", "option3_value", "sku_code", "price",
               "list_price", "list_price_label", "cost", "stock", "weight_kg", "category",
               "tags", "images", "sku_image", "detail", "subtitle", "status")
EXAMPLE = [
    {"title": "纯棉圆领T恤", "product_code": "TEE-001", "option1_name": "颜色",
     "option1_value": "白", "option2_name": "尺码", "option2_value": "M",
     "sku_code": "TEE-001-WM", "price": "79.00", "list_price": "99.00", "cost": "30",
     "stock": "100", "weight_kg": "0.25", "category": "服饰/上衣", "tags": "新品,纯棉",
     "images": "https://cdn.example.com/tee-white.jpg|images/tee-back.jpg",
     "detail": "<p>100% 新疆长绒棉</p>", "subtitle": "透气不闷汗", "status": "上架"},
    {"product_code": "TEE-001", "option1_value": "黑", "option2_value": "L",
     "sku_code": "TEE-001-BL", "price": "¥79", "list_price": "99", "stock": "80",
     "weight_kg": "0.26"},
]


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError("output", _("write to a .xlsx or .csv file, not {name}").format(
            name=path.name))
    return suffix


def write_rows(path: Path, headers: list[str], rows: Iterable[list[Any]],
               notes: list[list[str]] | None = None) -> Path:
    """Atomically write a sheet: .xlsx (openpyxl, streaming) or UTF-8-with-BOM .csv."""
    path = Path(path)
    suffix = _check_suffix(path)
    tmp = path.with_name(f".{path.stem}.tmp{suffix}")
    try:
        if suffix == ".xlsx":
            _write_xlsx(tmp, headers, rows, notes)
        else:
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(headers)
                writer.writerows(rows)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    return path


def _write_xlsx(path: Path, headers: list[str], rows: Iterable[list[Any]],
                notes: list[list[str]] | None) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("商品")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if notes:
        info = book.create_sheet("说明")
        for line in notes:
            info.append(line)
    book.save(path)


def write_template(path: Path) -> Path:
    """A blank template: the headers, two example rows and (xlsx) a notes sheet."""
    headers = [FIELD_BY_KEY[k].header for k in EXPORT_KEYS]
    rows = [[ex.get(k, "") for k in EXPORT_KEYS] for ex in EXAMPLE]
    notes = [[_("column"), _("also accepted"), _("what to write")]]
    notes += [[f.header, ", ".join(f.aliases), _(f.note)] for f in TEMPLATE_FIELDS]
    notes += [[], [_("One row per SKU. Product columns may repeat or stay blank on the "
                     "product's following rows. Rows with the same 商品编码 are one product.")]]
    return write_rows(path, headers, rows, notes)


def _kg(grams: int | None) -> str:
    if grams is None:
        return ""
    return format(Decimal(grams) / 1000, "f").rstrip("0").rstrip(".") if grams else "0"


def _money(fen: int | None) -> str:
    return "" if fen is None else format_money(fen)


def catalog_rows(session: Session, slug: str) -> Iterator[list[str]]:
    shop = get_shop(session, slug)
    store = workspace_of(session).assets
    existing = load_existing(session, shop.id)
    paths = {v: k for k, v in existing.categories.items()}

    def image(sha: str | None) -> str:
        return str(store.path_for(sha)) if sha else ""

    products = session.execute(select(P.c.id, P.c.code).where(P.c.shop_id == shop.id)
                               .order_by(P.c.sort_order, P.c.id)).all()
    for pid, code in products:
        p = existing.products[code]
        names = [o["name"] for o in p["options"]]
        for n, sku_code in enumerate(existing.skus_by_product.get(pid, [])):
            k = existing.sku(sku_code) or {}
            first = n == 0
            values = list(k["option_values"])
            cells: dict[str, str] = {
                "product_code": code, "sku_code": sku_code, "price": _money(k["price"]),
                "list_price": _money(k["list_price"]),
                "list_price_label": "厂商建议零售价" if k["list_price_label"] == "msrp" else "",
                "cost": _money(k["cost"]), "stock": str(k["stock"]),
                "weight_kg": _kg(k["weight_g"]), "sku_image": image(k["image"]),
            }
            for i in range(3):
                cells[f"option{i + 1}_value"] = values[i] if i < len(values) else ""
                if first:
                    cells[f"option{i + 1}_name"] = names[i] if i < len(names) else ""
            if first:
                cells.update(
                    title=p["title"], subtitle=p["subtitle"], detail=p["detail_html"],
                    category=paths.get(p["category_id"], "") if p["category_id"] else "",
                    tags=",".join(p["tags"]), images="|".join(image(s) for s in p["images"]),
                    status="上架" if p["on_shelf"] else "下架")
            yield [cells.get(key, "") for key in EXPORT_KEYS]


def export_catalog(session: Session, slug: str, path: Path) -> int:
    """Write the shop's catalogue; returns the number of SKU rows written."""
    count = 0

    def counted() -> Iterator[list[str]]:
        nonlocal count
        for row in catalog_rows(session, slug):
            count += 1
            yield row

    _check_suffix(Path(path))
    write_rows(Path(path), [FIELD_BY_KEY[k].header for k in EXPORT_KEYS], counted())
    return count
