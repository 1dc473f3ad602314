"""The left sidebar: the workspace's shops, grouped by client, with a search box."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.i18n import _

if TYPE_CHECKING:
    from shopbuilder.core.services.shops import ShopSummary

SLUG_ROLE = Qt.ItemDataRole.UserRole + 1


class ShopTreeModel(QStandardItemModel):
    """Clients as top-level rows with their shops under them; shops without a client
    sit at the top level. Shop rows carry the slug in `SLUG_ROLE`."""

    def load(self, summaries: list[ShopSummary]) -> None:
        self.clear()
        groups: dict[str, QStandardItem] = {}
        root = self.invisibleRootItem()
        for row in summaries:
            item = QStandardItem(row.name)
            item.setData(row.slug, SLUG_ROLE)
            item.setToolTip(_("{name} ({slug}) — {products} products, {skus} SKUs").format(
                name=row.name, slug=row.slug, products=row.product_count, skus=row.sku_count))
            item.setEditable(False)
            if row.client:
                group = groups.get(row.client)
                if group is None:
                    group = QStandardItem(row.client)
                    group.setEditable(False)
                    group.setSelectable(False)
                    font = group.font()
                    font.setBold(True)
                    group.setFont(font)
                    groups[row.client] = group
                    root.appendRow(group)
                group.appendRow(item)
            else:
                root.appendRow(item)

    def index_of(self, slug: str) -> QModelIndex:
        matches = self.match(self.index(0, 0), SLUG_ROLE, slug, 1,
                             Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        return matches[0] if matches else QModelIndex()


class ShopFilter(QSortFilterProxyModel):
    """Search by shop name, id or client; a client row stays while a shop under it
    matches, and every shop of a matching client stays."""

    def __init__(self) -> None:
        super().__init__()
        self.setRecursiveFilteringEnabled(True)
        self._text = ""

    def set_text(self, text: str) -> None:
        self._text = text.strip().lower()
        self.setFilterFixedString(self._text)  # refilters (invalidateFilter is deprecated)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        text = self._text
        if not text:
            return True
        model = self.sourceModel()
        index = model.index(row, 0, parent)
        haystack = f"{index.data() or ''} {index.data(SLUG_ROLE) or ''}"
        if parent.isValid():
            haystack += f" {parent.data() or ''}"
        return text in haystack.lower()


class Sidebar(QWidget):
    sig_shop_selected = Signal(str)  # slug, "" when nothing is selected
    sig_new = Signal()
    sig_clone = Signal()
    sig_rename = Signal()
    sig_delete = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.model = ShopTreeModel(self)
        self.proxy = ShopFilter()
        self.proxy.setParent(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search shops"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for text, tip, signal in ((_("New"), _("New shop (Ctrl+N)"), self.sig_new),
                                  (_("Clone"), _("Copy the shop"), self.sig_clone),
                                  (_("Rename"), _("Rename the shop"), self.sig_rename),
                                  (_("Delete"), _("Delete the shop"), self.sig_delete)):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.clicked.connect(signal)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self._current = ""

    def load(self, summaries: list[ShopSummary], select: str | None = None) -> None:
        keep = select if select is not None else self._current
        self.tree.selectionModel().blockSignals(True)
        self.model.load(summaries)
        self.tree.expandAll()
        self.tree.selectionModel().blockSignals(False)
        self._current = ""
        slugs = [s.slug for s in summaries]
        self.select(keep if keep in slugs else (slugs[0] if slugs else ""))

    def select(self, slug: str) -> None:
        source = self.model.index_of(slug) if slug else QModelIndex()
        index = self.proxy.mapFromSource(source)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        elif not slug and self._current:
            self._current = ""
            self.sig_shop_selected.emit("")
        if slug and index.isValid() and slug != self._current:
            self._current = slug
            self.sig_shop_selected.emit(slug)

    def current_slug(self) -> str:
        return self._current

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        slug = current.data(SLUG_ROLE) if current.isValid() else None
        if slug and slug != self._current:
            self._current = slug
            self.sig_shop_selected.emit(slug)

    def _filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self.tree.expandAll()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
