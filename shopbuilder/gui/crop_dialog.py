"""Choosing the 5:4 part of a picture for the share image: drag the frame, size slider."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.core.imagecrop import SHARE_RATIO, Box, crop_box
from shopbuilder.i18n import _


class CropView(QWidget):
    """The picture scaled to fit, a dimmed outside and the crop frame on top."""

    def __init__(self, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = image
        self.cx, self.cy, self.scale = 0.5, 0.5, 1.0
        self.setMinimumSize(420, 320)
        self.setCursor(Qt.CursorShape.SizeAllCursor)

    def box(self) -> Box:
        return crop_box(self.image.width(), self.image.height(), self.cx, self.cy, self.scale,
                        SHARE_RATIO)

    def _target(self) -> QRectF:
        w, h = self.image.width(), self.image.height()
        k = min(self.width() / w, self.height() / h)
        return QRectF((self.width() - w * k) / 2, (self.height() - h * k) / 2, w * k, h * k)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = self._target()
        painter.drawImage(target, self.image)
        k = target.width() / self.image.width()
        left, top, right, bottom = self.box()
        frame = QRectF(target.x() + left * k, target.y() + top * k,
                       (right - left) * k, (bottom - top) * k)
        shade = QColor(0, 0, 0, 110)
        painter.fillRect(QRectF(target.left(), target.top(), target.width(),
                                frame.top() - target.top()), shade)
        painter.fillRect(QRectF(target.left(), frame.bottom(), target.width(),
                                target.bottom() - frame.bottom()), shade)
        painter.fillRect(QRectF(target.left(), frame.top(), frame.left() - target.left(),
                                frame.height()), shade)
        painter.fillRect(QRectF(frame.right(), frame.top(), target.right() - frame.right(),
                                frame.height()), shade)
        painter.setPen(QPen(QColor("white"), 2))
        painter.drawRect(frame)

    def _move_to(self, pos: QPointF) -> None:
        target = self._target()
        self.cx = min(1.0, max(0.0, (pos.x() - target.x()) / target.width()))
        self.cy = min(1.0, max(0.0, (pos.y() - target.y()) / target.height()))
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._move_to(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._move_to(event.position())


class CropDialog(QDialog):
    def __init__(self, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Crop the share image (5:4)"))
        self.view = CropView(QImage.fromData(data))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(20, 100)
        self.slider.setValue(100)
        self.slider.valueChanged.connect(self._scale)
        hint = QLabel(_("Drag to move the frame; the slider sets its size. WeChat shows "
                        "the share image at 5:4."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.slider)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def _scale(self, value: int) -> None:
        self.view.scale = value / 100
        self.view.update()

    def box(self) -> Box:
        return self.view.box()
