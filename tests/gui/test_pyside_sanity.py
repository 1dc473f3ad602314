"""Guards the Qt binding itself: PySide6 6.12.0 drops a reference to None on every
void method call (e.g. QLabel.setText), which kills long sessions with
"Fatal Python error: none_dealloc". pyproject pins it out; this catches a regression
on any upgrade."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel

pytestmark = pytest.mark.gui


def test_void_qt_calls_keep_none_refcount(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    qtbot.addWidget(label)
    label.setText("warm-up")
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setText("x")
    # Other code may take a few references meanwhile; a leak loses 500.
    assert sys.getrefcount(None) > before - 50
