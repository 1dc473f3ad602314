"""The product editor: basics, images, options and the SKU grid; saves one
`ProductEdit` on the undo stack. The core's issues are shown where they belong: under
the field (``title``), under the option (``options[1].values[0]``) or at the grid cell
(``skus[2].price``), and all of them in the summary at the bottom.
"""

from __future__ import annotations

import contextlib
import copy
import re
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.core.commands import ProductEdit
from shopbuilder.core.errors import Issue, ShopBuilderError, ValidationError
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.sku_grid import Combo, GridOption, blank_sku, fill_codes, regrid, split_values
from shopbuilder.gui.catalog import queries
from shopbuilder.gui.catalog.options_editor import OptionsEditor
from shopbuilder.gui.catalog.sku_model import FIELDS, SkuGridModel
from shopbuilder.gui.sections import SectionContext
from shopbuilder.i18n import N_, _, ngettext

SKU_PATH = re.compile(r"^skus\[(\d+)\]\.(\w+)")
OPTION_PATH = re.compile(r"^options\[(\d+)\]")
THUMB = 72
FIELD_NAMES = {"code": N_("Product code"), "title": N_("Title"), "subtitle": N_("Subtitle"),
               "category_id": N_("Category"), "tags": N_("Tags"), "images": N_("Images"),
               "skus": N_("SKUs"), "options": N_("Options")}


def issue_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet("color: #b3261e;")
    label.setWordWrap(True)
    label.hide()
    return label


class ProductEditor(QDialog):
    def __init__(self, ctx: SectionContext, code: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        with ctx.workspace.session() as s:
            self.before = (product_svc.product_data(product_svc.get_product(s, ctx.slug, code))
                           if code else None)
            categories = queries.category_choices(s, queries.shop_id(s, ctx.slug))
        self.setWindowTitle(_("Edit product {code}").format(code=code) if code
                            else _("New product"))
        self.stash: dict[Combo, product_svc.SkuData] = {}
        self.labels: dict[str, QLabel] = {}

        self.code = QLineEdit()
        self.title = QLineEdit()
        self.subtitle = QLineEdit()
        self.category = QComboBox()
        self.category.addItem(_("No category"), None)
        for choice in categories:
            self.category.addItem(choice.path, choice.id)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(_("e.g. 新品, 热卖"))
        self.on_shelf = QCheckBox(_("On shelf (buyers can see and buy it)"))
        self.images = QListWidget()
        self.images.setViewMode(QListView.ViewMode.IconMode)
        self.images.setIconSize(QSize(THUMB, THUMB))
        self.images.setFlow(QListView.Flow.LeftToRight)
        self.images.setWrapping(False)
        self.images.setFixedHeight(THUMB + 14)
        self.images.setMovement(QListView.Movement.Snap)
        self.images.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        add_image = QPushButton(_("Add images…"))
        remove_image = QPushButton(_("Remove"))
        add_image.clicked.connect(self._pick_images)
        remove_image.clicked.connect(self.remove_selected_images)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("Product code"), self._with_issue("code", self.code))
        form.addRow(_("Title"), self._with_issue("title", self.title))
        form.addRow(_("Subtitle"), self._with_issue("subtitle", self.subtitle))
        form.addRow(_("Category"), self._with_issue("category_id", self.category))
        form.addRow(_("Tags"), self._with_issue("tags", self.tags))
        form.addRow("", self.on_shelf)
        image_buttons = QVBoxLayout()
        image_buttons.addWidget(add_image)
        image_buttons.addWidget(remove_image)
        image_buttons.addStretch(1)
        image_row = QHBoxLayout()
        image_row.addWidget(self.images, 1)
        image_row.addLayout(image_buttons)
        image_box = QWidget()
        image_box.setLayout(image_row)
        image_row.setContentsMargins(0, 0, 0, 0)
        form.addRow(_("Images"), self._with_issue("images", image_box))
        basics = QGroupBox(_("Product"))
        basics.setLayout(form)

        self.options = OptionsEditor()
        self.options.sig_changed.connect(self._options_changed)
        options_box = QGroupBox(_("Options (up to 3, e.g. 颜色 and 尺码)"))
        options_layout = QVBoxLayout(options_box)
        options_layout.addWidget(self.options)
        options_layout.addWidget(self._label("options"))
        hint = QLabel(_("Type the values separated by commas. The grid below has one SKU "
                        "per combination; adding, removing or renaming a value keeps the "
                        "prices and stock already typed for the other combinations."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666666;")
        options_layout.addStretch(1)
        options_layout.addWidget(hint)

        self.model = SkuGridModel(self)
        self.grid = QTableView()
        self.grid.setModel(self.model)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.setAlternatingRowColors(True)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.model.sig_error.connect(self._grid_error)
        self.fill_field = QComboBox()
        for name, title in FIELDS:
            self.fill_field.addItem(_(title), name)
        self.fill_field.setCurrentIndex(1)
        self.fill_value = QLineEdit()
        self.fill_value.setPlaceholderText(_("Value for every row (or the selected rows)"))
        fill_button = QPushButton(_("Fill column"))
        fill_button.clicked.connect(self.fill_column)
        self.fill_value.returnPressed.connect(self.fill_column)
        fill_row = QHBoxLayout()
        fill_row.addWidget(QLabel(_("Bulk fill")))
        fill_row.addWidget(self.fill_field)
        fill_row.addWidget(self.fill_value, 1)
        fill_row.addWidget(fill_button)
        skus_box = QGroupBox(_("SKUs (one per combination of option values)"))
        skus_layout = QVBoxLayout(skus_box)
        skus_layout.addLayout(fill_row)
        skus_layout.addWidget(self.grid, 1)
        skus_layout.addWidget(self._label("skus"))

        self.summary = issue_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(basics, 3)
        top.addWidget(options_box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(skus_box, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.resize(1000, 720)
        self._load()
        self._initial = self.product_data()

    # ------------------------------------------------------------ loading

    def _label(self, path: str) -> QLabel:
        label = self.labels[path] = issue_label()
        return label

    def _with_issue(self, path: str, widget: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        layout.addWidget(self._label(path))
        return box

    def _load(self) -> None:
        data = self.before or product_svc.ProductData(code="", title="", skus=[blank_sku()])
        self.code.setText(data.code)
        self.title.setText(data.title)
        self.subtitle.setText(data.subtitle)
        self.category.setCurrentIndex(max(self.category.findData(data.category_id), 0))
        self.tags.setText(", ".join(data.tags))
        self.on_shelf.setChecked(data.on_shelf)
        for sha in data.images:
            self._add_image_item(sha)
        self.options.load(data.options)
        self.model.set_grid(copy.deepcopy(self.options.options), copy.deepcopy(data.skus))

    def _add_image_item(self, sha: str) -> None:
        item = QListWidgetItem()
        item.setData(Qt.ItemDataRole.UserRole, sha)
        pixmap = QPixmap()
        with contextlib.suppress(OSError):  # a missing file shows as no thumbnail
            pixmap.loadFromData(self.ctx.workspace.assets.read(sha))
        if not pixmap.isNull():
            item.setIcon(QIcon(pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation)))
        item.setToolTip(sha[:12])
        self.images.addItem(item)

    def image_shas(self) -> list[str]:
        return [self.images.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.images.count())]

    def _pick_images(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self, _("Add images"), "", _("Images (*.png *.jpg *.jpeg *.webp)"))
        for file in files:
            self.add_image_file(Path(file))

    def add_image_file(self, path: Path) -> bool:
        from shopbuilder.core.services.assets import add_asset_file, require_image

        try:
            with self.ctx.workspace.session() as s:
                asset = add_asset_file(s, path, "images")
                require_image(s, asset.sha256, "images")
                sha = asset.sha256
        except ShopBuilderError as exc:
            self._show_issue("images", str(exc))
            return False
        self._add_image_item(sha)
        return True

    def remove_selected_images(self) -> None:
        for item in self.images.selectedItems():
            self.images.takeItem(self.images.row(item))

    # ------------------------------------------------------------ options and grid

    def _options_changed(self, old: list[GridOption], new: list[GridOption],
                         renames: dict[int, dict[str, str]]) -> None:
        result = regrid(old, self.model.rows, new, renames, self.stash)
        self.stash.update(result.dropped)
        self.model.set_grid([o for o in new if o.values], result.rows)

    def fill_column(self) -> bool:
        rows = sorted({i.row() for i in self.grid.selectionModel().selectedIndexes()})
        name = self.fill_field.currentData()
        try:
            self.model.fill(name, self.fill_value.text(), rows or None)
        except ValidationError as exc:
            self._show_issue("skus", exc.issues[0].message)
            return False
        self._show_issue("skus", "")
        return True

    def _grid_error(self, message: str) -> None:
        self._show_issue("skus", message)

    # ------------------------------------------------------------ saving

    def is_modified(self) -> bool:
        return self.product_data() != self._initial

    def reject(self) -> None:
        """Cancel asks before throwing typed changes away."""
        from shopbuilder.gui.dialogs import confirm

        if self.is_modified() and not confirm(
                self, _("Discard changes?"),
                _("The changes to this product are not saved. Close and lose them?")):
            return
        super().reject()

    def product_data(self) -> product_svc.ProductData:
        before = self.before
        skus = copy.deepcopy(self.model.rows)
        fill_codes(self.code.text(), skus)
        return product_svc.ProductData(
            code=self.code.text().strip(), title=self.title.text(),
            subtitle=self.subtitle.text(), category_id=self.category.currentData(),
            tags=split_values(self.tags.text()), images=self.image_shas(),
            on_shelf=self.on_shelf.isChecked(), options=self.options.data(), skus=skus,
            detail_html=before.detail_html if before else "",
            sort_order=before.sort_order if before else 0)

    def save(self) -> bool:
        """Validate through the core and push one undoable edit; stays open on errors."""
        after = self.product_data()
        missing = [Issue(f"skus[{i}].price", _("type a price"))
                   for i, sku in enumerate(after.skus) if sku.price is None]
        try:
            if missing:
                raise ValidationError(missing)
            label = _("edit product {code}") if self.before else _("add product {code}")
            self.ctx.try_push(ProductEdit(self.ctx.slug, self.before, after,
                                          label=label.format(code=after.code)))
        except ValidationError as exc:
            self.show_issues(exc.issues)
            return False
        except ShopBuilderError as exc:
            self.show_issues([Issue("", exc.message)])
            return False
        self.ctx.status(_("Saved {code}").format(code=after.code))
        self.accept()
        return True

    def show_issues(self, issues: list[Issue]) -> None:
        for label in self.labels.values():
            label.hide()
        self.options.clear_issues()
        cells: dict[tuple[int, str], str] = {}
        general: dict[str, list[str]] = {}
        for issue in issues:
            sku = SKU_PATH.match(issue.path)
            option = OPTION_PATH.match(issue.path)
            if sku:
                cells[(int(sku[1]), sku[2])] = issue.message
                general.setdefault("skus", []).append(_("Row {n}: {message}").format(
                    n=int(sku[1]) + 1, message=issue.message))
            elif option:
                self.options.set_issue(int(option[1]), issue.message)
            else:
                key = issue.path.split("[")[0].split(".")[0]
                general.setdefault(key if key in self.labels else "", []).append(
                    issue.message)
        for key, messages in general.items():
            if key:
                self._show_issue(key, "\n".join(messages[:4]) + (
                    "\n…" if len(messages) > 4 else ""))
        self.model.set_issues(cells)
        self.summary.setText(ngettext("Not saved: {n} problem. {first}",
                                      "Not saved: {n} problems. {first}", len(issues)).format(
            n=len(issues), first=self.describe(issues[0])))
        self.summary.show()
        self.focus_path(issues[0].path)

    def describe(self, issue: Issue) -> str:
        """An issue in the words of the screen: ``Row 3, List price: …`` rather than
        ``skus[2].list_price: …``."""
        sku = SKU_PATH.match(issue.path)
        if sku:
            field = dict(FIELDS).get(sku[2])
            if field:
                return _("Row {n}, {field}: {message}").format(
                    n=int(sku[1]) + 1, field=_(field), message=issue.message)
            return _("Row {n}: {message}").format(n=int(sku[1]) + 1, message=issue.message)
        option = OPTION_PATH.match(issue.path)
        if option:
            return _("Option {n}: {message}").format(n=int(option[1]) + 1,
                                                     message=issue.message)
        name = FIELD_NAMES.get(issue.path.split("[")[0].split(".")[0])
        return f"{_(name)}: {issue.message}" if name else str(issue)

    def _show_issue(self, path: str, message: str) -> None:
        label = self.labels.get(path)
        if label is not None:
            label.setText(message)
            label.setVisible(bool(message))

    def focus_path(self, path: str) -> None:
        """Put the cursor on the field or grid cell a path names."""
        sku = SKU_PATH.match(path)
        if sku and int(sku[1]) < self.model.rowCount():
            names = [n for n, _t in FIELDS]
            if sku[2] in names:
                index = self.model.index(int(sku[1]), self.model.field_column(sku[2]))
                # current, not selected: the selection colour would hide the red cell
                self.grid.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.Clear)
                self.grid.scrollTo(index)
                self.grid.setFocus()
            return
        widget = {"code": self.code, "title": self.title, "subtitle": self.subtitle,
                  "category_id": self.category, "tags": self.tags}.get(
                      path.split("[")[0].split(".")[0])
        if widget is not None:
            widget.setFocus()
