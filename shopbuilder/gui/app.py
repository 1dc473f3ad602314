"""Starting the desktop app: language, Qt translations, crash handling, main window."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy and Alembic load off the GUI thread at start-up
    from shopbuilder.core.storage import Workspace

ORG_NAME = APP_NAME = "shopbuilder"


def ensure_demo(workspace: Workspace) -> None:
    """First start: an empty workspace gets the demo shop so there is something to see."""
    from shopbuilder.core.services.shops import list_shops

    with workspace.session() as s:
        if not list_shops(s):
            from shopbuilder.demo import build_demo_shop  # Pillow drawing: only when needed

            build_demo_shop(s)


def choose_language(cli_lang: str | None) -> str:
    """--lang, then SHOPBUILDER_LANG, then the language setting, then the system."""
    from shopbuilder.i18n import set_language

    lang = cli_lang or os.environ.get("SHOPBUILDER_LANG")
    if not lang:  # core.settings only when needed: it is not free at start-up
        from shopbuilder.core.settings import preferred_language

        lang = preferred_language()
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


def make_app(lang: str, argv: list[str] | None = None, *,
             qt_translations: bool = True) -> object:
    """The QApplication in `lang`. `qt_translations=False` leaves Qt's own strings
    (standard buttons) for later: `launch` loads them once the window is up."""
    from PySide6.QtCore import QCoreApplication, QLocale
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(ORG_NAME)
        QCoreApplication.setApplicationName(APP_NAME)
        app = QApplication(argv if argv is not None else sys.argv)
    QLocale.setDefault(QLocale(lang))
    if qt_translations:
        install_qt_translator(app, lang)
    from shopbuilder.gui.style import apply_style

    apply_style(app, lang)
    return app


def create_main_window(workspace: Workspace | None) -> object:
    from shopbuilder.gui.main_window import MainWindow

    window = MainWindow(workspace)
    install_crash_hook(window)
    return window


def install_crash_hook(window: object) -> None:
    """Uncaught exceptions → the crash dialog (`gui.crash`, loaded when first needed)."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: object) -> None:
        from shopbuilder.gui import crash

        crash.handle_exception(exc_type, exc, tb, window)  # type: ignore[arg-type]

    sys.excepthook = hook


def open_workspace(cli_url: str | None) -> Workspace:
    """Open (migrating if needed) and give a first start its demo shop. Runs in a
    worker: settings (the data location) are read here, not before the window shows."""
    from shopbuilder.core.storage import Workspace

    apply_settings_env()
    workspace = Workspace.open(database_url(cli_url))
    ensure_demo(workspace)
    prewarm()
    return workspace


PREWARM = ("shopbuilder.core.commands", "shopbuilder.core.theme", "shopbuilder.core.imagecrop",
           "shopbuilder.core.components", "shopbuilder.core.services.assets", "PIL.Image")


def prewarm() -> None:
    """Import, still in the worker, the GUI-free modules the first screen needs, so the
    GUI thread does not stall on them when the shop appears."""
    import importlib

    for name in PREWARM:
        importlib.import_module(name)


def start(window: object, cli_url: str | None) -> object:
    """Open the workspace in a worker and hand it to the (already shown) window, so the
    window appears as fast as a bare Qt one and stays responsive while the database
    layer loads."""
    from shopbuilder.gui.workers import run_task
    from shopbuilder.i18n import _

    def failed(error: BaseException) -> None:
        from shopbuilder.gui import dialogs

        title = _("Cannot open the workspace")
        window.statusBar().showMessage(title)  # type: ignore[attr-defined]  # not "Opening…"
        dialogs.show_error(window, title, error)  # type: ignore[arg-type]

    return run_task(lambda _job: open_workspace(cli_url),
                    on_result=window.set_workspace,  # type: ignore[attr-defined]
                    on_error=failed)


DB_ENV = "SHOPBUILDER_DB"  # = core.storage.DB_ENV, not imported: it loads SQLAlchemy


def database_url(cli_url: str | None) -> str | None:
    """--db, then SHOPBUILDER_DB, then the "data location" setting, then the default."""
    from pathlib import Path

    from shopbuilder.core import settings

    if cli_url or os.environ.get(DB_ENV):
        return cli_url or os.environ[DB_ENV]
    folder = settings.load()["data_location"]
    return f"sqlite:///{Path(folder).expanduser() / 'workspace.db'}" if folder else None


_FROM_SETTINGS: dict[str, str] = {}  # environment values this process set from settings


def apply_settings_env() -> None:
    """Settings that feature packages read from the environment (the poster font); a
    value the user exported themselves wins, one set from settings follows changes."""
    from shopbuilder.core import settings

    var, font = "SHOPBUILDER_POSTER_FONT", settings.load()["poster_font"]
    current = os.environ.get(var)
    if current is not None and _FROM_SETTINGS.get(var) != current:
        return  # set outside the app
    if font:
        os.environ[var] = _FROM_SETTINGS[var] = font
    elif current is not None:
        del os.environ[var]
        _FROM_SETTINGS.pop(var, None)


def launch(db: str | None = None, lang: str | None = None,
           argv: list[str] | None = None) -> tuple[object, object]:
    """QApplication + main window shown at once; the workspace follows from a worker."""
    language = choose_language(lang)
    app = make_app(language, argv, qt_translations=False)
    window = create_main_window(None)
    window.show()  # type: ignore[attr-defined]
    from PySide6.QtCore import QTimer

    def after_shown() -> None:
        start(window, db)
        # Qt's own strings are first seen in a dialog, never in the bare window: load
        # them (~5 ms) in the next turn of the loop, not before the window appears.
        QTimer.singleShot(0, lambda: install_qt_translator(app, language))

    # Once the window is up: the worker's imports (SQLAlchemy …) would otherwise
    # compete for the GIL with building and painting the window.
    QTimer.singleShot(0, after_shown)
    return app, window


def main(argv: list[str] | None = None) -> int:
    """The `shopbuilder-gui` entry point: the app without loading the command line."""
    parser = argparse.ArgumentParser(prog="shopbuilder-gui")
    parser.add_argument("--db", default=None)
    parser.add_argument("--lang", default=None)
    return run_app(parser.parse_args(argv))


def run_app(args: argparse.Namespace) -> int:
    app, window = launch(args.db, getattr(args, "lang", None))
    try:
        return app.exec()  # type: ignore[attr-defined]
    finally:
        from PySide6.QtCore import QThreadPool

        from shopbuilder.gui.workers import shutdown_process_pool

        QThreadPool.globalInstance().waitForDone(5000)
        shutdown_process_pool()
        workspace = getattr(window, "workspace", None)
        if workspace is not None:
            workspace.close()
