"""Big bulk edits off the GUI thread, still one undo step.

A bulk edit of a few thousand products takes seconds (one service call per product),
so `BackgroundCommand` wraps the core `Macro`: its apply/revert run in a worker
(`gui.workers.run_task`) while a progress dialog shows how far it got and the event
loop keeps painting. The wrapper is an ordinary core command, so it goes on the undo
stack through `ctx.try_push` like any edit. Cancelling the first run rolls the whole
transaction back and the edit is not stacked; undo and redo run to the end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.core.storage import Workspace
from shopbuilder.gui.catalog.edits import BulkMacro
from shopbuilder.i18n import _

SHOW_AFTER_MS = 300


class BulkCancelled(ShopBuilderError):
    """The user stopped a bulk edit; the transaction was rolled back."""


def run_blocking(parent: QWidget | None, fn: Callable[[Any], Any], title: str,
                 cancellable: bool) -> Any:
    """Run `fn(job)` in a worker and wait for it with a progress dialog, the event loop
    running (a nested loop: the dialog is application-modal, so no other edit starts).
    Returns its result or raises its error; cancelling raises `BulkCancelled`."""
    from shopbuilder.gui.dialogs import no_modal
    from shopbuilder.gui.workers import run_task

    dialog = QProgressDialog(title, _("Cancel") if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(_("Bulk edit"))
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    if not cancellable:
        dialog.setCancelButton(None)
    if not no_modal():
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    loop = QEventLoop()
    task = run_task(fn, on_finished=loop.quit)

    def progress(done: int, total: int, _text: str) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)

    cancelled: list[bool] = []
    task.sig_progress.connect(progress)
    task.sig_cancelled.connect(lambda: cancelled.append(True))
    dialog.canceled.connect(task.cancel)
    if not task.done:
        loop.exec()
    dialog.canceled.disconnect(task.cancel)  # closing a progress dialog "cancels" it
    dialog.close()
    dialog.deleteLater()
    if cancelled:
        raise BulkCancelled(_("Cancelled: nothing was changed."))
    if task.error is not None:
        raise task.error
    return task.result


class BackgroundCommand:
    """A core command whose apply/revert run `macro` in a worker with progress."""

    def __init__(self, macro: BulkMacro, parent: QWidget | None = None) -> None:
        self.macro, self.parent = macro, parent
        self.label = macro.label
        self._applied_once = False

    def _run(self, workspace: Workspace, forward: bool) -> None:
        cancellable = forward and not self._applied_once

        def work(job: Any) -> None:
            self.macro.run(workspace, forward, job.progress,
                           job.check if cancellable else None)

        run_blocking(self.parent, work, self.label, cancellable)
        self._applied_once = True

    def apply(self, workspace: Workspace) -> None:
        self._run(workspace, True)

    def revert(self, workspace: Workspace) -> None:
        self._run(workspace, False)
