"""The real Yanxuan catalogue, as a template sheet (xlsx, GBK csv) and a Shopify CSV:
every SKU arrives; unreachable images are warnings, not failures."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shopbuilder.catalog.importer import ImportOptions, import_file
from shopbuilder.core.models import Product, Shop, Sku
from shopbuilder.core.services import products as psvc
from shopbuilder.core.services.shops import create_shop
from shopbuilder.core.storage import Workspace
from tests.catalog import yanxuan
from tests.catalog.conftest import write_csv, write_xlsx

GOODS, SKUS = 239, 244


def sku_codes(ws: Workspace, slug: str) -> set[str]:
    with ws.session() as s:
        return set(s.scalars(select(Sku.code).join(Shop, Shop.id == Sku.shop_id)
                             .where(Shop.slug == slug)))


def dead_base() -> str:
    """A local port where nothing listens: connections are refused, no internet."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture(scope="module")
def products() -> list[dict[str, object]]:
    return yanxuan.load(dead_base())


def test_template_xlsx_and_gbk_csv_bring_every_sku(
        workspace: Workspace, tmp_path: Path, products: list[dict[str, object]]) -> None:
    rows = yanxuan.template_rows(products)
    xlsx = write_xlsx(tmp_path / "yanxuan.xlsx", rows)  # type: ignore[arg-type]
    gbk = yanxuan.write_gbk_csv(tmp_path / "yanxuan.csv", rows)
    with workspace.session() as s:
        create_shop(s, "yx", "严选")
        create_shop(s, "yx-gbk", "严选 GBK")
    report = import_file(workspace, "yx", xlsx)
    assert report.errors == [] and report.created == GOODS
    assert report.images_stored == 0 and len(report.warnings) >= GOODS  # every image failed
    junk = [w for w in report.warnings if w.value.startswith("quality=90")]
    assert len(junk) == 2 and all(w.column == "SKU图片" for w in junk)
    expected = {k["code"] for p in products for k in p["skus"]}  # type: ignore[attr-defined]
    assert len(expected) == SKUS and sku_codes(workspace, "yx") == expected
    gbk_report = import_file(workspace, "yx-gbk", gbk)
    assert gbk_report.errors == [] and sku_codes(workspace, "yx-gbk") == expected
    with workspace.session() as s:
        bed = psvc.get_product(s, "yx", "1181000")
        assert bed.options[0] == {"name": "规格", "values": ["1.5m床垫*1+枕头*2",
                                                              "1.8m床垫*1+枕头*2"]}
        top = {k.code: k for k in bed.skus}["YX6"]
        assert (top.price, top.list_price, top.stock) == (300000, None, 0)
        quilt = psvc.get_product(s, "yx", "1006002")
        assert psvc.category_path(quilt.category).endswith("/床品件套")
        assert "_src" not in quilt.detail_html and quilt.detail_html.startswith("<p><img")
        assert s.scalar(select(func.count()).select_from(Product)
                        .where(Product.on_shelf.is_(False))) == 2  # one in each shop
        gbk_detail = psvc.get_product(s, "yx-gbk", "1030002").detail_html
        assert "\u200d" not in gbk_detail and gbk_detail
    again = import_file(workspace, "yx", xlsx, ImportOptions(fetch_images=False))
    assert again.unchanged == GOODS


def test_shopify_csv_brings_every_sku(workspace: Workspace, tmp_path: Path,
                                      products: list[dict[str, object]]) -> None:
    sheet = write_csv(tmp_path / "shopify.csv", yanxuan.shopify_rows(products), "utf-8")
    with workspace.session() as s:
        create_shop(s, "yx", "严选")
    report = import_file(workspace, "yx", sheet)
    assert report.format == "shopify" and report.errors == [] and report.created == GOODS
    assert sku_codes(workspace, "yx") == {k["code"] for p in products
                                          for k in p["skus"]}  # type: ignore[attr-defined]
    assert all("image not imported" in w.message for w in report.warnings
               if w.column in ("Image Src", "Variant Image"))


def test_keeping_the_counter_price_as_list_price_shows_the_rule(
        workspace: Workspace, tmp_path: Path) -> None:
    rows = yanxuan.template_rows(yanxuan.load(dead_base(), strict=True))
    with workspace.session() as s:
        create_shop(s, "yx", "严选")
    report = import_file(workspace, "yx", write_csv(tmp_path / "s.csv", rows),
                         ImportOptions(fetch_images=False))
    assert [(e.column, e.value) for e in report.errors] == [("划线价", "2618.00")]
    row = report.errors[0].row
    assert row is not None and rows[row - 1][6] == "YX6"  # the ¥3000 SKU, by Excel row
    assert sku_codes(workspace, "yx") == set()  # all or nothing
