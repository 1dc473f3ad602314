"""Fixtures for the Catalog section: a section context over the demo shop."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from shopbuilder.core.storage import Workspace


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo shop built once (drawing its pictures takes a second); each test
    gets a copy of the files."""
    from shopbuilder.demo import build_demo_shop

    root = tmp_path_factory.mktemp("catalog-demo")
    ws = Workspace.open(f"sqlite:///{root / 'ws.db'}")
    with ws.session() as s:
        build_demo_shop(s)
    ws.close()
    return root


@pytest.fixture
def demo_workspace(demo_template: Path, tmp_path: Path) -> Iterator[Workspace]:
    for item in demo_template.iterdir():
        if item.is_dir():
            shutil.copytree(item, tmp_path / item.name)
        else:
            shutil.copy(item, tmp_path / item.name)
    ws = Workspace.open(f"sqlite:///{tmp_path / 'ws.db'}")
    yield ws
    ws.close()


@pytest.fixture
def ctx(demo_workspace: Workspace, qtbot: QtBot) -> Iterator[object]:
    from PySide6.QtGui import QUndoStack

    from shopbuilder.gui import dialogs
    from shopbuilder.gui.sections import Bus, SectionContext

    dialogs.set_no_modal(True)
    stack = QUndoStack()
    bus = Bus()
    yield SectionContext(demo_workspace, "demo", stack, bus)
    dialogs.close_all()
    dialogs.set_no_modal(None)


@pytest.fixture
def section(ctx: object, qtbot: QtBot) -> object:
    from shopbuilder.gui.catalog.section import CatalogSection

    widget = CatalogSection(ctx)  # type: ignore[arg-type]
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    return widget
