"""PNGs of the Catalog screens with the demo shop, for looking at them (and for the
app-wide screenshot script, which can call `render`).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m shopbuilder.gui.catalog.screenshots OUT [LANG]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from shopbuilder.gui.sections import SectionContext

SHEET = ("商品名称,商品编码,规格名1,规格值1,SKU编码,售价,库存,分类,备注\n"
         "新款T恤,NT-1,颜色,红,NT-1-R,59,10,服饰/上衣,春季上新\n"
         ",NT-1,颜色,蓝,NT-1-B,abc,10,服饰/上衣,春季上新\n"
         "帆布包,BAG-1,,,BAG-1,39.9,5,服饰/配件,百搭\n")


def _settle(app: QApplication, ms: int = 50) -> None:
    """Run the event loop a while. A `QEventLoop` instance's processEvents, not the
    static one: PySide6 6.12 on Python 3.11 drops a reference to None on every call of a
    void method, and a busy loop of `QApplication.processEvents()` soon kills Python."""
    import time

    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        loop.processEvents()
        time.sleep(0.002)


def _save(widget: QWidget, path: Path) -> Path:
    widget.grab().save(str(path))
    return path


def render(ctx: SectionContext, out: Path, suffix: str) -> list[Path]:
    """Table, bulk edit, editor (with an error shown) and the import wizard's pages."""
    from shopbuilder.gui.catalog.section import CatalogSection

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    section = CatalogSection(ctx)
    section.resize(1100, 620)
    section.show()
    section.select_rows([0, 2, 3])
    _settle(app)
    thumbs = section.model.thumbs
    while thumbs is not None and not thumbs.wait_idle():
        _settle(app)
    _settle(app)
    shots.append(_save(section, out / f"catalog-table-{suffix}.png"))

    section.open_bulk_edit()
    assert section.bulk_dialog is not None
    _settle(app)
    shots.append(_save(section.bulk_dialog, out / f"catalog-bulk-{suffix}.png"))
    section.bulk_dialog.reject()

    section.open_editor("TEE-01")
    editor = section.editor
    assert editor is not None
    m = editor.model
    m.setData(m.index(1, m.field_column("price")), "12.345")  # a refused value
    m.setData(m.index(2, m.field_column("list_price")), "10")  # core: below the price
    editor.save()
    _settle(app)
    shots.append(_save(editor, out / f"catalog-editor-{suffix}.png"))
    from shopbuilder.gui.dialogs import queue_answer

    queue_answer(True)  # discard the changes
    editor.reject()

    sheet = Path(tempfile.mkdtemp()) / "products.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    section.open_import()
    wizard = section.wizard
    assert wizard is not None
    wizard.file_page.path.setText(str(sheet))
    wizard.read_file(sheet)
    while wizard.read_task is not None:
        _settle(app)
    shots.append(_save(wizard, out / f"catalog-import-1-{suffix}.png"))
    wizard.next()
    _settle(app)
    shots.append(_save(wizard, out / f"catalog-import-2-{suffix}.png"))
    wizard.next()
    while wizard.dry_task is not None or wizard.dry_report is None:
        _settle(app)
    _settle(app)
    shots.append(_save(wizard, out / f"catalog-import-3-{suffix}.png"))
    wizard.reject()
    section.close()
    return shots


def main() -> None:
    from PySide6.QtGui import QUndoStack

    from shopbuilder.core.storage import Workspace
    from shopbuilder.demo import build_demo_shop
    from shopbuilder.gui import dialogs
    from shopbuilder.gui.sections import Bus
    from shopbuilder.i18n import set_language

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    lang = set_language(sys.argv[2] if len(sys.argv) > 2 else None)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from shopbuilder.gui.app import install_qt_translator

    install_qt_translator(app, lang)  # Qt's own buttons (Save, Cancel …)
    dialogs.set_no_modal(True)
    tmp = Path(tempfile.mkdtemp())
    ws = Workspace.open(f"sqlite:///{tmp / 'ws.db'}")
    with ws.session() as s:
        build_demo_shop(s)
    ctx = SectionContext(ws, "demo", QUndoStack(), Bus())
    for path in render(ctx, out, lang):
        print(path)
    ws.close()
    del app


if __name__ == "__main__":
    main()
