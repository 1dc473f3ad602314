"""Services reject bad input with the field named, and write nothing when they do."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopbuilder.core.errors import NotFoundError, ValidationError
from shopbuilder.core.models import Base, Product, Sku
from shopbuilder.core.services import pages as pgsvc
from shopbuilder.core.services import products as psvc
from shopbuilder.core.services import shops as ssvc
from shopbuilder.core.services.assets import add_asset
from shopbuilder.core.storage import Workspace
from tests.core.factories import options_product, png_bytes, simple_product


def row_counts(ws: Workspace) -> dict[str, int]:
    with ws.engine.connect() as c:
        return {t.name: c.scalar(select(func.count()).select_from(t)) or 0
                for t in Base.metadata.sorted_tables}


@pytest.fixture
def shop(workspace: Workspace) -> Workspace:
    with workspace.session() as s:
        ssvc.create_shop(s, "acme", "Acme")
        psvc.create_product(s, "acme", simple_product("EXIST"))
    return workspace


def expect_rejected(ws: Workspace, edit: Callable[[Session], object], path: str) -> ValidationError:
    before = row_counts(ws)
    with pytest.raises(ValidationError) as info, ws.session() as s:
        edit(s)
    assert path in [i.path for i in info.value.issues], info.value.issues
    assert row_counts(ws) == before, "a rejected edit wrote something"
    return info.value


def test_empty_shop_name_is_rejected(workspace: Workspace) -> None:
    expect_rejected(workspace, lambda s: ssvc.create_shop(s, "acme", "  "), "name")


@pytest.mark.parametrize("slug", ["A", "Acme", "-x", "a b", "x" * 21, "中文", "acme\n"])
def test_bad_slug_is_rejected(workspace: Workspace, slug: str) -> None:
    expect_rejected(workspace, lambda s: ssvc.create_shop(s, slug, "ok"), "slug")


def test_duplicate_slug_and_unknown_time_zone(shop: Workspace) -> None:
    expect_rejected(shop, lambda s: ssvc.create_shop(s, "acme", "again"), "slug")
    expect_rejected(shop, lambda s: ssvc.create_shop(s, "b2", "b", time_zone="Mars/Base"),
                    "time_zone")


def test_duplicate_sku_code_within_a_product(shop: Workspace) -> None:
    data = options_product()
    data.skus[1].code = data.skus[0].code
    expect_rejected(shop, lambda s: psvc.create_product(s, "acme", data), "skus[1].code")


def test_duplicate_sku_code_across_products(shop: Workspace) -> None:
    data = simple_product("NEW")
    data.skus[0].code = "EXIST-1"
    expect_rejected(shop, lambda s: psvc.create_product(s, "acme", data), "skus[0].code")


def test_duplicate_product_code(shop: Workspace) -> None:
    expect_rejected(shop, lambda s: psvc.create_product(s, "acme", simple_product("EXIST")),
                    "code")


def test_negative_price_and_stock(shop: Workspace) -> None:
    data = simple_product("NEG", price=-1)
    data.skus[0].stock = -3
    err = expect_rejected(shop, lambda s: psvc.create_product(s, "acme", data), "skus[0].price")
    assert "skus[0].stock" in [i.path for i in err.issues]


def test_float_price_is_refused_money_is_fen(shop: Workspace) -> None:
    data = simple_product("FLT")
    data.skus[0].price = 12.5  # type: ignore[assignment]
    expect_rejected(shop, lambda s: psvc.create_product(s, "acme", data), "skus[0].price")


def test_zero_price_only_off_shelf(shop: Workspace) -> None:
    expect_rejected(shop, lambda s: psvc.create_product(s, "acme", simple_product("Z", price=0)),
                    "skus[0].price")
    with shop.session() as s:
        psvc.create_product(s, "acme", simple_product("Z", price=0, on_shelf=False))


def test_list_price_below_price_only_allowed_for_msrp(shop: Workspace) -> None:
    data = simple_product("LP", price=1000)
    data.skus[0].list_price = 900
    expect_rejected(shop, lambda s: psvc.create_product(s, "acme", data), "skus[0].list_price")
    data.skus[0].list_price_label = "msrp"
    with shop.session() as s:
        psvc.create_product(s, "acme", data)


def test_four_options_are_rejected(shop: Workspace) -> None:
    data = options_product("FOUR")
    data.options += [psvc.OptionData("材质", ["棉"]), psvc.OptionData("款式", ["A"])]
    for sku in data.skus:
        sku.option_values += ["棉", "A"]
    expect_rejected(shop, lambda s: psvc.create_product(s, "acme", data), "options")


def test_sku_values_must_match_the_options(shop: Workspace) -> None:
    data = options_product("MIS")
    data.skus[2].option_values = ["绿", "S"]
    expect_rejected(shop, lambda s: psvc.create_product(s, "acme", data),
                    "skus[2].option_values[0]")
    data = options_product("DUP")
    data.skus[1].option_values = list(data.skus[0].option_values)
    expect_rejected(shop, lambda s: psvc.create_product(s, "acme", data), "skus[1].option_values")


def test_update_keeps_sku_rows_matched_by_code(shop: Workspace) -> None:
    with shop.session() as s:
        product = psvc.create_product(s, "acme", options_product())
        ids = {k.code: k.id for k in product.skus}
    with shop.session() as s:
        data = psvc.product_data(psvc.get_product(s, "acme", "OPT"))
        data.options[1].values.append("L")
        data.skus.append(psvc.SkuData(code="OPT-红L", option_values=["红", "L"], price=8900,
                                      stock=1))
        data.skus = [k for k in data.skus if k.code != "OPT-蓝M"]
        data.skus[0].stock = 99
        psvc.update_product(s, "acme", "OPT", data)
    with shop.session() as s:
        product = psvc.get_product(s, "acme", "OPT")
        after = {k.code: k for k in product.skus}
        assert set(after) == {"OPT-红S", "OPT-红M", "OPT-蓝S", "OPT-红L"}
        for code in ("OPT-红S", "OPT-红M", "OPT-蓝S"):
            assert after[code].id == ids[code]
        assert after["OPT-红S"].stock == 99
        assert s.scalar(select(func.count()).select_from(Sku)
                        .where(Sku.product_id == product.id)) == 4


def test_set_sku_price_reports_the_field(shop: Workspace) -> None:
    err = expect_rejected(shop, lambda s: psvc.set_sku_price(s, "acme", "EXIST-1", price=-5),
                          "price")
    assert "must not be negative" in err.issues[0].message


def test_unknown_shop_is_not_found(workspace: Workspace) -> None:
    with pytest.raises(NotFoundError), workspace.session() as s:
        psvc.create_product(s, "nope", simple_product())


def test_category_tree_is_two_levels(shop: Workspace) -> None:
    with shop.session() as s:
        sub = psvc.ensure_category_path(s, "acme", "服饰/上衣")
        again = psvc.ensure_category_path(s, "acme", " 服饰 / 上衣 ")
        assert sub.id == again.id
        assert psvc.category_path(sub) == "服饰/上衣"
    expect_rejected(shop, lambda s: psvc.ensure_category_path(s, "acme", "a/b/c"), "category")


def test_product_images_must_exist(shop: Workspace) -> None:
    data = simple_product("IMG", images=["0" * 64])
    expect_rejected(shop, lambda s: psvc.create_product(s, "acme", data), "images[0]")
    with shop.session() as s:
        sha = add_asset(s, png_bytes(), "a.png").sha256
        psvc.create_product(s, "acme", simple_product("IMG", images=[sha]))
        assert s.scalar(select(Product.images).where(Product.code == "IMG")) == [sha]


def test_brand_validation(shop: Workspace) -> None:
    bad = ssvc.BrandData(brand_name="Acme", primary_color="red", licence_number="123",
                         licence_on_home=True)
    err = expect_rejected(shop, lambda s: ssvc.set_brand(s, "acme", bad), "primary_color")
    paths = {i.path for i in err.issues}
    assert {"licence_number", "licence_company"} <= paths


def test_page_components_are_checked_against_their_schema(shop: Workspace) -> None:
    page = pgsvc.PageData("home", "首页", "home", components=[
        {"id": "a", "type": "notice", "settings": {"text": ""}},
        {"id": "b", "type": "product_grid", "settings": {"source": "all", "columns": 7}},
        {"id": "b", "type": "nope", "settings": {}},
    ])
    err = expect_rejected(shop, lambda s: pgsvc.set_page(s, "acme", page),
                          "components[0].settings.text")
    paths = {i.path for i in err.issues}
    assert {"components[1].settings.columns", "components[2].type", "components[2].id"} <= paths


def test_tab_bar_rules(shop: Workspace) -> None:
    with shop.session() as s:
        for page in pgsvc.default_pages():
            pgsvc.set_page(s, "acme", page)
    expect_rejected(shop, lambda s: pgsvc.set_tab_bar(s, "acme", [{"page": "home",
                                                                  "label": "首页"}]), "tab_bar")
    expect_rejected(shop, lambda s: pgsvc.set_tab_bar(s, "acme", [
        {"page": "home", "label": "首页首页首页"}, {"page": "me", "label": "我的"}]),
        "tab_bar[0].label")
    expect_rejected(shop, lambda s: pgsvc.set_tab_bar(s, "acme", [
        {"page": "home", "label": "首页"}, {"page": "ghost", "label": "无"}]), "tab_bar[1].page")
    with shop.session() as s:
        pgsvc.set_tab_bar(s, "acme", pgsvc.DEFAULT_TABS)
        assert ssvc.get_shop(s, "acme").tab_bar == pgsvc.DEFAULT_TABS
