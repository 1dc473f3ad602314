"""The per-shop sections (Brand, Pages, Catalog, Promotions, Posters, Export, Publish) and the
context each one is built with.

Interface for a section (the Catalog engineer registers ``shopbuilder.gui.catalog``):

* A section is a module exposing ``create_section(ctx: SectionContext) -> QWidget``.
  It is listed in `SECTIONS` below as ``"module:function"`` and imported lazily the first
  time its tab is opened, so an unfinished section never slows or breaks start-up: if
  the import fails, a placeholder says so.
* One widget is built per (shop, section) when the tab is first shown; switching shop
  deletes the old widgets and builds new ones for the new shop, so a section can keep
  ``ctx.slug`` for its whole life.
* ``ctx.workspace`` is the open `Workspace` — read with ``with ctx.workspace.session() as s``
  on the GUI thread for small reads; long work goes through `gui.workers.run_task`.
* Every edit goes through ``ctx.push(command)``: a core `Command` (apply/revert) pushed
  on ``ctx.undo_stack`` (one QUndoStack per shop). ``push`` applies it at once and
  returns True, or returns False after calling ``ctx.show_error`` if the service raised
  `ShopBuilderError` (the caller may show the issue beside the field instead: use
  ``ctx.try_push(command)`` which re-raises the error).
* After any apply/undo/redo ``ctx.bus.sig_data_changed(slug, label)`` fires: a section
  reloads the rows it shows when the slug is its own (undo may come from the Edit menu).
* ``ctx.status(text)`` shows a transient message in the status bar; ``ctx.show_error``
  shows an error dialog (non-blocking under the no-modal switch, see `gui.dialogs`).
* Optional hooks on the section widget, called by the main window if present:
  ``focus_search()`` (Ctrl+F), ``delete_selected()`` (Delete key), ``new_item()``
  (Ctrl+N when the section has focus), ``open_path(path: str)`` (the Export section's
  findings open the editor at a field path like ``products[TEE].skus[2].price``),
  ``refresh()`` (the user switched back to the tab).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from shopbuilder.i18n import N_, _

if TYPE_CHECKING:  # both pull in SQLAlchemy, which start-up loads off the GUI thread
    from shopbuilder.core.commands import Command
    from shopbuilder.core.storage import Workspace

log = logging.getLogger(__name__)


class Bus(QObject):
    """App-wide notifications shared by the main window and every section."""

    sig_data_changed = Signal(str, str)  # shop slug, what changed (command label)
    sig_status = Signal(str)
    sig_shops_changed = Signal()  # a shop was created, renamed, cloned or deleted
    sig_open_section = Signal(str, str)  # section key, field path ("" for none)


@dataclass
class SectionContext:
    workspace: Workspace
    slug: str
    undo_stack: QUndoStack
    bus: Bus
    window: QWidget | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def status(self, text: str) -> None:
        self.bus.sig_status.emit(text)

    def show_error(self, error: BaseException | str, title: str | None = None) -> None:
        from shopbuilder.gui.dialogs import show_error

        show_error(self.window, title or _("Cannot do that"), error)

    def try_push(self, command: Command) -> None:
        """Apply `command` and put it on the undo stack; raises ShopBuilderError."""
        from shopbuilder.gui.undo import push_command

        push_command(self.undo_stack, self.workspace, command, self.bus, self.slug)

    def push(self, command: Command) -> bool:
        from shopbuilder.core.errors import ShopBuilderError  # loaded with the first edit

        try:
            self.try_push(command)
        except ShopBuilderError as exc:
            self.show_error(exc)
            return False
        return True

    def open_section(self, key: str, path: str = "") -> None:
        self.bus.sig_open_section.emit(key, path)


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str  # N_() marked, translated when shown
    target: str  # "package.module:function"

    def factory(self) -> Callable[[SectionContext], QWidget]:
        module_name, _sep, attr = self.target.partition(":")
        module = importlib.import_module(module_name)
        return getattr(module, attr)


SECTIONS: list[SectionSpec] = [
    SectionSpec("brand", N_("Brand"), "shopbuilder.gui.brand:create_section"),
    SectionSpec("pages", N_("Pages"), "shopbuilder.gui.pages:create_section"),
    SectionSpec("catalog", N_("Catalog"), "shopbuilder.gui.catalog:create_section"),
    SectionSpec("promotions", N_("Promotions"), "shopbuilder.gui.promotions:create_section"),
    SectionSpec("posters", N_("Posters"), "shopbuilder.gui.posters:create_section"),
    SectionSpec("export", N_("Export"), "shopbuilder.gui.export:create_section"),
    SectionSpec("publish", N_("Publish"), "shopbuilder.gui.publish:create_section"),
]


def section_spec(key: str) -> SectionSpec:
    for spec in SECTIONS:
        if spec.key == key:
            return spec
    raise KeyError(key)


def discard(widget: QWidget | None) -> None:
    """Hide and unparent now, delete later: a widget waiting for deleteLater would
    otherwise still paint (and be grabbed) on top of its replacement."""
    if widget is None:
        return
    widget.hide()
    widget.setParent(None)
    widget.deleteLater()


def placeholder(text: str) -> QWidget:
    from PySide6.QtWidgets import QLabel, QVBoxLayout

    widget = QWidget()
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
    label.setObjectName("placeholder")
    layout = QVBoxLayout(widget)
    layout.addWidget(label)
    return widget


def build_section(spec: SectionSpec, ctx: SectionContext) -> QWidget:
    """The section's widget, or a placeholder naming why it is not available."""
    try:
        factory = spec.factory()
    except (ImportError, AttributeError) as exc:
        log.warning("section %s not available: %s", spec.key, exc, exc_info=True)
        return placeholder(_("The {section} section is not available yet.").format(
            section=_(spec.title)))
    return factory(ctx)
