"""The product table's model: ordered ids from SQL plus a windowed row cache.

Filtering and sorting run in the database (`queries.product_ids`), which is faster
and lighter than a `QSortFilterProxyModel` over 100,000 rows: the model keeps one
``array('q')`` of ids and fetches the rows the view asks for in blocks of `BLOCK`,
keeping the most recent `MAX_BLOCKS` blocks. Edits never touch rows: `setData` builds a
core command and hands it to `push` (the section's undo stack); the view reloads when
the bus says the shop's data changed.
"""

from __future__ import annotations

import dataclasses
import logging
from array import array
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from shopbuilder.core.commands import Command
from shopbuilder.core.errors import ShopBuilderError, ValidationError
from shopbuilder.core.money import format_money, parse_money
from shopbuilder.core.storage import Workspace
from shopbuilder.gui.catalog import edits, queries
from shopbuilder.gui.catalog.thumbs import ThumbCache
from shopbuilder.i18n import N_, _

log = logging.getLogger(__name__)
BLOCK = 200
REST_DELAY_MS = 250  # the ids past the first screen are fetched this long after a reset
INDEX_DELAY_MS = 300  # the search index is rebuilt this long after the last change
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


class IdList:
    """The ordered ids of the matching products. Only the first screen's ids are
    fetched at first (with the count); the full list when a row past them is needed."""

    def __init__(self, count: int, head: array[int],
                 loader: Callable[[], array[int]] | None) -> None:
        self.count, self.head, self._loader = count, head, loader
        self.full: array[int] | None = head if loader is None else None

    def __len__(self) -> int:
        return self.count

    def load(self) -> array[int]:
        if self.full is None:
            assert self._loader is not None
            self.fill(self._loader())
        assert self.full is not None
        return self.full

    def fill(self, full: array[int]) -> None:
        """Take the full list (loaded here or by a background task)."""
        if self.full is not None:
            return
        self._loader = None
        # rows come and go only through reload(): a list that changed underneath (another
        # process) keeps the row count the view knows until then
        if len(full) < self.count:
            full.extend([0] * (self.count - len(full)))
        self.full = full[:self.count]

    def loader(self) -> Callable[[], array[int]] | None:
        return self._loader

    def get(self, row: int) -> int:
        if self.full is None and row < len(self.head):
            return self.head[row]
        return self.load()[row]

    def slice(self, start: int, stop: int) -> array[int]:
        if self.full is None and stop <= len(self.head):
            return self.head[start:stop]
        return self.load()[start:stop]


def price_text(row: queries.ProductRow) -> str:
    if row.min_price == row.max_price:
        return format_money(row.min_price, "¥")
    return f"{format_money(row.min_price, '¥')} – {format_money(row.max_price, '¥')}"


class ProductTableModel(QAbstractTableModel):
    sig_error = Signal(str)  # an edit was refused: the core's message
    sig_reloaded = Signal(int)  # number of matching products

    def __init__(self, workspace: Workspace, slug: str,
                 push: Callable[[Command], None] | None = None, parent: Any = None,
                 background: bool = True) -> None:
        super().__init__(parent)
        self.workspace, self.slug = workspace, slug
        self._push = push
        with workspace.session() as s:
            self.shop_id = queries.shop_id(s, slug)
        self.filter = queries.ProductFilter()
        self.sort_key: str | None = None
        self.descending = False
        self._ids = IdList(0, array("q"), None)
        self._blocks: OrderedDict[int, dict[int, queries.ProductRow]] = OrderedDict()
        self._base: tuple[tuple[Any, ...], IdList] | None = None  # text-less list, cached
        self._texts: dict[int, str] | None = None  # search index (`queries.search_texts`)
        self._texts_gen = -1
        self._data_gen = 0
        self._background = background
        self._index_task: Any = None
        self._index_timer = QTimer(self, singleShot=True, interval=INDEX_DELAY_MS)
        self._index_timer.timeout.connect(self._build_index)
        self.thumbs: ThumbCache | None = None
        if background:
            self.thumbs = ThumbCache(workspace, self)
            self.thumbs.sig_ready.connect(self._thumbs_ready)
        self.reload()
        if background:
            self._index_timer.start()

    # ------------------------------------------------------------ loading

    def reload(self, data_changed: bool = False) -> None:
        """Re-run the query. After an edit (`data_changed`) the view keeps its rows,
        scroll position and selection when the ids did not change."""
        if data_changed:
            self._data_gen += 1
            self._base = None
            if self._background:
                self._index_timer.start()
        new = self._query()
        old = self._ids
        if data_changed and old.full is not None and new.load() == old.full:
            self._blocks.clear()
            if len(old):
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(old) - 1, len(COLUMNS) - 1))
        else:
            self.beginResetModel()
            self._ids = new
            self._blocks.clear()
            self.endResetModel()
            if new.full is None and self._background:
                # after the first screen is painted: a worker thread competes for the GIL
                QTimer.singleShot(REST_DELAY_MS, lambda ids=new: self._load_rest(ids))
        self.sig_reloaded.emit(len(self._ids))

    def _query(self) -> IdList:
        flt, sort_key, descending = self.filter, self.sort_key, self.descending
        text = flt.text.strip()
        if not text:
            key = (flt, sort_key, descending)
            if self._base is None or self._base[0] != key:
                self._base = (key, self._sql_list(flt))
            return self._base[1]
        if self.index_ready():
            base_filter = dataclasses.replace(flt, text="")
            key = (base_filter, sort_key, descending)
            if self._base is None or self._base[0] != key:
                self._base = (key, self._sql_list(base_filter))
            needle, texts = text.casefold(), self._texts or {}
            ids = array("q", (i for i in self._base[1].load() if needle in texts.get(i, "")))
            return IdList(len(ids), ids, None)
        return self._sql_list(flt)

    def _sql_list(self, flt: queries.ProductFilter) -> IdList:
        sort_key, descending = self.sort_key, self.descending
        with self.workspace.session() as s:
            count, head = queries.head_ids(s, self.shop_id, flt, sort_key, descending, BLOCK)
        if count <= len(head):
            return IdList(count, head, None)

        def load() -> array[int]:
            with self.workspace.session() as s:
                return queries.product_ids(s, self.shop_id, flt, sort_key, descending)

        return IdList(count, head, load)

    def _load_rest(self, ids: IdList) -> None:
        """The ids past the first screen, fetched in the background (a row needed before
        they arrive loads them at once instead)."""
        from shopbuilder.gui.workers import run_task

        loader = ids.loader()
        if loader is None or ids is not self._ids:
            return
        run_task(lambda _job: loader(), on_result=ids.fill)

    def index_ready(self) -> bool:
        return self._texts is not None and self._texts_gen == self._data_gen

    def _build_index(self) -> None:
        from shopbuilder.gui.workers import run_task

        if self._index_task is not None:
            self._index_timer.start()  # one at a time; try again shortly
            return
        ws, sid, gen = self.workspace, self.shop_id, self._data_gen

        def work(_job: Any) -> tuple[int, dict[int, str]]:
            with ws.session() as s:
                return gen, queries.search_texts(s, sid)

        self._index_task = run_task(work, on_result=self._index_built,
                                    on_error=self._index_failed,
                                    on_finished=self._index_finished)

    def _index_built(self, result: tuple[int, dict[int, str]]) -> None:
        gen, texts = result
        if gen == self._data_gen:
            self._texts, self._texts_gen = texts, gen

    def _index_failed(self, error: BaseException) -> None:
        log.warning("search index not built: %s", error)  # the SQL search still works

    def _index_finished(self) -> None:
        self._index_task = None

    def _thumbs_ready(self) -> None:
        if len(self._ids):
            column = COL["title"]
            self.dataChanged.emit(self.index(0, column), self.index(len(self._ids) - 1, column),
                                  [Qt.ItemDataRole.DecorationRole])

    def set_filter(self, flt: queries.ProductFilter) -> None:
        if flt != self.filter:
            self.filter = flt
            self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][0] if 0 <= column < len(COLUMNS) else None
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self.sort_key, self.descending):
            self.layoutAboutToBeChanged.emit()
            old = self.persistentIndexList()  # the selection, saved as single rows
            old_ids = [self._ids.get(i.row()) for i in old]
            self.sort_key, self.descending = key, descending
            self._ids = self._query()
            ids = self._ids.load()  # same rows, new order: the whole list now
            self._blocks.clear()
            if old:  # selected products stay selected, wherever they moved
                where = {pid: row for row, pid in enumerate(ids)}
                self.changePersistentIndexList(old, [
                    self.index(where[pid], i.column()) if pid in where else QModelIndex()
                    for i, pid in zip(old, old_ids, strict=True)])
            self.layoutChanged.emit()

    def row_at(self, row: int) -> queries.ProductRow | None:
        if not 0 <= row < len(self._ids):
            return None
        block = row // BLOCK
        rows = self._blocks.get(block)
        if rows is None:
            ids = list(self._ids.slice(block * BLOCK, (block + 1) * BLOCK))
            with self.workspace.session() as s:
                rows = queries.product_rows(s, ids)
            self._blocks[block] = rows
            while len(self._blocks) > MAX_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(block)
        return rows.get(self._ids.get(row))

    def product_id(self, row: int) -> int:
        return self._ids.get(row)

    def ids(self) -> array[int]:
        return self._ids.load()

    def row_of(self, product_id: int) -> int:
        try:
            return self._ids.load().index(product_id)
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
        if role == Qt.ItemDataRole.DecorationRole and key == "title" and self.thumbs:
            return self.thumbs.get(row.image)
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
