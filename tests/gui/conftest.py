"""GUI fixtures: offscreen Qt, no modal dialogs, settings/log/QSettings in tmp folders."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QUndoStack

from shopbuilder.core.storage import Workspace
from shopbuilder.demo import DEMO_SLUG
from shopbuilder.gui import dialogs
from shopbuilder.gui.sections import Bus, SectionContext


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _gui_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: object
                     ) -> Iterator[None]:
    monkeypatch.setenv("SHOPBUILDER_CONFIG", str(tmp_path / "config" / "settings.toml"))
    monkeypatch.setenv("SHOPBUILDER_LOG_DIR", str(tmp_path / "logs"))
    QCoreApplication.setOrganizationName("shopbuilder-tests")
    QCoreApplication.setApplicationName("shopbuilder-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "qsettings"))
    dialogs.set_no_modal(True)
    dialogs.shown.clear()
    dialogs._answers.clear()
    yield
    dialogs.close_all()
    dialogs.set_no_modal(None)


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo shop built once per run (drawing its pictures takes a second)."""
    from shopbuilder.demo import build_demo_shop

    folder = tmp_path_factory.mktemp("demo-template")
    ws = Workspace.open(f"sqlite:///{folder / 'ws.db'}")
    with ws.session() as s:
        build_demo_shop(s)
    ws.close()
    return folder


@pytest.fixture
def demo_workspace(_demo_template: Path, tmp_path: Path) -> Iterator[Workspace]:
    """A private copy of the demo workspace (database and assets) for one test."""
    target = tmp_path / "demo"
    shutil.copytree(_demo_template, target)
    ws = Workspace.open(f"sqlite:///{target / 'ws.db'}")
    yield ws
    ws.close()


@pytest.fixture
def bus(qapp: object) -> Bus:
    return Bus()


@pytest.fixture
def section_ctx(demo_workspace: Workspace, bus: Bus) -> Iterator[SectionContext]:
    """A context for testing one section widget on the demo shop, without the window."""
    stack = QUndoStack()
    yield SectionContext(demo_workspace, DEMO_SLUG, stack, bus)
    stack.clear()


@pytest.fixture
def main_window(qtbot: object, demo_workspace: Workspace) -> object:
    from shopbuilder.gui.main_window import MainWindow

    window = MainWindow(demo_workspace)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    return window
