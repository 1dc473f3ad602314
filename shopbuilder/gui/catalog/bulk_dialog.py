"""The bulk edit dialog: status, category and price ± % for the selected products."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.gui.catalog.edits import KEEP, BulkChange
from shopbuilder.gui.catalog.queries import CategoryChoice
from shopbuilder.i18n import _, ngettext


class BulkEditDialog(QDialog):
    def __init__(self, count: int, categories: list[CategoryChoice],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Bulk edit"))
        self.intro = QLabel(ngettext(
            "Change {n} selected product. Fields left on “Keep” are not touched; the "
            "whole change is one undo step.",
            "Change {n} selected products. Fields left on “Keep” are not touched; the "
            "whole change is one undo step.", count).format(n=count))
        self.intro.setWordWrap(True)
        self.status = QComboBox()
        self.status.addItem(_("Keep"), KEEP)
        self.status.addItem(_("On shelf"), True)
        self.status.addItem(_("Off shelf"), False)
        self.category = QComboBox()
        self.category.addItem(_("Keep"), KEEP)
        self.category.addItem(_("No category"), None)
        for choice in categories:
            self.category.addItem(choice.path, choice.id)
        self.percent = QDoubleSpinBox()
        self.percent.setRange(-99.0, 1000.0)
        self.percent.setDecimals(1)
        self.percent.setSingleStep(5.0)
        self.percent.setSuffix(" %")
        self.percent.setToolTip(_("Every SKU price changes by this percentage, rounded to "
                                  "the nearest fen (halves up). 0 keeps prices."))
        form = QFormLayout()
        form.addRow(_("Status"), self.status)
        form.addRow(_("Category"), self.category)
        form.addRow(_("Price change"), self.percent)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def change(self) -> BulkChange:
        return BulkChange(on_shelf=self.status.currentData(),
                          category_id=self.category.currentData(),
                          percent=Decimal(str(round(self.percent.value(), 1))))
