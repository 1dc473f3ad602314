"""Migrations: empty → head, an old release's DB → head with nothing lost, and the
models never drift from what the migrations create."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from shopbuilder.core.migrations import current_revision, head_revision
from shopbuilder.core.models import Base, PriceHistory, Shop, Sku
from shopbuilder.core.services import products as psvc
from shopbuilder.core.storage import Workspace

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "rev0001.db"


def test_empty_database_migrates_to_head(db_url: str) -> None:
    ws = Workspace.open(db_url)
    assert current_revision(ws.engine) == head_revision()
    assert {"shops", "products", "skus", "price_history", "assets"} <= set(ws.table_names())
    assert ws.backup_path is None  # nothing to back up in a new file
    ws.close()


def test_models_match_the_migrations(workspace: Workspace) -> None:
    with workspace.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_first_release_database_opens_with_nothing_lost(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, path)
    with sqlite3.connect(path) as c:
        assert c.execute("select version_num from alembic_version").fetchone() == ("0001",)
    ws = Workspace.open(f"sqlite:///{path}")
    try:
        assert current_revision(ws.engine) == head_revision()
        if head_revision() != "0001":
            assert ws.backup_path is not None and ws.backup_path.exists()
            with sqlite3.connect(ws.backup_path) as c:
                assert c.execute("select count(*) from skus").fetchone() == (2,)
        with ws.session() as s:
            shop = s.scalar(select(Shop).where(Shop.slug == "oldshop"))
            assert shop is not None and shop.name == "老店" and shop.version == 3
            assert shop.tab_bar[0] == {"page": "home", "label": "首页"}
            product = psvc.get_product(s, "oldshop", "TEA-1")
            assert psvc.category_path(product.category) == "茶叶/绿茶"
            prices = {k.code: (k.price, k.list_price, k.cost) for k in product.skus}
            assert prices == {"TEA-1-100": (12800, 16800, 6000), "TEA-1-250": (29800, None, None)}
            sku = s.scalar(select(Sku).where(Sku.code == "TEA-1-100"))
            assert sku is not None
            assert [h.price for h in psvc.price_history(s, sku.id)] == [13800, 12800]
            assert s.query(PriceHistory).count() == 3
            # and it is still editable through the services
            psvc.set_sku_price(s, "oldshop", "TEA-1-250", price=27800)
    finally:
        ws.close()


def test_backup_is_made_before_migrating(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Even when head is the first revision, an older-looking DB gets backed up first."""
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, path)
    with sqlite3.connect(path) as c:
        c.execute("update alembic_version set version_num = '0001'")
    import shopbuilder.core.migrations as m

    monkeypatch.setattr(m, "head_revision", lambda: "not-0001")
    calls: list[str] = []
    monkeypatch.setattr(m.command, "upgrade", lambda cfg, target: calls.append(target))
    engine_url = f"sqlite:///{path}"
    from shopbuilder.core.storage import make_engine

    engine = make_engine(engine_url)
    backup = m.upgrade(engine, engine_url)
    assert calls == ["head"]
    assert backup is not None and backup.exists() and backup.name.startswith("old.db.")
    with sqlite3.connect(backup) as c:
        assert c.execute("select name from shops").fetchall() == [("老店",)]
    engine.dispose()
