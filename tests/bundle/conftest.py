"""Fixtures for the bundle tests: a tiny shop with known content, zip helpers."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from shopbuilder.bundle.export import ExportResult, export_bundle
from shopbuilder.core.services import pages as page_svc
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.services.assets import add_asset
from shopbuilder.core.storage import Workspace

TINY = "tiny"


def jpeg(size: tuple[int, int], color: tuple[int, int, int] = (200, 40, 40), *,
         orientation: int | None = None, noise: bool = False) -> bytes:
    img = Image.new("RGB", size, color)
    if noise:
        img = Image.merge("RGB", [Image.effect_noise(size, 90).convert("L")] * 3)
    # a marker in the top-left corner, to see where EXIF rotation put it
    img.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))
    buf = io.BytesIO()
    kwargs: dict[str, Any] = {"quality": 95}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        exif[0x010F] = "TestCam"  # Make: must not survive the pipeline
        kwargs["exif"] = exif.tobytes()
    img.save(buf, "JPEG", **kwargs)
    return buf.getvalue()


def png_rgba(size: tuple[int, int]) -> bytes:
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    img.paste((20, 120, 200, 255), (size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def build_tiny_shop(ws: Workspace, slug: str = TINY) -> None:
    """Two products, a category tree, a home page with banner/grid/licence, a tab bar,
    a coupon — every file of the format has content."""
    from shopbuilder.promotions.coupons import create_coupon
    from shopbuilder.promotions.rules import CouponData

    with ws.session() as s:
        shop_svc.create_shop(s, slug, "小店")
        logo = add_asset(s, png_rgba((400, 400)), "logo.png").sha256
        share = add_asset(s, jpeg((500, 400), (30, 160, 90)), "share.jpg").sha256
        shop_svc.set_brand(s, slug, shop_svc.BrandData(
            brand_name="小店", slogan="好物", logo_asset=logo, share_title="小店上新",
            share_image_asset=share, licence_company="小店有限公司",
            licence_number="91330100MA2ABCDE1X", licence_on_home=True))
        top = product_svc.ensure_category_path(s, slug, "服饰/上衣")
        photo = add_asset(s, jpeg((1600, 1200), orientation=6), "p1.jpg").sha256
        clear = add_asset(s, png_rgba((900, 900)), "p2.png").sha256
        black = add_asset(s, jpeg((800, 800), (10, 10, 10)), "p2-black.jpg").sha256
        product_svc.create_product(s, slug, product_svc.ProductData(
            code="P1", title="T恤", subtitle="纯棉", category_id=top.id, images=[photo],
            skus=[product_svc.SkuData(code="P1-1", price=7900, stock=5, cost=3000)]))
        product_svc.create_product(s, slug, product_svc.ProductData(
            code="P2", title="杯子", images=[clear], sort_order=1,
            options=[product_svc.OptionData("颜色", ["白", "黑"])],
            skus=[product_svc.SkuData(code=f"P2-{c}", option_values=[c], price=4900, stock=3,
                                      list_price=6900, list_price_label="msrp", cost=1000,
                                      image=black if c == "黑" else None)
                  for c in ("白", "黑")]))
        banner = add_asset(s, jpeg((2000, 800), (240, 200, 40)), "banner.jpg").sha256
        for page in page_svc.default_pages():
            if page.kind == "home":
                page.components = [
                    {"id": "banner", "type": "banner", "settings": {"slides": [{"image": banner}]}},
                    {"id": "coupons", "type": "coupon_strip", "settings": {"coupon_keys": ["c1"]}},
                    {"id": "grid", "type": "product_grid",
                     "settings": {"source": "manual", "product_codes": ["P1", "P2"]}},
                    {"id": "licence", "type": "licence", "settings": {"label": "营业执照"}},
                ]
            page_svc.set_page(s, slug, page)
        icon = add_asset(s, png_rgba((81, 81)), "home.png").sha256
        icon_on = add_asset(s, png_rgba((96, 96)), "home-on.png").sha256
        tabs = [dict(t) for t in page_svc.DEFAULT_TABS]
        tabs[0].update(icon=icon, selected_icon=icon_on)
        page_svc.set_tab_bar(s, slug, tabs)
        start = datetime(2030, 1, 1, tzinfo=UTC)
        create_coupon(s, slug, CouponData(
            key="c1", name="满100减10", value=1000, threshold=10000, claim_starts_at=start,
            claim_ends_at=datetime(2030, 2, 1, tzinfo=UTC), use_mode="days", use_days=7))


@pytest.fixture
def tiny_workspace(workspace: Workspace) -> Workspace:
    build_tiny_shop(workspace)
    return workspace


@pytest.fixture
def export(tmp_path: Path) -> Callable[..., ExportResult]:
    """export(ws, slug="tiny", name="out.zip", **kw) with force on by default."""
    def run(ws: Workspace, slug: str = TINY, name: str = "out.zip", **kw: Any) -> ExportResult:
        kw.setdefault("force", True)
        kw.setdefault("processes", 1)  # the pool has its own tests
        return export_bundle(ws, slug, tmp_path / name, **kw)
    return run


def zip_docs(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}
