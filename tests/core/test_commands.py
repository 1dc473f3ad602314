from __future__ import annotations

import copy

import pytest

from shopbuilder.core.commands import BrandEdit, Macro, ProductEdit
from shopbuilder.core.errors import NotFoundError, ValidationError
from shopbuilder.core.services import products as psvc
from shopbuilder.core.services import shops as ssvc
from shopbuilder.core.storage import Workspace


def prices(ws: Workspace, code: str) -> list[int]:
    with ws.session() as s:
        return [k.price for k in psvc.get_product(s, "demo", code).skus]


def test_product_edit_apply_and_revert(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    with ws.session() as s:
        before = psvc.product_data(psvc.get_product(s, "demo", "CUP-10"))
    after = copy.deepcopy(before)
    for sku in after.skus:
        sku.price = 3900
    cmd = ProductEdit("demo", before, after)
    cmd.apply(ws)
    assert prices(ws, "CUP-10") == [3900, 3900, 3900]
    cmd.revert(ws)
    assert prices(ws, "CUP-10") == [4900, 4900, 4900]


def test_create_and_delete_are_undoable(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    with ws.session() as s:
        data = psvc.product_data(psvc.get_product(s, "demo", "PAN-11"))
    delete = ProductEdit("demo", data, None)
    delete.apply(ws)
    with pytest.raises(NotFoundError), ws.session() as s:
        psvc.get_product(s, "demo", "PAN-11")
    delete.revert(ws)
    assert prices(ws, "PAN-11") == [13900]


def test_failing_macro_changes_nothing(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    edits = []
    for code, price in (("CUP-10", 100), ("PAN-11", -1)):
        with ws.session() as s:
            before = psvc.product_data(psvc.get_product(s, "demo", code))
        after = copy.deepcopy(before)
        for sku in after.skus:
            sku.price = price
        edits.append(ProductEdit("demo", before, after))
    with pytest.raises(ValidationError):
        Macro(edits).apply(ws)
    assert prices(ws, "CUP-10") == [4900, 4900, 4900]


def test_brand_edit(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    with ws.session() as s:
        before = ssvc.brand_of(ssvc.get_shop(s, "demo"))
    after = copy.deepcopy(before)
    after.slogan = "新口号"
    cmd = BrandEdit("demo", before, after)
    cmd.apply(ws)
    with ws.session() as s:
        assert ssvc.get_shop(s, "demo").slogan == "新口号"
    cmd.revert(ws)
    with ws.session() as s:
        assert ssvc.get_shop(s, "demo").slogan == before.slogan
