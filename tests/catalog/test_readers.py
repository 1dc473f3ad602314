"""Reading sheets: encodings, separators, Excel row numbers; cell parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopbuilder.catalog import cells
from shopbuilder.catalog.fields import parse_map_args, propose_mapping
from shopbuilder.catalog.readers import cell_text, read_sheet
from shopbuilder.core.errors import ValidationError
from tests.catalog.conftest import write_csv, write_xlsx

ROWS = [["商品名称", "售价", "备注"], ["毛巾", "¥1,299.00", "含税；包邮"], ["浴巾", "59", ""]]


@pytest.mark.parametrize(("encoding", "expected"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"),
    ("gb18030", "gb18030"), ("utf-16", "utf-16")])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_encodings_and_separators(tmp_path: Path, encoding: str, expected: str,
                                      delimiter: str) -> None:
    rows = [[c.replace("¥", "￥") for c in r] for r in ROWS]  # GBK has ￥, not ¥
    sheet = read_sheet(write_csv(tmp_path / "s.csv", rows, encoding, delimiter))
    assert (sheet.encoding, sheet.separator) == (expected, delimiter)
    assert sheet.headers == ROWS[0] and sheet.rows[0] == rows[1]


def test_xlsx_keeps_excel_row_numbers_and_cell_text(tmp_path: Path) -> None:
    rows: list[list[object]] = [["商品名称", "售价", "库存"], ["毛巾", 19.9, 12], [],
                                ["浴巾", "59", 3.0]]
    sheet = read_sheet(write_xlsx(tmp_path / "s.xlsx", rows, skip_rows=2))
    assert sheet.header_row == 3
    assert [sheet.row_number(i) for i in range(len(sheet.rows))] == [4, 6]
    assert sheet.rows[0][1:] == ["19.9", "12"] and sheet.rows[1][2] == "3"


def test_unreadable_files_are_user_errors(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    (tmp_path / "empty.csv").write_bytes(b"\n\n")
    for name in ("x.xlsx", "x.pdf", "empty.csv", "missing.csv"):
        with pytest.raises(ValidationError):
            read_sheet(tmp_path / name)


@pytest.mark.parametrize(("text", "fen"), [
    ("¥1,299.00", 129900), ("1299", 129900), ("1299.5", 129950), ("１２９９", 129900),
    ("￥19.9", 1990), ("0", 0)])
def test_money_cells(text: str, fen: int) -> None:
    assert cells.money(text) == fen


@pytest.mark.parametrize("text", ["abc", "12.345", "1.2.3", "", "¥"])
def test_bad_money_cells(text: str) -> None:
    with pytest.raises(cells.CellError):
        cells.money(text)


def test_other_cells() -> None:
    assert cells.whole("1,000") == 1000 and cells.whole("12.0") == 12
    assert cells.kilograms("0.25") == 250 and cells.kilograms("1.5kg") == 1500
    assert cells.status("上架") and not cells.status("下架") and not cells.status("draft")
    assert cells.list_price_label("厂商建议零售价") == "msrp"
    assert cells.tags("新品，纯棉, 新品") == ["新品", "纯棉"]
    assert cells.image_refs("a.jpg | b.jpg\nc.jpg") == ["a.jpg", "b.jpg", "c.jpg"]
    assert cells.category(" 服饰 / 上衣 ") == "服饰/上衣"
    for bad, parse in (("12.5", cells.whole), ("重", cells.kilograms), ("maybe", cells.status),
                       ("a/b/c", cells.category)):
        with pytest.raises(cells.CellError):
            parse(bad)
    assert cell_text(12.0) == "12" and cell_text(None) == "" and cell_text(True) == "TRUE"
    assert cell_text(0.1 + 19.8) == "19.9"


def test_header_aliases_and_map() -> None:
    mapping, unknown = propose_mapping(["Title", "ＳＫＵ编码", "Variant Price", "颜色备注", "售价"],
                                       parse_map_args(["颜色备注=option1 value"]))
    assert mapping == {0: "title", 1: "sku_code", 2: "price", 3: "option1_value"}
    assert unknown == ["售价"]  # price is taken by the first column that claims it
    with pytest.raises(ValidationError):
        parse_map_args(["nofield"])


def test_published_stands_in_for_a_missing_status_column() -> None:
    mapping, _unknown = propose_mapping(["Handle", "Published", "Variant Price"])
    assert mapping[1] == "status"
    mapping, _unknown = propose_mapping(["Handle", "Published", "Status", "Variant Price"])
    assert mapping[2] == "status" and 1 not in mapping


def test_separator_comes_from_the_header_not_from_html_in_cells(tmp_path: Path) -> None:
    body = '<p style="color:red;margin:0;">a;b;c</p>' * 20
    rows = [["Handle", "Title", "Body (HTML)"], *[["h", "t", body]] * 5]
    assert read_sheet(write_csv(tmp_path / "s.csv", rows)).separator == ","
    one = read_sheet(write_csv(tmp_path / "one.csv", [["商品名称"], ["毛巾"]]))
    assert one.headers == ["商品名称"] and one.rows == [["毛巾"]]
