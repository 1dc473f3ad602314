"""Small form pieces shared by the editors: an editor with its error line beneath,
a colour field, and an image field backed by the asset store."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.core.validation import COLOR_RE
from shopbuilder.gui import dialogs
from shopbuilder.gui.sections import discard  # noqa: F401 - re-exported for the editors
from shopbuilder.i18n import _


class FieldRow(QWidget):
    """An editor with a red message line under it (the rule, where the user looks)."""

    def __init__(self, editor: QWidget, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        if hint:
            label = QLabel(hint)
            label.setObjectName("hint")
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addWidget(self.error)

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.editor.setProperty("invalid", bool(message))
        self.editor.style().unpolish(self.editor)
        self.editor.style().polish(self.editor)


class ColorField(QWidget):
    """#RRGGBB text with a swatch that opens the colour picker."""

    sig_committed = Signal(str)  # the text when editing finished or a colour was picked
    sig_edited = Signal(str)  # every keystroke (live preview)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QLineEdit()
        self.line.setPlaceholderText("#E4393C")
        self.line.setMaxLength(7)
        self.line.setFixedWidth(110)
        self.swatch = QToolButton()
        self.swatch.setFixedSize(28, 28)
        self.swatch.setToolTip(_("Pick a colour"))
        self.swatch.clicked.connect(self.pick)
        self.line.textEdited.connect(self._edited)
        self.line.editingFinished.connect(self._finished)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.swatch)
        layout.addWidget(self.line)
        layout.addStretch(1)
        self._last = ""

    def text(self) -> str:
        return self.line.text().strip()

    def set_text(self, value: str) -> None:
        self._last = value
        self.line.setText(value)
        self._paint(value)

    def _paint(self, value: str) -> None:
        color = value if COLOR_RE.match(value or "") else "transparent"
        self.swatch.setStyleSheet(f"QToolButton {{ background: {color}; "
                                  "border: 1px solid #9CA3AF; border-radius: 4px; }")

    def _edited(self, value: str) -> None:
        self._paint(value.strip())
        self.sig_edited.emit(value.strip())

    def _finished(self) -> None:
        if self.text() != self._last:
            self._last = self.text()
            self.sig_committed.emit(self.text())

    def pick(self) -> None:
        if dialogs.no_modal():
            return
        start = QColor(self.text()) if COLOR_RE.match(self.text()) else QColor("#E4393C")
        color = QColorDialog.getColor(start, self, _("Pick a colour"))
        if color.isValid():
            self.choose(color.name().upper())

    def choose(self, value: str) -> None:
        self.line.setText(value)
        self._edited(value)
        self._finished()


def pixmap_from_bytes(data: bytes, size: int) -> QPixmap:
    image = QImage.fromData(data)
    if image.isNull():
        return QPixmap()
    return QPixmap.fromImage(image).scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation)


class ImageField(QWidget):
    """A thumbnail with Choose… and Remove; the owner stores the file as an asset."""

    sig_choose = Signal()
    sig_clear = Signal()

    def __init__(self, size: int = 96, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.size = size
        self.thumb = QLabel()
        self.thumb.setFixedSize(size, size)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setStyleSheet("QLabel { background: #F3F4F6; border: 1px solid #E5E7EB; "
                                 "border-radius: 6px; color: #9CA3AF; }")
        choose = QPushButton(_("Choose…"))
        choose.clicked.connect(self.sig_choose)
        self.clear_button = QPushButton(_("Remove"))
        self.clear_button.clicked.connect(self.sig_clear)
        buttons = QVBoxLayout()
        buttons.addWidget(choose)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.thumb, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.set_image(None)

    def set_image(self, data: bytes | None) -> None:
        if data:
            self.thumb.setPixmap(pixmap_from_bytes(data, self.size - 4))
        else:
            self.thumb.setPixmap(QPixmap())
            self.thumb.setText(_("none"))
        self.clear_button.setEnabled(bool(data))
