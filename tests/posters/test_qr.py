"""QR scenes WeChat accepts and QR images a real decoder reads."""

from __future__ import annotations

import re

import pytest
import zxingcpp
from PIL import Image

from shopbuilder.core.errors import ValidationError
from shopbuilder.posters.qr import (
    SCENE_MAX,
    check_unique_short_ids,
    qr_image,
    qr_payload,
    scene_for,
    short_id,
    validate_scene,
)

ALLOWED = re.compile(r"^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$")


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("code", ["TEE-01", "纯棉 T恤/红色", "x" * 64, "a b&c=d?e"])
def test_scenes_fit_wechat_rules_for_any_product_code(code: str) -> None:
    scene = scene_for("a-very-long-shop-id1", "product", code)  # 20 characters, the most
    assert len(scene) <= SCENE_MAX
    assert ALLOWED.match(scene)
    assert scene == f"a-very-long-shop-id1.p{short_id(code)}"


def test_short_ids_are_stable_and_differ() -> None:
    assert short_id("TEE-01") == short_id("TEE-01") == "x8xi6de5"
    assert len({short_id(f"SKU-{i}") for i in range(5000)}) == 5000
    check_unique_short_ids([f"SKU-{i}" for i in range(5000)])


def test_every_scene_kind() -> None:
    assert scene_for("demo", "shop") == "demo.s"
    assert scene_for("demo", "campaign", "gb1").startswith("demo.c")
    assert scene_for("demo", "coupon", "c1").startswith("demo.q")
    assert qr_payload("demo", "product", "TEE-01") == "pages/product/index?scene=demo.px8xi6de5"
    assert qr_payload("demo", "shop", prefix="https://m.example.cn/") == \
        "https://m.example.cn/pages/index/index?scene=demo.s"


@pytest.mark.parametrize(("scene", "fragment"), [
    ("a" * 33, "33 characters"),
    ("demo.p中文", "'中'"),
    ("demo p1", "' '"),
    ("", "empty"),
])
def test_bad_scenes_are_refused_never_truncated(scene: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_scene(scene)
    assert fragment in str(info.value)
    assert info.value.path == "scene"


def test_a_bad_shop_id_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a valid shop id"):
        scene_for("Not A Slug", "product", "X")


@pytest.mark.parametrize("ratio", [0.0, 0.2, 0.25])
@pytest.mark.parametrize("size", [160, 220, 330])
def test_qr_images_decode_to_the_exact_payload(ratio: float, size: int) -> None:
    payload = qr_payload("a-very-long-shop-id1", "product", "纯棉 T恤/红色")
    logo = Image.new("RGBA", (64, 64), (200, 16, 46, 255)) if ratio else None
    image = qr_image(payload, size, dark="#2B2B2B", logo=logo, logo_ratio=ratio or 0.2)
    assert image.size == (size, size)
    assert decode(image) == [payload]


def test_qr_uses_error_level_h_and_keeps_the_quiet_zone() -> None:
    image = qr_image("pages/index/index?scene=demo.s", 200)
    result = zxingcpp.read_barcodes(image)[0]
    assert result.ec_level == "H"
    corner = image.crop((0, 0, 12, 12))
    assert corner.getcolors() == [(144, (255, 255, 255))]  # 4 light modules at least


def test_a_logo_over_a_quarter_of_the_side_is_refused() -> None:
    with pytest.raises(ValidationError, match="25%"):
        qr_image("x", 200, logo=Image.new("RGB", (10, 10)), logo_ratio=0.3)
