"""Write a new Alembic revision by comparing the models with the current head.

    python scripts/new_migration.py "add coupons" 0002

Review the file it writes: replace model types (UTCDateTime) by plain `sa.DateTime()`
so a migration never depends on today's model code.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from shopbuilder.core.migrations import alembic_config


def main() -> None:
    message, rev_id = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/head.db")
        command.upgrade(alembic_config(engine), "head")
        command.revision(alembic_config(engine), message=message, autogenerate=True, rev_id=rev_id)
    versions = Path(__file__).resolve().parent.parent / "shopbuilder/core/migrations/versions"
    for path in versions.glob(f"{rev_id}_*.py"):
        model_type = "shopbuilder.core.models.base.UTCDateTime()"
        text = path.read_text().replace(model_type, "sa.DateTime()")
        path.write_text(text)
        print("wrote", path)


if __name__ == "__main__":
    main()
