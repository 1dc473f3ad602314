"""Fonts: discovery, the brand font, glyph coverage (no tofu), a clear error without
any Chinese font."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from shopbuilder.core.errors import ShopBuilderError, ValidationError
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.services.assets import add_asset
from shopbuilder.core.storage import Workspace
from shopbuilder.posters import fonts as font_mod
from shopbuilder.posters.api import PosterRenderer, render_poster
from shopbuilder.posters.fonts import FONT_ENV, FontFace, char_map, resolve_fonts, system_fonts
from shopbuilder.posters.templates import builtin_template

WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def test_character_maps_are_read_from_the_font(fonts: font_mod.FontSet) -> None:
    noto = char_map(fonts.regular.path, fonts.regular.index)
    assert {ord(c) for c in "纯棉T恤￥，。「」0123456789abcXYZ"} <= noto
    assert ord("க") not in noto  # Tamil: Noto Sans CJK has none
    assert fonts.regular.covers("纯棉T恤 ¥79") is None
    assert fonts.regular.covers("纯棉க") == "க"
    wqy = char_map(WQY, 0)
    assert ord("中") in wqy and len(wqy) > 20_000


def test_the_system_has_a_cjk_font_found_through_fontconfig() -> None:
    found = system_fonts()
    assert found is not None
    assert found.regular.covers(font_mod.CJK_PROBE) is None
    assert Path(found.regular.path).is_file()


def test_no_chinese_font_at_all_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(FONT_ENV, raising=False)
    monkeypatch.setattr(font_mod, "system_fonts", lambda: None)
    with pytest.raises(ShopBuilderError) as info:
        resolve_fonts()
    assert "fonts-noto-cjk" in info.value.message
    assert FONT_ENV in info.value.message


def test_a_font_path_that_is_not_a_font_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "x.ttf"
    bogus.write_bytes(b"not a font at all" * 10)
    with pytest.raises(ShopBuilderError, match="not a usable"):
        resolve_fonts(setting_path=str(bogus))
    with pytest.raises(ValidationError, match="does not exist"):
        resolve_fonts(setting_path=str(tmp_path / "missing.ttf"))


def test_the_brand_font_is_used_when_the_shop_has_one(poster_workspace: Workspace) -> None:
    with poster_workspace.session() as s:
        sha = add_asset(s, Path(WQY).read_bytes(), "brand.ttc").sha256
        shop = shop_svc.get_shop(s, "demo")
        brand = dataclasses.replace(shop_svc.brand_of(shop), brand_font_asset=sha)
        shop_svc.set_brand(s, "demo", brand)
    renderer = PosterRenderer(poster_workspace, "demo")
    assert renderer.fonts.source == "brand"
    assert renderer.fonts.regular == FontFace(str(poster_workspace.assets.path_for(sha)), 0)
    assert renderer.fonts.synthetic_bold  # one face: bold is drawn with a stroke
    image = renderer.render("product", product_code="TEE-01").image
    pinned = render_poster(poster_workspace, "demo", "product", product_code="TEE-01",
                           fonts=font_mod.pinned_fonts())
    assert image.tobytes() != pinned.tobytes()  # really drawn with another font


def test_a_font_path_in_the_shop_settings_is_used(poster_workspace: Workspace) -> None:
    with poster_workspace.session() as s:
        shop_svc.set_shop_setting(s, "demo", "posters.font_path", WQY)
    assert PosterRenderer(poster_workspace, "demo").fonts.regular.path == WQY


def test_a_missing_glyph_names_the_character_and_the_layer(
        poster_shop: Workspace, fonts: font_mod.FontSet) -> None:
    renderer = PosterRenderer(poster_shop, "demo", fonts)
    template = builtin_template("product")
    with poster_shop.session() as s:
        from shopbuilder.posters.data import product_data
        data = product_data(s, renderer.info, renderer.promos, "TEE-01")
    data["product.title"] = "纯棉T恤 தமிழ்"
    with pytest.raises(ValidationError) as info:
        renderer.renderer.render(template, data)
    assert info.value.path == "layers[3].text"
    assert "'த'" in str(info.value) and "'title'" in str(info.value)
    assert "U+0BA4" in str(info.value)


def test_emoji_are_dropped_with_a_warning(poster_shop: Workspace, fonts: font_mod.FontSet
                                          ) -> None:
    renderer = PosterRenderer(poster_shop, "demo", fonts)
    template = builtin_template("product")
    with poster_shop.session() as s:
        from shopbuilder.posters.data import product_data
        data = product_data(s, renderer.info, renderer.promos, "TEE-01")
    plain = renderer.renderer.render(template, data)
    data["product.title"] = "纯棉圆领T恤🔥"
    result = renderer.renderer.render(template, data)
    assert len(result.warnings) == 1 and "🔥" in result.warnings[0]
    assert result.image.tobytes() == plain.image.tobytes()
