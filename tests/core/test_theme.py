"""Theme tokens, WCAG contrast and the logo palette."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shopbuilder.core.theme import (
    contrast_checks,
    contrast_ratio,
    derive_theme,
    palette_from_image,
    parse_hex,
    relative_luminance,
)


def test_known_contrast_ratios() -> None:
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#E4393C", "#FFFFFF") == contrast_ratio("#FFFFFF", "#E4393C")
    assert relative_luminance("#FFFFFF") == pytest.approx(1.0)


def test_bad_colour_is_refused() -> None:
    with pytest.raises(ValueError, match="#RRGGBB"):
        parse_hex("red")


def test_dark_primary_keeps_its_colour_and_gets_white_button_text() -> None:
    theme = derive_theme("#c8102e", "#2b2b2b")
    assert theme.primary == theme.price == theme.button == "#C8102E"
    assert theme.button_text == "#FFFFFF"
    assert all(check.ok for check in contrast_checks(theme))


def test_light_primary_gets_a_darker_price_and_dark_button_text() -> None:
    theme = derive_theme("#FFD400", "#333333")
    assert theme.price != theme.primary
    assert contrast_ratio(theme.price, theme.background) >= 4.5
    assert theme.button_text == "#1F1F1F"
    failing = [c.label for c in contrast_checks(theme) if not c.ok]
    assert failing == ["Primary colour on background"]


def _png(colors: list[tuple[tuple[int, int, int, int], int]]) -> bytes:
    img = Image.new("RGBA", (100, 100), (255, 255, 255, 255))
    y = 0
    for color, rows in colors:
        for yy in range(y, y + rows):
            for x in range(100):
                img.putpixel((x, yy), color)
        y += rows
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def test_palette_takes_the_logo_colours_not_its_background() -> None:
    data = _png([((200, 16, 46, 255), 40), ((0, 90, 200, 255), 15), ((0, 0, 0, 0), 20)])
    palette = palette_from_image(data)
    assert len(palette) == 2
    r, g, b = parse_hex(palette[0])
    assert r > 180 and g < 40  # the red covers most of the logo
    r, g, b = parse_hex(palette[1])
    assert b > 180 and r < 30


def test_palette_of_a_blank_image_is_empty() -> None:
    assert palette_from_image(_png([((0, 0, 0, 0), 100)])) == []


def test_share_crop_is_5_by_4_and_stays_inside() -> None:
    from shopbuilder.core.imagecrop import crop_box, crop_image, largest_box

    assert largest_box(1000, 1000) == (1000, 800)
    assert largest_box(2000, 800) == (1000, 800)
    assert crop_box(1000, 1000, cx=1.0, cy=1.0) == (0, 200, 1000, 1000)
    left, top, right, bottom = crop_box(1600, 900, cx=0.0, cy=0.5, scale=0.5)
    assert (left, right - left, bottom - top) == (0, 562, 450)
    img = Image.new("RGB", (1200, 600), (10, 200, 30))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    out = Image.open(io.BytesIO(crop_image(buf.getvalue())))
    assert out.size == (1000, 800) and out.format == "JPEG"
