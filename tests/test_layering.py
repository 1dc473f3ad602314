"""The domain and feature packages never import Qt: the GUI is one client of them."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import shopbuilder


def non_gui_modules() -> list[str]:
    return sorted(
        m.name for m in pkgutil.walk_packages(shopbuilder.__path__, "shopbuilder.")
        if not m.name.startswith("shopbuilder.gui")
        and not m.name.startswith("shopbuilder.core.migrations.env")
        and m.name != "shopbuilder.__main__"
    )


def test_non_gui_packages_do_not_import_qt() -> None:
    modules = non_gui_modules()
    assert "shopbuilder.core.services.products" in modules
    assert "shopbuilder.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6')\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"Qt imported by non-GUI code: {out.stdout}"


def test_the_check_would_see_qt() -> None:
    """Guard against a vacuous layering test: importing the GUI does load PySide6."""
    code = ("import sys, shopbuilder.gui.app\nimport PySide6.QtWidgets\n"
            "print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
