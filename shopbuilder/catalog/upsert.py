"""Bulk reads and writes of a shop's catalogue with SQLAlchemy Core.

An import checks tens of thousands of products; the ORM's per-object flushes would
take minutes. Here the existing catalogue is loaded in one query per table, the diff
is computed in Python, and changes go out as executemany batches in the caller's
transaction (so a failure rolls everything back).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    JSON,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from shopbuilder.core.models import Category, PriceHistory, Product, Sku
from shopbuilder.core.timeutil import utcnow

P: Table = Product.__table__  # type: ignore[assignment]
S: Table = Sku.__table__  # type: ignore[assignment]
C: Table = Category.__table__  # type: ignore[assignment]
H: Table = PriceHistory.__table__  # type: ignore[assignment]

PRODUCT_COLS = ("title", "subtitle", "detail_html", "category_id", "tags", "images",
                "on_shelf", "sort_order", "options")
SKU_COLS = ("option_values", "price", "list_price", "list_price_label", "cost", "stock",
            "weight_g", "image")


# An existing SKU as a tuple: (id, product_id, code, *SKU_COLS); compact for 100k rows.
SKU_ID, SKU_PRODUCT, SKU_CODE, SKU_VALUES = 0, 1, 2, 3


@dataclass
class Existing:
    """The shop's catalogue as plain data, keyed by code."""

    products: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → columns + id
    product_codes_by_id: dict[int, str] = field(default_factory=dict)
    skus: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # code → SKU tuple
    skus_by_product: dict[int, list[str]] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)  # "top" / "top/sub" → id

    def sku(self, code: str) -> dict[str, Any] | None:
        row = self.skus.get(code)
        if row is None:
            return None
        return {"id": row[0], "product_id": row[1], "code": row[2],
                **dict(zip(SKU_COLS, row[SKU_VALUES:], strict=True))}


def _fetch(session: Session, query: Any, shop_id: int) -> list[Any]:
    """All rows of a one-parameter query. On SQLite straight from the driver's cursor (in
    the session's transaction): JSON columns come back as text, 100k rows in a blink."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return list(session.execute(query))
    sql = str(query.compile(dialect=conn.dialect))
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        return cursor.execute(sql, (shop_id,)).fetchall()
    finally:
        cursor.close()


def load_existing(session: Session, shop_id: int) -> Existing:
    ex = Existing()
    decoded: dict[str, Any] = {}  # JSON text → value, decoded once (they repeat a lot)

    def value(v: Any) -> Any:
        if isinstance(v, str):
            found = decoded.get(v)
            if found is None:
                found = decoded[v] = json.loads(v)
            return found
        return v

    names = ("id", "code", *PRODUCT_COLS)
    json_names = [n for n in names if isinstance(P.c[n].type, JSON)]
    query = select(*(type_coerce(P.c[n], String) if n in json_names else P.c[n] for n in names)
                   ).where(P.c.shop_id == shop_id)
    for row in _fetch(session, query, shop_id):
        d = dict(zip(names, row, strict=True))
        for n in json_names:
            d[n] = value(d[n])
        d["on_shelf"] = bool(d["on_shelf"])
        ex.products[d["code"]] = d
        ex.product_codes_by_id[d["id"]] = d["code"]
    # option_values as stored text, decoded once per distinct text (they repeat a lot)
    cols = [S.c.id, S.c.product_id, S.c.code, type_coerce(S.c.option_values, String),
            *(S.c[c] for c in SKU_COLS[1:])]
    query = select(*cols).where(S.c.shop_id == shop_id).order_by(S.c.product_id, S.c.id)
    raw_rows = _fetch(session, query, shop_id)
    if raw_rows and isinstance(raw_rows[0][SKU_VALUES], str):  # JSON as text (SQLite)
        texts = {t: json.loads(t) for t in set(map(itemgetter(SKU_VALUES), raw_rows))}
        rows = [(*row[:SKU_VALUES], texts[row[SKU_VALUES]], *row[SKU_VALUES + 1:])
                for row in raw_rows]
    else:  # the driver decoded JSON already
        rows = [tuple(row) for row in raw_rows]
    ex.skus = dict(zip(map(itemgetter(2), rows), rows, strict=True))
    for pid, group in groupby(rows, key=itemgetter(1)):  # ordered by product
        ex.skus_by_product[pid] = list(map(itemgetter(2), group))
    ex.categories = load_existing_categories(session, shop_id)
    return ex


@dataclass
class Plan:
    """Rows to write. Product rows carry `code`; SKU rows carry `product_code` until
    the new products have ids."""

    new_products: list[dict[str, Any]] = field(default_factory=list)
    changed_products: list[dict[str, Any]] = field(default_factory=list)
    new_skus: list[tuple[str, str, tuple[Any, ...]]] = field(default_factory=list)
    # ↑ (product code, SKU code, values in SKU_COLS order)
    changed_skus: list[dict[str, Any]] = field(default_factory=list)
    removed_sku_ids: list[int] = field(default_factory=list)
    repriced: list[tuple[int, int, int | None]] = field(default_factory=list)
    # ↑ (SKU id, price, list price) of changed SKUs whose price moved: price history
    category_paths: set[str] = field(default_factory=set)  # to create first

    def __bool__(self) -> bool:
        return bool(self.new_products or self.changed_products or self.new_skus
                    or self.changed_skus or self.removed_sku_ids or self.category_paths)


def _chunks(items: list[Any], n: int = 500) -> list[list[Any]]:
    return [items[i:i + n] for i in range(0, len(items), n)]


def create_categories(session: Session, shop_id: int, paths: set[str],
                      existing: Existing) -> None:
    """Create the missing "top" / "top/sub" categories (names checked by the caller)."""
    now = utcnow()
    conn = session.connection()
    for level in (1, 2):
        wanted = sorted({"/".join(p.split("/")[:level]) for p in paths
                         if p.count("/") + 1 >= level} - set(existing.categories))
        if not wanted:
            continue
        conn.execute(insert(C), [
            {"shop_id": shop_id, "name": w.split("/")[-1], "sort_order": 0,
             "parent_id": existing.categories[w.split("/")[0]] if level == 2 else None,
             "created_at": now, "updated_at": now, "version": 1} for w in wanted])
        fresh = load_existing_categories(session, shop_id)
        existing.categories.update(fresh)


def load_existing_categories(session: Session, shop_id: int) -> dict[str, int]:
    cats = session.execute(select(C.c.id, C.c.parent_id, C.c.name)
                           .where(C.c.shop_id == shop_id)).all()
    names = {c.id: c.name for c in cats}
    return {c.name if c.parent_id is None else f"{names.get(c.parent_id, '')}/{c.name}": c.id
            for c in cats}


def _sqlite_time(when: datetime) -> str:
    return when.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _insert_many(session: Session, table: Table, rows: list[dict[str, Any]],
                 names: tuple[str, ...], const: dict[str, Any]) -> None:
    """executemany of `names` taken from each row plus constant columns. On SQLite it goes
    straight to the driver with values pre-serialised as SQLAlchemy stores them (JSON
    text, naive-UTC datetime text): its per-row bind processing is most of the time at
    100k rows. Other backends take the plain Core path."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), [{**{n: r[n] for n in names}, **const} for r in rows])
        return
    const = {k: _sqlite_time(v) if isinstance(v, datetime) else v for k, v in const.items()}
    columns = (*names, *const)
    tail = tuple(const.values())
    getter = itemgetter(*names)
    json_at = [i for i, n in enumerate(names) if isinstance(table.c[n].type, JSON)]
    cache: dict[tuple[Any, ...], str] = {}
    params = []
    for r in rows:
        values = list(getter(r))
        for i in json_at:
            v = values[i]
            try:  # lists of text repeat (option values): serialise each once
                key = tuple(v)
                text = cache.get(key)
                if text is None:
                    text = cache[key] = json.dumps(v)  # as SQLAlchemy's JSON type writes it
            except TypeError:  # dicts inside: not hashable
                text = json.dumps(v)
            values[i] = text
        params.append((*values, *tail))
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' for _ in columns)})")
    conn.exec_driver_sql(sql, params)


SKU_INSERT_COLS = ("product_id", "code", *SKU_COLS)


def _insert_skus(session: Session, rows: list[tuple[Any, ...]], const: dict[str, Any]) -> None:
    """New SKUs as (product_id, code, *SKU_COLS) tuples; see `_insert_many`."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        conn.execute(insert(S), [{**dict(zip(SKU_INSERT_COLS, r, strict=True)), **const}
                                 for r in rows])
        return
    tail = tuple(_sqlite_time(v) if isinstance(v, datetime) else v for v in const.values())
    texts: dict[tuple[str, ...], str] = {}
    params = []
    for r in rows:
        key = tuple(r[2])  # option values: few distinct lists, serialised once each
        text = texts.get(key)
        if text is None:
            text = texts[key] = json.dumps(r[2])
        params.append((r[0], r[1], text, *r[3:], *tail))
    columns = (*SKU_INSERT_COLS, *const)
    conn.exec_driver_sql(f"INSERT INTO {S.name} ({', '.join(columns)}) "
                         f"VALUES ({', '.join('?' for _ in columns)})", params)


def write_plan(session: Session, shop_id: int, plan: Plan) -> None:
    """Execute a plan in the session's transaction; ORM objects are expired after."""
    now = utcnow()
    conn = session.connection()
    stamps = {"shop_id": shop_id, "created_at": now, "updated_at": now, "version": 1}
    _insert_many(session, P, plan.new_products, ("code", *PRODUCT_COLS), stamps)
    if plan.changed_products:
        stmt = (update(P).where(P.c.id == bindparam("b_id"))
                .values({**{c: bindparam(c) for c in PRODUCT_COLS},
                         "version": P.c.version + 1, "updated_at": now}))
        conn.execute(stmt, [{"b_id": r["id"], **{c: r[c] for c in PRODUCT_COLS}}
                            for r in plan.changed_products])
    for chunk in _chunks(plan.removed_sku_ids):
        conn.execute(delete(S).where(S.c.id.in_(chunk)))
    if plan.new_skus:
        ids = {code: pid for pid, code in
               conn.execute(select(P.c.id, P.c.code).where(P.c.shop_id == shop_id))}
        before = conn.execute(select(func.max(S.c.id))).scalar() or 0
        _insert_skus(session, [(ids[pcode], code, *values)
                               for pcode, code, values in plan.new_skus], stamps)
        # every new SKU starts its price history; new ids are all above `before`
        conn.execute(insert(H).from_select(
            ["shop_id", "sku_id", "price", "list_price", "recorded_at"],
            select(S.c.shop_id, S.c.id, S.c.price, S.c.list_price,
                   literal(now, H.c.recorded_at.type))
            .where(S.c.shop_id == shop_id, S.c.id > before)))
    if plan.changed_skus:
        stmt = (update(S).where(S.c.id == bindparam("b_id"))
                .values({**{c: bindparam(c) for c in SKU_COLS},
                         "version": S.c.version + 1, "updated_at": now}))
        conn.execute(stmt, [{"b_id": r["id"], **{c: r[c] for c in SKU_COLS}}
                            for r in plan.changed_skus])
    if plan.repriced:
        conn.execute(insert(H), [{"shop_id": shop_id, "sku_id": sid, "price": price,
                                  "list_price": lp, "recorded_at": now}
                                 for sid, price, lp in plan.repriced])
    session.expire_all()
