"""Message boxes that never block a headless run.

Set ``SHOPBUILDER_NO_MODAL=1`` (the GUI tests do) or call `set_no_modal(True)` and every
dialog here is shown non-modally and returns at once; questions then take the answer
queued with `queue_answer` (or their default). Tests read `shown` to see what the user
would have seen.
"""

from __future__ import annotations

import os
from collections import deque
from typing import Any

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from shopbuilder.core.errors import ShopBuilderError, ValidationError

_no_modal: bool | None = None
_answers: deque[Any] = deque()
shown: list[tuple[str, str]] = []  # (title, text) of every dialog, newest last
_open: list[QWidget] = []  # keeps non-modal boxes alive


def no_modal() -> bool:
    if _no_modal is not None:
        return _no_modal
    return os.environ.get("SHOPBUILDER_NO_MODAL", "") not in ("", "0")


def set_no_modal(value: bool | None) -> None:
    global _no_modal
    _no_modal = value


def queue_answer(answer: Any) -> None:
    """The next question (confirm/ask_text) returns `answer` under no-modal."""
    _answers.append(answer)


def error_text(error: BaseException | str) -> str:
    if isinstance(error, ValidationError):
        return "\n".join(str(i) for i in error.issues)
    if isinstance(error, ShopBuilderError):
        return error.message
    return str(error)


def _show(box: QMessageBox) -> None:
    shown.append((box.windowTitle(), box.text()))
    if no_modal():
        box.setModal(False)
        _open.append(box)
        box.finished.connect(lambda _r, b=box: _open.remove(b) if b in _open else None)
        box.show()
    else:
        box.exec()


def show_error(parent: QWidget | None, title: str, error: BaseException | str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, error_text(error),
                      QMessageBox.StandardButton.Ok, parent)
    _show(box)


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text,
                      QMessageBox.StandardButton.Ok, parent)
    _show(box)


def confirm(parent: QWidget | None, title: str, text: str, default: bool = False) -> bool:
    if no_modal():
        shown.append((title, text))
        return bool(_answers.popleft()) if _answers else default
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    if no_modal():
        shown.append((title, label))
        return _answers.popleft() if _answers else None
    value, ok = QInputDialog.getText(parent, title, label, text=text)
    return value if ok else None


def close_all() -> None:
    for box in list(_open):
        box.close()
    _open.clear()

