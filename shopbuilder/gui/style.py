"""The app's look: a calm light palette and fonts that render Chinese properly."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
                "WenQuanYi Micro Hei")
UI_FAMILIES = ("Noto Sans", "Segoe UI", "Helvetica Neue", "DejaVu Sans")

STYLESHEET = """
#sidebar { background: #F5F6F8; }
#sidebar QTreeView { background: transparent; border: none; }
#sidebar QTreeView::item { padding: 4px 2px; }
QListView::item { padding: 3px 4px; }
QLabel#placeholder { color: #6B7280; font-size: 15px; }
QLabel#error { color: #B42318; }
QLabel#hint { color: #6B7280; }
QLabel#sectionTitle { font-size: 16px; font-weight: 600; }
"""


def ui_font_families(lang: str) -> list[str]:
    """Latin UI font first, then a CJK font (first CJK for Chinese, so punctuation and
    digits match the Chinese glyphs). Missing families are skipped by Qt's fallback, so
    the font database is not enumerated at start-up (tens of ms with many CJK fonts)."""
    return [*CJK_FAMILIES, *UI_FAMILIES] if lang.startswith("zh") \
        else [*UI_FAMILIES, *CJK_FAMILIES]


def apply_style(app: QApplication, lang: str) -> None:
    if app.style().name().lower() != "fusion":  # already Fusion on Linux: skip the switch
        app.setStyle("Fusion")
    families = ui_font_families(lang)
    if families:
        font = QFont(app.font())
        font.setFamilies(families)
        font.setPointSize(10)
        app.setFont(font)
    app.setStyleSheet(STYLESHEET)
