"""The main window: shops on the left, the current shop's sections as tabs on the right."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from shopbuilder.gui.sections import SECTIONS, Bus, SectionContext, build_section, discard
from shopbuilder.i18n import _

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from shopbuilder.core.storage import Workspace

log = logging.getLogger(__name__)
STATUS_MS = 5000


def _dialogs():  # type: ignore[no-untyped-def]
    """Message boxes load on first use (QMessageBox is not needed to show the window)."""
    from shopbuilder.gui import dialogs

    return dialogs


def suggest_slug(existing: set[str], base: str) -> str:
    """A free shop id from a name (Latin letters kept, else "shop")."""
    root = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:16] or "shop"
    if len(root) < 2:
        root = f"shop-{root}"
    candidate, n = root, 2
    while candidate in existing:
        candidate, n = f"{root}-{n}", n + 1
    return candidate


class MainWindow(QMainWindow):
    sig_workspace_ready = Signal()  # the workspace is open and the shops are listed
    def __init__(self, workspace: Workspace | None = None) -> None:
        """Without a workspace the window shows at once and `set_workspace` fills it
        (start-up opens the database off the GUI thread)."""
        super().__init__()
        self.workspace: Workspace = workspace  # type: ignore[assignment]
        self.bus = Bus(self)
        self.undo_group = QUndoGroup(self)
        self._stacks: dict[str, QUndoStack] = {}
        self._slug = ""
        self._built: dict[str, QWidget] = {}
        self.setObjectName("main_window")
        self.setWindowTitle("shopbuilder")

        self.bus.sig_status.connect(lambda text: self.statusBar().showMessage(text, STATUS_MS))
        self.bus.sig_shops_changed.connect(self.reload_shops)
        self.bus.sig_open_section.connect(self.open_section)
        # Until the workspace is open: an empty body and a word in the status bar. (No
        # Qt namespace before the window shows: its enums cost ~13 ms to create.)
        self.setCentralWidget(QWidget())
        self.statusBar().showMessage(_("Opening the workspace…"))
        self._build_menus()
        self.restore_geometry()
        if workspace is not None:
            self.set_workspace(workspace)

    def _build_body(self) -> None:
        """Sidebar and section tabs: built when the workspace is open, so the window
        itself shows at start-up without waiting for them."""
        from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QTabWidget, QVBoxLayout

        from shopbuilder.gui.sidebar import Sidebar

        self.sidebar = Sidebar()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for spec in SECTIONS:
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(holder, _(spec.title))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.empty = QLabel(_("No shop yet. Create one with File → New shop (Ctrl+N)."))
        self.empty.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.empty)
        self.splitter = QSplitter()
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([240, 960])
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addAction(self.act_delete)
        self.setCentralWidget(self.splitter)  # deletes the placeholder
        # Delete acts on the sidebar or the section that has the focus, not window-wide
        self.act_delete.setShortcutContext(QtCore.Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.sidebar.sig_shop_selected.connect(self.set_shop)
        self.sidebar.sig_new.connect(self.new_shop)
        self.sidebar.sig_clone.connect(self.clone_shop)
        self.sidebar.sig_rename.connect(self.rename_shop)
        self.sidebar.sig_delete.connect(self.delete_shop)
        self.restore_state()

    def set_workspace(self, workspace: Workspace) -> None:
        self.workspace = workspace
        if not hasattr(self, "splitter"):
            self._build_body()
        self.statusBar().showMessage(_("Ready"), STATUS_MS)
        if getattr(workspace, "backup_path", None) is not None:
            self.statusBar().showMessage(_(
                "The workspace was upgraded; the previous version is kept at {path}").format(
                path=workspace.backup_path))
        self.reload_shops()
        import gc

        gc.freeze()  # start-up objects live for the whole session: keep them out of GC scans
        self.sig_workspace_ready.emit()

    # ------------------------------------------------------------ menus

    def _action(self, text: str, slot: object, shortcut: QKeySequence | str | None = None
                ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:  # (setShortcut would make PySide build the Qt namespace)
            action.setShortcuts([QKeySequence(shortcut)])
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        self.act_new = self._action(_("&New shop…"), self.new_shop, QKeySequence.StandardKey.New)
        file_menu.addAction(self.act_new)
        file_menu.addAction(self._action(_("&Clone shop…"), self.clone_shop))
        file_menu.addAction(self._action(_("Re&name shop…"), self.rename_shop, "F2"))
        file_menu.addAction(self._action(_("&Delete shop…"), self.delete_shop))
        file_menu.addSeparator()
        file_menu.addAction(self._action(_("&Settings…"), self.open_settings,
                                         QKeySequence.StandardKey.Preferences))
        file_menu.addSeparator()
        file_menu.addAction(self._action(_("&Quit"), self.close, QKeySequence.StandardKey.Quit))

        edit_menu = bar.addMenu(_("&Edit"))
        self.act_undo = self.undo_group.createUndoAction(self, _("&Undo"))
        self.act_undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.act_redo = self.undo_group.createRedoAction(self, _("&Redo"))
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addAction(self.act_undo)
        edit_menu.addAction(self.act_redo)
        edit_menu.addSeparator()
        self.act_find = self._action(_("&Find"), self.find, QKeySequence.StandardKey.Find)
        edit_menu.addAction(self.act_find)
        self.act_delete = self._action(_("De&lete"), self.delete_selected,
                                       QKeySequence.StandardKey.Delete)
        edit_menu.addAction(self.act_delete)

        go_menu = bar.addMenu(_("&Go"))
        for i, spec in enumerate(SECTIONS):
            go_menu.addAction(self._action(_(spec.title), lambda _c=False, k=spec.key:
                                           self.open_section(k), f"Ctrl+{i + 1}"))

        help_menu = bar.addMenu(_("&Help"))
        help_menu.addAction(self._action(_("Show &log file"), self.show_log_path))
        help_menu.addAction(self._action(_("&About shopbuilder"), self.about))

    # ------------------------------------------------------------ shops

    def reload_shops(self, select: str | None = None) -> None:
        from shopbuilder.core.services import shops as shop_svc

        if self.workspace is None:
            return
        with self.workspace.session() as s:
            summaries = shop_svc.shop_summaries(s)
        self.sidebar.load(summaries, select)
        if not summaries:
            self.set_shop("")

    def current_slug(self) -> str:
        return self._slug

    def undo_stack(self, slug: str | None = None) -> QUndoStack:
        slug = self._slug if slug is None else slug
        stack = self._stacks.get(slug)
        if stack is None:
            stack = QUndoStack(self.undo_group)
            self._stacks[slug] = stack
        return stack

    def _drop_stack(self, slug: str) -> None:
        stack = self._stacks.pop(slug, None)
        if stack is not None:
            self.undo_group.removeStack(stack)
            stack.deleteLater()

    def set_shop(self, slug: str) -> None:
        from shopbuilder.core.services import shops as shop_svc

        if slug == self._slug and self._built:
            return
        self._clear_sections()
        self._slug = slug
        if not slug:
            self.stack.setCurrentWidget(self.empty)
            self.undo_group.setActiveStack(None)
            self.setWindowTitle("shopbuilder")
            return
        self.stack.setCurrentWidget(self.tabs)
        self.undo_group.setActiveStack(self.undo_stack(slug))
        with self.workspace.session() as s:
            name = shop_svc.get_shop(s, slug).name
        self.setWindowTitle(f"{name} — shopbuilder")
        self._tab_changed(self.tabs.currentIndex())

    def _clear_sections(self) -> None:
        for key, widget in self._built.items():
            holder = self.tabs.widget([s.key for s in SECTIONS].index(key))
            holder.layout().removeWidget(widget)
            discard(widget)
        self._built.clear()

    def section_context(self) -> SectionContext:
        return SectionContext(self.workspace, self._slug, self.undo_stack(), self.bus, self)

    def section_widget(self, key: str) -> QWidget | None:
        return self._built.get(key)

    def _tab_changed(self, index: int) -> None:
        if index < 0 or not self._slug:
            return
        spec = SECTIONS[index]
        widget = self._built.get(spec.key)
        if widget is None:
            widget = build_section(spec, self.section_context())
            self._built[spec.key] = widget
            self.tabs.widget(index).layout().addWidget(widget)
        elif hasattr(widget, "refresh"):
            widget.refresh()

    def open_section(self, key: str, path: str = "") -> None:
        if not hasattr(self, "splitter"):  # still opening
            return
        keys = [s.key for s in SECTIONS]
        self.tabs.setCurrentIndex(keys.index(key))
        widget = self._built.get(key)
        if path and widget is not None and hasattr(widget, "open_path"):
            widget.open_path(path)

    def _run(self, what: str, fn: object) -> bool:
        from shopbuilder.core.errors import ShopBuilderError

        try:
            fn()  # type: ignore[operator]
        except ShopBuilderError as exc:
            _dialogs().show_error(self, what, exc)
            return False
        return True

    def _existing_slugs(self) -> set[str]:
        from shopbuilder.core.services import shops as shop_svc

        with self.workspace.session() as s:
            return {shop.slug for shop in shop_svc.list_shops(s)}

    def new_shop(self) -> None:
        """The one-click wizard; falls back to a name prompt if it cannot load."""
        if self.workspace is None:  # still opening at start-up
            return
        try:
            from shopbuilder.gui.wizard import open_wizard
        except ImportError:
            open_wizard = None
        if open_wizard is not None:
            open_wizard(self)
            return
        name = _dialogs().ask_text(self, _("New shop"), _("Shop name:"))
        if name:
            self.create_empty_shop(name)

    def create_empty_shop(self, name: str, client: str = "") -> str:
        from shopbuilder.core.services import pages as page_svc
        from shopbuilder.core.services import shops as shop_svc

        slug = suggest_slug(self._existing_slugs(), name)

        def create() -> None:
            from shopbuilder.core import settings

            with self.workspace.session() as s:
                shop_svc.create_shop(s, slug, name, client=client,
                                     time_zone=settings.load()["time_zone"])
                for page in page_svc.default_pages():
                    page_svc.set_page(s, slug, page)
                page_svc.set_tab_bar(s, slug, page_svc.DEFAULT_TABS)
        if not self._run(_("Cannot create the shop"), create):
            return ""
        self.reload_shops(select=slug)
        self.bus.sig_status.emit(_("Created shop {name}").format(name=name))
        return slug

    def clone_shop(self) -> None:
        from shopbuilder.core.services import shops as shop_svc

        source = self._slug
        if not source:
            return
        with self.workspace.session() as s:
            name = shop_svc.get_shop(s, source).name
        new_name = _dialogs().ask_text(self, _("Clone shop"), _("Name of the copy:"),
                                    _("{name} (copy)").format(name=name))
        if not new_name:
            return
        slug = suggest_slug(self._existing_slugs(), source)

        def clone() -> None:
            with self.workspace.session() as s:
                shop_svc.clone_shop(s, source, slug, new_name)
        if self._run(_("Cannot clone the shop"), clone):
            self.reload_shops(select=slug)
            self.bus.sig_status.emit(_("Cloned into {name}").format(name=new_name))

    def rename_shop(self) -> None:
        from shopbuilder.core.services import shops as shop_svc

        slug = self._slug
        if not slug:
            return
        with self.workspace.session() as s:
            shop = shop_svc.get_shop(s, slug)
            name, client = shop.name, shop.client
        new_name = _dialogs().ask_text(self, _("Rename shop"), _("Shop name:"), name)
        if new_name is None:
            return
        new_client = _dialogs().ask_text(self, _("Rename shop"),
                                      _("Client (agencies group shops by it):"), client)

        def rename() -> None:
            with self.workspace.session() as s:
                shop_svc.rename_shop(s, slug, name=new_name,
                                     client=client if new_client is None else new_client)
        if self._run(_("Cannot rename the shop"), rename):
            self._slug = ""  # rebuild the sections with the new name
            self.reload_shops(select=slug)
            self.set_shop(slug)

    def delete_shop(self) -> None:
        from shopbuilder.core.services import shops as shop_svc

        slug = self._slug
        if not slug:
            return
        with self.workspace.session() as s:
            name = shop_svc.get_shop(s, slug).name
        if not _dialogs().confirm(self, _("Delete shop"), _(
                "Delete the shop {name} with all its pages, products and promotions? "
                "This cannot be undone.").format(name=name)):
            return

        def delete() -> None:
            with self.workspace.session() as s:
                shop_svc.delete_shop(s, slug)
        if self._run(_("Cannot delete the shop"), delete):
            self._clear_sections()
            self._slug = ""
            self._drop_stack(slug)
            self.reload_shops()
            self.bus.sig_status.emit(_("Deleted shop {name}").format(name=name))

    # ------------------------------------------------------------ edit actions

    def current_section(self) -> QWidget | None:
        if not hasattr(self, "splitter"):  # still opening
            return None
        index = self.tabs.currentIndex()
        return self._built.get(SECTIONS[index].key) if index >= 0 else None

    def find(self) -> None:
        if not hasattr(self, "splitter"):  # still opening
            return
        section = self.current_section()
        focus = QApplication.focusWidget()
        in_sidebar = focus is not None and self.sidebar.isAncestorOf(focus)
        if section is not None and hasattr(section, "focus_search") and not in_sidebar:
            section.focus_search()
        else:
            self.sidebar.focus_search()

    def delete_selected(self) -> None:
        if not hasattr(self, "splitter"):  # still opening
            return
        focus = QApplication.focusWidget()
        tree = self.sidebar.tree
        if focus is not None and (focus is tree or tree.isAncestorOf(focus)):
            self.delete_shop()
            return
        section = self.current_section()
        if section is not None and hasattr(section, "delete_selected"):
            section.delete_selected()

    def open_settings(self) -> None:
        from shopbuilder.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self)
        if _dialogs().no_modal():
            dialog.show()
        else:
            dialog.exec()

    def show_log_path(self) -> None:
        from shopbuilder.gui.crash import log_file

        _dialogs().show_info(self, _("Log file"), str(log_file()))

    def about(self) -> None:
        from shopbuilder import __version__

        _dialogs().show_info(self, _("About shopbuilder"), _(
            "shopbuilder {version}\nDesign WeChat mini-program shops and export them.").format(
            version=__version__))

    # ------------------------------------------------------------ state

    def restore_geometry(self) -> None:
        geometry = QSettings().value("main/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)

    def restore_state(self) -> None:
        settings = QSettings()
        splitter = settings.value("main/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        tab = settings.value("main/tab")
        if tab is not None and 0 <= int(tab) < len(SECTIONS):
            self.tabs.setCurrentIndex(int(tab))

    def save_state(self) -> None:
        settings = QSettings()
        settings.setValue("main/geometry", self.saveGeometry())
        if hasattr(self, "splitter"):
            settings.setValue("main/splitter", self.splitter.saveState())
            settings.setValue("main/tab", self.tabs.currentIndex())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)
