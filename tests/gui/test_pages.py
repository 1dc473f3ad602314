"""The Pages section: schema forms, component list editing, tab bar, undo."""

from __future__ import annotations

from typing import Any

from shopbuilder.core.components import component_schema, component_types
from shopbuilder.core.services import pages as page_svc
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.gui.pages import PagesSection
from shopbuilder.gui.schema_form import SchemaForm
from shopbuilder.gui.sections import SectionContext


def home(ctx: SectionContext) -> list[dict[str, Any]]:
    with ctx.workspace.session() as s:
        return list(page_svc.get_page(s, ctx.slug, "home").components)


def make(qtbot: object, ctx: SectionContext) -> PagesSection:
    section = PagesSection(ctx)
    qtbot.addWidget(section)  # type: ignore[attr-defined]
    section.show()
    section.select_page("home")
    return section


def select_type(section: PagesSection, ctx: SectionContext, kind: str) -> int:
    row = [c["type"] for c in home(ctx)].index(kind)
    section.select_component(row)
    return row


def test_every_schema_builds_a_form(qtbot: object) -> None:
    for kind in component_types():
        form = SchemaForm(component_schema(kind))
        qtbot.addWidget(form)  # type: ignore[attr-defined]
        assert form.editors, kind


def test_models(qtbot: object, section_ctx: SectionContext, qtmodeltester: object) -> None:
    section = make(qtbot, section_ctx)
    qtmodeltester.check(section.page_model)  # type: ignore[attr-defined]
    qtmodeltester.check(section.component_model)  # type: ignore[attr-defined]
    assert section.component_model.rowCount() == len(home(section_ctx))


def test_edit_a_setting_and_undo(qtbot: object, section_ctx: SectionContext) -> None:
    section = make(qtbot, section_ctx)
    row = select_type(section, section_ctx, "product_grid")
    assert section.form is not None and section.form_title.text() == "Product grid"
    assert section.set_setting("columns", 3)
    assert home(section_ctx)[row]["settings"]["columns"] == 3
    section_ctx.undo_stack.undo()
    assert home(section_ctx)[row]["settings"]["columns"] == 2
    assert section.form.editors["columns"].value() == 2, "the form follows the undo"


def test_invalid_setting_shows_the_error_beside_the_field(
        qtbot: object, section_ctx: SectionContext) -> None:
    section = make(qtbot, section_ctx)
    row = select_type(section, section_ctx, "notice")
    before = home(section_ctx)[row]["settings"]["text"]
    assert not section.set_setting("text", "")
    assert section.form is not None
    error = section.form.rows["text"].error
    assert not error.isHidden() and error.text()
    assert home(section_ctx)[row]["settings"]["text"] == before
    assert section_ctx.undo_stack.count() == 0


def test_banner_slide_error_goes_to_the_slide(qtbot: object, section_ctx: SectionContext) -> None:
    section = make(qtbot, section_ctx)
    select_type(section, section_ctx, "banner")
    assert section.form is not None
    slides = section.form.editors["slides"]
    slides.forms[0].editors["link"].set_value("x" * 300)
    section._form_changed()
    assert not slides.forms[0].rows["link"].error.isHidden()


def test_add_move_remove_components(qtbot: object, section_ctx: SectionContext) -> None:
    section = make(qtbot, section_ctx)
    n = len(home(section_ctx))
    section.select_component(0)
    assert section.add_component("notice")
    comps = home(section_ctx)
    assert len(comps) == n + 1 and comps[1]["type"] == "notice" and comps[1]["id"] == "notice_2"
    assert section.current_component_row() == 1
    assert section.move_component(-1)
    assert home(section_ctx)[0]["id"] == "notice_2"
    assert not section.move_component(-1)
    assert section.remove_component()
    assert len(home(section_ctx)) == n
    for _ in range(3):
        section_ctx.undo_stack.undo()
    assert len(home(section_ctx)) == n and home(section_ctx)[0]["type"] == "search"
    assert section.add_component("banner"), "a banner starts with the shop's picture"


def test_tab_bar(qtbot: object, section_ctx: SectionContext) -> None:
    section = make(qtbot, section_ctx)
    editor = section.tab_bar
    editor.set_label(0, "主页")
    assert editor.save()
    with section_ctx.workspace.session() as s:
        assert shop_svc.get_shop(s, section_ctx.slug).tab_bar[0]["label"] == "主页"
    editor.set_label(1, "太长的标签名")
    assert not editor.save()
    assert not editor.rows[1][2].isHidden()
    while len(editor.rows) > 1:
        editor._remove(editor.rows[-1][0])
    assert not editor.save()
    assert "2" in editor.error.text()
    section_ctx.undo_stack.undo()
    with section_ctx.workspace.session() as s:
        assert shop_svc.get_shop(s, section_ctx.slug).tab_bar[0]["label"] == "首页"
    assert len(editor.rows) == 4
