"""The Catalog section (product table, product editor with the SKU grid, import wizard).

Registered in `shopbuilder.gui.sections.SECTIONS` as ``shopbuilder.gui.catalog:create_section``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from shopbuilder.gui.sections import SectionContext


def create_section(ctx: SectionContext) -> QWidget:
    from shopbuilder.gui.catalog.section import CatalogSection

    return CatalogSection(ctx)
