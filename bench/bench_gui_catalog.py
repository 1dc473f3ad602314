"""Catalog screen with a big shop: N SKUs (N/K products × K SKUs, K = 4 unless given)
in SQLite.

Measures, in a fresh process showing the real `CatalogSection` offscreen:
- open: building the section for the shop until its first rows are painted
  (goal ≤ 300 ms);
- search: a typed search applied (the 150 ms typing debounce excluded) until the
  filtered rows are painted (goal ≤ 100 ms), for a few kinds of search, with the
  in-memory search index (built in the background after opening; the time until it is
  ready is printed too) and without it (the SQL search used until then);
- peak RSS of that process (goal ≤ 400 MB);
plus scroll-to-end, sort-by-price, an inline price edit and a bulk status change of
1,000 products (one undo step, run in a worker) for information.
The shop is generated once with Core bulk inserts (not the per-product service) and
cached under /tmp by size.

    .venv/bin/python bench/bench_gui_catalog.py [SKUS [PER_PRODUCT]]   # 100000 4
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOALS = {"open_ms": 300.0, "search_ms": 100.0, "peak_rss_mb": 400.0}
SLUG = "big"
WORDS = ("纯棉", "加绒", "免烫", "弹力", "冰丝", "水洗", "天然", "轻薄", "手工", "静音")
NOUNS = ("T恤", "卫衣", "衬衫", "牛仔裤", "休闲裤", "四件套", "乳胶枕", "夏凉被", "马克杯", "煎锅")


def generate(db: Path, skus: int, per_product: int) -> None:
    from sqlalchemy import insert

    from shopbuilder.core.models import Product, Sku
    from shopbuilder.core.services import products as product_svc
    from shopbuilder.core.services.shops import create_shop
    from shopbuilder.core.storage import Workspace
    from shopbuilder.core.timeutil import utcnow

    ws = Workspace.open(f"sqlite:///{db}")
    now = utcnow()
    with ws.session() as s:
        shop = create_shop(s, SLUG, "大店")
        cats = [product_svc.ensure_category_path(s, SLUG, f"类目{t}/子类{c}").id
                for t in range(10) for c in range(5)]
        n_products = skus // per_product
        common = {"shop_id": shop.id, "created_at": now, "updated_at": now, "version": 1}
        options = [{"name": "款式", "values": [f"款{k}" for k in range(per_product)]}]
        batch = 5000
        for start in range(0, n_products, batch):
            rows = [dict(common, id=i + 1, code=f"P{i:06d}",
                         title=f"{WORDS[i % 10]}{NOUNS[(i // 10) % 10]} {i}款",
                         subtitle="", detail_html="", category_id=cats[i % len(cats)],
                         tags=[], images=[], on_shelf=i % 7 != 0, sort_order=0,
                         options=options)
                    for i in range(start, min(start + batch, n_products))]
            s.execute(insert(Product), rows)
            sku_rows = [dict(common, product_id=r["id"], code=f"{r['code']}-{k}",
                             option_values=[f"款{k}"],
                             price=1000 + (r["id"] * 37 + k * 100) % 90000, list_price=None,
                             list_price_label="plain", cost=None,
                             stock=(r["id"] + k) % 300, weight_g=None, image=None)
                        for r in rows for k in range(per_product)]
            s.execute(insert(Sku), sku_rows)
    ws.close()


def paint(app: object, view: object) -> None:
    """Process events until the viewport has painted once more."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject

    painted = []
    loop = QEventLoop()  # its processEvents returns bool: see screenshots._settle

    class Spy(QObject):
        def eventFilter(self, obj: object, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted.append(True)
            return False

    spy = Spy()
    view.viewport().installEventFilter(spy)  # type: ignore[attr-defined]
    view.viewport().update()  # type: ignore[attr-defined]
    while not painted:
        loop.processEvents()
    loop.processEvents()
    view.viewport().removeEventFilter(spy)  # type: ignore[attr-defined]


def warm_up_qt(app: object) -> None:
    """What the main window has done before any section opens: PySide6 builds each Qt
    enum's Python class on first use (a few hundred ms in all) and the CJK font is loaded
    on the first Chinese text: start-up costs, not the catalog's. A generic table, combo
    box and buttons with Chinese text are shown once."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import (
        QAbstractItemView,
        QComboBox,
        QHBoxLayout,
        QHeaderView,
        QLabel,
        QLineEdit,
        QPushButton,
        QTableView,
        QWidget,
    )

    model = QStandardItemModel(50, 7)
    for r in range(50):
        for c in range(7):
            model.setItem(r, c, QStandardItem(f"{r}-{c} 山川生活馆 ¥"))  # CJK font loaded
    window = QWidget()
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    layout = QHBoxLayout(window)
    for widget in (QLineEdit(), QComboBox(), QPushButton("x"), QLabel("y"), view):
        layout.addWidget(widget)
    window.resize(800, 600)
    window.show()
    paint(app, view)
    window.close()


def measure(db: Path) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from shopbuilder.core.storage import Workspace
    from shopbuilder.gui.catalog.section import CatalogSection
    from shopbuilder.gui.catalog.table_model import COL
    from shopbuilder.gui.sections import Bus, SectionContext

    app = QApplication.instance() or QApplication(sys.argv)
    out: dict[str, float] = {}
    t = time.perf_counter()
    ws = Workspace.open(f"sqlite:///{db}")
    from shopbuilder.core.services.shops import shop_summaries

    with ws.session() as s:  # the main window lists the shops before a section opens
        shop_summaries(s)
    out["workspace_open_ms"] = (time.perf_counter() - t) * 1000
    ctx = SectionContext(ws, SLUG, QUndoStack(), Bus())

    warm_up_qt(app)
    t = time.perf_counter()
    section = CatalogSection(ctx)
    section.resize(1200, 800)
    section.show()
    paint(app, section.view)
    out["open_ms"] = (time.perf_counter() - t) * 1000
    out["products"] = section.model.rowCount()
    assert section.model.row_at(0) is not None

    loop = QEventLoop()
    while not section.model.index_ready():  # built in the background after opening
        loop.processEvents()
        time.sleep(0.005)
    out["search_index_ready_ms"] = (time.perf_counter() - t) * 1000
    searches = (("search_title_ms", "冰丝"), ("search_code_ms", "P012345"),
                ("search_sku_code_ms", "P020000-0"), ("search_none_ms", "没有这个"))
    for index in (True, False):
        for label, text in searches:
            if not index:  # the same search in SQL, as before the index is ready
                section.model._texts = None
                label = label.replace("search_", "search_sql_")
            section.search.setText(text)
            t = time.perf_counter()
            section.apply_filter()
            paint(app, section.view)
            out[label] = (time.perf_counter() - t) * 1000
            out[label.replace("_ms", "_rows")] = section.model.rowCount()
        section.search.setText("")
        section.apply_filter()
        paint(app, section.view)

    t = time.perf_counter()
    section.view.scrollToBottom()
    paint(app, section.view)
    out["scroll_end_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    section.view.sortByColumn(COL["price"], Qt.SortOrder.DescendingOrder)
    paint(app, section.view)
    out["sort_price_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    index = section.model.index(0, COL["price"])
    assert section.model.setData(index, "88.80")
    paint(app, section.view)
    out["inline_price_edit_ms"] = (time.perf_counter() - t) * 1000
    from shopbuilder.gui.catalog.edits import BulkChange

    ids = [section.model.product_id(r) for r in range(min(1000, section.model.rowCount()))]
    t = time.perf_counter()
    assert section.bulk_edit(ids, BulkChange(on_shelf=False))  # in a worker, with progress
    paint(app, section.view)
    out["bulk_status_1000_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    again = CatalogSection(ctx)  # the user comes back to the shop's catalog
    again.resize(1200, 800)
    again.show()
    paint(app, again.view)
    out["open_again_ms"] = (time.perf_counter() - t) * 1000
    again.close()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ws.close()
    return out


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        print(json.dumps(measure(Path(sys.argv[2]))))
        return
    skus = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    per_product = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    db = Path(tempfile.gettempdir()) / f"shopbuilder-bench-gui-catalog-{skus}x{per_product}.db"
    if not db.exists():
        t = time.perf_counter()
        tmp = db.with_suffix(".tmp.db")
        tmp.unlink(missing_ok=True)
        generate(tmp, skus, per_product)
        tmp.rename(db)
        print(f"generated {skus:,} SKUs in {time.perf_counter() - t:.1f} s → {db}")
    work = Path(tempfile.mkdtemp()) / "ws.db"  # the run edits: keep the cached shop clean
    shutil.copyfile(db, work)
    result = subprocess.run([sys.executable, __file__, "--measure", str(work)],
                            capture_output=True, text=True, check=True)
    shutil.rmtree(work.parent, ignore_errors=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"shop: {int(figures['products']):,} products, {skus:,} SKUs")
    for key, value in figures.items():
        if key.endswith("_rows") or key == "products":
            continue
        line = f"{key:24} {value:9.1f}"
        goal = GOALS.get(key) or (GOALS["search_ms"] if key.startswith("search_")
                                  and key.endswith("_ms") and "index" not in key else None)
        if goal:
            line += f"   goal ≤ {goal:.0f}   ratio {value / goal:.2f}"
        rows = figures.get(key.replace("_ms", "_rows")) if key.endswith("_ms") else None
        if rows is not None:
            line += f"   ({int(rows):,} rows)"
        print(line)


if __name__ == "__main__":
    main()
