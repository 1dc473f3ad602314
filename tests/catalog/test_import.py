"""Template sheets: grouping, upsert, all-or-nothing, row-level errors, price history."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from shopbuilder.catalog.importer import ImportOptions, detect, import_file
from shopbuilder.catalog.report import ImportCancelled
from shopbuilder.core.models import PriceHistory, Product, Sku
from shopbuilder.core.services import products as psvc
from shopbuilder.core.storage import Workspace
from tests.catalog.conftest import TEMPLATE_HEADERS, write_csv, write_xlsx

H = TEMPLATE_HEADERS
GOOD = [
    H,
    ["纯棉T恤", "TEE", "颜色", "白", "尺码", "M", "TEE-WM", "¥1,299.00", "1399", "10",
     "服饰/上衣", "新品，纯棉", "上架"],
    ["", "TEE", "", "白", "", "L", "TEE-WL", "1299", "1399", "5", "", "", ""],
    ["", "TEE", "", "黑", "", "M", "TEE-BM", "１２９９", "", "0", "", "", ""],
    ["帆布袋", "BAG", "", "", "", "", "BAG-1", "49.5", "", "3", "配件", "", "下架"],
]


def counts(ws: Workspace) -> tuple[int, int, int]:
    with ws.session() as s:
        return (s.scalar(select(func.count()).select_from(Product)) or 0,
                s.scalar(select(func.count()).select_from(Sku)) or 0,
                s.scalar(select(func.count()).select_from(PriceHistory)) or 0)


def test_imports_products_with_options_categories_and_tags(shop: Workspace,
                                                           tmp_path: Path) -> None:
    report = import_file(shop, "acme", write_csv(tmp_path / "a.csv", GOOD))
    assert (report.created, report.updated, report.errors) == (2, 0, [])
    with shop.session() as s:
        tee = psvc.get_product(s, "acme", "TEE")
        assert tee.title == "纯棉T恤" and tee.tags == ["新品", "纯棉"]
        assert psvc.category_path(tee.category) == "服饰/上衣"
        assert tee.options == [{"name": "颜色", "values": ["白", "黑"]},
                               {"name": "尺码", "values": ["M", "L"]}]
        by_code = {k.code: k for k in tee.skus}
        assert by_code["TEE-WM"].price == 129900 and by_code["TEE-BM"].price == 129900
        assert by_code["TEE-WM"].list_price == 139900 and by_code["TEE-BM"].list_price is None
        assert by_code["TEE-WL"].option_values == ["白", "L"]
        bag = psvc.get_product(s, "acme", "BAG")
        assert bag.on_shelf is False and bag.skus[0].price == 4950 and bag.options == []
    assert counts(shop) == (2, 4, 4)  # every new SKU starts its price history


def test_same_file_twice_changes_nothing_and_a_price_change_touches_one_sku(
        shop: Workspace, tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "a.xlsx", GOOD)
    import_file(shop, "acme", sheet)
    with shop.session() as s:
        versions = {k.code: k.version for k in s.scalars(select(Sku))}
    again = import_file(shop, "acme", sheet)
    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 2, False)
    changed = [list(r) for r in GOOD]
    changed[2][7] = "1199"
    report = import_file(shop, "acme", write_xlsx(tmp_path / "b.xlsx", changed))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert (report.sku_updated, report.sku_unchanged) == (1, 3)
    with shop.session() as s:
        skus = {k.code: k for k in s.scalars(select(Sku))}
        assert skus["TEE-WL"].price == 119900
        assert {c: k.version for c, k in skus.items()} == {**versions,
                                                           "TEE-WL": versions["TEE-WL"] + 1}
        history = psvc.price_history(s, skus["TEE-WL"].id)
        assert [h.price for h in history] == [129900, 119900]
    assert counts(shop)[2] == 5


def test_any_error_writes_nothing_and_every_error_names_its_cell(shop: Workspace,
                                                                 tmp_path: Path) -> None:
    rows = [list(r) for r in GOOD]
    rows[1][7] = "abc"  # not a price
    rows[2][9] = "-3"  # negative stock
    rows[3][4:6] = ["", "M"]  # 黑/M fine
    rows.append(["", "TEE", "", "白", "", "M", "TEE-DUP", "1299", "", "1", "", "", ""])
    rows.append(["零元购", "FREE", "", "", "", "", "FREE-1", "0", "", "1", "", "", ""])
    rows.append(["贵划线", "LP", "", "", "", "", "LP-1", "100", "90", "1", "", "", ""])
    report = import_file(shop, "acme", write_csv(tmp_path / "bad.csv", rows))
    assert counts(shop) == (0, 0, 0)
    assert report.failed and not report.written
    found = {(e.row, e.column): e for e in report.errors}
    assert found[(2, "售价")].value == "abc" and "not a price" in found[(2, "售价")].message
    assert "must not be negative" in found[(3, "库存")].message
    assert "same options as row 2" in found[(6, "规格值1")].message
    assert "cannot cost 0" in found[(7, "售价")].message
    assert found[(8, "划线价")].value == "90" and "below the price" in found[(8, "划线价")].message
    assert report.as_json()["errors"][0].keys() == {"row", "column", "value", "message"}


def test_skip_invalid_imports_the_valid_products_whole(shop: Workspace, tmp_path: Path) -> None:
    rows = [list(r) for r in GOOD]
    rows[3][7] = "12.345"  # a bad row in TEE: the whole product is skipped
    report = import_file(shop, "acme", write_csv(tmp_path / "bad.csv", rows),
                         ImportOptions(skip_invalid=True))
    assert (report.created, report.skipped, len(report.errors)) == (1, 1, 1)
    assert not report.failed
    assert counts(shop)[:2] == (1, 1)


def test_dry_run_reports_without_writing(shop: Workspace, tmp_path: Path) -> None:
    report = import_file(shop, "acme", write_csv(tmp_path / "a.csv", GOOD),
                         ImportOptions(dry_run=True))
    assert (report.created, report.written) == (2, False)
    assert counts(shop) == (0, 0, 0)


def test_more_than_three_options_is_an_error(shop: Workspace, tmp_path: Path) -> None:
    rows = [["商品名称", "商品编码", "规格名1", "规格值1", "规格名2", "规格值2", "规格名3",
             "规格值3", "规格名4", "规格值4", "售价"],
            ["多规格", "M4", "a", "1", "b", "1", "c", "1", "d", "1", "9"]]
    report = import_file(shop, "acme", write_csv(tmp_path / "m.csv", rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "规格名4")]
    assert "at most 3 options" in report.errors[0].message


def test_missing_sku_codes_upsert_by_product_code_and_options(shop: Workspace,
                                                              tmp_path: Path) -> None:
    rows = [[c for i, c in enumerate(r) if i != 6] for r in GOOD]  # drop SKU编码
    sheet = write_csv(tmp_path / "nocode.csv", rows)
    first = import_file(shop, "acme", sheet)
    assert first.created == 2
    with shop.session() as s:
        codes = sorted(k.code for k in s.scalars(select(Sku)))
    assert codes == ["BAG-1", "TEE-1", "TEE-2", "TEE-3"]
    rows[3][6] = "1099"  # 黑/M gets a new price; it keeps its code
    again = import_file(shop, "acme", write_csv(tmp_path / "nocode2.csv", rows))
    assert (again.updated, again.unchanged, again.sku_updated) == (1, 1, 1)
    with shop.session() as s:
        sku = s.scalar(select(Sku).where(Sku.code == "TEE-3"))
        assert sku is not None and sku.option_values == ["黑", "M"] and sku.price == 109900


def test_rows_without_product_code_group_by_title_and_blank_rows_continue(
        shop: Workspace, tmp_path: Path) -> None:
    rows = [["商品名称", "规格名1", "规格值1", "售价"],
            ["围巾", "颜色", "红", "99"], ["", "", "蓝", "99"], ["手套", "", "", "59"]]
    sheet = write_csv(tmp_path / "t.csv", rows)
    assert import_file(shop, "acme", sheet).created == 2
    assert import_file(shop, "acme", sheet).unchanged == 2
    assert counts(shop)[:2] == (2, 3)


def test_sku_code_of_another_product_is_an_error(shop: Workspace, tmp_path: Path) -> None:
    import_file(shop, "acme", write_csv(tmp_path / "a.csv", GOOD))
    rows = [H, ["新品", "NEW", "", "", "", "", "BAG-1", "10", "", "1", "", "", ""]]
    report = import_file(shop, "acme", write_csv(tmp_path / "b.csv", rows))
    assert [(e.row, e.column, e.value) for e in report.errors] == [(2, "SKU编码", "BAG-1")]
    assert "belongs to product 'BAG'" in report.errors[0].message


def test_unknown_columns_are_reported_and_mappable(shop: Workspace, tmp_path: Path) -> None:
    rows = [["货品名", "商品编码", "售价", "备注"], ["茶杯", "CUP", "19", "易碎"]]
    sheet = write_csv(tmp_path / "u.csv", rows)
    report = import_file(shop, "acme", sheet)
    assert {w.column for w in report.warnings} == {"货品名", "备注"}
    assert report.errors and report.errors[0].column == "商品名称"  # no title
    report = import_file(shop, "acme", sheet, ImportOptions(mapping={"货品名": "title"}))
    assert report.created == 1
    # the mapping is remembered for sheets with the same columns
    preview = detect(sheet, session=None)
    assert "货品名" in preview.unknown_columns
    with shop.session() as s:
        assert detect(sheet, session=s, slug="acme").mapping["货品名"] == "title"
    assert import_file(shop, "acme", sheet).unchanged == 1


def test_detect_previews_format_encoding_and_mapping(tmp_path: Path) -> None:
    rows = [[c.replace("¥", "￥") for c in r] for r in GOOD]  # GBK has no ¥ but has ￥
    sheet = write_csv(tmp_path / "g.csv", rows, encoding="gbk", delimiter=";")
    preview = detect(sheet)
    assert (preview.format, preview.kind, preview.encoding, preview.separator) == (
        "template", "csv", "gb18030", ";")
    assert preview.mapping["售价"] == "price" and preview.row_count == 4
    assert preview.rows[0][0] == "纯棉T恤"


def test_cancel_writes_nothing(shop: Workspace, tmp_path: Path) -> None:
    stages: list[str] = []

    def cancel() -> bool:
        return len(stages) >= 2

    with pytest.raises(ImportCancelled):
        import_file(shop, "acme", write_csv(tmp_path / "a.csv", GOOD),
                    progress=lambda stage, done, total: stages.append(stage), cancel=cancel)
    assert counts(shop) == (0, 0, 0)


def test_named_presets_are_kept_per_shop(shop: Workspace, tmp_path: Path) -> None:
    from shopbuilder.catalog.presets import (
        delete_mapping_preset,
        mapping_presets,
        save_mapping_preset,
    )
    from shopbuilder.core.errors import ValidationError

    headers = ["品名", "编号", "价格"]
    sheet = write_csv(tmp_path / "p.csv", [headers, ["茶杯", "CUP", "19"]])
    with shop.session() as s:
        save_mapping_preset(s, "acme", "客户甲", {"品名": "title", "编号": "product_code",
                                                "价格": "price"}, headers)
        with pytest.raises(ValidationError):
            save_mapping_preset(s, "acme", "bad", {"品名": "nope"})
        assert set(mapping_presets(s, "acme")) == {"客户甲"}
    assert import_file(shop, "acme", sheet).created == 1
    with shop.session() as s:
        delete_mapping_preset(s, "acme", "客户甲")
        assert mapping_presets(s, "acme") == {}
