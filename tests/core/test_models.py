from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from shopbuilder.core.models import PriceHistory, Product, Shop, Sku
from shopbuilder.core.services import products as psvc
from shopbuilder.core.services import shops as ssvc
from shopbuilder.core.storage import Workspace
from tests.core.factories import options_product


def test_shop_product_and_skus_round_trip_through_a_reopened_db(db_url: str) -> None:
    ws = Workspace.open(db_url)
    with ws.session() as s:
        ssvc.create_shop(s, "acme", "Acme 旗舰店")
        psvc.create_product(s, "acme", options_product())
    ws.close()

    ws = Workspace.open(db_url)
    with ws.session() as s:
        shop = s.scalar(select(Shop).where(Shop.slug == "acme"))
        assert shop is not None and shop.name == "Acme 旗舰店"
        assert shop.time_zone == "Asia/Shanghai"
        assert shop.created_at.tzinfo is UTC
        product = s.scalar(select(Product).where(Product.code == "OPT"))
        assert product is not None
        assert product.options == [{"name": "颜色", "values": ["红", "蓝"]},
                                   {"name": "尺码", "values": ["S", "M"]}]
        assert sorted(tuple(k.option_values) for k in product.skus) == [
            ("红", "M"), ("红", "S"), ("蓝", "M"), ("蓝", "S")]
        assert {k.price for k in product.skus} == {7900}
        assert all(isinstance(k.price, int) for k in product.skus)
    ws.close()


def test_version_counter_detects_a_concurrent_edit(workspace: Workspace) -> None:
    with workspace.session() as s:
        ssvc.create_shop(s, "acme", "Acme")
    s1, s2 = workspace.session_factory(), workspace.session_factory()
    a = s1.scalar(select(Shop).where(Shop.slug == "acme"))
    b = s2.scalar(select(Shop).where(Shop.slug == "acme"))
    assert a is not None and b is not None and a.version == b.version == 1
    a.name = "first"
    s1.commit()
    assert a.version == 2
    b.name = "second"
    with pytest.raises(StaleDataError):
        s2.commit()
    s2.rollback()
    s1.close()
    s2.close()


def test_price_changes_are_kept_as_history(workspace: Workspace) -> None:
    with workspace.session() as s:
        ssvc.create_shop(s, "acme", "Acme")
        psvc.create_product(s, "acme", options_product())
        psvc.set_sku_price(s, "acme", "OPT-红S", price=6900)
        psvc.set_sku_price(s, "acme", "OPT-红S", stock=3)  # stock only: no new history
        sku = s.scalar(select(Sku).where(Sku.code == "OPT-红S"))
        assert sku is not None
        history = psvc.price_history(s, sku.id)
        assert [h.price for h in history] == [7900, 6900]
        assert all(h.recorded_at.tzinfo is UTC for h in history)
        assert s.query(PriceHistory).count() == 5
