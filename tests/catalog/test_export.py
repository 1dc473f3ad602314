"""Export writes what import reads: export → import into the same shop changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from shopbuilder.catalog.export import export_catalog, write_template
from shopbuilder.catalog.importer import ImportOptions, import_file
from shopbuilder.catalog.readers import read_sheet
from shopbuilder.core.models import Product, Sku
from shopbuilder.core.services import products as psvc
from shopbuilder.core.services.shops import clone_shop
from shopbuilder.core.storage import Workspace


def snapshot(ws: Workspace, slug: str) -> list[tuple[object, ...]]:
    with ws.session() as s:
        return [(p.code, p.title, p.detail_html, p.tags, p.images, p.on_shelf, p.options,
                 psvc.category_path(p.category), p.version,
                 [(k.code, k.price, k.list_price, k.list_price_label, k.cost, k.stock,
                   k.weight_g, k.image, k.option_values, k.version) for k in p.skus])
                for p in psvc.list_products(s, slug)]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_reports_no_changes(demo_workspace: Workspace, tmp_path: Path,
                                               suffix: str) -> None:
    ws = demo_workspace
    before = snapshot(ws, "demo")
    out = tmp_path / f"catalog{suffix}"
    with ws.session() as s:
        rows = export_catalog(s, "demo", out)
        assert rows == s.query(Sku).join(Product).filter(Product.shop_id == 1).count()
    report = import_file(ws, "demo", out)
    assert report.errors == [] and report.warnings == []
    assert (report.created, report.updated, report.skipped) == (0, 0, 0)
    assert report.unchanged == len(before)
    assert snapshot(ws, "demo") == before


def test_export_imports_into_another_shop_identically(demo_workspace: Workspace,
                                                      tmp_path: Path) -> None:
    ws = demo_workspace
    out = tmp_path / "catalog.xlsx"
    with ws.session() as s:
        export_catalog(s, "demo", out)
        clone_shop(s, "demo", "copy")
        for product in psvc.list_products(s, "copy"):
            s.delete(product)
    report = import_file(ws, "copy", out, ImportOptions())
    assert report.errors == [] and report.created == len(snapshot(ws, "demo"))

    def strip(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
        return [(*r[:8], [k[:-1] for k in r[9]]) for r in rows]  # versions differ
    assert strip(snapshot(ws, "copy")) == strip(snapshot(ws, "demo"))


def test_csv_export_has_a_bom_for_excel(demo_workspace: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    with demo_workspace.session() as s:
        export_catalog(s, "demo", out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_sheet(out).headers[:2] == ["商品名称", "商品编码"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_reads_back_as_two_skus(tmp_path: Path, suffix: str) -> None:
    sheet = read_sheet(write_template(tmp_path / f"t{suffix}"))
    assert sheet.headers[0] == "商品名称" and len(sheet.rows) == 2


def test_template_imports_cleanly(shop: Workspace, tmp_path: Path) -> None:
    template = write_template(tmp_path / "t.xlsx")
    report = import_file(shop, "acme", template, ImportOptions(fetch_images=False))
    assert report.errors == [] and report.created == 1
    with shop.session() as s:
        sku = s.scalar(select(Sku).where(Sku.code == "TEE-001-BL"))
        assert sku is not None and (sku.price, sku.weight_g) == (7900, 260)


def test_export_refuses_other_file_types(demo_workspace: Workspace, tmp_path: Path) -> None:
    from shopbuilder.core.errors import ValidationError

    with pytest.raises(ValidationError), demo_workspace.session() as s:
        export_catalog(s, "demo", tmp_path / "x.pdf")
