"""The SKU grid's model: one row per combination of option values.

The rows are `SkuData` the editor owns until it saves; the combination logic (what
survives an option change) lives in the GUI-free `shopbuilder.core.sku_grid`. A value
that does not parse is refused with the core's message shown at the cell; issues the
core reports on save (``skus[2].price``) are shown at their cells too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from shopbuilder.core.errors import ValidationError
from shopbuilder.core.money import format_money, parse_money
from shopbuilder.core.services.products import SkuData
from shopbuilder.core.sku_grid import GridOption
from shopbuilder.gui.catalog.edits import parse_stock
from shopbuilder.i18n import N_, _

FIELDS = (
    ("code", N_("SKU code")),
    ("price", N_("Price")),
    ("list_price", N_("List price")),
    ("stock", N_("Stock")),
    ("cost", N_("Cost")),
)
MONEY = {"price", "list_price", "cost"}
OPTIONAL = {"list_price", "cost"}
ERROR_BG = QColor("#f9d0d3")
ERROR_FG = QColor("#b3261e")
Index = QModelIndex | QPersistentModelIndex


def parse_field(name: str, text: str) -> Any:
    """Text typed in a cell → the SkuData value; raises ValidationError(name, …)."""
    text = str(text).strip()
    if name in OPTIONAL and not text:
        return None
    if name in MONEY:
        return parse_money(text, name)
    if name == "stock":
        return parse_stock(text)
    return text


def format_field(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in MONEY:
        return format_money(value)
    return str(value)


class SkuGridModel(QAbstractTableModel):
    sig_error = Signal(str)  # a typed value was refused: the message

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.options: list[GridOption] = []
        self.rows: list[SkuData] = []
        self.errors: dict[tuple[int, str], str] = {}  # (row, field) → message

    # ------------------------------------------------------------ editor API

    def set_grid(self, options: Sequence[GridOption], rows: Sequence[SkuData]) -> None:
        self.beginResetModel()
        self.options = list(options)
        self.rows = list(rows)
        self.errors.clear()
        self.endResetModel()

    def field_column(self, name: str) -> int:
        return len(self.options) + [f for f, _t in FIELDS].index(name)

    def field_at(self, column: int) -> str | None:
        k = column - len(self.options)
        return FIELDS[k][0] if 0 <= k < len(FIELDS) else None

    def set_issues(self, issues: dict[tuple[int, str], str]) -> None:
        self.errors = dict(issues)
        self._all_changed()

    def fill(self, name: str, text: str, rows: Iterable[int] | None = None) -> None:
        """Bulk fill one column (all rows, or `rows`); raises ValidationError."""
        value = parse_field(name, text)
        targets = list(range(len(self.rows))) if rows is None else list(rows)
        for r in targets:
            setattr(self.rows[r], name, value)
            self.errors.pop((r, name), None)
        self._all_changed()

    def _all_changed(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, self.columnCount() - 1))

    # ------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.options) + len(FIELDS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if 0 <= section < len(self.rows) else None
        if 0 <= section < len(self.options):
            return self.options[section].name
        name = self.field_at(section)
        return _(dict(FIELDS)[name]) if name else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.field_at(index.column()) is not None:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        col = index.column()
        if col < len(self.options):
            if role == Qt.ItemDataRole.DisplayRole:
                return row.option_values[col]
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#555555"))
            return None
        name = self.field_at(col)
        if name is None:
            return None
        error = self.errors.get((index.row(), name))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return format_field(name, getattr(row, name))
        if role == Qt.ItemDataRole.ToolTipRole:
            if error:
                return error
            if name == "code" and not row.code:
                return _("Left empty, a code is made from the product code on save")
        if role == Qt.ItemDataRole.BackgroundRole and error:
            return QBrush(ERROR_BG)
        if role == Qt.ItemDataRole.ForegroundRole and error:
            return QBrush(ERROR_FG)
        if role == Qt.ItemDataRole.TextAlignmentRole and name != "code":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        name = self.field_at(index.column())
        if name is None or not 0 <= index.row() < len(self.rows):
            return False
        key = (index.row(), name)
        try:
            parsed = parse_field(name, value)
        except ValidationError as exc:
            self.errors[key] = exc.issues[0].message
            self.dataChanged.emit(index, index)
            self.sig_error.emit(_("Row {n}, {field}: {message}").format(
                n=index.row() + 1, field=_(dict(FIELDS)[name]), message=exc.issues[0].message))
            return False
        setattr(self.rows[index.row()], name, parsed)
        self.errors.pop(key, None)
        self.dataChanged.emit(index, index)
        return True
