"""The Brand section: edits through the undo stack, errors beside the field, theme."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt

from shopbuilder.core.services import shops as shop_svc
from shopbuilder.gui.brand import BrandSection
from shopbuilder.gui.sections import SectionContext


def brand(ctx: SectionContext) -> shop_svc.BrandData:
    with ctx.workspace.session() as s:
        return shop_svc.brand_of(shop_svc.get_shop(s, ctx.slug))


def make_section(qtbot: object, ctx: SectionContext) -> BrandSection:
    section = BrandSection(ctx)
    qtbot.addWidget(section)  # type: ignore[attr-defined]
    section.show()
    return section


def type_into(qtbot: object, line: object, text: str) -> None:
    line.setFocus()  # type: ignore[attr-defined]
    line.selectAll()  # type: ignore[attr-defined]
    line.insert(text)  # type: ignore[attr-defined] - keyClicks cannot type Chinese
    qtbot.keyClick(line, Qt.Key.Key_Return)  # type: ignore[attr-defined]


def test_loads_the_demo_brand(qtbot: object, section_ctx: SectionContext) -> None:
    section = make_section(qtbot, section_ctx)
    assert section.brand_name.text() == "山川生活馆"
    assert section.primary.text() == "#C8102E"
    assert section.palette_buttons(), "the demo logo proposes colours"
    assert "✓" in section.checks.text()


def test_slogan_edit_undo_redo(qtbot: object, section_ctx: SectionContext) -> None:
    section = make_section(qtbot, section_ctx)
    old = brand(section_ctx).slogan
    type_into(qtbot, section.slogan, "新的口号")
    assert brand(section_ctx).slogan == "新的口号"
    section_ctx.undo_stack.undo()
    assert brand(section_ctx).slogan == old
    assert section.slogan.text() == old, "the form follows the undo"
    section_ctx.undo_stack.redo()
    assert section.slogan.text() == "新的口号"


def test_bad_colour_typed_shows_the_error_beside_the_field(
        qtbot: object, section_ctx: SectionContext) -> None:
    section = make_section(qtbot, section_ctx)
    type_into(qtbot, section.primary.line, "#12345")
    row = section.rows["primary_color"]
    assert not row.error.isHidden()
    assert "#RRGGBB" in row.error.text() or "colour" in row.error.text()
    assert brand(section_ctx).primary_color == "#C8102E"
    assert section_ctx.undo_stack.count() == 0
    assert "#RRGGBB" in section.checks.text()
    type_into(qtbot, section.primary.line, "#0a5fd8")
    assert brand(section_ctx).primary_color == "#0A5FD8"
    assert row.error.isHidden()


def test_light_colour_fails_a_contrast_check(qtbot: object, section_ctx: SectionContext) -> None:
    section = make_section(qtbot, section_ctx)
    type_into(qtbot, section.primary.line, "#FFE600")
    assert "✗" in section.checks.text()
    assert section.preview.theme.button_text == "#1F1F1F"


def test_empty_name_is_refused(qtbot: object, section_ctx: SectionContext) -> None:
    section = make_section(qtbot, section_ctx)
    type_into(qtbot, section.brand_name, " ")
    assert not section.rows["brand_name"].error.isHidden()
    assert brand(section_ctx).brand_name == "山川生活馆"


def _picture(tmp_path: Path, size: tuple[int, int], color: tuple[int, int, int]) -> Path:
    path = tmp_path / f"pic-{size[0]}x{size[1]}.png"
    Image.new("RGB", size, color).save(path)
    return path


def test_logo_palette_and_share_crop(qtbot: object, section_ctx: SectionContext,
                                     tmp_path: Path) -> None:
    section = make_section(qtbot, section_ctx)
    assert section.set_logo_file(_picture(tmp_path, (200, 200), (0, 120, 60)))
    colors = [b.property("color") for b in section.palette_buttons()]
    assert colors and colors[0].startswith("#00")
    section.palette_buttons()[0].click()
    assert brand(section_ctx).primary_color == colors[0]

    assert section.set_share_image_file(_picture(tmp_path, (1600, 900), (200, 10, 10)))
    sha = brand(section_ctx).share_image_asset
    data = section_ctx.workspace.assets.read(sha)
    assert Image.open(io.BytesIO(data)).size == (1000, 800)
    section_ctx.undo_stack.undo()
    assert brand(section_ctx).share_image_asset != sha


def test_not_a_picture_is_refused(qtbot: object, section_ctx: SectionContext,
                                  tmp_path: Path) -> None:
    section = make_section(qtbot, section_ctx)
    bogus = tmp_path / "logo.png"
    bogus.write_text("not a picture")
    assert not section.set_logo_file(bogus)
    assert not section.rows["logo_asset"].error.isHidden()
    assert not section.set_share_image_file(bogus)
    assert "picture" in section.rows["share_image_asset"].error.text()
