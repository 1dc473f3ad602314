"""Every built-in template on the demo shop: golden images, QR codes that decode to
the exact payload, the price law, no text over the QR, same inputs → same bytes."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from shopbuilder.core.storage import Workspace
from shopbuilder.posters.api import PosterRenderer, encode
from shopbuilder.posters.data import product_data
from shopbuilder.posters.fonts import FontSet
from shopbuilder.posters.qr import qr_payload
from shopbuilder.posters.render import Rendered
from shopbuilder.posters.templates import builtin_ids, builtin_template, validate_template
from shopbuilder.promotions.display import display_price
from tests.posters.conftest import AT, BUILTIN_JOBS, GOLDEN
from tests.posters.imaging import TOLERANCE, compare_golden, mean_difference, reduced

KIND_OF_QR = {"product": "product", "group_buy": "campaign", "bargain": "campaign",
              "flash_sale": "campaign", "coupon": "coupon", "shop": "shop"}


@pytest.fixture(scope="module")
def rendered(poster_shop: Workspace, fonts: FontSet) -> dict[str, Rendered]:
    renderer = PosterRenderer(poster_shop, "demo", fonts)
    return {tid: renderer.render(tid, at=AT, **job) for tid, job in BUILTIN_JOBS.items()}


def test_every_builtin_template_is_exercised() -> None:
    assert set(BUILTIN_JOBS) == set(builtin_ids())
    for tid in builtin_ids():
        size = (builtin_template(tid)["width"], builtin_template(tid)["height"])
        assert size in {(750, 1334), (500, 400)}


@pytest.mark.parametrize("template_id", sorted(BUILTIN_JOBS))
def test_matches_the_golden_image(rendered: dict[str, Rendered], template_id: str) -> None:
    result = rendered[template_id]
    assert result.warnings == []
    difference = compare_golden(result.image, GOLDEN / f"{template_id}.png")
    assert difference <= TOLERANCE, f"{template_id} differs from its golden by {difference:.2f}"


def test_the_tolerance_catches_a_moved_layer(poster_shop: Workspace, fonts: FontSet) -> None:
    renderer = PosterRenderer(poster_shop, "demo", fonts)
    template = builtin_template("product")
    template["layers"][3]["x"] += 24  # the title moved right
    with poster_shop.session() as s:
        data = product_data(s, renderer.info, renderer.promos, "TEE-01")
    moved = renderer.renderer.render(template, data).image
    with Image.open(GOLDEN / "product.png") as golden:
        assert mean_difference(reduced(moved), golden.convert("L")) > TOLERANCE


@pytest.mark.parametrize("template_id", sorted(BUILTIN_JOBS))
def test_every_qr_decodes_to_the_exact_payload(rendered: dict[str, Rendered],
                                               template_id: str) -> None:
    template = builtin_template(template_id)
    qr_layers = [layer for layer in template["layers"] if layer["type"] == "qrcode"]
    found = [r.text for r in zxingcpp.read_barcodes(rendered[template_id].image)]
    assert len(found) == len(qr_layers)
    job = BUILTIN_JOBS[template_id]
    expected = qr_payload("demo", KIND_OF_QR[template["kind"]],
                          job.get("product_code") or job.get("campaign_key"))
    assert found == [expected] * len(qr_layers)


@pytest.mark.parametrize("template_id", sorted(BUILTIN_JOBS))
def test_no_layer_is_drawn_over_the_qr_code_or_off_the_canvas(
        rendered: dict[str, Rendered], template_id: str) -> None:
    result = rendered[template_id]
    width, height = result.image.size
    for layer_id, box in result.boxes.items():
        if box.w == 0:
            continue
        assert box.x >= 0 and box.right <= width and box.y >= 0 and box.bottom <= height, \
            (layer_id, box)
    qr_ids = [i for i, kind in result.kinds.items() if kind == "qrcode"]
    order = list(result.boxes)
    for qr_id in qr_ids:
        for layer_id, box in result.boxes.items():
            later = order.index(layer_id) > order.index(qr_id)
            if layer_id != qr_id and (later or result.kinds[layer_id] in ("text", "price")):
                assert not box.overlaps(result.boxes[qr_id]), (layer_id, qr_id)


def test_a_long_title_pushes_the_price_down_without_reaching_the_qr(
        poster_shop: Workspace, fonts: FontSet) -> None:
    renderer = PosterRenderer(poster_shop, "demo", fonts)
    template = builtin_template("product")
    with poster_shop.session() as s:
        data = product_data(s, renderer.info, renderer.promos, "TEE-01")
    short = renderer.renderer.render(template, data)
    data["product.title"] = "新疆长绒棉纯棉圆领短袖T恤男女同款宽松百搭夏季透气吸汗基础款打底衫" * 2
    long = renderer.renderer.render(template, data)
    assert short.boxes["title"].h == round(40 * 1.3)  # one line at full size
    assert long.boxes["title"].h == 2 * round(34 * 1.3)  # shrunk to 34 px, two lines, "…"
    shift = long.boxes["title"].h - short.boxes["title"].h
    assert long.boxes["price"].y - short.boxes["price"].y == shift
    assert long.boxes["price"].bottom < long.boxes["divider"].y < long.boxes["qr"].y


@pytest.mark.parametrize("template_id", ["product", "group_buy", "bargain", "flash_sale"])
def test_the_poster_price_is_the_promotions_engine_price(
        poster_shop: Workspace, fonts: FontSet, template_id: str) -> None:
    """Price law: the poster shows display_price() for its SKU and campaign."""
    renderer = PosterRenderer(poster_shop, "demo", fonts)
    job = BUILTIN_JOBS[template_id]
    with poster_shop.session() as s:
        from shopbuilder.posters.data import poster_data
        data = poster_data(s, renderer.info, renderer.promos, builtin_template(template_id)
                           ["kind"], at=AT, **job)
        expected = display_price(s, "demo", data["sku.code"],
                                 campaign_key=job.get("campaign_key"), at=AT)
    assert data["price.price"] == expected.price
    assert data["price.list_price"] == expected.list_price
    price_layer = next(la for la in builtin_template(template_id)["layers"]
                       if la["type"] == "price")
    assert price_layer["value"] == "{{price.price}}"


def test_campaign_hooks_and_rules_are_stated(poster_shop: Workspace, fonts: FontSet) -> None:
    renderer = PosterRenderer(poster_shop, "demo", fonts)
    with poster_shop.session() as s:
        from shopbuilder.posters.data import poster_data
        group = poster_data(s, renderer.info, renderer.promos, "group_buy", campaign_key="gb1")
        bargain = poster_data(s, renderer.info, renderer.promos, "bargain", campaign_key="bg1")
        coupon = poster_data(s, renderer.info, renderer.promos, "coupon", campaign_key="c1")
    assert group["group_buy.hook"] == "3人团 ¥59"
    assert "24小时内未成团自动退款" in group["group_buy.rule"]
    assert bargain["bargain.hook"] == "砍价 最低¥99"
    assert "5位好友" in bargain["bargain.rule"]
    assert coupon["coupon.hook"] == "满199减30"
    assert group["campaign.time_text"] == "6月1日 10:00 – 6月30日 23:59"


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_same_inputs_give_the_same_bytes(poster_shop: Workspace, fonts: FontSet,
                                         fmt: str) -> None:
    first = PosterRenderer(poster_shop, "demo", fonts).render("group_buy", campaign_key="gb1",
                                                              at=AT)
    second = PosterRenderer(poster_shop, "demo", fonts).render("group_buy", campaign_key="gb1",
                                                               at=AT)
    a, b = encode(first.image, fmt), encode(second.image, fmt)
    assert a == b
    with Image.open(io.BytesIO(a)) as img:
        assert img.format == fmt.upper() and img.size == (750, 1334)
        assert not img.info.get("exif") and "dpi" not in img.info


def test_a_small_picture_is_drawn_but_warned_about(poster_workspace: Workspace,
                                                   fonts: FontSet) -> None:
    from shopbuilder.core.services import products as product_svc
    from shopbuilder.core.services.assets import add_asset

    small = io.BytesIO()
    Image.new("RGB", (200, 200), "#3366AA").save(small, "JPEG")
    with poster_workspace.session() as s:
        sha = add_asset(s, small.getvalue(), "small.jpg").sha256
        data = product_svc.product_data(product_svc.get_product(s, "demo", "SOCK-06"))
        data.images = [sha]
        product_svc.update_product(s, "demo", "SOCK-06", data)
    result = PosterRenderer(poster_workspace, "demo", fonts).render("product",
                                                                    product_code="SOCK-06")
    assert len(result.warnings) == 1
    assert "200×200" in result.warnings[0] and "blurry" in result.warnings[0]
    r, g, b = result.image.getpixel((375, 420))  # JPEG: within a step of the colour
    assert abs(r - 51) <= 3 and abs(g - 102) <= 3 and abs(b - 170) <= 3


def test_hidden_layers_collapse_and_dependants_move_up(fonts: FontSet) -> None:
    from shopbuilder.posters.render import Renderer

    template = {"id": "t", "name": "t", "kind": "product", "width": 300, "height": 300,
                "layers": [
        {"id": "a", "type": "rect", "x": 0, "y": 10, "w": 300, "h": 40, "fill": "#000000"},
        {"id": "note", "type": "badge", "x": 10, "y": {"below": "a", "gap": 10},
         "text": "划线价", "size": 20, "when": "{{price.list_price}}"},
        {"id": "b", "type": "text", "x": 10, "y": {"below": "note", "gap": 10}, "w": 280,
         "text": "{{product.title}}", "size": 20},
    ]}
    validate_template(template)
    renderer = Renderer(fonts, lambda sha: Image.new("RGB", (1, 1)))
    shown = renderer.render(template, {"price.list_price": 12900, "product.title": "标题"})
    hidden = renderer.render(template, {"price.list_price": None, "product.title": "标题"})
    assert shown.boxes["note"].h > 0 and hidden.boxes["note"].h == 0
    assert shown.boxes["b"].y == shown.boxes["note"].bottom + 10
    assert hidden.boxes["b"].y == 50 + 10  # right below "a": the hidden badge's gap is gone


def test_gradients_run_from_the_first_colour_to_the_second() -> None:
    from shopbuilder.posters.render import _gradient

    for vertical, end in ((True, (5, 99)), (False, (99, 5))):
        g = _gradient(100, 100, (255, 0, 0), (0, 0, 255), vertical)
        assert g.getpixel((0, 0))[0] > 250 and g.getpixel(end)[2] > 250


def test_a_badge_with_a_width_shrinks_its_text_to_fit(fonts: FontSet) -> None:
    from shopbuilder.posters.render import Renderer

    template = {"id": "t", "name": "t", "kind": "coupon", "width": 400, "height": 200,
                "layers": [{"id": "b", "type": "badge", "x": 20, "w": 360, "align": "center",
                            "y": 20, "text": "{{coupon.condition}}", "size": 28}]}
    renderer = Renderer(fonts, lambda sha: Image.new("RGB", (1, 1)))
    short = renderer.render(template, {"coupon.condition": "无门槛"})
    terms = "无门槛 · 最高减50元 · 新人专享 · 限家居"
    long = renderer.render(template, {"coupon.condition": terms})
    assert short.boxes["b"].w < 360 and short.boxes["b"].x == 20 + (360 - short.boxes["b"].w) // 2
    assert long.boxes["b"].w <= 360 and long.boxes["b"].h < short.boxes["b"].h
