"""Save a PNG of every main screen in zh_CN and en, with the demo shop.

    python scripts/screenshots.py [OUT_DIR] [--lang zh_CN,en]

Runs each language in its own process (gettext and Qt translators are per process),
offscreen unless a display is set: ``xvfb-run -a -s "-screen 0 1400x900x24" python
scripts/screenshots.py`` renders through X (Qt's xcb plugin needs libxcb-cursor0,
libxcb-icccm4 and libxcb-keysyms1).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIZE = (1280, 800)


def shoot(lang: str, out: Path) -> list[Path]:
    if not os.environ.get("DISPLAY"):  # under xvfb-run Qt uses the X server
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["SHOPBUILDER_NO_MODAL"] = "1"
    tmp = Path(tempfile.mkdtemp(prefix="shots-"))
    os.environ["SHOPBUILDER_CONFIG"] = str(tmp / "settings.toml")
    os.environ["SHOPBUILDER_LOG_DIR"] = str(tmp / "logs")
    from PySide6.QtCore import QCoreApplication, QSettings, QThreadPool

    from shopbuilder.core.storage import Workspace
    from shopbuilder.gui.app import choose_language, create_main_window, ensure_demo, make_app
    from shopbuilder.gui.sections import SECTIONS

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp))
    choose_language(lang)
    app = make_app(lang, [sys.argv[0]])
    QCoreApplication.setOrganizationName("shopbuilder-shots")
    ws = Workspace.open(f"sqlite:///{tmp / 'ws.db'}")
    ensure_demo(ws)
    with ws.session() as s:
        from shopbuilder.core.services.shops import create_shop
        create_shop(s, "acme-1", "Acme 旗舰店", client="Acme Agency")
        create_shop(s, "acme-2", "Acme Outlet", client="Acme Agency")
    window = create_main_window(ws)
    window.resize(*SIZE)
    window.show()
    window.sidebar.select("demo")
    saved: list[Path] = []

    def settle() -> None:
        """Let background jobs (lint, poster preview) finish and their results paint."""
        import time

        from shopbuilder.gui.workers import running_tasks

        deadline = time.monotonic() + 30
        app.processEvents()
        while running_tasks() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)
        for _ in range(5):
            app.processEvents()

    for index, spec in enumerate(SECTIONS):
        window.tabs.setCurrentIndex(index)
        settle()
        path = out / f"{lang}-{index + 1}-{spec.key}.png"
        window.grab().save(str(path))
        saved.append(path)
    export = window.section_widget("export")
    if export is not None and hasattr(export, "export"):
        export.force.setChecked(True)
        export.path.setText(str(tmp / "export" / "demo.zip"))
        export.export()
        settle()
        path = out / f"{lang}-7-export-done.png"
        window.grab().save(str(path))
        saved.append(path)
    from shopbuilder.publish.service import save_target

    save_target(ws, "cdn-folder", folder=str(tmp / "published"))
    window.open_section("publish")
    publish = window.section_widget("publish")
    if publish is not None and hasattr(publish, "publish"):
        publish.reload()
        publish.publish()
        settle()
        publish.table.selectRow(0)
        path = out / f"{lang}-7-publish-done.png"
        window.grab().save(str(path))
        saved.append(path)
        dialog = publish.add_target()
        settle()
        path = out / f"{lang}-7-publish-target.png"
        dialog.grab().save(str(path))
        saved.append(path)
        dialog.close()
    from shopbuilder.gui.settings_dialog import SettingsDialog
    dialog = SettingsDialog(window)
    dialog.show()
    settle()
    path = out / f"{lang}-8-settings.png"
    dialog.grab().save(str(path))
    saved.append(path)
    dialog.close()
    from shopbuilder.gui import crash, dialogs

    try:
        raise RuntimeError("demo crash for the screenshot")
    except RuntimeError:
        crash.handle_exception(*sys.exc_info(), parent=window)
    settle()
    box = dialogs._open[-1]
    path = out / f"{lang}-8-crash.png"
    box.grab().save(str(path))
    saved.append(path)
    box.close()
    try:
        from shopbuilder.gui.wizard import ShopWizard
    except ImportError:
        ShopWizard = None
    if ShopWizard is not None:
        wizard = ShopWizard(ws, window)
        wizard.resize(760, 560)
        wizard.show()
        settle()
        for page_no in range(2):
            path = out / f"{lang}-9-wizard-{page_no + 1}.png"
            wizard.grab().save(str(path))
            saved.append(path)
            wizard.next()
            settle()
        wizard.close()
    window.close()
    QThreadPool.globalInstance().waitForDone()
    ws.close()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default="screenshots")
    parser.add_argument("--lang", default="zh_CN,en")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.child:
        for path in shoot(args.lang, out):
            print(path)
        return 0
    for lang in args.lang.split(","):
        code = subprocess.call([sys.executable, __file__, str(out), "--lang", lang, "--child"])
        if code:
            return code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
