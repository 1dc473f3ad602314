"""The one-click shop wizard, driven from the main window to a finished (and exported) shop."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtWidgets import QWizard

from shopbuilder.core.services import pages as page_svc
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.gui.main_window import MainWindow
from shopbuilder.gui.wizard import ShopWizard


def logo_file(tmp_path: Path) -> Path:
    img = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    for x in range(20, 100):
        for y in range(20, 100):
            img.putpixel((x, y), (30, 110, 200, 255))
    path = tmp_path / "logo.png"
    img.save(path)
    return path


def open_from_menu(main_window: MainWindow) -> ShopWizard:
    main_window.act_new.trigger()
    wizard = main_window.wizard  # type: ignore[attr-defined]
    assert isinstance(wizard, ShopWizard) and wizard.isVisible()
    return wizard


def test_wizard_from_launch_to_an_exported_bundle(
        qtbot: object, main_window: MainWindow, tmp_path: Path) -> None:
    wizard = open_from_menu(main_window)
    brand = wizard.brand
    assert not brand.isComplete()
    brand.name.setText("蓝山咖啡")
    brand.slogan.setText("每一杯都新鲜")
    brand.client.setText("咖啡客户")
    brand.set_logo_file(logo_file(tmp_path))
    assert brand.palette_colors(), "a palette is proposed from the logo"
    assert brand.color.text() == brand.palette_colors()[0]
    wizard.next()
    assert wizard.currentPage() is wizard.products and wizard.products.demo.isChecked()
    with qtbot.waitSignal(wizard.sig_created, timeout=30000) as created:  # type: ignore[attr-defined]
        wizard.button(QWizard.WizardButton.FinishButton).click()
    slug = created.args[0]
    assert main_window.current_slug() == slug and not wizard.isVisible()

    ws = main_window.workspace
    with ws.session() as s:
        shop = shop_svc.get_shop(s, slug)
        assert shop.name == "蓝山咖啡" and shop.logo_asset and shop.slogan == "每一杯都新鲜"
        assert shop.client == "咖啡客户"
        assert shop.primary_color == brand.palette_colors()[0]
        assert len(shop.tab_bar) == 4
        home = page_svc.get_page(s, slug, "home")
        kinds = [c["type"] for c in home.components]
        for kind in ("banner", "coupon_strip", "product_grid", "group_buy_section",
                     "bargain_section", "flash_sale_section"):
            assert kind in kinds
        assert len(product_svc.list_products(s, slug)) >= 10
        from shopbuilder.promotions.coupons import list_coupons
        assert [c.key for c in list_coupons(s, slug)] == ["welcome"]

    main_window.open_section("export")  # the user's next click: the Export tab
    export = main_window.section_widget("export")
    qtbot.waitUntil(lambda: export.lint_task is not None and export.lint_task.done,  # type: ignore[attr-defined]
                    timeout=30000)
    assert export.errors() == 0, [f.message for f in export.findings]
    assert export.export_button.isEnabled(), "a wizard shop is ready to export"
    export.path.setText(str(tmp_path / "shop.zip"))
    export.export_button.click()
    qtbot.waitUntil(lambda: export.task is None, timeout=60000)  # type: ignore[attr-defined]
    assert export.result is not None and export.result.written
    assert (tmp_path / "shop.zip").stat().st_size > 1000


def test_sheet_with_row_errors_creates_nothing(
        qtbot: object, main_window: MainWindow, tmp_path: Path) -> None:
    wizard = open_from_menu(main_window)
    wizard.brand.name.setText("Broken Sheet Shop")
    wizard.next()
    sheet = tmp_path / "products.csv"
    sheet.write_text("商品编码,商品名称,价格,库存\nA1,好东西,abc,5\n", encoding="utf-8")
    wizard.products.set_sheet(sheet)
    assert "1" in wizard.products.preview.text()
    before = set(main_window._existing_slugs())
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: wizard.task is None, timeout=30000)  # type: ignore[attr-defined]
    assert wizard.isVisible()
    assert not wizard.products.sheet_row.error.isHidden()
    assert "row 2" in wizard.products.sheet_row.error.text()
    assert set(main_window._existing_slugs()) == before


def test_bad_colour_is_shown_on_the_brand_step(
        qtbot: object, main_window: MainWindow) -> None:
    wizard = open_from_menu(main_window)
    wizard.brand.name.setText("Colour Shop")
    wizard.brand.color.line.setText("#12")
    wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: wizard.task is None, timeout=10000)  # type: ignore[attr-defined]
    assert wizard.currentPage() is wizard.brand
    assert "#RRGGBB" in wizard.brand.rows["primary_color"].error.text()


def test_cancel_while_creating_leaves_no_shop(qtbot: object, main_window: MainWindow,
                                              monkeypatch: object) -> None:
    import time

    import shopbuilder.gui.wizard as wizard_module
    from shopbuilder.quickstart import create_quick_shop

    def slow_start(ws, data, progress=None, cancel=None):  # type: ignore[no-untyped-def]
        while not cancel():  # the user has not pressed Cancel yet
            time.sleep(0.01)
        return create_quick_shop(ws, data, progress, cancel)

    monkeypatch.setattr(wizard_module, "create_quick_shop", slow_start)  # type: ignore[attr-defined]
    wizard = open_from_menu(main_window)
    wizard.brand.name.setText("Cancelled Shop")
    wizard.next()
    before = main_window._existing_slugs()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.task is not None
    wizard.button(QWizard.WizardButton.CancelButton).click()
    qtbot.waitUntil(lambda: wizard.task is None, timeout=10000)  # type: ignore[attr-defined]
    assert wizard.isVisible(), "the first Cancel stops the job, not the wizard"
    assert "Cancelled" in wizard.products.status.text()
    assert main_window._existing_slugs() == before
