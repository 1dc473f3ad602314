"""The Promotions section: live validation, save/undo, cut plan, quote simulator."""

from __future__ import annotations

from shopbuilder.gui.promotions.section import PromotionsSection
from shopbuilder.gui.sections import SectionContext


def make(qtbot: object, ctx: SectionContext) -> PromotionsSection:
    section = PromotionsSection(ctx)
    qtbot.addWidget(section)  # type: ignore[attr-defined]
    section.show()
    return section


def coupon_keys(ctx: SectionContext) -> list[str]:
    from shopbuilder.promotions.coupons import list_coupons

    with ctx.workspace.session() as s:
        return [c.key for c in list_coupons(s, ctx.slug)]


def test_list_model(qtbot: object, section_ctx: SectionContext, qtmodeltester: object) -> None:
    section = make(qtbot, section_ctx)
    qtmodeltester.check(section.model)  # type: ignore[attr-defined]
    assert section.model.item(0).rowCount() == len(coupon_keys(section_ctx))


def test_new_coupon_validates_as_typed_then_saves_and_undoes(
        qtbot: object, section_ctx: SectionContext) -> None:
    section = make(qtbot, section_ctx)
    before = coupon_keys(section_ctx)
    section.new_item("coupon")
    form = section.form
    assert form is not None and section.check()
    form.set_text("threshold", "abc")
    assert not section.check()
    assert "not a price" in form.rows["threshold"].error.text()
    form.set_text("threshold", "5")  # ¥10 off a ¥5 minimum: the core refuses
    assert not section.check()
    assert any(not row.error.isHidden() for row in form.rows.values())
    form.set_text("threshold", "99")
    assert section.check()
    assert section.save()
    assert len(coupon_keys(section_ctx)) == len(before) + 1
    section_ctx.undo_stack.undo()
    assert coupon_keys(section_ctx) == before
    section_ctx.undo_stack.redo()
    assert len(coupon_keys(section_ctx)) == len(before) + 1


def test_invalid_coupon_is_not_saved(qtbot: object, section_ctx: SectionContext) -> None:
    section = make(qtbot, section_ctx)
    section.new_item("coupon")
    assert section.form is not None
    section.form.set_text("name", "")
    assert not section.save()
    assert not section.form.rows["name"].error.isHidden()
    assert section_ctx.undo_stack.count() == 0


def test_bargain_cut_plan_is_shown_live(qtbot: object, section_ctx: SectionContext) -> None:
    section = make(qtbot, section_ctx)
    section.open_path("bargains[0]")
    assert section.current is not None and section.current[0] == "bargain"
    assert section.form is not None
    section.form.set_text("helpers", "3")
    assert section.check()
    assert "3 friends" in section.info.text()
    section.form.set_text("helpers", "2")
    section.check()
    assert "2 friends" in section.info.text()


def test_quote_simulator(qtbot: object, section_ctx: SectionContext) -> None:
    section = make(qtbot, section_ctx)
    section.cart.setText("TEE-01-1:3")
    assert section.quote()
    assert "To pay" in section.quote_result.text()
    section.cart.setText("NOPE:1")
    assert not section.quote()
    assert "NOPE" in section.quote_result.text()
