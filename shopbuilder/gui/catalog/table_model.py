"""The product table's model: ordered ids from SQL plus a windowed row cache.

Filtering and sorting run in the database (`queries.product_ids`), which is faster
and lighter than a `QSortFilterProxyModel` over 100,000 rows: the model keeps one
``array('q')`` of ids and fetches the rows the view asks for in blocks of `BLOCK`,
keeping the most recent `MAX_BLOCKS` blocks. Edits never touch rows: `setData` builds a
core command and hands it to `push` (the section's undo stack); the view reloads when
the bus says the shop's data changed.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from shopbuilder.core.commands import Command
from shopbuilder.core.errors import ShopBuilderError, ValidationError
from shopbuilder.core.money import format_money, parse_money
from shopbuilder.core.storage import Workspace
from shopbuilder.gui.catalog import edits, queries
from shopbuilder.i18n import N_, _

BLOCK = 200
MAX_ISSUES = 3  # issues shown in the one-line error banner
MAX_BLOCKS = 40
COLUMNS = (
    ("code", N_("Code")),
    ("title", N_("Title")),
    ("category", N_("Category")),
    ("status", N_("Status")),
    ("price", N_("Price")),
    ("stock", N_("Stock")),
    ("skus", N_("SKUs")),
)
COL = {key: i for i, (key, _title) in enumerate(COLUMNS)}
Index = QModelIndex | QPersistentModelIndex
ROLE_ID = Qt.ItemDataRole.UserRole + 1


def price_text(row: queries.ProductRow) -> str:
    if row.min_price == row.max_price:
        return format_money(row.min_price, "¥")
    return f"{format_money(row.min_price, '¥')} – {format_money(row.max_price, '¥')}"


class ProductTableModel(QAbstractTableModel):
    sig_error = Signal(str)  # an edit was refused: the core's message
    sig_reloaded = Signal(int)  # number of matching products

    def __init__(self, workspace: Workspace, slug: str,
                 push: Callable[[Command], None] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.workspace, self.slug = workspace, slug
        self._push = push
        with workspace.session() as s:
            self.shop_id = queries.shop_id(s, slug)
        self.filter = queries.ProductFilter()
        self.sort_key: str | None = None
        self.descending = False
        self._ids: array[int] = array("q")
        self._blocks: OrderedDict[int, dict[int, queries.ProductRow]] = OrderedDict()
        self.reload()

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        """Re-run the query; keeps the view's rows when the ids did not change."""
        with self.workspace.session() as s:
            ids = queries.product_ids(s, self.shop_id, self.filter, self.sort_key,
                                      self.descending)
        if ids == self._ids:
            self._blocks.clear()
            if ids:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(ids) - 1, len(COLUMNS) - 1))
        else:
            self.beginResetModel()
            self._ids = ids
            self._blocks.clear()
            self.endResetModel()
        self.sig_reloaded.emit(len(ids))

    def set_filter(self, flt: queries.ProductFilter) -> None:
        if flt != self.filter:
            self.filter = flt
            self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][0] if 0 <= column < len(COLUMNS) else None
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self.sort_key, self.descending):
            self.layoutAboutToBeChanged.emit()
            self.sort_key, self.descending = key, descending
            with self.workspace.session() as s:
                self._ids = queries.product_ids(s, self.shop_id, self.filter, key, descending)
            self._blocks.clear()
            self.layoutChanged.emit()

    def row_at(self, row: int) -> queries.ProductRow | None:
        if not 0 <= row < len(self._ids):
            return None
        block = row // BLOCK
        rows = self._blocks.get(block)
        if rows is None:
            ids = list(self._ids[block * BLOCK:(block + 1) * BLOCK])
            with self.workspace.session() as s:
                rows = queries.product_rows(s, ids)
            self._blocks[block] = rows
            while len(self._blocks) > MAX_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(block)
        return rows.get(self._ids[row])

    def product_id(self, row: int) -> int:
        return self._ids[row]

    def ids(self) -> array[int]:
        return self._ids

    def row_of(self, product_id: int) -> int:
        try:
            return self._ids.index(product_id)
        except ValueError:
            return -1

    # ------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(COLUMNS[section][1])
            if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section][0] in (
                    "price", "stock", "skus"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        key = COLUMNS[index.column()][0]
        row = self.row_at(index.row())
        if self._push is not None and row is not None and (
                key == "price" or (key == "stock" and row.sku_count == 1)):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == Qt.ItemDataRole.EditRole:
            if key == "price":
                return format_money(row.min_price)
            if key == "stock":
                return str(row.stock)
            return self._display(row, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("price", "stock", "skus"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and key == "status" and not row.on_shelf:
            return QBrush(QColor("#8a8a8a"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "price" and row.sku_count > 1:
                return _("Typing a price here sets all {n} SKUs to it").format(n=row.sku_count)
            if key == "stock" and row.sku_count > 1:
                return _("Total of {n} SKUs: edit each in the product editor").format(
                    n=row.sku_count)
        if role == ROLE_ID:
            return row.id
        return None

    @staticmethod
    def _display(row: queries.ProductRow, key: str) -> str:
        if key == "status":
            return _("On shelf") if row.on_shelf else _("Off shelf")
        if key == "price":
            return price_text(row)
        if key == "stock":
            return str(row.stock)
        if key == "skus":
            return str(row.sku_count)
        return str(getattr(row, key))

    def setData(self, index: Index, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self._push is None:
            return False
        key = COLUMNS[index.column()][0]
        row = self.row_at(index.row())
        if row is None or key not in ("price", "stock"):
            return False
        try:
            [before] = edits.load_data(self.workspace, [row.id])
            if key == "price":
                command: Command = edits.price_edit(self.slug, before,
                                                    parse_money(str(value), "price"))
            else:
                command = edits.stock_edit(self.slug, before, edits.parse_stock(str(value)))
            self._push(command)
        except ShopBuilderError as exc:
            self.sig_error.emit(error_message(exc, row.code))
            return False
        self._blocks.pop(index.row() // BLOCK, None)
        self.dataChanged.emit(self.index(index.row(), 0),
                              self.index(index.row(), len(COLUMNS) - 1))
        return True


def error_message(exc: ShopBuilderError, code: str = "") -> str:
    """The core's message, naming the product (``TEE-01: price: not a price …``)."""
    if isinstance(exc, ValidationError):
        shown = [i.message if i.path in ("price", "stock") else str(i)
                 for i in exc.issues[:MAX_ISSUES]]
        if len(exc.issues) > MAX_ISSUES:
            shown.append(_("and {n} more").format(n=len(exc.issues) - MAX_ISSUES))
        text = "; ".join(shown)
    else:
        text = exc.message
    return f"{code}: {text}" if code else text
