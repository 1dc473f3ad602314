"""Core commands on a QUndoStack: redo → ``command.apply``, undo → ``command.revert``.

The first redo (run by ``QUndoStack.push``) applies the edit. If it raises, the command
marks itself obsolete so Qt drops it instead of stacking an edit that never happened,
and `push_command` re-raises the error for the caller to show beside the field. A bulk
edit is one `core.commands.Macro` (one transaction, one undo step); `push_macro` builds
it. Typing in a field can pass ``merge_key``: consecutive edits with the same key merge
into one undo step (first ``before``, last ``after``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from shopbuilder.core.commands import Command, Macro, SessionCommand
from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.core.storage import Workspace
from shopbuilder.gui.sections import Bus
from shopbuilder.i18n import _

log = logging.getLogger(__name__)
MERGE_ID = 0x5B01


class CoreUndoCommand(QUndoCommand):
    def __init__(self, workspace: Workspace, command: Command, bus: Bus | None = None,
                 slug: str = "", merge_key: str | None = None) -> None:
        super().__init__(_(command.label) if command.label else _("edit"))
        self.workspace, self.command, self.bus, self.slug = workspace, command, bus, slug
        self.merge_key = merge_key
        self.error: ShopBuilderError | None = None

    def _run(self, forward: bool) -> None:
        self.error = None
        try:
            if forward:
                self.command.apply(self.workspace)
            else:
                self.command.revert(self.workspace)
        except ShopBuilderError as exc:
            self.error = exc
            self.setObsolete(True)  # Qt removes it from the stack
            if self.bus is not None:
                self.bus.sig_status.emit(_("Could not {what}: {error}").format(
                    what=self.text(), error=exc.message))
            return
        if self.bus is not None:
            self.bus.sig_data_changed.emit(self.slug, self.command.label)

    def redo(self) -> None:
        self._run(True)

    def undo(self) -> None:
        self._run(False)

    def id(self) -> int:
        return MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, CoreUndoCommand) and other.merge_key == self.merge_key
                and hasattr(self.command, "after") and hasattr(other.command, "after")):
            return False
        self.command.after = other.command.after  # type: ignore[attr-defined]
        return True


def push_command(stack: QUndoStack, workspace: Workspace, command: Command,
                 bus: Bus | None = None, slug: str = "", merge_key: str | None = None) -> None:
    """Apply `command` now and make it undoable; raises the service's error if it fails."""
    undo_command = CoreUndoCommand(workspace, command, bus, slug, merge_key)
    stack.push(undo_command)
    if undo_command.error is not None:
        raise undo_command.error


def push_macro(stack: QUndoStack, workspace: Workspace, commands: Sequence[SessionCommand],
               label: str, bus: Bus | None = None, slug: str = "") -> None:
    """Several session commands as one transaction and one undo step (bulk edits)."""
    push_command(stack, workspace, Macro(commands=list(commands), label=label), bus, slug)


def last_error(stack: QUndoStack) -> Any:
    """The error of the command at the top of the stack, if its last run failed."""
    command = stack.command(stack.index() - 1) if stack.index() else None
    return getattr(command, "error", None)
