"""The product table: SQL filtering and sorting, inline edits, bulk edits with undo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pytestqt.qtbot import QtBot

from shopbuilder.core.services import products as psvc
from shopbuilder.core.storage import Workspace

pytestmark = pytest.mark.gui


def prices(ws: Workspace, code: str) -> list[int]:
    with ws.session() as s:
        return [k.price for k in psvc.get_product(s, "demo", code).skus]


def product(ws: Workspace, code: str) -> psvc.ProductData:
    with ws.session() as s:
        return psvc.product_data(psvc.get_product(s, "demo", code))


def row_of_code(section, code: str) -> int:  # type: ignore[no-untyped-def]
    m = section.model
    for r in range(m.rowCount()):
        if m.row_at(r).code == code:
            return r
    raise AssertionError(code)


def test_model_passes_qtmodeltester(section, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(section.model)
    section.search.setText("T恤")
    section.apply_filter()
    qtmodeltester.check(section.model)


def test_table_shows_products_and_filters(section, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    m = section.model
    assert m.rowCount() == 13
    first = [m.data(m.index(0, c)) for c in range(m.columnCount())]
    assert first == ["TEE-01", "纯棉圆领T恤", "服饰/上衣", "On shelf", "¥79.00", str(
        sum(s.stock for s in product(section.ctx.workspace, "TEE-01").skus)), "9"]
    section.search.setText("tee")
    qtbot.waitUntil(lambda: m.rowCount() == 1)
    section.search.setText("HOOD-02-3")  # a SKU code finds its product
    qtbot.waitUntil(lambda: m.rowCount() == 1 and m.row_at(0).code == "HOOD-02")
    section.search.clear()
    section.category.setCurrentIndex(section.category.findText("家居"))
    section.apply_filter()
    assert {m.row_at(r).category.split("/")[0] for r in range(m.rowCount())} == {"家居"}
    assert m.rowCount() == 7
    section.category.setCurrentIndex(0)
    section.status_filter.setCurrentIndex(2)  # off shelf
    assert m.rowCount() == 0
    assert section.count_label.text() == "0 products"


def test_sorting_by_price_runs_in_sql(section) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from shopbuilder.gui.catalog.table_model import COL

    m = section.model
    section.view.sortByColumn(COL["price"], Qt.SortOrder.DescendingOrder)
    got = [m.row_at(r).min_price for r in range(m.rowCount())]
    assert got == sorted(got, reverse=True) and got[0] == 29900


def test_inline_price_edit_good_and_bad(section, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    from shopbuilder.gui.catalog.table_model import COL

    ws, m = section.ctx.workspace, section.model
    r = row_of_code(section, "CUP-10")
    index = m.index(r, COL["price"])
    assert m.setData(index, "¥39.90")
    assert prices(ws, "CUP-10") == [3990] * 3
    assert m.data(m.index(row_of_code(section, "CUP-10"), COL["price"])) == "¥39.90"
    assert section.ctx.undo_stack.count() == 1
    with qtbot.waitSignal(m.sig_error) as blocker:
        assert not m.setData(index, "3.999")
    assert "not a price" in blocker.args[0]
    assert section.error_label.isVisible() and "CUP-10" in section.error_label.text()
    with qtbot.waitSignal(m.sig_error) as blocker:
        assert not m.setData(index, "0")  # the core refuses a free on-shelf SKU
    assert "cannot cost 0" in blocker.args[0]
    assert prices(ws, "CUP-10") == [3990] * 3
    assert section.ctx.undo_stack.count() == 1
    section.ctx.undo_stack.undo()
    assert prices(ws, "CUP-10") == [4900] * 3


def test_inline_stock_edit_only_for_single_sku(section) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from shopbuilder.gui.catalog.table_model import COL

    m = section.model
    pan = m.index(row_of_code(section, "PAN-11"), COL["stock"])
    tee = m.index(row_of_code(section, "TEE-01"), COL["stock"])
    assert m.flags(pan) & Qt.ItemFlag.ItemIsEditable
    assert not m.flags(tee) & Qt.ItemFlag.ItemIsEditable
    assert m.setData(pan, "１２０")  # full-width digits
    assert product(section.ctx.workspace, "PAN-11").skus[0].stock == 120
    assert not m.setData(pan, "-3")
    assert "not a stock quantity" in section.error_label.text()


def test_bulk_edit_is_one_undo_step(section, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    ws = section.ctx.workspace
    stack = section.ctx.undo_stack
    rows = [row_of_code(section, c) for c in ("TEE-01", "CUP-10", "PAN-11")]
    section.select_rows(rows)
    assert section.bulk_button.isEnabled()
    section.open_bulk_edit()
    dialog = section.bulk_dialog
    dialog.status.setCurrentIndex(dialog.status.findData(False))
    dialog.percent.setValue(12.5)
    dialog.accept()
    assert stack.count() == 1
    assert prices(ws, "CUP-10") == [5513] * 3  # 4900 × 1.125 = 5512.5 → 5513
    assert prices(ws, "PAN-11") == [15638]  # 13900 × 1.125 = 15637.5 → 15638
    assert not product(ws, "TEE-01").on_shelf
    assert section.model.rowCount() == 13
    section.status_filter.setCurrentIndex(2)
    assert section.model.rowCount() == 3
    stack.undo()
    assert prices(ws, "CUP-10") == [4900] * 3 and prices(ws, "PAN-11") == [13900]
    assert product(ws, "TEE-01").on_shelf
    assert section.model.rowCount() == 0
    stack.redo()
    assert prices(ws, "PAN-11") == [15638] and section.model.rowCount() == 3


def test_failing_bulk_edit_changes_nothing_and_names_the_product(section) -> None:  # type: ignore[no-untyped-def]
    from shopbuilder.gui.catalog.edits import BulkChange

    ws = section.ctx.workspace
    ids = [section.model.product_id(row_of_code(section, c)) for c in ("CUP-10", "PAN-11")]
    # CUP-10's 划线价 as a plain label: +50 % lifts its price (49 → 73.50) above the
    # list price 69, which the core refuses
    from shopbuilder.core.services import products as psvc

    with ws.session() as s:
        data = psvc.product_data(psvc.get_product(s, "demo", "CUP-10"))
        for sku in data.skus:
            sku.list_price_label = "plain"
        psvc.update_product(s, "demo", "CUP-10", data)
    section.refresh()
    assert not section.bulk_edit(ids, BulkChange(percent=Decimal(50)))
    assert "products[CUP-10].skus[0].list_price" in section.error_label.text()
    assert "划线价" in section.error_label.text()
    assert prices(ws, "CUP-10") == [4900] * 3
    assert section.ctx.undo_stack.count() == 0


def test_scale_price_rounding() -> None:
    from shopbuilder.gui.catalog.edits import scale_price

    assert scale_price(4900, Decimal("12.5")) == 5513
    assert scale_price(1, Decimal(50)) == 2  # 1.5 fen → 2
    assert scale_price(999, Decimal(-10)) == 899  # 899.1 → 899
    assert scale_price(12345, Decimal(0)) == 12345


def test_delete_selected_and_undo(section) -> None:  # type: ignore[no-untyped-def]
    from shopbuilder.gui import dialogs

    section.select_rows([row_of_code(section, "PAN-11")])
    section.view.setFocus()
    dialogs.queue_answer(True)
    section.delete_selected()
    assert section.model.rowCount() == 12
    assert "Delete 1 product and all its SKUs" in dialogs.shown[-1][1]
    section.ctx.undo_stack.undo()
    assert section.model.rowCount() == 13


def test_section_in_the_main_window(main_window, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    from shopbuilder.gui.catalog.section import CatalogSection

    main_window.open_section("catalog")
    section = main_window.section_widget("catalog")
    assert isinstance(section, CatalogSection) and section.model.rowCount() == 13
    main_window.activateWindow()
    section.view.setFocus()
    main_window.find()  # Ctrl+F with the table focused
    qtbot.waitUntil(section.search.hasFocus, timeout=2000)
    # an edit made here is on the window's undo stack (Edit ▸ Undo reverts it)
    from shopbuilder.gui.catalog.table_model import COL

    m = section.model
    assert m.setData(m.index(row_of_code(section, "PAN-11"), COL["price"]), "120")
    assert prices(section.ctx.workspace, "PAN-11") == [12000]
    main_window.undo_stack().undo()
    assert prices(section.ctx.workspace, "PAN-11") == [13900]
    assert m.data(m.index(row_of_code(section, "PAN-11"), COL["price"])) == "¥139.00"


def test_big_shop_loads_lazily_and_both_searches_agree(ctx, qtbot: QtBot,  # type: ignore[no-untyped-def]
                                                      qtmodeltester) -> None:
    from shopbuilder.gui.catalog import queries
    from shopbuilder.gui.catalog.table_model import BLOCK, ProductTableModel
    from tests.gui.catalog.conftest import add_bulk_products

    add_bulk_products(ctx.workspace, 3 * BLOCK)
    m = ProductTableModel(ctx.workspace, "demo", ctx.try_push)
    total = 13 + 3 * BLOCK
    assert m.rowCount() == total and m._ids.full is None  # only the first screen so far
    assert m.row_at(0).code == "TEE-01"
    last = m.row_at(total - 1)  # scrolling to the end fetches the rest
    assert m._ids.full is not None and last.code.startswith("BULK-")
    qtmodeltester.check(m)
    qtbot.waitUntil(m.index_ready, timeout=5000)

    def codes(flt: queries.ProductFilter) -> list[str]:
        m.set_filter(flt)
        return [m.row_at(r).code for r in range(m.rowCount())]

    cases = [queries.ProductFilter(text=t, category_id=None, on_shelf=shelf)
             for t in ("case", "bulk-00", "-sku", "批量商品 1", "t恤", "100%", "zz")
             for shelf in (None, False)]
    with_index = [codes(f) for f in cases]
    m._texts = None  # the SQL search
    m.set_filter(queries.ProductFilter(text="reset"))
    assert not m.index_ready()
    with_sql = [codes(f) for f in cases]
    assert with_index == with_sql
    assert len(with_index[0]) == 3 * BLOCK and with_index[-1] == []
    assert with_index[2][:2] == ["BULK-0000", "BULK-0007"]  # the shop's order (sort_order, id)


def test_thumbnails_arrive_from_the_background(section, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from shopbuilder.gui.catalog import thumbs
    from shopbuilder.gui.catalog.table_model import COL

    m = section.model
    index = m.index(0, COL["title"])
    m.data(index, Qt.ItemDataRole.DecorationRole)  # a miss queues the decode
    qtbot.waitUntil(lambda: m.data(index, Qt.ItemDataRole.DecorationRole) is not None,
                    timeout=5000)
    pixmap = m.data(index, Qt.ItemDataRole.DecorationRole)
    assert max(pixmap.width(), pixmap.height()) == thumbs.SIZE
    # the demo pictures are red-ish: the thumbnail really is the product photo
    image = pixmap.toImage()
    centre = image.pixelColor(image.width() // 2, image.height() // 2)
    assert centre.red() > 150 and centre.green() < 120


def test_decode_skips_what_is_not_an_image(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from shopbuilder.gui.catalog.thumbs import decode

    bad = tmp_path / "x"
    bad.write_bytes(b"nope")
    assert decode({"a": bad, "b": tmp_path / "missing"}) == {"a": None, "b": None}


def test_enter_opens_the_product_under_the_cursor(section, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    section.activateWindow()
    section.view.setFocus()
    section.view.setCurrentIndex(section.model.index(row_of_code(section, "PAN-11"), 0))
    qtbot.waitUntil(section.view.hasFocus, timeout=2000)
    qtbot.keyClick(section.view, Qt.Key.Key_Return)
    assert section.editor is not None and section.editor.before.code == "PAN-11"
    section.editor.reject()


def test_selection_follows_the_products_when_sorting(section) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from shopbuilder.gui.catalog.table_model import COL

    chosen = ["HOOD-02", "CUP-10", "DIFF-13"]
    section.select_rows([row_of_code(section, c) for c in chosen])
    before = set(section.selected_ids())
    section.view.sortByColumn(COL["price"], Qt.SortOrder.DescendingOrder)
    assert set(section.selected_ids()) == before  # a bulk edit now hits the same products
    assert {section.model.row_at(r).code for r in
            {i.row() for i in section.view.selectionModel().selectedRows()}} == set(chosen)


def test_big_bulk_edit_runs_in_the_background_as_one_step(section, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    from shopbuilder.gui.catalog.edits import BulkChange
    from shopbuilder.gui.catalog.section import BACKGROUND_FROM
    from tests.gui.catalog.conftest import add_bulk_products

    ws, stack = section.ctx.workspace, section.ctx.undo_stack
    add_bulk_products(ws, BACKGROUND_FROM + 20)
    section.refresh()
    section.search.setText("BULK-")
    section.apply_filter()
    ids = [section.model.product_id(r) for r in range(section.model.rowCount())]
    assert len(ids) == BACKGROUND_FROM + 20
    ok = section.bulk_edit(ids, BulkChange(on_shelf=False, percent=Decimal(10)))
    assert ok, section.error_label.text()
    assert stack.count() == 1
    assert product(ws, "BULK-0007").skus[0].price == 118  # 107 fen + 10 % = 117.7 → 118
    assert not product(ws, "BULK-0100").on_shelf
    assert section.model.rowCount() == BACKGROUND_FROM + 20  # still the same search
    stack.undo()  # in the background too
    assert product(ws, "BULK-0007").skus[0].price == 107
    assert product(ws, "BULK-0100").on_shelf
    stack.redo()
    assert product(ws, "BULK-0007").skus[0].price == 118


def test_cancelled_big_bulk_edit_changes_nothing(section, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from shopbuilder.gui import workers
    from shopbuilder.gui.catalog.edits import BulkChange
    from shopbuilder.gui.catalog.section import BACKGROUND_FROM
    from tests.gui.catalog.conftest import add_bulk_products

    real_run_task = workers.run_task

    def press_cancel_at_once(fn, **callbacks):  # type: ignore[no-untyped-def]
        task = real_run_task(fn, **callbacks)
        task.cancel()  # the user presses Cancel in the progress dialog
        return task

    ws = section.ctx.workspace
    add_bulk_products(ws, 2 * BACKGROUND_FROM)  # a third are off shelf already
    section.refresh()
    ids = [section.model.product_id(r) for r in range(section.model.rowCount())]
    monkeypatch.setattr(workers, "run_task", press_cancel_at_once)
    assert not section.bulk_edit(ids, BulkChange(on_shelf=False))
    assert "nothing was changed" in section.error_label.text()
    assert section.ctx.undo_stack.count() == 0
    assert product(ws, "BULK-0001").on_shelf and product(ws, "TEE-01").on_shelf
