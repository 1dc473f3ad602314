"""The Catalog section: search and filters over the product table, inline price and
stock edits, bulk edits, the product editor and the import wizard.

Dialogs open with ``open()`` (window-modal, never blocking), so the app and the tests
drive them the same way: the section keeps the open dialog in an attribute.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.gui.catalog import edits, queries, thumbs
from shopbuilder.gui.catalog.bulk_dialog import BulkEditDialog
from shopbuilder.gui.catalog.table_model import COL, ROLE_ID, ProductTableModel, error_message
from shopbuilder.gui.sections import SectionContext
from shopbuilder.i18n import _, ngettext

SEARCH_DELAY_MS = 150
BACKGROUND_FROM = 100  # bulk edits of this many products run in a worker with progress


class CatalogSection(QWidget):
    def __init__(self, ctx: SectionContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = ProductTableModel(ctx.workspace, ctx.slug, ctx.try_push, self)
        self.bulk_dialog: BulkEditDialog | None = None
        self.editor = None  # the open ProductEditor, if any
        self.wizard = None  # the open ImportWizard, if any

        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search code, title or SKU code (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.category.setMinimumContentsLength(10)
        self.category.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status_filter = QComboBox()
        self.status_filter.addItem(_("All statuses"), None)
        self.status_filter.addItem(_("On shelf"), True)
        self.status_filter.addItem(_("Off shelf"), False)
        self.new_button = QPushButton(_("New product"))
        self.bulk_button = QPushButton(_("Bulk edit…"))
        self.import_button = QPushButton(_("Import…"))
        self.count_label = QLabel()
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.hide()

        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.SelectedClicked
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        # no sort indicator: the shop's own order until a header is clicked
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        vheader = self.view.verticalHeader()
        vheader.hide()
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row sizing
        vheader.setDefaultSectionSize(max(self.fontMetrics().height() + 10, thumbs.SIZE + 6))
        self.view.setIconSize(QSize(thumbs.SIZE, thumbs.SIZE))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL["title"], QHeaderView.ResizeMode.Stretch)
        em = self.fontMetrics().horizontalAdvance("M")
        for key, width in (("code", 10), ("category", 9), ("status", 7), ("price", 12),
                           ("stock", 6), ("skus", 5)):
            self.view.setColumnWidth(COL[key], width * em)

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.category, 1)
        top.addWidget(self.status_filter)
        top.addWidget(self.new_button)
        top.addWidget(self.bulk_button)
        top.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.category.currentIndexChanged.connect(self.apply_filter)
        self.status_filter.currentIndexChanged.connect(self.apply_filter)
        self.new_button.clicked.connect(self.new_item)
        self.bulk_button.clicked.connect(self.open_bulk_edit)
        self.import_button.clicked.connect(self.open_import)
        self.view.doubleClicked.connect(self._open_index)
        self.model.sig_error.connect(self.show_error)
        self.model.sig_reloaded.connect(self._show_count)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        ctx.bus.sig_data_changed.connect(self._on_data_changed)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # Enter opens the product
            opener = QShortcut(QKeySequence(key), self.view, self._open_current)
            opener.setContext(Qt.ShortcutContext.WidgetShortcut)
        if ctx.window is None:  # standalone; in the main window its Find action calls us
            QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        self.fill_categories()
        self._show_count(self.model.rowCount())
        self._update_buttons()

    # ------------------------------------------------------------ hooks for the window

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        self.fill_categories()
        self.model.reload(data_changed=True)

    def new_item(self) -> None:
        self.open_editor(None)

    def delete_selected(self) -> None:
        from shopbuilder.gui.dialogs import confirm

        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit | QAbstractSpinBox) and self.isAncestorOf(focus):
            return  # Delete while typing edits the text, never the products
        ids = self.selected_ids()
        if not ids or not confirm(self, _("Delete products"), ngettext(
                "Delete {n} product and all its SKUs? (Undo brings it back.)",
                "Delete {n} products and all their SKUs? (Undo brings them back.)",
                len(ids)).format(n=len(ids))):
            return
        self._push_bulk(edits.delete_command(self.ctx.slug,
                                             edits.load_data(self.ctx.workspace, ids)))

    def _push_bulk(self, command: edits.BulkMacro) -> bool:
        """Small bulk edits run at once; big ones in the background with progress."""
        if len(command.commands) < BACKGROUND_FROM:
            return self._push(command)
        from shopbuilder.gui.catalog.background import BackgroundCommand

        return self._push(BackgroundCommand(command, self))

    def open_path(self, path: str) -> None:
        """``products[TEE-01].skus[2].price`` → the editor of TEE-01 at that cell."""
        if not path.startswith("products["):
            return
        code, _sep, rest = path[len("products["):].partition("]")
        self.open_editor(code, focus_path=rest.lstrip("."))

    # ------------------------------------------------------------ filtering

    def fill_categories(self) -> None:
        with self.ctx.workspace.session() as s:
            choices = queries.category_choices(s, self.model.shop_id)
        current = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(_("All categories"), None)
        for choice in choices:
            self.category.addItem(choice.path if choice.top else "    " + choice.path.split(
                "/", 1)[1], choice.id)
        found = self.category.findData(current)
        self.category.setCurrentIndex(max(found, 0))
        self.category.blockSignals(False)
        self.categories = choices

    @Slot()
    def apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(queries.ProductFilter(
            text=self.search.text(), category_id=self.category.currentData(),
            on_shelf=self.status_filter.currentData()))

    def _show_count(self, n: int) -> None:
        self.count_label.setText(ngettext("{n} product", "{n} products", n).format(
            n=f"{n:,}"))

    # ------------------------------------------------------------ edits

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.product_id(r) for r in rows]

    def select_rows(self, rows: list[int]) -> None:
        sel = self.view.selectionModel()
        sel.clearSelection()
        flags = (QItemSelectionModel.SelectionFlag.Select
                 | QItemSelectionModel.SelectionFlag.Rows)
        for row in rows:
            sel.select(self.model.index(row, 0), flags)

    def _update_buttons(self) -> None:
        self.bulk_button.setEnabled(bool(self.view.selectionModel().hasSelection()))

    def open_bulk_edit(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        dialog = BulkEditDialog(len(ids), self.categories, self)
        dialog.accepted.connect(lambda: self.bulk_edit(ids, dialog.change()))
        self.bulk_dialog = dialog
        dialog.open()

    def bulk_edit(self, ids: list[int], change: edits.BulkChange) -> bool:
        if change.is_empty():
            return False
        command = edits.bulk_command(self.ctx.slug, edits.load_data(self.ctx.workspace, ids),
                                     change)
        if not command.commands:
            self.ctx.status(_("Nothing to change"))
            return False
        return self._push_bulk(command)

    def _push(self, command: object) -> bool:
        try:
            self.ctx.try_push(command)  # type: ignore[arg-type]
        except ShopBuilderError as exc:
            self.show_error(error_message(exc))
            return False
        self.hide_error()
        return True

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()
        self.ctx.status(text)

    def hide_error(self) -> None:
        self.error_label.hide()
        self.error_label.clear()

    def _on_data_changed(self, slug: str, _label: str) -> None:
        if slug == self.ctx.slug:
            self.model.reload(data_changed=True)

    # ------------------------------------------------------------ editor and import

    def _open_index(self, index: object) -> None:
        product_id = self.model.data(index, ROLE_ID)  # type: ignore[arg-type]
        if index.column() in (COL["price"], COL["stock"]) and (  # type: ignore[attr-defined]
                self.model.flags(index) & Qt.ItemFlag.ItemIsEditable):  # type: ignore[arg-type]
            return  # double-click edits the cell
        row = self.model.row_at(index.row())  # type: ignore[attr-defined]
        if product_id is not None and row is not None:
            self.open_editor(row.code)

    def _open_current(self) -> None:
        row = self.model.row_at(self.view.currentIndex().row())
        if row is not None:
            self.open_editor(row.code)

    def open_editor(self, code: str | None, focus_path: str = "") -> None:
        from shopbuilder.gui.catalog.editor import ProductEditor

        try:
            editor = ProductEditor(self.ctx, code, self)
        except ShopBuilderError as exc:  # deleted meanwhile (undo, another window)
            self.show_error(error_message(exc))
            return
        self.editor = editor
        if focus_path:
            editor.focus_path(focus_path)
        editor.open()

    def open_import(self) -> None:
        try:
            from shopbuilder.gui.catalog.import_wizard import ImportWizard
        except ImportError:
            self.show_error(_("Import is not available yet."))
            return
        wizard = ImportWizard(self.ctx, self)
        wizard.finished.connect(lambda _r: self.refresh())
        self.wizard = wizard
        wizard.open()
