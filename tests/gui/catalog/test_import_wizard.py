"""The import wizard: detected format and mapping, a dry run listing row errors,
then the import in the background with progress; the table shows the new products."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from shopbuilder.core.services import products as psvc

pytestmark = pytest.mark.gui

SHEET = """商品名称,商品编码,规格名1,规格值1,SKU编码,售价,库存,分类,备注
新款T恤,NT-1,颜色,红,NT-1-R,59,10,服饰/上衣,x
,NT-1,颜色,蓝,NT-1-B,abc,10,服饰/上衣,y
帆布包,BAG-1,,,BAG-1,39.9,5,服饰/配件,z
"""


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "products.csv"
    path.write_text(SHEET, encoding="utf-8")
    return path


def test_import_with_row_errors(section, sheet: Path, qtbot: QtBot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    ws = section.ctx.workspace
    section.open_import()
    wizard = section.wizard
    wizard.file_page.path.setText(str(sheet))
    wizard.read_file(sheet)
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=5000)
    assert "shopbuilder template" in wizard.file_page.info.text()
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert "3 data rows" in wizard.mapping_page.detected.text()
    fmt = wizard.mapping_page.format
    assert fmt.currentData() == "template" and wizard.options(True).format == "auto"
    fmt.setCurrentIndex(fmt.findData("shopify"))
    assert wizard.options(True).format == "shopify"  # the user overrides the detection
    fmt.setCurrentIndex(fmt.findData("template"))
    m = wizard.mapping
    qtmodeltester.check(m)
    rows = {m.headers[r]: m.data(m.index(r, 1)) for r in range(m.rowCount())}
    assert rows["售价"].endswith("price") and rows["备注"] == "(not imported)"
    # fix the mapping: 备注 → subtitle
    note = m.headers.index("备注")
    combo = wizard.mapping_page.view.indexWidget(m.index(note, 1))  # a persistent editor
    combo.setCurrentIndex(combo.findData("subtitle"))
    combo.activated.emit(combo.currentIndex())  # what a user's pick sends
    assert m.mapping["备注"] == "subtitle"
    assert m.changes() == {"备注": "subtitle"}
    wizard.next()
    check = wizard.check_page
    qtbot.waitUntil(lambda: wizard.dry_report is not None and wizard.dry_task is None,
                    timeout=5000)
    qtmodeltester.check(wizard.issues)
    issues = wizard.issues
    cells = [[issues.data(issues.index(r, c)) for c in range(4)]
             for r in range(issues.rowCount())]
    assert cells[0][:3] == ["3", "售价", "abc"] and "not a price" in cells[0][3]
    assert ["1", "备注"] not in [c[:2] for c in cells]  # mapped now: no warning
    assert issues.data(issues.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert "1 row has errors" in check.summary.text()
    assert not check.isComplete()  # errors: import the valid ones only if asked
    with ws.session() as s:
        assert psvc.count_products(s, "demo") == 13  # a dry run writes nothing
    check.skip_invalid.setChecked(True)
    assert check.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.report is not None and wizard.import_task is None,
                    timeout=5000)
    assert wizard.report.created == 1 and wizard.report.skipped == 1
    assert "1 created" in wizard.import_page.result.text()
    with ws.session() as s:
        bag = psvc.get_product(s, "demo", "BAG-1")
        assert bag.subtitle == "z" and bag.skus[0].price == 3990
    section.search.setText("BAG")
    section.apply_filter()
    assert section.model.rowCount() == 1  # the table reloaded
    wizard.accept()


def test_unreadable_file_is_explained(section, tmp_path: Path, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    section.open_import()
    wizard = section.wizard
    bad = tmp_path / "nope.xlsx"
    bad.write_bytes(b"not a spreadsheet")
    wizard.read_file(bad)
    qtbot.waitUntil(lambda: wizard.read_task is None, timeout=5000)
    assert wizard.preview is None and not wizard.file_page.isComplete()
    assert wizard.file_page.info.text()
    wizard.reject()


def test_cancel_import_writes_nothing(section, sheet: Path, qtbot: QtBot,  # type: ignore[no-untyped-def]
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from shopbuilder.catalog import importer
    from shopbuilder.gui.catalog import import_wizard

    def slow_import(ws, slug, path, options, progress=None, cancel=None):  # type: ignore[no-untyped-def]
        def held(stage: str, done: int, total: int) -> None:
            progress(stage, done, total)
            deadline = time.monotonic() + 5
            while not cancel() and time.monotonic() < deadline:  # the user presses Cancel
                time.sleep(0.01)
        return importer.import_file(ws, slug, path, options, held, cancel)

    monkeypatch.setattr(import_wizard, "import_file", slow_import)
    ws = section.ctx.workspace
    section.open_import()
    wizard = section.wizard
    wizard.read_file(sheet)
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=5000)
    wizard.check_page.skip_invalid.setChecked(True)
    wizard.run_import()
    qtbot.waitUntil(lambda: wizard.import_page.stage.text() != "", timeout=5000)
    assert wizard.import_page.cancel.isEnabled()
    wizard.import_page.cancel.click()
    qtbot.waitUntil(lambda: wizard.import_task is None, timeout=5000)
    assert wizard.import_page.stage.text() == "Cancelled"
    assert "nothing was written" in wizard.import_page.result.text()
    assert not wizard.import_page.cancel.isEnabled()
    with ws.session() as s:
        assert psvc.count_products(s, "demo") == 13
    wizard.reject()


def test_unknown_column_points_to_the_mapping_page(section, sheet: Path, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    section.open_import()
    wizard = section.wizard
    wizard.read_file(sheet)
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=5000)
    wizard.next()
    wizard.next()  # 备注 left unmapped
    qtbot.waitUntil(lambda: wizard.dry_report is not None and wizard.dry_task is None,
                    timeout=5000)
    issues = wizard.issues
    rows = [[issues.data(issues.index(r, c)) for c in range(4)] for r in range(issues.rowCount())]
    [warning] = [r for r in rows if r[1] == "备注"]
    assert "previous page" in warning[3] and "--map" not in warning[3]
    wizard.reject()
