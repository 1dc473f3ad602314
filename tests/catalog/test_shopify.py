"""Shopify product CSVs: one row per variant, product fields on the Handle's first row,
extra image rows, `Title / Default Title` for products without options."""

from __future__ import annotations

from pathlib import Path

from shopbuilder.catalog.importer import detect, import_file
from shopbuilder.catalog.richtext import sanitize
from shopbuilder.core.services import products as psvc
from shopbuilder.core.storage import Workspace
from tests.catalog.conftest import write_csv

HEAD = ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published",
        "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Variant SKU",
        "Variant Grams", "Variant Inventory Qty", "Variant Price", "Variant Compare At Price",
        "Image Src", "Image Position", "Variant Image", "Cost per item", "Status"]
BODY = ('<p onclick="steal()">Soft <b>cotton</b></p><script>alert(1)</script>'
        '<a href="javascript:alert(2)">more</a><img src="https://cdn.example.com/a.jpg">')


def shopify_rows(base: str) -> list[list[str]]:
    return [
        HEAD,
        ["tee", "Cotton Tee", BODY, "Acme", "Shirts", "summer, cotton", "TRUE", "Size", "S",
         "Color", "Red", "TEE-S-R", "200", "5", "19.90", "29.90", f"{base}/photo.jpg", "2",
         f"{base}/red.png", "8", "active"],
        ["tee", "", "", "", "", "", "", "", "M", "", "Red", "TEE-M-R", "210", "7", "19.90",
         "29.90", f"{base}/red.png", "1", "", "8", ""],
        ["tee", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", f"{base}/cmyk.jpg",
         "3", "", "", ""],
        ["mug", "Mug", "<p>Ceramic</p>", "Acme", "Home/Kitchen", "", "FALSE", "Title",
         "Default Title", "", "", "MUG-1", "350", "0", "9", "", "", "", "", "", "draft"],
    ]


def test_shopify_csv_imports_variants_images_and_safe_html(
        shop: Workspace, tmp_path: Path, image_server: str) -> None:
    sheet = write_csv(tmp_path / "products_export.csv", shopify_rows(image_server),
                      encoding="utf-8")
    assert detect(sheet).format == "shopify"
    report = import_file(shop, "acme", sheet)
    assert report.errors == [] and report.created == 2 and report.format == "shopify"
    assert report.html_removed == 3  # the script, the onclick and the javascript: link
    html_warning = next(w for w in report.warnings if "unsafe" in w.message)
    assert (html_warning.row, html_warning.column) == (2, "Body (HTML)")
    with shop.session() as s:
        tee = psvc.get_product(s, "acme", "tee")
        assert tee.title == "Cotton Tee" and tee.tags == ["summer", "cotton"]
        assert psvc.category_path(tee.category) == "Shirts"
        assert tee.options == [{"name": "Size", "values": ["S", "M"]},
                               {"name": "Color", "values": ["Red"]}]
        assert "script" not in tee.detail_html and "onclick" not in tee.detail_html
        assert "javascript" not in tee.detail_html and "<b>cotton</b>" in tee.detail_html
        assert len(tee.images) == 3  # ordered by Image Position: red, photo, cmyk
        assert tee.images[0] == tee.skus[0].image
        s_sku, m_sku = tee.skus
        assert (s_sku.price, s_sku.list_price, s_sku.cost, s_sku.stock, s_sku.weight_g) == (
            1990, 2990, 800, 5, 200)
        assert m_sku.option_values == ["M", "Red"]
        mug = psvc.get_product(s, "acme", "mug")
        assert mug.options == [] and mug.on_shelf is False
        assert psvc.category_path(mug.category) == "Home/Kitchen"
    again = import_file(shop, "acme", sheet)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_sanitizer_keeps_rich_text_and_is_stable() -> None:
    cleaned, removed = sanitize(BODY + '<table><tr><td style="color:red">x</td></tr></table>')
    assert removed == 3
    assert cleaned.startswith("<p>Soft <b>cotton</b></p>") and "<td style" in cleaned
    assert sanitize(cleaned) == (cleaned, 0)
    assert sanitize("第一行\n第二行 <3") == ("<p>第一行</p><p>第二行 &lt;3</p>", 0)
