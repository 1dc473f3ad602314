"""Models for the import wizard: the column mapping (editable) and the row issues."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from shopbuilder.catalog.fields import FIELDS
from shopbuilder.catalog.importer import SheetPreview
from shopbuilder.catalog.report import RowIssue
from shopbuilder.i18n import N_, _

Index = QModelIndex | QPersistentModelIndex
FIELD_CHOICES: list[tuple[str, str]] = [("", N_("(not imported)"))] + [
    (f.key, f"{f.header} · {f.key}") for f in FIELDS if f.note]


def field_label(key: str) -> str:
    return next((_(label) for k, label in FIELD_CHOICES if k == key), key)


class MappingModel(QAbstractTableModel):
    """One row per column of the sheet: its header, the field it fills, a sample."""

    HEADERS = (N_("Column in the file"), N_("Imported as"), N_("First values"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers: list[str] = []
        self.samples: list[str] = []
        self.proposed: dict[str, str] = {}
        self.mapping: dict[str, str] = {}

    def load(self, preview: SheetPreview) -> None:
        self.beginResetModel()
        self.headers = list(preview.headers)
        self.samples = [" | ".join(v for v in (row[i] if i < len(row) else "" for row in
                                                preview.rows[:3]) if v)
                        for i in range(len(self.headers))]
        self.proposed = {h: preview.mapping.get(h, "") for h in self.headers}
        self.mapping = dict(self.proposed)
        self.endResetModel()

    def changes(self) -> dict[str, str]:
        """What the user changed from the proposal (the importer's ``mapping``)."""
        return {h: k for h, k in self.mapping.items() if k != self.proposed.get(h)}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < 3):
            return _(self.HEADERS[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == 1 else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.headers):
            return None
        header = self.headers[index.row()]
        key = self.mapping.get(header, "")
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (header, field_label(key), self.samples[index.row()])[col]
        if role == Qt.ItemDataRole.EditRole and col == 1:
            return key
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and not key:
            return QBrush(QColor("#8a8a8a"))
        if role == Qt.ItemDataRole.FontRole and col == 1 and key != self.proposed.get(header):
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None

    def setData(self, index: Index, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != 1:
            return False
        if value not in {k for k, _l in FIELD_CHOICES}:
            return False
        self.mapping[self.headers[index.row()]] = value
        self.dataChanged.emit(index, index)
        return True


class FieldDelegate(QStyledItemDelegate):
    """A combo box of the fields a column can fill."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        combo = QComboBox(parent)
        for key, label in FIELD_CHOICES:
            combo.addItem(_(label), key)
        # shown as a persistent editor: every choice goes to the model at once
        combo.activated.connect(lambda _i, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class IssueModel(QAbstractTableModel):
    """Row errors and warnings of a dry run or an import."""

    HEADERS = (N_("Row"), N_("Column"), N_("Value"), N_("Problem"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.issues: list[tuple[str, RowIssue]] = []  # ("error" | "warning", issue)

    def load(self, errors: list[RowIssue], warnings: list[RowIssue]) -> None:
        self.beginResetModel()
        self.issues = [("error", e) for e in errors] + [("warning", w) for w in warnings]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.issues)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < 4):
            return _(self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.issues):
            return None
        kind, issue = self.issues[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (str(issue.row or ""), issue.column, issue.value, issue.message)[
                index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#b3261e" if kind == "error" else "#8a6d00"))
        return None
