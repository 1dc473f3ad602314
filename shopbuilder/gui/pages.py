"""The Pages section: each page's components (add, remove, reorder), a settings form
generated from the component's JSON Schema, and the tab bar. Every change is one
`PageEdit`/`TabBarEdit` on the undo stack; the service's messages appear beside the field."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.core.commands import PageEdit
from shopbuilder.core.components import component_schema, component_types, default_settings
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.services import pages as page_svc
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.services.assets import add_asset_file
from shopbuilder.gui import dialogs
from shopbuilder.gui.forms import discard
from shopbuilder.gui.schema_form import SchemaForm, schema_title
from shopbuilder.gui.sections import SectionContext
from shopbuilder.gui.tab_bar import TabBarEditor
from shopbuilder.i18n import _

COMPONENT_PATH = re.compile(r"^components\[(\d+)\](?:\.settings)?\.?(.*)\Z")
KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def page_data(page: Any) -> page_svc.PageData:
    return page_svc.PageData(key=page.key, title=page.title, kind=page.kind,
                             components=copy.deepcopy(list(page.components)),
                             sort_order=page.sort_order, share_title=page.share_title)


def component_label(component: dict[str, Any]) -> str:
    kind = component.get("type", "")
    try:
        name = schema_title(component_schema(kind), kind)
    except FileNotFoundError:
        name = kind
    title = component.get("settings", {}).get("title") or component.get("settings", {}).get(
        "text")
    return f"{name} · {title}" if title and title != name else name


class PagesSection(QWidget):
    def __init__(self, ctx: SectionContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pages: list[page_svc.PageData] = []
        self.page_model = QStandardItemModel(self)
        self.page_list = QListView()
        self.page_list.setModel(self.page_model)
        self.page_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.page_list.selectionModel().currentChanged.connect(lambda *_a: self._show_page())
        self.component_model = QStandardItemModel(self)
        self.component_list = QListView()
        self.component_list.setModel(self.component_model)
        self.component_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.component_list.selectionModel().currentChanged.connect(
            lambda *_a: self._show_component())

        self.add_button = QToolButton()
        self.add_button.setText(_("Add component"))
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_button)
        for kind in component_types():
            menu.addAction(schema_title(component_schema(kind), kind),
                           lambda k=kind: self.add_component(k))
        self.add_button.setMenu(menu)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.clicked.connect(self.remove_component)
        self.up_button = QPushButton(_("Move up"))
        self.up_button.clicked.connect(lambda: self.move_component(-1))
        self.down_button = QPushButton(_("Move down"))
        self.down_button.clicked.connect(lambda: self.move_component(1))

        self.form_title = QLabel()
        self.form_title.setObjectName("sectionTitle")
        self.form_holder = QVBoxLayout()
        self.form: SchemaForm | None = None
        self.page_error = QLabel()
        self.page_error.setObjectName("error")
        self.page_error.setWordWrap(True)
        self.page_error.hide()

        self.tab_bar = TabBarEditor(ctx)

        pages_box = QVBoxLayout()
        pages_box.addWidget(self._title(_("Pages")))
        pages_box.addWidget(self.page_list, 1)
        pages_box.addWidget(self._title(_("Tab bar")))
        pages_box.addWidget(self.tab_bar)
        left = QWidget()
        left.setLayout(pages_box)

        comp_box = QVBoxLayout()
        comp_box.addWidget(self._title(_("Components")))
        comp_box.addWidget(self.component_list, 1)
        comp_box.addWidget(self.page_error)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        comp_box.addLayout(buttons)
        middle = QWidget()
        middle.setLayout(comp_box)

        form_box = QVBoxLayout()
        form_box.addWidget(self.form_title)
        form_box.addLayout(self.form_holder)
        form_box.addStretch(1)
        form_widget = QWidget()
        form_widget.setLayout(form_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form_widget)

        self.splitter = QSplitter()
        for widget in (left, middle, scroll):
            self.splitter.addWidget(widget)
        self.splitter.setSizes([240, 300, 520])
        self.splitter.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.addWidget(self.splitter)
        self.load()
        ctx.bus.sig_data_changed.connect(self._data_changed)

    @staticmethod
    def _title(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("sectionTitle")
        return label

    # ------------------------------------------------------------ loading

    def load(self) -> None:
        key, row = self.current_page_key(), self.current_component_row()
        with self.ctx.workspace.session() as s:
            self.pages = [page_data(p) for p in page_svc.list_pages(s, self.ctx.slug)]
        self.page_model.clear()
        for page in self.pages:
            item = QStandardItem(page.title)
            item.setData(page.key, KEY_ROLE)
            item.setToolTip(f"{page.key} ({page.kind})")
            self.page_model.appendRow(item)
        keys = [p.key for p in self.pages]
        index = keys.index(key) if key in keys else 0
        if self.pages:
            self.page_list.setCurrentIndex(self.page_model.index(index, 0))
        self._show_page(row)
        self.tab_bar.load()

    def refresh(self) -> None:
        self.load()

    def _data_changed(self, slug: str, _what: str) -> None:
        if slug == self.ctx.slug:
            self.load()

    def current_page(self) -> page_svc.PageData | None:
        index = self.page_list.currentIndex()
        return self.pages[index.row()] if index.isValid() and index.row() < len(self.pages) \
            else None

    def current_page_key(self) -> str | None:
        page = self.current_page()
        return page.key if page else None

    def current_component_row(self) -> int:
        index = self.component_list.currentIndex()
        return index.row() if index.isValid() else -1

    def select_page(self, key: str) -> None:
        for row, page in enumerate(self.pages):
            if page.key == key:
                self.page_list.setCurrentIndex(self.page_model.index(row, 0))

    def select_component(self, row: int) -> None:
        self.component_list.setCurrentIndex(self.component_model.index(row, 0))

    def _show_page(self, select_row: int = 0) -> None:
        page = self.current_page()
        self.component_model.clear()
        self.page_error.hide()
        if page is None:
            self._show_component()
            return
        for component in page.components:
            item = QStandardItem(component_label(component))
            item.setToolTip(component.get("id", ""))
            self.component_model.appendRow(item)
        if page.components:
            self.select_component(min(max(select_row, 0), len(page.components) - 1))
        else:
            self._show_component()

    def _show_component(self) -> None:
        if self.form is not None:
            self.form_holder.removeWidget(self.form)
            discard(self.form)
            self.form = None
        page, row = self.current_page(), self.current_component_row()
        has = page is not None and 0 <= row < len(page.components)
        for button in (self.remove_button, self.up_button, self.down_button):
            button.setEnabled(has)
        if not has:
            self.form_title.setText(_("Choose a component to edit its settings."))
            return
        component = page.components[row]
        schema = component_schema(component["type"])
        self.form_title.setText(schema_title(schema, component["type"]))
        self.form = SchemaForm(schema, self._pick_image, self._load_asset)
        self.form.set_values(component.get("settings", {}))
        self.form.sig_changed.connect(self._form_changed)
        self.form_holder.addWidget(self.form)

    # ------------------------------------------------------------ editing

    def _push(self, before: page_svc.PageData, after: page_svc.PageData, label: str) -> bool:
        try:
            self.ctx.try_push(PageEdit(self.ctx.slug, before, after, label=label))
        except ValidationError as exc:
            self.show_errors(exc)
            return False
        self.ctx.status(_("Saved"))
        return True

    def show_errors(self, error: ValidationError) -> None:
        row = self.current_component_row()
        other: list[str] = []
        for issue in error.issues:
            match = COMPONENT_PATH.match(issue.path)
            if match and int(match.group(1)) == row and self.form is not None:
                self.form.set_error(match.group(2), issue.message)
            else:
                other.append(str(issue))
        if other:
            self.page_error.setText("\n".join(other))
            self.page_error.show()

    def _form_changed(self) -> None:
        page, row = self.current_page(), self.current_component_row()
        if page is None or self.form is None or not 0 <= row < len(page.components):
            return
        self.form.clear_errors()
        after = copy.deepcopy(page)
        after.components[row]["settings"] = self.form.values()
        self._push(page, after, _("edit component"))

    def set_setting(self, key: str, value: Any) -> bool:
        """Type a value into the current form's field and commit it (tests, scripts)."""
        assert self.form is not None
        self.form.editors[key].set_value(value)
        page = self.current_page()
        before_count = self.ctx.undo_stack.count()
        self._form_changed()
        return page is not None and self.ctx.undo_stack.count() > before_count

    def _unique_id(self, page: page_svc.PageData, kind: str) -> str:
        ids = {c.get("id") for c in page.components}
        candidate, n = kind, 2
        while candidate in ids:
            candidate, n = f"{kind}_{n}", n + 1
        return candidate

    def starter_settings(self, kind: str) -> dict[str, Any]:
        """Defaults plus what a required field needs to start valid (a picture the shop
        already has, a coupon it already has)."""
        settings = default_settings(kind)
        with self.ctx.workspace.session() as s:
            shop = shop_svc.get_shop(s, self.ctx.slug)
            picture = shop.share_image_asset or shop.logo_asset
        if kind == "notice":
            settings["text"] = _("Notice text")
        elif kind == "banner" and picture:
            settings["slides"] = [{"image": picture}]
        elif kind == "image" and picture:
            settings["image"] = picture
        elif kind == "coupon_strip":
            settings["coupon_keys"] = self._coupon_keys()[:3]
        elif kind == "rich_text":
            settings["html"] = "<p></p>"
        return settings

    def _coupon_keys(self) -> list[str]:
        try:
            from shopbuilder.core.models import Coupon  # type: ignore[attr-defined]
        except ImportError:
            return []
        from sqlalchemy import select

        with self.ctx.workspace.session() as s:
            shop = shop_svc.get_shop(s, self.ctx.slug)
            return list(s.scalars(select(Coupon.key).where(Coupon.shop_id == shop.id)))

    def add_component(self, kind: str) -> bool:
        page = self.current_page()
        if page is None:
            return False
        after = copy.deepcopy(page)
        row = self.current_component_row() + 1 if page.components else 0
        after.components.insert(row, {"id": self._unique_id(page, kind), "type": kind,
                                      "settings": self.starter_settings(kind)})
        if not self._push(page, after, _("add component")):
            return False
        self.select_component(row)
        return True

    def remove_component(self) -> bool:
        page, row = self.current_page(), self.current_component_row()
        if page is None or not 0 <= row < len(page.components):
            return False
        after = copy.deepcopy(page)
        del after.components[row]
        return self._push(page, after, _("remove component"))

    def move_component(self, step: int) -> bool:
        page, row = self.current_page(), self.current_component_row()
        if page is None or not 0 <= row < len(page.components):
            return False
        target = row + step
        if not 0 <= target < len(page.components):
            return False
        after = copy.deepcopy(page)
        after.components.insert(target, after.components.pop(row))
        if not self._push(page, after, _("move component")):
            return False
        self.select_component(target)
        return True

    def delete_selected(self) -> None:
        if self.component_list.hasFocus():
            self.remove_component()

    # ------------------------------------------------------------ assets

    def _pick_image(self) -> str | None:
        if dialogs.no_modal():
            return None
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a picture"), "", "Images (*.png *.jpg *.jpeg *.webp *.gif)")
        return self.add_image_file(Path(name)) if name else None

    def add_image_file(self, path: Path) -> str | None:
        try:
            with self.ctx.workspace.session() as s:
                return add_asset_file(s, path, "image").sha256
        except ValidationError as exc:
            self.ctx.show_error(exc)
            return None

    def _load_asset(self, sha: str) -> bytes | None:
        store = self.ctx.workspace.assets
        return store.read(sha) if store.has(sha) else None

    def open_path(self, path: str) -> None:
        """Select the page and component a finding points at (``pages[home].components[2]``)."""
        match = re.match(r"^pages(?:\[([^\]]+)\]|\.([a-z][a-z0-9_]*))"
                         r"(?:\.components\[(\d+)\])?", path)
        if match:
            self.select_page(match.group(1) or match.group(2))
            if match.group(3) is not None:
                self.select_component(int(match.group(3)))
            self.component_list.setFocus()
        elif path.startswith("tab_bar"):
            self.tab_bar.setFocus()


def create_section(ctx: SectionContext) -> QWidget:
    return PagesSection(ctx)
