"""Starting the desktop app (placeholder main window until the GUI issue lands)."""

from __future__ import annotations

import argparse
import sys

from shopbuilder.core.storage import Workspace


def ensure_demo(workspace: Workspace) -> None:
    """First start: an empty workspace gets the demo shop so there is something to see."""
    from shopbuilder.core.services.shops import list_shops
    from shopbuilder.demo import build_demo_shop

    with workspace.session() as s:
        if not list_shops(s):
            build_demo_shop(s)


def run_app(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication, QListWidget, QMainWindow

    from shopbuilder.core.services.shops import shop_summaries

    workspace = Workspace.open(args.db)
    ensure_demo(workspace)
    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("shopbuilder")
    shops = QListWidget()
    with workspace.session() as s:
        for row in shop_summaries(s):
            shops.addItem(f"{row.name} ({row.slug}) — {row.product_count}")
    window.setCentralWidget(shops)
    window.resize(1100, 720)
    window.show()
    return app.exec()
