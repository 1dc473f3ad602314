"""The import's non-SQLite paths (Core executemany, JSON decoded by the driver) on a
real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from shopbuilder.catalog.export import export_catalog
from shopbuilder.catalog.importer import import_file
from shopbuilder.core.models import Sku
from shopbuilder.core.services import products as psvc
from shopbuilder.core.services.shops import create_shop
from shopbuilder.core.storage import Workspace
from shopbuilder.demo import build_demo_shop
from tests.catalog.conftest import write_csv
from tests.catalog.test_import import GOOD
from tests.pg import fresh_database, postgres_server

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def pg_workspace(pg_server: str, tmp_path: Path) -> Iterator[Workspace]:
    with fresh_database(pg_server) as url:
        ws = Workspace.open(url, assets_dir=tmp_path / "assets")
        yield ws
        ws.close()


def test_import_upsert_and_price_history_on_postgres(pg_workspace: Workspace,
                                                     tmp_path: Path) -> None:
    ws = pg_workspace
    with ws.session() as s:
        create_shop(s, "acme", "Acme")
    sheet = write_csv(tmp_path / "a.csv", GOOD)
    assert import_file(ws, "acme", sheet).created == 2
    assert import_file(ws, "acme", sheet).unchanged == 2
    rows = [list(r) for r in GOOD]
    rows[2][7] = "1199"
    report = import_file(ws, "acme", write_csv(tmp_path / "b.csv", rows))
    assert (report.updated, report.unchanged, report.sku_updated) == (1, 1, 1)
    with ws.session() as s:
        sku = s.scalar(select(Sku).where(Sku.code == "TEE-WL"))
        assert sku is not None and sku.price == 119900
        assert [h.price for h in psvc.price_history(s, sku.id)] == [129900, 119900]
        assert psvc.get_product(s, "acme", "TEE").options[0]["values"] == ["白", "黑"]


def test_export_then_import_changes_nothing_on_postgres(pg_workspace: Workspace,
                                                        tmp_path: Path) -> None:
    with pg_workspace.session() as s:
        build_demo_shop(s)
        export_catalog(s, "demo", tmp_path / "c.xlsx")
    report = import_file(pg_workspace, "demo", tmp_path / "c.xlsx")
    assert report.errors == [] and (report.created, report.updated) == (0, 0)
    assert report.unchanged > 0
