"""Shared fixtures. Qt runs offscreen; every test gets its own workspace on disk."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SHOPBUILDER_LANG", "en")

from shopbuilder.core.storage import Workspace

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
YANXUAN = SHARED / "datasets" / "yanxuan"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ws.db'}"


@pytest.fixture
def workspace(db_url: str) -> Iterator[Workspace]:
    ws = Workspace.open(db_url)
    yield ws
    ws.close()


@pytest.fixture
def demo_workspace(workspace: Workspace) -> Workspace:
    from shopbuilder.demo import build_demo_shop

    with workspace.session() as s:
        build_demo_shop(s)
    return workspace
