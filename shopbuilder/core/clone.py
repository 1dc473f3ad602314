"""Copy every row of a shop, generically.

Rule that makes this work: every shop-owned table has a `shop_id` column, and rows
refer to each other by foreign keys (or, inside JSON, by stable codes/keys, never by
row ids). So a table added by a later feature is cloned without touching this file.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from shopbuilder.core.models import Base
from shopbuilder.core.timeutil import utcnow


def shop_tables() -> list[Table]:
    """Tables holding what a shop *is* besides its own row, parents before children:
    what a clone copies and what a bundle is built from. A table of things done *to*
    the shop (its publishes) says so with ``__table_args__ = {"info": {"history": True}}``:
    a clone does not copy it, and a new row in it is no edit of the shop (the bundle's
    build time, and so its bytes, stay the same)."""
    return [t for t in Base.metadata.sorted_tables
            if "shop_id" in t.c and t.name != "shops" and not t.info.get("history", False)]


def copy_shop_rows(session: Session, source_id: int, new_slug: str, new_name: str) -> int:
    shops = Base.metadata.tables["shops"]
    now = utcnow()
    row = dict(session.execute(select(shops).where(shops.c.id == source_id)).mappings().one())
    row.pop("id")
    row.update(slug=new_slug, name=new_name, created_at=now, updated_at=now, version=1)
    new_shop_id = session.execute(insert(shops).values(**row).returning(shops.c.id)).scalar_one()

    id_maps: dict[str, dict[int, int]] = {"shops": {source_id: new_shop_id}}
    for table in shop_tables():
        id_maps[table.name] = _copy_table(session, table, source_id, id_maps, now)
    session.expire_all()
    return new_shop_id


def _copy_table(session: Session, table: Table, source_id: int,
                id_maps: dict[str, dict[int, int]], now: Any) -> dict[int, int]:
    pk = next(iter(table.primary_key.columns))
    remap: dict[str, str] = {}  # column → referenced table, for ids that must be remapped
    self_refs: list[str] = []
    for fk in table.foreign_keys:
        target = fk.column.table.name
        if target == table.name:
            self_refs.append(fk.parent.name)
        elif target in id_maps or fk.column.table in shop_tables():
            remap[fk.parent.name] = target
    mapping: dict[int, int] = {}
    deferred: list[tuple[int, dict[str, Any]]] = []
    rows = session.execute(
        select(table).where(table.c.shop_id == source_id).order_by(pk)
    ).mappings().all()
    for original in rows:
        values = dict(original)
        old_id = values.pop(pk.name)
        for column, target in remap.items():
            if values[column] is not None:
                values[column] = id_maps[target][values[column]]
        later = {col: values[col] for col in self_refs if values[col] is not None}
        for col in later:
            values[col] = None
        if "created_at" in table.c:
            values["created_at"] = now
        if "updated_at" in table.c:
            values["updated_at"] = now
        if "version" in table.c:
            values["version"] = 1
        values["shop_id"] = id_maps["shops"][source_id]
        new_id = session.execute(insert(table).values(**values).returning(pk)).scalar_one()
        mapping[old_id] = new_id
        if later:
            deferred.append((new_id, later))
    for new_id, refs in deferred:
        session.execute(update(table).where(pk == new_id)
                        .values(**{col: mapping[old] for col, old in refs.items()}))
    return mapping
