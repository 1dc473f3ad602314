"""The tab bar (底部导航) editor: 2–5 tabs, each a page and a short label, saved
together through `set_tab_bar` as one undoable `TabBarEdit`."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.core.commands import TabBarEdit
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.services import pages as page_svc
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.gui.forms import discard
from shopbuilder.gui.sections import SectionContext
from shopbuilder.i18n import _

TAB_PATH = re.compile(r"^tab_bar\[(\d+)\]\.?(.*)\Z")


class TabBarEditor(QWidget):
    def __init__(self, ctx: SectionContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved: list[dict[str, Any]] = []
        self.pages: list[tuple[str, str]] = []
        self.rows: list[tuple[QComboBox, QLineEdit, QLabel, dict[str, Any]]] = []
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 1)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.add_button = QPushButton(_("Add tab"))
        self.add_button.clicked.connect(lambda: self._add_row({"page": "", "label": ""}))
        self.save_button = QPushButton(_("Save tab bar"))
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.grid)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def load(self) -> None:
        with self.ctx.workspace.session() as s:
            shop = shop_svc.get_shop(s, self.ctx.slug)
            self.saved = [dict(t) for t in shop.tab_bar]
            self.pages = [(p.key, p.title) for p in page_svc.list_pages(s, self.ctx.slug)]
        self._clear()
        for tab in self.saved:
            self._add_row(tab)
        self.error.hide()

    def _clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                discard(item.widget())
        self.rows.clear()

    def _add_row(self, tab: dict[str, Any]) -> None:
        row = len(self.rows)
        combo = QComboBox()
        for key, title in self.pages:
            combo.addItem(title, key)
        combo.setCurrentIndex(max(0, combo.findData(tab.get("page"))))
        label = QLineEdit(tab.get("label", ""))
        label.setMaxLength(8)
        label.setPlaceholderText(_("label"))
        label.setFixedWidth(72)
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip(_("Remove this tab"))
        remove.clicked.connect(lambda _c=False, c=combo: self._remove(c))
        error = QLabel()
        error.setObjectName("error")
        error.setWordWrap(True)
        error.hide()
        self.grid.addWidget(combo, row * 2, 0)
        self.grid.addWidget(label, row * 2, 1)
        self.grid.addWidget(remove, row * 2, 2)
        self.grid.addWidget(error, row * 2 + 1, 0, 1, 3)
        extra = {k: v for k, v in tab.items() if k in ("icon", "selected_icon")}
        self.rows.append((combo, label, error, extra))

    def _remove(self, combo: QComboBox) -> None:
        tabs = [t for (c, _l, _e, _x), t in zip(self.rows, self.tabs(), strict=True)
                if c is not combo]
        self._clear()
        for tab in tabs:
            self._add_row(tab)

    def tabs(self) -> list[dict[str, Any]]:
        return [{"page": combo.currentData(), "label": label.text().strip(), **extra}
                for combo, label, _e, extra in self.rows]

    def set_label(self, row: int, text: str) -> None:
        self.rows[row][1].setText(text)

    def save(self) -> bool:
        for _c, _l, error, _x in self.rows:
            error.hide()
        self.error.hide()
        after = self.tabs()
        if after == self.saved:
            return True
        try:
            self.ctx.try_push(TabBarEdit(self.ctx.slug, self.saved, after))
        except ValidationError as exc:
            general = []
            for issue in exc.issues:
                match = TAB_PATH.match(issue.path)
                if match and int(match.group(1)) < len(self.rows):
                    error = self.rows[int(match.group(1))][2]
                    error.setText(issue.message)
                    error.show()
                else:
                    general.append(issue.message)
            if general:
                self.error.setText("\n".join(general))
                self.error.show()
            return False
        self.ctx.status(_("Tab bar saved"))
        return True
