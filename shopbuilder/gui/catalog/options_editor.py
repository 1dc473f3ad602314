"""Up to three options (颜色: 红, 蓝 …), each a name and its values.

The widget owns the list of `GridOption`s with stable keys and reports each change as
(old options, new options, renames) so the editor can move the SKU grid across it
without losing typed data. Values are typed as ``红, 蓝`` (also ``，`` ``、`` ``;``);
editing one value in place (same count) is a rename.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.core.models import MAX_OPTIONS
from shopbuilder.core.services.products import OptionData
from shopbuilder.core.sku_grid import GridOption, infer_renames, split_values
from shopbuilder.i18n import _


class OptionsEditor(QWidget):
    # old options, new options, renames {key: {old: new}}
    sig_changed = Signal(object, object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.options: list[GridOption] = []
        self._next_key = 1
        self._rows: dict[int, tuple[QLineEdit, QLineEdit, QToolButton, QLabel]] = {}
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 3)
        self.grid.setColumnStretch(0, 1)
        self.add_button = QPushButton(_("Add option"))
        self.add_button.clicked.connect(lambda: self.add_option())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.grid)
        layout.addWidget(self.add_button)

    # ------------------------------------------------------------ API (the UI calls it too)

    def load(self, options: list[OptionData]) -> None:
        for key in list(self._rows):
            self._drop_row(key)
        self.options = []
        for opt in options:
            self._append(opt.name, list(opt.values))
        self._relayout()

    def add_option(self, name: str = "", values: list[str] | None = None) -> int:
        if len(self.options) >= MAX_OPTIONS:
            return -1
        old = copy.deepcopy(self.options)
        key = self._append(name, list(values or []))
        self._relayout()
        self._rows[key][0].setFocus()
        self.sig_changed.emit(old, copy.deepcopy(self.options), {})
        return key

    def remove_option(self, key: int) -> None:
        old = copy.deepcopy(self.options)
        self.options = [o for o in self.options if o.key != key]
        self._drop_row(key)
        self._relayout()
        self.sig_changed.emit(old, copy.deepcopy(self.options), {})

    def set_values(self, key: int, values: list[str]) -> None:
        old = copy.deepcopy(self.options)
        option = self.option(key)
        renames = infer_renames(option.values, values)
        option.values = list(values)
        self._rows[key][1].setText(", ".join(values))
        self.sig_changed.emit(old, copy.deepcopy(self.options), {key: renames} if renames else {})

    def rename(self, key: int, name: str) -> None:
        old = copy.deepcopy(self.options)
        self.option(key).name = name
        self._rows[key][0].setText(name)
        self.sig_changed.emit(old, copy.deepcopy(self.options), {})

    def option(self, key: int) -> GridOption:
        return next(o for o in self.options if o.key == key)

    def data(self) -> list[OptionData]:
        return [o.data() for o in self.options if o.values]

    def set_issue(self, index: int, message: str) -> None:
        """Show a core message (``options[1].values[0]``) under option `index` (counted
        like `data()`: options without values are not sent to the core)."""
        used = [o for o in self.options if o.values]
        if 0 <= index < len(used):
            label = self._rows[used[index].key][3]
            label.setText(message)
            label.setVisible(bool(message))

    def clear_issues(self) -> None:
        for *_w, label in self._rows.values():
            label.clear()
            label.hide()

    # ------------------------------------------------------------ widgets

    def _append(self, name: str, values: list[str]) -> int:
        key = self._next_key
        self._next_key += 1
        self.options.append(GridOption(key, name, values))
        name_edit = QLineEdit(name)
        name_edit.setPlaceholderText(_("Option, e.g. 颜色"))
        values_edit = QLineEdit(", ".join(values))
        values_edit.setPlaceholderText(_("Values, e.g. 红, 蓝"))
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip(_("Remove this option"))
        issue = QLabel()
        issue.setStyleSheet("color: #b3261e;")
        issue.setWordWrap(True)
        issue.hide()
        name_edit.editingFinished.connect(lambda k=key: self._name_edited(k))
        values_edit.editingFinished.connect(lambda k=key: self._values_edited(k))
        remove.clicked.connect(lambda _c=False, k=key: self.remove_option(k))
        self._rows[key] = (name_edit, values_edit, remove, issue)
        return key

    def _drop_row(self, key: int) -> None:
        for widget in self._rows.pop(key, ()):
            self.grid.removeWidget(widget)
            widget.deleteLater()

    def _relayout(self) -> None:
        for n, option in enumerate(self.options):
            name_edit, values_edit, remove, issue = self._rows[option.key]
            self.grid.addWidget(name_edit, 2 * n, 0)
            self.grid.addWidget(values_edit, 2 * n, 1)
            self.grid.addWidget(remove, 2 * n, 2)
            self.grid.addWidget(issue, 2 * n + 1, 0, 1, 3)
        self.add_button.setEnabled(len(self.options) < MAX_OPTIONS)

    def _name_edited(self, key: int) -> None:
        if key in self._rows and self._rows[key][0].text() != self.option(key).name:
            self.rename(key, self._rows[key][0].text())

    def _values_edited(self, key: int) -> None:
        if key not in self._rows:
            return
        values = split_values(self._rows[key][1].text())
        if values != self.option(key).values:
            self.set_values(key, values)
