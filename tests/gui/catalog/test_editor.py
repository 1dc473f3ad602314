"""The product editor: the SKU grid keeps typed data through option changes, the
core's issues appear at the field or cell, saving is one undo step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from shopbuilder.core.services import products as psvc
from shopbuilder.core.storage import Workspace

pytestmark = pytest.mark.gui


def product(ws: Workspace, code: str) -> psvc.ProductData:
    with ws.session() as s:
        return psvc.product_data(psvc.get_product(s, "demo", code))


@pytest.fixture
def new_editor(ctx, qtbot: QtBot):  # type: ignore[no-untyped-def]
    from shopbuilder.gui.catalog.editor import ProductEditor

    editor = ProductEditor(ctx, None)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def grid(editor) -> dict[tuple[str, ...], tuple[str, int | None, int]]:  # type: ignore[no-untyped-def]
    return {tuple(r.option_values): (r.code, r.price, r.stock) for r in editor.model.rows}


def type_cell(editor, row: int, field: str, text: str) -> bool:  # type: ignore[no-untyped-def]
    m = editor.model
    return m.setData(m.index(row, m.field_column(field)), text)


def test_grid_model_passes_qtmodeltester(new_editor, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(new_editor.model)
    new_editor.options.add_option("颜色", ["红", "蓝"])
    new_editor.options.add_option("尺码", ["S", "M", "L"])
    qtmodeltester.check(new_editor.model)


def test_options_make_the_grid_and_typed_values_survive_changes(new_editor) -> None:  # type: ignore[no-untyped-def]
    e = new_editor
    opts = e.options
    color = opts.add_option("颜色", ["红", "蓝"])
    assert [r.option_values for r in e.model.rows] == [["红"], ["蓝"]]
    size = opts.add_option("尺码", ["S", "M", "L"])
    assert e.model.rowCount() == 6 and e.model.columnCount() == 2 + 5
    assert e.model.headerData(0, Qt.Orientation.Horizontal
                              ) == "颜色"
    for n in range(6):
        assert type_cell(e, n, "price", f"{10 + n}.50")
        assert type_cell(e, n, "stock", str(n + 1))
    typed = grid(e)
    # add a value: the six typed rows are untouched, three blank rows appear
    opts.set_values(color, ["红", "蓝", "黑"])
    assert e.model.rowCount() == 9
    assert all(grid(e)[k] == v for k, v in typed.items())
    assert grid(e)[("黑", "M")] == ("", None, 0)
    # remove a value: the others keep their data
    opts.set_values(size, ["S", "L"])
    assert e.model.rowCount() == 6
    assert grid(e)[("蓝", "L")] == typed[("蓝", "L")]
    # rename a value in place (same count): 蓝 → 深蓝 keeps the rows
    opts.set_values(color, ["红", "深蓝", "黑"])
    assert grid(e)[("深蓝", "S")] == typed[("蓝", "S")]
    # bring M back: its typed data returns from the stash
    opts.set_values(size, ["S", "M", "L"])
    assert grid(e)[("红", "M")] == typed[("红", "M")]
    # add a whole option: old rows live on under its first value
    material = opts.add_option("材质", [])
    assert e.model.rowCount() == 9  # no values yet: the grid is unchanged
    opts.set_values(material, ["棉", "麻"])
    assert e.model.rowCount() == 18
    assert grid(e)[("红", "S", "棉")] == typed[("红", "S")]
    assert grid(e)[("红", "S", "麻")][1:] == (typed[("红", "S")][1], 0)  # price copied
    # remove an option: back to the 9 rows with their data
    opts.remove_option(material)
    assert e.model.rowCount() == 9 and grid(e)[("红", "L")] == typed[("红", "L")]
    opts.remove_option(color)
    assert [r.option_values for r in e.model.rows] == [["S"], ["M"], ["L"]]
    assert grid(e)[("M",)] == typed[("红", "M")]


def test_values_typed_in_the_line_edit(new_editor, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    e = new_editor
    key = e.options.add_option("颜色", ["红", "蓝"])
    name_edit, values_edit, _remove, _label = e.options._rows[key]
    assert type_cell(e, 1, "price", "99")
    values_edit.setText("红，深蓝、白")
    values_edit.editingFinished.emit()
    assert [r.option_values for r in e.model.rows] == [["红"], ["深蓝"], ["白"]]
    assert e.model.rows[1].price is None  # 3 values for 2: an addition, not a rename
    values_edit.setText("红, 蓝")
    values_edit.editingFinished.emit()
    assert e.model.rows[1].price == 9900 and values_edit.text() == "红, 蓝"
    name_edit.setText("色彩")
    name_edit.editingFinished.emit()
    assert e.model.headerData(0, Qt.Orientation.Horizontal
                              ) == "色彩"
    assert e.model.rows[1].price == 9900
    assert e.options.add_button.isEnabled()
    e.options.add_option("尺码", ["S"])
    e.options.add_option("材质", ["棉"])
    assert not e.options.add_button.isEnabled()  # three options at most
    assert e.options.add_option("x", ["y"]) == -1


def test_bad_cell_value_shows_the_message_and_changes_nothing(new_editor) -> None:  # type: ignore[no-untyped-def]
    e = new_editor
    e.options.add_option("颜色", ["红", "蓝"])
    assert type_cell(e, 0, "price", "12")
    assert not type_cell(e, 0, "price", "12.345")
    assert e.model.rows[0].price == 1200
    index = e.model.index(0, e.model.field_column("price"))
    assert "not a price" in e.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert e.model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    assert "not a price" in e.labels["skus"].text()


def test_bulk_fill_a_column(new_editor) -> None:  # type: ignore[no-untyped-def]
    e = new_editor
    e.options.add_option("尺码", ["S", "M", "L"])
    e.fill_field.setCurrentIndex(e.fill_field.findData("price"))
    e.fill_value.setText("¥59")
    assert e.fill_column()
    assert [r.price for r in e.model.rows] == [5900] * 3
    e.grid.selectRow(2)
    e.fill_field.setCurrentIndex(e.fill_field.findData("stock"))
    e.fill_value.setText("8")
    assert e.fill_column()
    assert [r.stock for r in e.model.rows] == [0, 0, 8]
    e.fill_value.setText("lots")
    assert not e.fill_column()
    assert "not a stock quantity" in e.labels["skus"].text()


def test_save_new_product_with_validation_errors_then_fix(new_editor) -> None:  # type: ignore[no-untyped-def]
    e = new_editor
    ws, stack = e.ctx.workspace, e.ctx.undo_stack
    e.code.setText("TEE-01")  # taken by the demo shop
    e.options.add_option("颜色", ["红", "蓝"])
    assert type_cell(e, 0, "price", "59")
    assert type_cell(e, 1, "price", "69")
    assert type_cell(e, 1, "list_price", "60")  # below the price
    assert not e.save()
    assert e.labels["title"].isVisible() and "empty" in e.labels["title"].text()
    assert "used by another product" in e.labels["code"].text()
    cell = e.model.index(1, e.model.field_column("list_price"))
    assert "划线价" in e.model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert e.model.data(cell, Qt.ItemDataRole.BackgroundRole) is not None
    assert "Row 2" in e.labels["skus"].text()
    assert e.summary.isVisible() and stack.count() == 0
    e.code.setText("TEE-99")
    e.title.setText("新款T恤")
    assert type_cell(e, 1, "list_price", "")
    assert e.save()
    assert stack.count() == 1
    saved = product(ws, "TEE-99")
    assert [(s.code, s.option_values, s.price) for s in saved.skus] == [
        ("TEE-99-1", ["红"], 5900), ("TEE-99-2", ["蓝"], 6900)]
    stack.undo()
    with pytest.raises(Exception, match="TEE-99"), ws.session() as s:
        psvc.get_product(s, "demo", "TEE-99")


def test_missing_price_is_shown_at_the_cell(new_editor) -> None:  # type: ignore[no-untyped-def]
    e = new_editor
    e.code.setText("N-1")
    e.title.setText("x")
    e.options.add_option("尺码", ["S", "M"])
    assert type_cell(e, 0, "price", "10")
    assert not e.save()
    cell = e.model.index(1, e.model.field_column("price"))
    assert e.model.data(cell, Qt.ItemDataRole.ToolTipRole) == "type a price"
    assert e.grid.currentIndex() == cell


def test_edit_existing_product_keeps_sku_codes_and_is_undoable(ctx, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    from shopbuilder.gui.catalog.editor import ProductEditor

    ws = ctx.workspace
    before = product(ws, "TEE-01")
    e = ProductEditor(ctx, "TEE-01")
    qtbot.addWidget(e)
    assert e.model.rowCount() == 9
    key = e.options.options[1].key  # 尺码: S, M, L
    e.options.set_values(key, ["S", "M", "L", "XL"])
    e.fill_field.setCurrentIndex(e.fill_field.findData("price"))
    e.fill_value.setText("79")
    e.grid.selectionModel().clear()
    assert e.fill_column()
    assert e.save()
    after = product(ws, "TEE-01")
    assert len(after.skus) == 12
    kept = {s.code: s.stock for s in after.skus}
    assert all(kept[s.code] == s.stock for s in before.skus)
    ctx.undo_stack.undo()
    assert product(ws, "TEE-01") == before


def test_section_opens_the_editor_at_a_path(section) -> None:  # type: ignore[no-untyped-def]
    section.open_path("products[CUP-10].skus[2].price")
    e = section.editor
    assert e.before.code == "CUP-10"
    assert e.grid.currentIndex().row() == 2
    e.reject()
    section.open_path("products[GONE-1].title")
    assert "GONE-1" in section.error_label.text()


def test_cancel_asks_before_losing_typed_changes(ctx, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    from shopbuilder.gui import dialogs
    from shopbuilder.gui.catalog.editor import ProductEditor

    e = ProductEditor(ctx, "CUP-10")
    qtbot.addWidget(e)
    e.open()
    assert not e.is_modified()
    assert type_cell(e, 0, "stock", "5")
    assert e.is_modified()
    dialogs.queue_answer(False)  # "keep editing"
    e.reject()
    assert e.isVisible() and "not saved" in dialogs.shown[-1][1]
    dialogs.queue_answer(True)
    e.reject()
    assert not e.isVisible()
    assert product(ctx.workspace, "CUP-10").skus[0].stock != 5


def test_typing_in_a_grid_cell_through_the_view(new_editor, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLineEdit

    e = new_editor
    e.options.add_option("尺码", ["S", "M"])
    index = e.model.index(1, e.model.field_column("price"))
    e.activateWindow()
    e.grid.setCurrentIndex(index)
    e.grid.edit(index)
    [editor] = e.grid.viewport().findChildren(QLineEdit)  # the delegate's editor
    editor.setText("１２.５")  # full-width digits are fine
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next loop turn
    qtbot.waitUntil(lambda: e.model.rows[1].price == 1250, timeout=2000)
    assert e.model.data(index) == "12.50"


def test_option_issues_are_shown_under_the_option(new_editor) -> None:  # type: ignore[no-untyped-def]
    e = new_editor
    e.code.setText("OPT-1")
    e.title.setText("规格测试")
    key = e.options.add_option("颜色", ["红", "红"])  # typed twice
    e.fill_field.setCurrentIndex(e.fill_field.findData("price"))
    e.fill_value.setText("10")
    assert e.fill_column()
    assert not e.save()
    label = e.options._rows[key][3]
    assert label.isVisible() and "appears twice" in label.text()
    assert "Option 1" in e.summary.text()
    e.options.set_values(key, ["红", "蓝"])
    e.fill_column()
    assert e.save()
