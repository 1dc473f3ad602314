"""Unexpected exceptions: logged to a file, shown in a dialog, and the app keeps running.

Data is safe because every edit is committed by a service in its own unit of work;
a bug in a slot aborts that slot only. The log lives in the platformdirs user log
folder (``SHOPBUILDER_LOG_DIR`` overrides it).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.gui import dialogs
from shopbuilder.i18n import _

log = logging.getLogger("shopbuilder")
crashes: list[str] = []  # formatted tracebacks shown this session (tests read it)


def log_dir() -> Path:
    if os.environ.get("SHOPBUILDER_LOG_DIR"):
        return Path(os.environ["SHOPBUILDER_LOG_DIR"])
    import platformdirs

    return Path(platformdirs.user_log_dir("shopbuilder", appauthor=False))


def log_file() -> Path:
    return log_dir() / "shopbuilder.log"


def setup_logging() -> Path:
    """The rotating log file; set up on the first thing worth logging, not at start-up."""
    from logging.handlers import RotatingFileHandler

    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not any(isinstance(h, RotatingFileHandler) for h in log.handlers):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return path


class CrashDialog(QMessageBox):
    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(_("Something went wrong"))
        self.setText(_("shopbuilder hit an unexpected problem. Your saved work is safe; "
                       "the last action may not have finished."))
        self.setInformativeText(_("Details were written to:\n{path}\nPlease send this file "
                                  "with a report.").format(path=log_file()))
        self.setDetailedText(details)
        self.setStandardButtons(QMessageBox.StandardButton.Ok)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


def handle_exception(exc_type: type[BaseException], exc: BaseException,
                     tb: TracebackType | None, parent: QWidget | None = None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if isinstance(exc, ShopBuilderError):  # an expected error that escaped a slot
        dialogs.show_error(parent, _("Cannot do that"), exc)
        return
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    setup_logging()
    log.error("unexpected exception\n%s", details)
    crashes.append(details)
    dialog = CrashDialog(details, parent)
    dialogs.shown.append((dialog.windowTitle(), dialog.text()))
    if dialogs.no_modal():
        dialogs._open.append(dialog)
        dialog.show()
    else:
        dialog.exec()


def install(parent_getter: object = None) -> None:
    """Route uncaught exceptions (including those raised in slots) to the crash dialog."""

    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        parent = parent_getter() if callable(parent_getter) else None
        handle_exception(exc_type, exc, tb, parent)

    sys.excepthook = hook
