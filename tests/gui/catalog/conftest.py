"""Fixtures for the Catalog section (the demo workspace, no-modal switch and
`section_ctx` come from tests/gui/conftest.py)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot


@pytest.fixture
def ctx(section_ctx: object) -> object:
    return section_ctx


@pytest.fixture
def section(ctx: object, qtbot: QtBot) -> object:
    from shopbuilder.gui.catalog.section import CatalogSection

    widget = CatalogSection(ctx)  # type: ignore[arg-type]
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    return widget


def add_bulk_products(ws: object, n: int, slug: str = "demo") -> None:
    """`n` one-SKU products through Core inserts (fast; the services are tested elsewhere)."""
    from sqlalchemy import insert

    from shopbuilder.core.models import Product, Sku
    from shopbuilder.core.services.shops import get_shop
    from shopbuilder.core.timeutil import utcnow

    now = utcnow()
    with ws.session() as s:  # type: ignore[attr-defined]
        shop = get_shop(s, slug)
        common = {"shop_id": shop.id, "created_at": now, "updated_at": now, "version": 1}
        products = [dict(common, code=f"BULK-{i:04d}", title=f"批量商品 {i} Case",
                         subtitle="", detail_html="", tags=[], images=[], options=[],
                         on_shelf=i % 3 != 0, sort_order=100 + i % 7) for i in range(n)]
        s.execute(insert(Product), products)
        ids = dict(s.execute(
            Product.__table__.select().with_only_columns(Product.code, Product.id)
            .where(Product.code.like("BULK-%"))).all())
        s.execute(insert(Sku), [dict(common, product_id=ids[p["code"]],
                                     code=f"{p['code']}-SKU", option_values=[],
                                     price=100 + i, stock=i, list_price_label="plain")
                                for i, p in enumerate(products)])
