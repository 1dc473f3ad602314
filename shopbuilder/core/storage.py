"""Opening a workspace: the database (migrated on open) and the asset store.

SQLite in the user data dir is the default; any SQLAlchemy URL works through
``--db URL`` or ``SHOPBUILDER_DB``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from shopbuilder.core.assets import AssetStore
from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.core.timeutil import utcnow

APP_NAME = "shopbuilder"
DB_ENV = "SHOPBUILDER_DB"
ASSETS_ENV = "SHOPBUILDER_ASSETS"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_url() -> str:
    return os.environ.get(DB_ENV) or f"sqlite:///{user_data_dir() / 'workspace.db'}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, None for other backends and in-memory DBs."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def default_assets_dir(url: str) -> Path:
    """Assets live beside a SQLite file (``x.db`` → ``x.assets/``), else in the data dir."""
    if os.environ.get(ASSETS_ENV):
        return Path(os.environ[ASSETS_ENV])
    path = sqlite_path(url)
    if path is not None:
        return path.with_name(path.name + ".assets")
    return user_data_dir() / "assets"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def backup_sqlite(path: Path) -> Path:
    """Copy a SQLite file (after checkpointing its WAL) to ``name.YYYYmmddTHHMMSSZ.bak``."""
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.{stamp}.bak")
    import sqlite3

    with sqlite3.connect(path) as source, sqlite3.connect(target) as dest:
        source.backup(dest)
    source.close()
    dest.close()
    return target


@dataclass
class Workspace:
    """An open workspace: one database, one asset store, many shops."""

    url: str
    engine: Engine
    assets: AssetStore
    session_factory: sessionmaker[Session]
    backup_path: Path | None = None  # set when opening migrated an existing SQLite file

    @classmethod
    def open(cls, url: str | None = None, assets_dir: Path | None = None,
             migrate: bool = True) -> Workspace:
        from shopbuilder.core import migrations

        url = url or default_db_url()
        try:
            engine = make_engine(url)
        except Exception as exc:  # bad URL, missing driver
            raise ShopBuilderError(f"cannot open database {url!r}: {exc}") from exc
        backup = migrations.upgrade(engine, url) if migrate else None
        store = AssetStore(assets_dir or default_assets_dir(url))
        factory = sessionmaker(engine, expire_on_commit=False)
        return cls(url, engine, store, factory, backup)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on any error."""
        session = self.session_factory()
        session.info["workspace"] = self
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()


def workspace_of(session: Session) -> Workspace:
    ws = session.info.get("workspace")
    if ws is None:
        raise RuntimeError("session was not opened through Workspace.session()")
    return ws


def copy_file_atomic(src: Path, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.tmp")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)
