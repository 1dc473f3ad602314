"""Small product thumbnails for the table, decoded off the GUI thread.

The view asks for a thumbnail while painting; a miss queues the image and returns
None at once (the cell shows no picture). A worker decodes the queued images with
Pillow (JPEG draft mode decodes at 1/8 size, so a 800×800 photo costs well under a
millisecond) and hands back raw RGBA bytes; the GUI thread turns them into pixmaps and
`sig_ready` tells the model to repaint the column.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap

from shopbuilder.core.storage import Workspace

SIZE = 22
MAX_CACHED = 3000
Decoded = dict[str, tuple[int, int, bytes] | None]


def decode(paths: dict[str, Path], size: int = SIZE) -> Decoded:
    """sha → (width, height, RGBA bytes) of the image scaled to fit `size`, or None."""
    from PIL import Image

    out: Decoded = {}
    for sha, path in paths.items():
        try:
            with Image.open(io.BytesIO(path.read_bytes())) as img:
                img.draft("RGB", (size * 2, size * 2))
                img = img.convert("RGBA")
                img.thumbnail((size, size))
                out[sha] = (img.width, img.height, img.tobytes())
        except (OSError, ValueError):
            out[sha] = None  # not an image or missing: no thumbnail, not an error
    return out


class ThumbCache(QObject):
    sig_ready = Signal()

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._pixmaps: OrderedDict[str, QPixmap | None] = OrderedDict()
        self._queued: set[str] = set()
        self._task: Any = None

    def get(self, sha: str | None) -> QPixmap | None:
        if not sha:
            return None
        if sha in self._pixmaps:
            self._pixmaps.move_to_end(sha)
            return self._pixmaps[sha]
        if sha not in self._queued:
            self._queued.add(sha)
            if self._task is None:
                QTimer.singleShot(0, self._start)  # gather the screen's misses first
        return None

    def _start(self) -> None:
        from shopbuilder.gui.workers import run_task

        if self._task is not None or not self._queued:
            return
        batch = {sha: self.workspace.assets.path_for(sha) for sha in self._queued}
        self._task = run_task(lambda _job: decode(batch), on_result=self._decoded,
                              on_finished=self._finished)

    def _decoded(self, result: Decoded) -> None:
        for sha, data in result.items():
            self._queued.discard(sha)
            if data is None:
                self._pixmaps[sha] = None
                continue
            width, height, raw = data
            image = QImage(raw, width, height, 4 * width, QImage.Format.Format_RGBA8888)
            self._pixmaps[sha] = QPixmap.fromImage(image.copy())
        while len(self._pixmaps) > MAX_CACHED:
            self._pixmaps.popitem(last=False)
        self.sig_ready.emit()

    def _finished(self) -> None:
        self._task = None
        if self._queued:
            self._start()

    def wait_idle(self) -> bool:
        """True when nothing is queued (tests and screenshots wait for it)."""
        return not self._queued and self._task is None

