"""Alembic migrations, applied whenever a workspace is opened.

Before an existing SQLite file is migrated it is copied to a timestamped backup,
so a failed or unwanted upgrade never costs data.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, url: str, target: str = "head") -> Path | None:
    """Bring the database to `target`; returns the backup made, if any."""
    from shopbuilder.core.storage import backup_sqlite, sqlite_path

    current = current_revision(engine)
    wanted = head_revision() if target == "head" else target
    if current == wanted:
        return None
    backup = None
    path = sqlite_path(url)
    if current is not None and path is not None and path.exists():
        engine.dispose()
        backup = backup_sqlite(path)
    command.upgrade(alembic_config(engine), target)
    return backup
