"""The one-click shop behind the wizard: complete, all-or-nothing, cancellable."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopbuilder.core.errors import ValidationError
from shopbuilder.core.services import pages as page_svc
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.storage import Workspace
from shopbuilder.quickstart import QuickStart, QuickStartCancelled, create_quick_shop


def slugs(ws: Workspace) -> list[str]:
    with ws.session() as s:
        return [shop.slug for shop in shop_svc.list_shops(s)]


def test_a_complete_shop_from_a_name(workspace: Workspace) -> None:
    steps: list[str] = []
    result = create_quick_shop(workspace, QuickStart("茶馆", "tea", primary_color="#2e7d32",
                                                     products="none"),
                               progress=lambda stage, d, t: steps.append(stage))
    assert result.slug == "tea" and result.coupon_key == "welcome" and steps
    with workspace.session() as s:
        shop = shop_svc.get_shop(s, "tea")
        assert shop.primary_color == "#2E7D32" and shop.share_image_asset
        assert len(shop.tab_bar) == 4
        kinds = [c["type"] for c in page_svc.get_page(s, "tea", "home").components]
        assert kinds[:3] == ["search", "banner", "coupon_strip"]
        assert product_svc.list_products(s, "tea") == []


def test_bad_input_names_the_fields(workspace: Workspace) -> None:
    with pytest.raises(ValidationError) as info:
        create_quick_shop(workspace, QuickStart(" ", "x1", primary_color="red",
                                                products="sheet"))
    assert {i.path for i in info.value.issues} == {"name", "primary_color", "sheet"}
    assert slugs(workspace) == []


def test_a_sheet_with_row_errors_leaves_nothing(workspace: Workspace, tmp_path: Path) -> None:
    sheet = tmp_path / "p.csv"
    sheet.write_text("商品编码,商品名称,价格,库存\nA1,好东西,abc,5\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        create_quick_shop(workspace, QuickStart("Sheet", "sheet-shop", products="sheet",
                                                sheet=sheet))
    assert info.value.path == "sheet" and "row 2" in info.value.issues[0].message
    assert slugs(workspace) == []


def test_cancel_leaves_nothing(workspace: Workspace) -> None:
    calls = iter([False, True])
    with pytest.raises(QuickStartCancelled):
        create_quick_shop(workspace, QuickStart("Cancelled", "cancelled", products="demo"),
                          cancel=lambda: next(calls, True))
    assert slugs(workspace) == []
