"""A rich demo shop: brand, logo and product pictures drawn with Pillow, two
category trees, a dozen products with options and SKUs, home page and tab bar.

Feature packages add their part (coupons, campaigns …) in `build_demo_shop`.
"""

from __future__ import annotations

import io
import itertools
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from shopbuilder.core.models import Shop
from shopbuilder.core.services import pages as page_svc
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.services.assets import add_asset
from shopbuilder.promotions.demo import DEMO_COMPONENTS as DEMO_PROMO_COMPONENTS
from shopbuilder.promotions.demo import add_demo_promotions

DEMO_SLUG = "demo"
PRIMARY, SECONDARY = "#C8102E", "#2B2B2B"


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def _jpeg(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=88)
    return buf.getvalue()


def draw_logo(size: int = 512) -> bytes:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((8, 8, size - 8, size - 8), fill=PRIMARY)
    s = size
    # two mountains (山川) in white
    d.polygon([(s * .18, s * .70), (s * .42, s * .30), (s * .62, s * .70)], fill="white")
    d.polygon([(s * .45, s * .70), (s * .64, s * .40), (s * .84, s * .70)], fill="#F3C9CF")
    d.rectangle((s * .18, s * .73, s * .84, s * .77), fill="white")
    return _png(img)


def draw_product(seed: int, hue: tuple[int, int, int], size: int = 800) -> bytes:
    """A product shot stand-in: soft gradient, a shadowed object, deterministic."""
    rng = random.Random(seed)
    img = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(img)
    for y in range(size):
        t = y / size
        d.line([(0, y), (size, y)], fill=tuple(int(250 - 25 * t + c * 0) for c in (0, 0, 0)))
    cx, cy, r = size // 2, size // 2 + 20, size // 3
    d.ellipse((cx - r, cy + r - 30, cx + r, cy + r + 30), fill=(205, 205, 205))
    shape = rng.choice(["rounded", "ellipse", "tshirt"])
    if shape == "rounded":
        d.rounded_rectangle((cx - r, cy - r, cx + r, cy + r), radius=r // 4, fill=hue)
    elif shape == "ellipse":
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=hue)
    else:
        d.polygon([(cx - r, cy - r * .6), (cx - r * .4, cy - r), (cx + r * .4, cy - r),
                   (cx + r, cy - r * .6), (cx + r * .7, cy - r * .2), (cx + r * .5, cy - r * .35),
                   (cx + r * .5, cy + r), (cx - r * .5, cy + r), (cx - r * .5, cy - r * .35),
                   (cx - r * .7, cy - r * .2)], fill=hue)
    d.ellipse((cx - r // 3, cy - r // 3, cx + r // 3, cy + r // 3), outline="white", width=6)
    return _jpeg(img)


def draw_banner(seed: int, width: int = 1080, height: int = 480) -> bytes:
    img = Image.new("RGB", (width, height), PRIMARY)
    d = ImageDraw.Draw(img)
    rng = random.Random(seed)
    for i in range(6):
        x = rng.randint(0, width)
        shade = 180 - i * 15
        d.polygon([(x - 300, height), (x, rng.randint(80, 260)), (x + 320, height)],
                  fill=(shade, 30 + i * 8, 40 + i * 6))
    return _jpeg(img)


@dataclass(frozen=True)
class DemoProduct:
    code: str
    title: str
    subtitle: str
    category: str
    price: int
    list_price: int
    cost: int
    hue: tuple[int, int, int]
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()


DEMO_PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct("TEE-01", "纯棉圆领T恤", "新疆长绒棉，亲肤透气", "服饰/上衣", 7900, 12900, 3200,
                (220, 60, 60), (("颜色", ("红", "白", "黑")), ("尺码", ("S", "M", "L")))),
    DemoProduct("HOOD-02", "加绒连帽卫衣", "秋冬加厚，宽松版型", "服饰/上衣", 15900, 22900, 7000,
                (70, 90, 160), (("颜色", ("藏青", "燕麦")), ("尺码", ("M", "L", "XL")))),
    DemoProduct("SHIRT-03", "免烫商务衬衫", "抗皱免烫，通勤必备", "服饰/上衣", 19900, 29900, 8800,
                (235, 235, 245), (("尺码", ("38", "39", "40", "41")),)),
    DemoProduct("JEAN-04", "直筒牛仔裤", "弹力舒适，不易变形", "服饰/裤装", 18900, 25900, 8000,
                (60, 80, 130), (("尺码", ("28", "30", "32", "34")),)),
    DemoProduct("PANT-05", "冰丝休闲裤", "夏季凉感，垂坠有型", "服饰/裤装", 12900, 16900, 5200,
                (120, 120, 110), (("颜色", ("灰", "卡其")), ("尺码", ("M", "L")))),
    DemoProduct("SOCK-06", "精梳棉袜子5双装", "抑菌防臭，四季可穿", "服饰/配件", 3900, 5900, 1400,
                (240, 200, 90)),
    DemoProduct("BED-07", "水洗棉四件套", "柔软亲肤，越洗越软", "家居/床品", 29900, 45900, 13000,
                (170, 200, 220), (("规格", ("1.5m床", "1.8m床")), ("颜色", ("浅灰", "雾蓝")))),
    DemoProduct("PILL-08", "乳胶枕", "天然乳胶，护颈支撑", "家居/床品", 19900, 29900, 9000,
                (245, 240, 225)),
    DemoProduct("QUILT-09", "大豆纤维夏凉被", "轻薄透气，可机洗", "家居/床品", 15900, 21900, 7100,
                (200, 230, 200), (("规格", ("150×200cm", "200×230cm")),)),
    DemoProduct("CUP-10", "陶瓷马克杯", "手工釉色，每只不同", "家居/餐厨", 4900, 6900, 1800,
                (90, 160, 150), (("颜色", ("青", "白", "棕")),)),
    DemoProduct("PAN-11", "不粘煎锅28cm", "少油少烟，燃气电磁通用", "家居/餐厨", 13900, 19900, 6000,
                (50, 50, 50)),
    DemoProduct("TOWEL-12", "长绒棉毛巾三条装", "吸水不掉毛", "家居/浴室", 5900, 8900, 2300,
                (250, 220, 230), (("颜色", ("粉", "蓝", "米")),)),
    DemoProduct("DIFF-13", "香薰加湿器", "静音运行，七彩夜灯", "家居/浴室", 9900, 12900, 4000,
                (230, 230, 230)),
)


def build_demo_shop(session: Session, slug: str = DEMO_SLUG,
                    name: str = "山川生活馆") -> Shop:
    """Create the demo shop in the session's workspace (fails if `slug` is taken)."""
    shop_svc.create_shop(session, slug, name, client="演示客户")
    logo = add_asset(session, draw_logo(), "logo.png")
    share = add_asset(session, draw_banner(7, 500, 400), "share.jpg")
    shop_svc.set_brand(session, slug, shop_svc.BrandData(
        brand_name=name, slogan="好物不贵，山川相伴", logo_asset=logo.sha256,
        primary_color=PRIMARY, secondary_color=SECONDARY,
        share_title=f"{name}：精选居家服饰好物", share_image_asset=share.sha256,
        licence_company="杭州山川生活用品有限公司", licence_number="91330100MA2ABCDE1X",
        licence_on_home=True))
    for i, demo in enumerate(DEMO_PRODUCTS):
        category = product_svc.ensure_category_path(session, slug, demo.category)
        images = [add_asset(session, draw_product(i * 10 + k, demo.hue), f"{demo.code}-{k}.jpg")
                  .sha256 for k in range(2)]
        options = [product_svc.OptionData(n, list(vals)) for n, vals in demo.options]
        combos = list(itertools.product(*[o.values for o in options])) if options else [()]
        skus = [product_svc.SkuData(
            code=f"{demo.code}-{n + 1}" if options else demo.code, option_values=list(combo),
            price=demo.price, list_price=demo.list_price, list_price_label="msrp", cost=demo.cost,
            stock=20 + (i * 7 + n * 3) % 80, weight_g=300 + 50 * n)
            for n, combo in enumerate(combos)]
        product_svc.create_product(session, slug, product_svc.ProductData(
            code=demo.code, title=demo.title, subtitle=demo.subtitle, category_id=category.id,
            tags=["新品"] if i % 4 == 0 else [], images=images, sort_order=i, options=options,
            detail_html=f"<p>{demo.subtitle}。</p><p>材质与尺寸见规格。</p>", skus=skus))
    banners = [add_asset(session, draw_banner(s), f"banner-{s}.jpg").sha256 for s in (1, 2)]
    for page in page_svc.default_pages():
        if page.kind == "home":
            page.components = [
                {"id": "search", "type": "search", "settings": {"placeholder": "搜索商品"}},
                {"id": "banner", "type": "banner", "settings": {
                    "slides": [{"image": b} for b in banners], "autoplay": True}},
                {"id": "notice", "type": "notice", "settings": {"text": "全场满99元包邮"}},
                *DEMO_PROMO_COMPONENTS,
                {"id": "grid", "type": "product_grid",
                 "settings": {"title": "精选好物", "source": "all", "columns": 2, "limit": 20}},
                {"id": "licence", "type": "licence", "settings": {"label": "营业执照"}},
            ]
        page_svc.set_page(session, slug, page)
    page_svc.set_tab_bar(session, slug, page_svc.DEFAULT_TABS)
    add_demo_promotions(session, slug)
    return shop_svc.get_shop(session, slug)
