"""The Promotions section (coupons, group-buys, bargains, flash sales)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from shopbuilder.gui.sections import SectionContext


def create_section(ctx: SectionContext) -> QWidget:
    from shopbuilder.gui.promotions.section import PromotionsSection

    return PromotionsSection(ctx)
