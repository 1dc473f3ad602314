from __future__ import annotations

from typing import Any

from sqlalchemy import select

from shopbuilder.cli import _shop_json
from shopbuilder.core.clone import shop_tables
from shopbuilder.core.models import Category, PriceHistory, Shop
from shopbuilder.core.services import products as psvc
from shopbuilder.core.services import shops as ssvc
from shopbuilder.core.storage import Workspace


def _catalog(s: Any, slug: str) -> list[dict[str, Any]]:
    out = []
    for p in psvc.list_products(s, slug):
        out.append({"code": p.code, "title": p.title, "category": psvc.category_path(p.category),
                    "images": p.images, "options": p.options, "detail": p.detail_html,
                    "skus": [(k.code, k.option_values, k.price, k.list_price, k.cost, k.stock)
                             for k in p.skus]})
    return out


def test_clone_copies_everything(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    with ws.session() as s:
        ssvc.clone_shop(s, "demo", "client-b", "乙客户店")
    with ws.session() as s:
        src, dst = _shop_json(s, "demo"), _shop_json(s, "client-b")
        assert dst["name"] == "乙客户店"
        for key in ("brand", "tab_bar", "pages", "categories", "product_count", "sku_count"):
            assert dst[key] == src[key], key
        assert _catalog(s, "client-b") == _catalog(s, "demo")
        src_id = ssvc.get_shop(s, "demo").id
        dst_id = ssvc.get_shop(s, "client-b").id
        # every shop-owned table has the same number of rows in both shops
        for table in shop_tables():
            n_src = len(s.execute(select(table).where(table.c.shop_id == src_id)).all())
            n_dst = len(s.execute(select(table).where(table.c.shop_id == dst_id)).all())
            assert n_src == n_dst, table.name
        # references point inside the clone, never back to the source
        for cat in s.scalars(select(Category).where(Category.shop_id == dst_id)):
            if cat.parent_id is not None:
                assert cat.parent is not None and cat.parent.shop_id == dst_id
        for product in psvc.list_products(s, "client-b"):
            assert product.category is None or product.category.shop_id == dst_id
        for row in s.scalars(select(PriceHistory).where(PriceHistory.shop_id == dst_id)):
            assert s.get_one(type(product.skus[0]), row.sku_id).shop_id == dst_id


def test_clone_is_independent_of_its_source(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    with ws.session() as s:
        ssvc.clone_shop(s, "demo", "copy")
        psvc.set_sku_price(s, "copy", "TEE-01-1", price=5900)
        psvc.delete_product(s, "copy", "PAN-11")
    with ws.session() as s:
        assert psvc.get_product(s, "demo", "TEE-01").skus[0].price == 7900
        assert psvc.get_product(s, "demo", "PAN-11").code == "PAN-11"
        ssvc.delete_shop(s, "demo")
    with ws.session() as s:
        assert [x.slug for x in s.scalars(select(Shop))] == ["copy"]
        assert psvc.count_products(s, "copy") == 12


def test_clone_refuses_a_taken_slug(demo_workspace: Workspace) -> None:
    import pytest

    from shopbuilder.core.errors import ValidationError

    with pytest.raises(ValidationError) as info, demo_workspace.session() as s:
        ssvc.clone_shop(s, "demo", "demo")
    assert info.value.path == "slug"


def test_clone_leaves_the_source_publish_history_behind(demo_workspace: Workspace) -> None:
    from shopbuilder.core.models import PublishRecord

    ws = demo_workspace
    with ws.session() as s:
        shop_id = ssvc.get_shop(s, "demo").id
        s.add(PublishRecord(shop_id=shop_id, target="prod", sha256="ab" * 32, result="ok"))
    with ws.session() as s:
        ssvc.clone_shop(s, "demo", "fresh")
        clone_id = ssvc.get_shop(s, "fresh").id
        assert s.query(PublishRecord).filter_by(shop_id=shop_id).count() == 1
        assert s.query(PublishRecord).filter_by(shop_id=clone_id).count() == 0
    assert "publish_history" not in [t.name for t in shop_tables()]
    assert "skus" in [t.name for t in shop_tables()]
