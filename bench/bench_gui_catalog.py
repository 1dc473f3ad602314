"""Catalog screen with a big shop: N SKUs (N/4 products × 4 SKUs) in SQLite.

Measures, in a fresh process showing the real `CatalogSection` offscreen:
- open: building the section for the shop until its first rows are painted
  (goal ≤ 300 ms);
- search: a typed search applied (the 150 ms typing debounce excluded) until the
  filtered rows are painted (goal ≤ 100 ms), for a few kinds of search;
- peak RSS of that process (goal ≤ 400 MB);
plus scroll-to-end, sort-by-price and an inline price edit for information.
The shop is generated once with Core bulk inserts (not the per-product service) and
cached under /tmp by size.

    .venv/bin/python bench/bench_gui_catalog.py [SKUS]     # default 100000
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOALS = {"open_ms": 300.0, "search_ms": 100.0, "peak_rss_mb": 400.0}
PER_PRODUCT = 4
SLUG = "big"
WORDS = ("纯棉", "加绒", "免烫", "弹力", "冰丝", "水洗", "天然", "轻薄", "手工", "静音")
NOUNS = ("T恤", "卫衣", "衬衫", "牛仔裤", "休闲裤", "四件套", "乳胶枕", "夏凉被", "马克杯", "煎锅")


def generate(db: Path, skus: int) -> None:
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
        n_products = skus // PER_PRODUCT
        common = {"shop_id": shop.id, "created_at": now, "updated_at": now, "version": 1}
        options = [{"name": "颜色", "values": ["红", "蓝"]}, {"name": "尺码", "values": ["S", "M"]}]
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
                             option_values=[("红", "蓝")[k // 2], ("S", "M")[k % 2]],
                             price=1000 + (r["id"] * 37 + k * 100) % 90000, list_price=None,
                             list_price_label="plain", cost=None,
                             stock=(r["id"] + k) % 300, weight_g=None, image=None)
                        for r in rows for k in range(PER_PRODUCT)]
            s.execute(insert(Sku), sku_rows)
    ws.close()


def paint(app: object, view: object) -> None:
    """Process events until the viewport has painted once more."""
    from PySide6.QtCore import QEvent, QObject

    painted = []

    class Spy(QObject):
        def eventFilter(self, obj: object, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                painted.append(True)
            return False

    spy = Spy()
    view.viewport().installEventFilter(spy)  # type: ignore[attr-defined]
    view.viewport().update()  # type: ignore[attr-defined]
    while not painted:
        app.processEvents()  # type: ignore[attr-defined]
    app.processEvents()  # type: ignore[attr-defined]
    view.viewport().removeEventFilter(spy)  # type: ignore[attr-defined]


def measure(db: Path) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
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
    out["workspace_open_ms"] = (time.perf_counter() - t) * 1000
    ctx = SectionContext(ws, SLUG, QUndoStack(), Bus())

    t = time.perf_counter()
    section = CatalogSection(ctx)
    section.resize(1200, 800)
    section.show()
    paint(app, section.view)
    out["open_ms"] = (time.perf_counter() - t) * 1000
    out["products"] = section.model.rowCount()
    assert section.model.row_at(0) is not None

    for label, text in (("search_title_ms", "冰丝"), ("search_code_ms", "P012345"),
                        ("search_sku_code_ms", "P020000-3"), ("search_none_ms", "没有这个")):
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
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ws.close()
    return out


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        print(json.dumps(measure(Path(sys.argv[2]))))
        return
    skus = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    db = Path(tempfile.gettempdir()) / f"shopbuilder-bench-gui-catalog-{skus}.db"
    if not db.exists():
        t = time.perf_counter()
        tmp = db.with_suffix(".tmp.db")
        tmp.unlink(missing_ok=True)
        generate(tmp, skus)
        tmp.rename(db)
        print(f"generated {skus:,} SKUs in {time.perf_counter() - t:.1f} s → {db}")
    result = subprocess.run([sys.executable, __file__, "--measure", str(db)],
                            capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"shop: {int(figures['products']):,} products, {skus:,} SKUs")
    for key, value in figures.items():
        if key.endswith("_rows") or key == "products":
            continue
        line = f"{key:24} {value:9.1f}"
        goal = GOALS.get(key) or (GOALS["search_ms"] if key.startswith("search_") else None)
        if goal:
            line += f"   goal ≤ {goal:.0f}   ratio {value / goal:.2f}"
        rows = figures.get(key.replace("_ms", "_rows")) if key.endswith("_ms") else None
        if rows is not None:
            line += f"   ({int(rows):,} rows)"
        print(line)


if __name__ == "__main__":
    main()
