"""Read-only SQL behind the product table: filtering and sorting happen in the
database, so the table holds only the ordered ids of the matching products and a
small cache of the rows on screen (100,000 SKUs stay smooth).

No Qt here. Every write goes through the core services and commands instead.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from shopbuilder.core.models import Category, Product, Sku

SORT_KEYS = ("code", "title", "category", "status", "price", "stock", "skus")


@dataclass(frozen=True)
class ProductFilter:
    text: str = ""
    category_id: int | None = None  # a top category includes its subcategories
    on_shelf: bool | None = None


@dataclass(frozen=True)
class ProductRow:
    """One line of the table: plain data, never a live ORM object."""

    id: int
    code: str
    title: str
    category: str
    on_shelf: bool
    min_price: int
    max_price: int
    stock: int
    sku_count: int
    image: str | None


@dataclass(frozen=True)
class CategoryChoice:
    id: int
    path: str  # "服饰" or "服饰/上衣"
    top: bool


def shop_id(session: Session, slug: str) -> int:
    from shopbuilder.core.services.shops import get_shop

    return get_shop(session, slug).id


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _sku_totals(sid: int) -> Any:
    return (select(Sku.product_id.label("pid"), func.min(Sku.price).label("min_price"),
                   func.sum(Sku.stock).label("stock"), func.count().label("n"))
            .where(Sku.shop_id == sid).group_by(Sku.product_id).subquery())


def _contains(column: Any, pattern: str, sqlite: bool) -> Any:
    # SQLite's LIKE ignores ASCII case already; lower() on both sides would cost a third
    # of a 100,000-row scan. Other databases get ILIKE.
    if sqlite:
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def _filtered(query: Select[Any], sid: int, flt: ProductFilter,
              sqlite: bool = True) -> Select[Any]:
    query = query.where(Product.shop_id == sid)
    text = flt.text.strip()
    if text:
        pattern = _like(text)
        sku_match = select(Sku.product_id).where(
            Sku.shop_id == sid, _contains(Sku.code, pattern, sqlite))
        query = query.where(or_(_contains(Product.code, pattern, sqlite),
                                _contains(Product.title, pattern, sqlite),
                                Product.id.in_(sku_match)))
    if flt.category_id is not None:
        children = select(Category.id).where(Category.parent_id == flt.category_id)
        query = query.where(or_(Product.category_id == flt.category_id,
                                Product.category_id.in_(children)))
    if flt.on_shelf is not None:
        query = query.where(Product.on_shelf.is_(flt.on_shelf))
    return query


def product_ids(session: Session, sid: int, flt: ProductFilter, sort_key: str | None = None,
                descending: bool = False, limit: int | None = None) -> array[int]:
    """The ids of the matching products in display order (default: the shop's order)."""
    sqlite = _is_sqlite(session)
    query = _filtered(select(Product.id), sid, flt, sqlite)
    order: list[Any] = []
    if sort_key in ("price", "stock", "skus"):
        totals = _sku_totals(sid)
        query = query.outerjoin(totals, totals.c.pid == Product.id)
        order.append({"price": totals.c.min_price, "stock": totals.c.stock,
                      "skus": totals.c.n}[sort_key])
    elif sort_key == "category":
        cat, parent = aliased(Category), aliased(Category)
        query = (query.outerjoin(cat, cat.id == Product.category_id)
                 .outerjoin(parent, parent.id == cat.parent_id))
        order += [func.coalesce(parent.name, cat.name), cat.name]
    elif sort_key in ("code", "title"):
        order.append(getattr(Product, sort_key))
    elif sort_key == "status":
        order.append(Product.on_shelf)
    if descending:
        order = [o.desc() for o in order]
    query = query.order_by(*order, Product.sort_order, Product.id)
    if limit is not None:
        query = query.limit(limit)
    return _id_array(session, query)


def _is_sqlite(session: Session) -> bool:
    bind = session.get_bind()
    return bind.dialect.name == "sqlite"


def _id_array(session: Session, query: Select[Any]) -> array[int]:
    """Run a one-column id query straight on the DB-API cursor: for 100,000 ids the
    ORM's row objects cost more than the query itself."""
    compiled = query.compile(dialect=session.get_bind().dialect)
    params: Any = compiled.params
    if compiled.positiontup is not None:
        params = [params[name] for name in compiled.positiontup]
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return array("q", (row[0] for row in cursor.fetchall()))
    finally:
        cursor.close()


def count_matching(session: Session, sid: int, flt: ProductFilter) -> int:
    query = _filtered(select(func.count(Product.id)), sid, flt, _is_sqlite(session))
    return session.scalar(query) or 0


def product_rows(session: Session, ids: list[int]) -> dict[int, ProductRow]:
    """The rows for `ids` in two queries (products, then SKU totals)."""
    if not ids:
        return {}
    cat, parent = aliased(Category), aliased(Category)
    products = session.execute(
        select(Product.id, Product.code, Product.title, Product.on_shelf, Product.images,
               cat.name, parent.name)
        .outerjoin(cat, cat.id == Product.category_id)
        .outerjoin(parent, parent.id == cat.parent_id)
        .where(Product.id.in_(ids))).all()
    totals = {pid: (lo, hi, stock, n) for pid, lo, hi, stock, n in session.execute(
        select(Sku.product_id, func.min(Sku.price), func.max(Sku.price),
               func.sum(Sku.stock), func.count())
        .where(Sku.product_id.in_(ids)).group_by(Sku.product_id))}
    rows = {}
    for pid, code, title, on_shelf, images, cat_name, parent_name in products:
        lo, hi, stock, n = totals.get(pid, (0, 0, 0, 0))
        path = f"{parent_name}/{cat_name}" if parent_name else (cat_name or "")
        rows[pid] = ProductRow(pid, code, title, path, bool(on_shelf), lo or 0, hi or 0,
                               int(stock or 0), n, images[0] if images else None)
    return rows


def category_choices(session: Session, sid: int) -> list[CategoryChoice]:
    """Top categories each followed by their children, in the shop's order."""
    rows = session.execute(select(Category.id, Category.name, Category.parent_id)
                           .where(Category.shop_id == sid)
                           .order_by(Category.sort_order, Category.id)).all()
    names = {cid: name for cid, name, _p in rows}
    out = []
    for cid, name, parent in rows:
        if parent is None:
            out.append(CategoryChoice(cid, name, True))
            out += [CategoryChoice(c, f"{name}/{n}", False) for c, n, p in rows if p == cid]
    known = {c.id for c in out}
    out += [CategoryChoice(c, f"{names.get(p, '?')}/{n}", False)
            for c, n, p in rows if c not in known]
    return out



def head_ids(session: Session, sid: int, flt: ProductFilter, sort_key: str | None,
             descending: bool, limit: int) -> tuple[int, array[int]]:
    """How many products match, and the first `limit` ids: enough for the first screen,
    much sooner than sorting every id of a 100,000-product shop."""
    count = count_matching(session, sid, flt)
    return count, product_ids(session, sid, flt, sort_key, descending, limit)


def search_texts(session: Session, sid: int) -> dict[int, str]:
    """Product id → its code, title and SKU codes, case-folded: what the table's search
    looks in, so a search can run in memory instead of scanning two tables."""
    texts = {pid: f"{code}\n{title}".casefold() for pid, code, title in session.execute(
        select(Product.id, Product.code, Product.title).where(Product.shop_id == sid))}
    parts: dict[int, list[str]] = {}
    for pid, code in session.execute(select(Sku.product_id, Sku.code).where(Sku.shop_id == sid)):
        parts.setdefault(pid, []).append(code.casefold())
    for pid, codes in parts.items():
        if pid in texts:
            texts[pid] += "\n" + "\n".join(codes)
    return texts
