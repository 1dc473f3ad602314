"""The one-click shop (the wizard's "2 steps"): brand + products → a complete shop.

A complete shop has the default pages, a home page with banner, coupon strip, product
grid and campaign sections, the tab bar, and a welcome coupon. Everything is written in
one unit of work: a bad sheet or a refused coupon leaves no half-made shop behind.
GUI-free, so the wizard runs it in a worker and tests call it directly.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from shopbuilder.core.errors import Collector, ShopBuilderError, ValidationError
from shopbuilder.core.services import pages as page_svc
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.services.assets import add_asset
from shopbuilder.core.storage import Workspace
from shopbuilder.core.theme import mix, parse_hex
from shopbuilder.core.timeutil import DEFAULT_TIME_ZONE, utcnow
from shopbuilder.core.validation import COLOR_RE
from shopbuilder.i18n import _

Progress = Callable[[str, int, int], None]
Cancel = Callable[[], bool]
PRODUCT_SOURCES = ("demo", "sheet", "none")
WELCOME_COUPON_KEY = "welcome"


class QuickStartCancelled(ShopBuilderError):
    """The user cancelled; nothing was written."""


@dataclass
class QuickStart:
    name: str
    slug: str
    slogan: str = ""
    logo: bytes | None = None
    logo_name: str = "logo.png"
    primary_color: str = "#E4393C"
    secondary_color: str = "#333333"
    products: str = "demo"  # one of PRODUCT_SOURCES
    sheet: Path | None = None
    client: str = ""
    time_zone: str = DEFAULT_TIME_ZONE


@dataclass
class QuickStartResult:
    slug: str
    product_count: int
    coupon_key: str | None
    import_summary: str = ""
    warnings: list[str] = field(default_factory=list)


def draw_banner(primary: str, secondary: str, width: int = 1080, height: int = 480) -> bytes:
    """A calm banner in the brand colours (a designer replaces it later)."""
    img = Image.new("RGB", (width, height), parse_hex(primary))
    d = ImageDraw.Draw(img)
    light = mix(primary, "#FFFFFF", 0.25)
    for y in range(height):
        t = y / height
        d.line([(0, y), (width, y)], fill=parse_hex(mix(primary, light, t)))
    d.ellipse((width * 0.62, -height * 0.3, width * 1.2, height * 0.9),
              fill=parse_hex(mix(primary, "#FFFFFF", 0.35)))
    d.rectangle((width * 0.08, height * 0.62, width * 0.38, height * 0.7),
                fill=parse_hex(mix(secondary, "#FFFFFF", 0.85)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88)
    return buf.getvalue()


def validate(data: QuickStart) -> None:
    c = Collector()
    if not data.name.strip():
        c.add("name", _("the shop needs a name"))
    for field_name in ("primary_color", "secondary_color"):
        if not COLOR_RE.match(getattr(data, field_name) or ""):
            c.add(field_name, _("a colour is written #RRGGBB, e.g. #E4393C"))
    if data.products not in PRODUCT_SOURCES:
        c.add("products", _("must be one of {kinds}").format(kinds=", ".join(PRODUCT_SOURCES)))
    if data.products == "sheet" and (data.sheet is None or not Path(data.sheet).is_file()):
        c.add("sheet", _("choose the spreadsheet to import"))
    c.raise_if_any()


def add_demo_products(session: object, slug: str) -> int:
    """The demo catalogue (pictures drawn on the fly), for a shop that starts from it."""
    from shopbuilder.demo import DEMO_PRODUCTS, draw_product

    for i, demo in enumerate(DEMO_PRODUCTS):
        category = product_svc.ensure_category_path(session, slug, demo.category)  # type: ignore[arg-type]
        images = [add_asset(session, draw_product(i * 10 + k, demo.hue, 480),  # type: ignore[arg-type]
                            f"{demo.code}-{k}.jpg").sha256 for k in range(2)]
        options = [product_svc.OptionData(n, list(vals)) for n, vals in demo.options]
        combos = list(itertools.product(*[o.values for o in options])) if options else [()]
        skus = [product_svc.SkuData(
            code=f"{demo.code}-{n + 1}" if options else demo.code, option_values=list(combo),
            price=demo.price, cost=demo.cost, stock=50)  # no 划线价: a new shop has no
            # price history, and a list price above the last 7 days' low is illegal
            for n, combo in enumerate(combos)]
        product_svc.create_product(session, slug, product_svc.ProductData(  # type: ignore[arg-type]
            code=demo.code, title=demo.title, subtitle=demo.subtitle, category_id=category.id,
            images=images, sort_order=i, options=options, skus=skus))
    return len(DEMO_PRODUCTS)


def add_welcome_coupon(session: object, slug: str) -> str | None:
    """¥10 off ¥99 for new customers, claimable for 90 days (None without promotions)."""
    try:
        from shopbuilder.promotions.coupons import create_coupon
        from shopbuilder.promotions.rules import CouponData
    except ImportError:
        return None
    start = utcnow().replace(minute=0, second=0, microsecond=0)
    create_coupon(session, slug, CouponData(  # type: ignore[arg-type]
        key=WELCOME_COUPON_KEY, name=_("Welcome coupon"), value=1000, threshold=9900,
        claim_starts_at=start, claim_ends_at=start + timedelta(days=90), use_mode="days",
        use_days=30, per_user=1, obtain="new_user"))
    return WELCOME_COUPON_KEY


def home_components(banner: str, coupon_key: str | None) -> list[dict[str, object]]:
    components: list[dict[str, object]] = [
        {"id": "search", "type": "search", "settings": {"placeholder": _("Search products")}},
        {"id": "banner", "type": "banner", "settings": {"slides": [{"image": banner}],
                                                          "autoplay": True}},
    ]
    if coupon_key:
        components.append({"id": "coupons", "type": "coupon_strip",
                           "settings": {"title": _("Coupons"), "coupon_keys": [coupon_key]}})
    components += [
        {"id": "grid", "type": "product_grid",
         "settings": {"title": _("Featured"), "source": "all", "columns": 2, "limit": 20}},
        {"id": "group_buy", "type": "group_buy_section", "settings": {"limit": 4}},
        {"id": "bargain", "type": "bargain_section", "settings": {"limit": 4}},
        {"id": "flash_sale", "type": "flash_sale_section", "settings": {"limit": 4}},
    ]
    return components


def create_quick_shop(workspace: Workspace, data: QuickStart, progress: Progress | None = None,
                      cancel: Cancel | None = None) -> QuickStartResult:
    validate(data)

    def step(stage: str, done: int, total: int) -> None:
        if cancel is not None and cancel():
            raise QuickStartCancelled(_("cancelled; no shop was created"))
        if progress is not None:
            progress(stage, done, total)

    with workspace.session() as s:
        step(_("creating the shop"), 0, 4)
        shop_svc.create_shop(s, data.slug, data.name, client=data.client,
                             time_zone=data.time_zone)
        logo = add_asset(s, data.logo, data.logo_name, "logo").sha256 if data.logo else None
        banner = add_asset(s, draw_banner(data.primary_color, data.secondary_color),
                           "banner.jpg", "banner").sha256
        share = add_asset(s, draw_banner(data.primary_color, data.secondary_color, 500, 400),
                          "share.jpg", "share_image").sha256
        shop_svc.set_brand(s, data.slug, shop_svc.BrandData(
            brand_name=data.name.strip(), slogan=data.slogan.strip(), logo_asset=logo,
            primary_color=data.primary_color.upper(),
            secondary_color=data.secondary_color.upper(),
            share_title=(f"{data.name.strip()}：{data.slogan.strip()}" if data.slogan.strip()
                         else data.name.strip())[:60],
            share_image_asset=share))
        step(_("adding products"), 1, 4)
        summary, warnings = "", []
        count = 0
        if data.products == "demo":
            count = add_demo_products(s, data.slug)
        elif data.products == "sheet":
            from shopbuilder.catalog.importer import ImportOptions, import_file

            report = import_file(s, data.slug, Path(data.sheet),  # type: ignore[arg-type]
                                 ImportOptions(remember_mapping=False),
                                 progress=lambda stage, d, t: step(stage, d, t), cancel=cancel)
            if report.failed:
                raise ValidationError([
                    ValidationError("sheet", str(issue)).issues[0] for issue in report.errors])
            summary = report.summary()
            warnings = [str(w) for w in report.warnings]
            count = report.created + report.updated
        step(_("adding the welcome coupon"), 2, 4)
        coupon = add_welcome_coupon(s, data.slug)
        step(_("building the home page"), 3, 4)
        for page in page_svc.default_pages():
            if page.kind == "home":
                page.components = home_components(banner, coupon)
            page_svc.set_page(s, data.slug, page)
        page_svc.set_tab_bar(s, data.slug, page_svc.DEFAULT_TABS)
        step(_("done"), 4, 4)
    return QuickStartResult(data.slug, count, coupon, summary, warnings)
