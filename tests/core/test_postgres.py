"""The same core behaviour on a real PostgreSQL server: nothing is SQLite-only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shopbuilder.core.migrations import current_revision, head_revision
from shopbuilder.core.storage import Workspace
from shopbuilder.demo import build_demo_shop
from tests.core import test_clone, test_commands, test_migrations, test_models, test_services
from tests.pg import fresh_database, postgres_server

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    with fresh_database(pg_server) as url:
        yield url


@pytest.fixture
def pg_workspace(pg_url: str, tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(pg_url, assets_dir=tmp_path / "assets")
    yield ws
    ws.close()


@pytest.fixture
def pg_demo(pg_workspace: Workspace) -> Workspace:
    with pg_workspace.session() as s:
        build_demo_shop(s)
    return pg_workspace


def test_migrates_to_head_and_matches_models(pg_workspace: Workspace) -> None:
    assert current_revision(pg_workspace.engine) == head_revision()
    test_migrations.test_models_match_the_migrations(pg_workspace)


def test_round_trip_and_optimistic_locking(pg_url: str, tmp_path: Path) -> None:
    test_models.test_shop_product_and_skus_round_trip_through_a_reopened_db(pg_url)
    ws = Workspace.open(pg_url, assets_dir=tmp_path / "a")
    try:
        with ws.session() as s:
            from shopbuilder.core.services.shops import delete_shop
            delete_shop(s, "acme")
        test_models.test_version_counter_detects_a_concurrent_edit(ws)
    finally:
        ws.close()


def test_rejected_edits_write_nothing(pg_workspace: Workspace) -> None:
    shop = test_services.shop.__wrapped__(pg_workspace)  # type: ignore[attr-defined]
    test_services.test_duplicate_sku_code_across_products(shop)
    test_services.test_list_price_below_price_only_allowed_for_msrp(shop)
    test_services.test_update_keeps_sku_rows_matched_by_code(shop)


def test_clone_and_undo(pg_demo: Workspace) -> None:
    test_clone.test_clone_copies_everything(pg_demo)
    test_commands.test_failing_macro_changes_nothing(pg_demo)
    test_commands.test_create_and_delete_are_undoable(pg_demo)
