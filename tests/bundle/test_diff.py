"""Diff between two bundles: known changes are found, nothing else is reported."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from shopbuilder.bundle.diff import diff_bundles
from shopbuilder.bundle.export import ExportResult
from shopbuilder.core.services import pages as page_svc
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.storage import Workspace
from tests.bundle.conftest import TINY

Export = Callable[..., ExportResult]


def test_identical_bundles_have_no_differences(tiny_workspace: Workspace,
                                               export: Export) -> None:
    a = export(tiny_workspace, name="a.zip").path
    diff = diff_bundles(a, a)
    assert diff.empty and diff.as_json()["identical"] is True
    assert diff.text() == "no differences"


def test_known_changes(tiny_workspace: Workspace, export: Export) -> None:
    from shopbuilder.promotions.coupons import create_coupon, delete_coupon
    from shopbuilder.promotions.rules import CouponData

    a = export(tiny_workspace, name="a.zip").path
    with tiny_workspace.session() as s:
        product_svc.set_sku_price(s, TINY, "P2-白", price=3900)
        product_svc.create_product(s, TINY, product_svc.ProductData(
            code="P3", title="帽子", images=[],
            skus=[product_svc.SkuData(code="P3-1", price=2900, stock=1)]))
        product_svc.delete_product(s, TINY, "P1")
        home = page_svc.get_page(s, TINY, "home")
        page_svc.set_page(s, TINY, page_svc.PageData(
            "home", "新首页", "home", components=[c for c in home.components
                                                   if c["id"] != "grid"]))
        delete_coupon(s, TINY, "c1")
        create_coupon(s, TINY, CouponData(
            key="c2", name="满200减30", value=3000, threshold=20000,
            claim_starts_at=datetime(2030, 1, 1, tzinfo=UTC),
            claim_ends_at=datetime(2030, 2, 1, tzinfo=UTC), use_mode="days", use_days=7))
    b = export(tiny_workspace, name="b.zip").path
    diff = diff_bundles(a, b)
    got = {(c.kind, c.key, c.change) for c in diff.changes}
    assert got == {
        ("product", "P1", "removed"), ("sku", "P1-1", "removed"),
        ("product", "P3", "added"), ("sku", "P3-1", "added"),
        ("sku", "P2-白", "changed"),
        ("coupon", "c1", "removed"), ("coupon", "c2", "added"),
        ("page", "home", "changed"),
    }
    price = next(c for c in diff.changes if c.key == "P2-白")
    assert price.fields == {"price": (4900, 3900)}
    assert "price: 49.00 → 39.00" in diff.text()
    page = next(c for c in diff.changes if c.kind == "page")
    assert set(page.fields) == {"title", "components"}
    data = diff.as_json()
    assert data["summary"]["product"] == {"added": 1, "removed": 1, "changed": 0}
    assert data["changes"][0]["kind"] and "fields" in data["changes"][0]
