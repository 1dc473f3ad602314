"""The main window: sidebar of shops, shop actions, sections, state."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.storage import Workspace
from shopbuilder.gui import dialogs
from shopbuilder.gui.main_window import MainWindow, suggest_slug
from shopbuilder.gui.sidebar import SLUG_ROLE, ShopTreeModel


def slugs(ws: Workspace) -> list[str]:
    with ws.session() as s:
        return [shop.slug for shop in shop_svc.list_shops(s)]


def visible_shops(window: MainWindow) -> list[str]:
    proxy, out = window.sidebar.proxy, []

    def walk(parent: object) -> None:
        for row in range(proxy.rowCount(parent)):
            index = proxy.index(row, 0, parent)
            if index.data(SLUG_ROLE):
                out.append(index.data(SLUG_ROLE))
            walk(index)
    from PySide6.QtCore import QModelIndex
    walk(QModelIndex())
    return out


def test_opens_on_the_demo_shop_with_sections(main_window: MainWindow) -> None:
    assert main_window.current_slug() == "demo"
    assert "山川生活馆" in main_window.windowTitle()
    assert [main_window.tabs.tabText(i) for i in range(main_window.tabs.count())] == [
        "Brand", "Pages", "Catalog", "Promotions", "Posters", "Export", "Publish"]
    assert main_window.section_widget("brand") is not None


def test_grouping_search_and_model(main_window: MainWindow, qtmodeltester: object) -> None:
    ws = main_window.workspace
    with ws.session() as s:
        shop_svc.create_shop(s, "acme-1", "Acme 旗舰店", client="Acme")
        shop_svc.create_shop(s, "acme-2", "Acme 奥莱", client="Acme")
    main_window.reload_shops()
    model: ShopTreeModel = main_window.sidebar.model
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    qtmodeltester.check(main_window.sidebar.proxy)  # type: ignore[attr-defined]
    groups = [model.item(r).text() for r in range(model.rowCount())]
    assert "Acme" in groups
    acme = model.item(groups.index("Acme"))
    assert acme.rowCount() == 2
    main_window.sidebar.search.setText("奥莱")
    assert visible_shops(main_window) == ["acme-2"]
    main_window.sidebar.search.setText("acme")  # the client matches: both shops
    assert sorted(visible_shops(main_window)) == ["acme-1", "acme-2"]
    main_window.sidebar.search.clear()
    assert len(visible_shops(main_window)) == 3


def test_new_clone_rename_delete(main_window: MainWindow) -> None:
    ws = main_window.workspace
    slug = main_window.create_empty_shop("Tea House")
    assert slug == "tea-house" and main_window.current_slug() == "tea-house"
    with ws.session() as s:
        assert shop_svc.get_shop(s, slug).tab_bar

    dialogs.queue_answer("Tea House 2")
    main_window.clone_shop()
    assert "tea-house-2" in slugs(ws) and main_window.current_slug() == "tea-house-2"

    dialogs.queue_answer("茶馆")
    dialogs.queue_answer("Client A")
    main_window.rename_shop()
    with ws.session() as s:
        shop = shop_svc.get_shop(s, "tea-house-2")
        assert (shop.name, shop.client) == ("茶馆", "Client A")
    assert "茶馆" in main_window.windowTitle()

    dialogs.queue_answer(False)
    main_window.delete_shop()
    assert "tea-house-2" in slugs(ws)
    dialogs.queue_answer(True)
    main_window.delete_shop()
    assert "tea-house-2" not in slugs(ws)
    assert main_window.current_slug() in slugs(ws)


def test_rename_error_is_shown(main_window: MainWindow) -> None:
    dialogs.queue_answer("")
    dialogs.queue_answer("")
    main_window.rename_shop()
    assert dialogs.shown[-1][0] == "Cannot rename the shop"
    assert "name" in dialogs.shown[-1][1]


def test_deleting_the_last_shop_shows_the_empty_state(main_window: MainWindow) -> None:
    dialogs.queue_answer(True)
    main_window.delete_shop()
    assert main_window.current_slug() == ""
    assert main_window.stack.currentWidget() is main_window.empty


def test_geometry_and_splitter_are_remembered(main_window: MainWindow, qtbot: object,
                                              demo_workspace: Workspace) -> None:
    main_window.splitter.setSizes([300, 900])
    main_window.tabs.setCurrentIndex(1)
    main_window.close()
    assert QSettings().value("main/tab") in (1, "1")
    again = MainWindow(demo_workspace)
    qtbot.addWidget(again)  # type: ignore[attr-defined]
    assert again.tabs.currentIndex() == 1
    assert again.section_widget("pages") is not None


def test_suggest_slug() -> None:
    assert suggest_slug(set(), "山川") == "shop"
    assert suggest_slug({"shop"}, "山川") == "shop-2"
    assert suggest_slug({"a-b"}, "A b") == "a-b-2"
    assert suggest_slug(set(), "x") == "shop-x"


def test_shortcuts_exist(main_window: MainWindow) -> None:
    assert main_window.act_new.shortcut().toString() == "Ctrl+N"
    assert main_window.act_undo.shortcut().toString() == "Ctrl+Z"
    assert [s.toString() for s in main_window.act_redo.shortcuts()] == ["Ctrl+Shift+Z", "Ctrl+Y"]
    assert main_window.act_find.shortcut().toString() == "Ctrl+F"
    assert main_window.act_delete.shortcut().toString() == "Del"


def test_a_finding_opens_the_editor_at_its_field(main_window: MainWindow, qtbot: object) -> None:
    main_window.open_section("pages", "pages.home.components[2]")
    pages = main_window.section_widget("pages")
    assert main_window.tabs.currentIndex() == 1
    assert pages.current_page_key() == "home" and pages.current_component_row() == 2
    main_window.open_section("brand", "shop.share.image")
    brand = main_window.section_widget("brand")
    assert main_window.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: brand.share_image.hasFocus() or  # type: ignore[attr-defined]
                    brand.rows["share_image_asset"].editor.isAncestorOf(
                        main_window.focusWidget()) if main_window.focusWidget() else False,
                    timeout=1000)


def test_edit_menu_undo_redo_follow_the_current_shop(main_window: MainWindow) -> None:
    brand = main_window.section_widget("brand")
    assert brand is not None and not main_window.act_undo.isEnabled()
    assert brand.commit("slogan", "菜单撤销")
    assert main_window.act_undo.isEnabled()
    main_window.act_undo.trigger()
    with main_window.workspace.session() as s:
        assert shop_svc.get_shop(s, "demo").slogan != "菜单撤销"
    assert brand.slogan.text() != "菜单撤销"
    main_window.act_redo.trigger()
    assert brand.slogan.text() == "菜单撤销"
    slug = main_window.create_empty_shop("Other Shop")
    assert main_window.current_slug() == slug
    assert not main_window.act_undo.isEnabled(), "each shop has its own undo history"


def test_delete_key_in_the_sidebar_deletes_the_shop(main_window: MainWindow) -> None:
    slug = main_window.create_empty_shop("Key Shop")
    main_window.sidebar.tree.setFocus()
    main_window.activateWindow()
    dialogs.queue_answer(True)
    main_window.delete_selected()  # what the Delete shortcut calls
    assert slug not in slugs(main_window.workspace)
