"""Starting the desktop app: language, Qt translations, crash handling, main window."""

from __future__ import annotations

import argparse
import os
import sys

from shopbuilder.core.storage import Workspace

ORG_NAME = APP_NAME = "shopbuilder"


def ensure_demo(workspace: Workspace) -> None:
    """First start: an empty workspace gets the demo shop so there is something to see."""
    from shopbuilder.core.services.shops import list_shops
    from shopbuilder.demo import build_demo_shop

    with workspace.session() as s:
        if not list_shops(s):
            build_demo_shop(s)


def choose_language(cli_lang: str | None) -> str:
    """--lang, then SHOPBUILDER_LANG, then the language setting, then the system."""
    from shopbuilder.core import settings
    from shopbuilder.i18n import set_language

    lang = cli_lang or os.environ.get("SHOPBUILDER_LANG") or settings.load()["language"] or None
    return set_language(lang)


def install_qt_translator(app: object, lang: str) -> object | None:
    """Qt's own strings (standard buttons, context menus) in the chosen language."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    if lang.startswith("en"):
        return None
    translator = QTranslator(app)  # type: ignore[arg-type]
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(lang), "qtbase", "_", folder):
        app.installTranslator(translator)  # type: ignore[attr-defined]
        return translator
    return None


def make_app(lang: str, argv: list[str] | None = None) -> object:
    from PySide6.QtCore import QCoreApplication, QLocale
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(ORG_NAME)
        QCoreApplication.setApplicationName(APP_NAME)
        app = QApplication(argv if argv is not None else sys.argv)
    QLocale.setDefault(QLocale(lang))
    install_qt_translator(app, lang)
    from shopbuilder.gui.style import apply_style

    apply_style(app, lang)
    return app


def create_main_window(workspace: Workspace) -> object:
    from shopbuilder.gui import crash
    from shopbuilder.gui.main_window import MainWindow

    window = MainWindow(workspace)
    crash.install(lambda: window)
    return window


def run_app(args: argparse.Namespace) -> int:
    lang = choose_language(getattr(args, "lang", None))
    app = make_app(lang)
    workspace = Workspace.open(args.db)
    ensure_demo(workspace)
    window = create_main_window(workspace)
    window.show()  # type: ignore[attr-defined]
    try:
        return app.exec()  # type: ignore[attr-defined]
    finally:
        from shopbuilder.gui.workers import shutdown_process_pool

        shutdown_process_pool()
        workspace.close()
