"""Alembic migrations, applied whenever a workspace is opened.

Before an existing SQLite file is migrated it is copied to a timestamped backup,
so a failed or unwanted upgrade never costs data.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent
_REVISION_RE = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([^'\"\s]*)['\"]?", re.M)


def __getattr__(name: str) -> object:
    """`command` (alembic.command) is loaded on first use, and kept as an attribute."""
    if name == "command":
        from alembic import command

        globals()["command"] = command
        return command
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, url: str, target: str = "head") -> Path | None:
    """Bring the database to `target`; returns the backup made, if any."""
    from shopbuilder.core.storage import backup_sqlite, sqlite_path

    command = __getattr__("command")

    if target == "head" and _at_head_fast(engine):
        return None
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


def _head_from_files() -> str | None:
    """The single head, read from the version files' text (no Alembic import: opening
    an up-to-date workspace at start-up should not pay for loading Alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((k, v) for k, v in _REVISION_RE.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            if found.get("down_revision") not in (None, "", "None"):
                parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_head_fast(engine: Engine) -> bool:
    """True when the database's version row already names the head; any doubt → False
    and the full Alembic path decides."""
    head = _head_from_files()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except Exception:  # no version table yet, or a backend quirk
        return False
    return [r[0] for r in rows] == [head]
