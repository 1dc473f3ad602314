"""Categories, products and SKUs. Prices are integer fen; every price change is
recorded in the price history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from shopbuilder.core import validation as v
from shopbuilder.core.errors import Collector, ConflictError, NotFoundError, ValidationError
from shopbuilder.core.models import (
    LIST_PRICE_LABELS,
    MAX_OPTIONS,
    Asset,
    Category,
    PriceHistory,
    Product,
    Shop,
    Sku,
)
from shopbuilder.core.services.shops import get_shop
from shopbuilder.core.timeutil import utcnow
from shopbuilder.i18n import _

# ---------------------------------------------------------------- categories


def create_category(session: Session, slug: str, name: str, parent: str | None = None,
                    sort_order: int = 0) -> Category:
    """`parent` is the top category's name; categories have two levels."""
    shop = get_shop(session, slug)
    c = Collector()
    v.text(c, "name", name, max_len=40)
    c.raise_if_any()
    parent_row = None
    if parent is not None:
        parent_row = find_category(session, shop, parent, None)
        if parent_row is None:
            raise ValidationError("parent", _("no top category {name!r}").format(name=parent))
    if find_category(session, shop, name, parent_row) is not None:
        raise ValidationError("name", _("category {name!r} exists already").format(name=name))
    row = Category(shop_id=shop.id, name=name.strip(), sort_order=sort_order,
                   parent_id=parent_row.id if parent_row else None)
    session.add(row)
    session.flush()
    return row


def find_category(session: Session, shop: Shop, name: str,
                  parent: Category | None) -> Category | None:
    query = select(Category).where(Category.shop_id == shop.id, Category.name == name.strip())
    query = query.where(Category.parent_id == parent.id if parent else Category.parent_id.is_(None))
    return session.scalar(query)


def ensure_category_path(session: Session, slug: str, path: str) -> Category:
    """``"一级/二级"`` → the second-level category, creating either level if needed."""
    parts = [p.strip() for p in path.split("/") if p.strip()]
    if not 1 <= len(parts) <= 2:
        raise ValidationError("category", _(
            "a category is 'top' or 'top/sub' (two levels at most), got {path!r}"
        ).format(path=path))
    shop = get_shop(session, slug)
    top = find_category(session, shop, parts[0], None) or create_category(session, slug, parts[0])
    if len(parts) == 1:
        return top
    return find_category(session, shop, parts[1], top) or create_category(
        session, slug, parts[1], parent=parts[0])


def list_categories(session: Session, slug: str) -> list[Category]:
    shop = get_shop(session, slug)
    return list(session.scalars(select(Category).where(Category.shop_id == shop.id)
                                .order_by(Category.parent_id.is_not(None), Category.sort_order,
                                          Category.id)))


def category_path(category: Category | None) -> str:
    if category is None:
        return ""
    return f"{category.parent.name}/{category.name}" if category.parent else category.name


# ---------------------------------------------------------------- products


@dataclass
class OptionData:
    name: str
    values: list[str]


@dataclass
class SkuData:
    code: str
    price: int
    stock: int = 0
    option_values: list[str] = field(default_factory=list)
    list_price: int | None = None
    list_price_label: str = "plain"
    cost: int | None = None
    weight_g: int | None = None
    image: str | None = None


@dataclass
class ProductData:
    code: str
    title: str
    skus: list[SkuData]
    subtitle: str = ""
    detail_html: str = ""
    category_id: int | None = None
    tags: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    on_shelf: bool = True
    sort_order: int = 0
    options: list[OptionData] = field(default_factory=list)


SKU_FIELDS = tuple(SkuData.__dataclass_fields__)


def product_data(product: Product) -> ProductData:
    """The editable state of a product, for editors and undo."""
    return ProductData(
        code=product.code, title=product.title, subtitle=product.subtitle,
        detail_html=product.detail_html, category_id=product.category_id,
        tags=list(product.tags), images=list(product.images), on_shelf=product.on_shelf,
        sort_order=product.sort_order,
        options=[OptionData(o["name"], list(o["values"])) for o in product.options],
        skus=[SkuData(**{f: _copy(getattr(s, f)) for f in SKU_FIELDS}) for s in product.skus],
    )


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def validate_product(session: Session, shop: Shop, data: ProductData,
                     product_id: int | None = None) -> None:
    """Every rule a product must meet; raises with all issues at once."""
    c = Collector()
    check_product(c, data)
    if isinstance(data.code, str) and data.code.strip():
        clash = session.scalar(select(Product.id).where(
            Product.shop_id == shop.id, Product.code == data.code.strip()))
        if clash is not None and clash != product_id:
            c.add("code", _("product code {code!r} is used by another product").format(
                code=data.code))
    if data.category_id is not None:
        cat = session.get(Category, data.category_id)
        if cat is None or cat.shop_id != shop.id:
            c.add("category_id", _("no such category in this shop"))
    _validate_assets(session, c, "images", data.images)
    for i, sku in enumerate(data.skus):
        if sku.image is not None:
            _validate_assets(session, c, f"skus[{i}].image", [sku.image])
    _validate_sku_codes_free(session, c, shop, data, product_id)
    c.raise_if_any()


def check_product(c: Collector, data: ProductData) -> None:
    """The rules that need no database, so bulk imports can check many products
    without a query each (they do the lookups themselves, in one query)."""
    v.text(c, "code", data.code, max_len=64)
    v.text(c, "title", data.title, max_len=120)
    v.text(c, "subtitle", data.subtitle, max_len=200, required=False)
    for i, tag in enumerate(data.tags):
        v.text(c, f"tags[{i}]", tag, max_len=20)
    _validate_options(c, data.options)
    _validate_skus(c, data)


def _validate_assets(session: Session, c: Collector, path: str, shas: list[str]) -> None:
    if not shas:
        return
    found = set(session.scalars(select(Asset.sha256).where(Asset.sha256.in_(shas))))
    for i, sha in enumerate(shas):
        if sha not in found:
            c.add(f"{path}[{i}]", _("no such image in the workspace"))


def _validate_options(c: Collector, options: list[OptionData]) -> None:
    if len(options) > MAX_OPTIONS:
        c.add("options", _("at most {n} options (颜色, 尺码 …), got {m}").format(
            n=MAX_OPTIONS, m=len(options)))
    names: set[str] = set()
    for i, opt in enumerate(options):
        v.text(c, f"options[{i}].name", opt.name, max_len=20)
        if opt.name in names:
            c.add(f"options[{i}].name", _("option {name!r} appears twice").format(name=opt.name))
        names.add(opt.name)
        if not opt.values:
            c.add(f"options[{i}].values", _("an option needs at least one value"))
        seen: set[str] = set()
        for j, value in enumerate(opt.values):
            if not (type(value) is str and len(value) <= 40 and value.strip()):  # else fine
                v.text(c, f"options[{i}].values[{j}]", value, max_len=40)
            if value in seen:
                c.add(f"options[{i}].values[{j}]", _("value {value!r} appears twice").format(
                    value=value))
            seen.add(value)


def _validate_skus(c: Collector, data: ProductData) -> None:
    if not data.skus:
        c.add("skus", _("a product needs at least one SKU"))
    if not data.options and len(data.skus) > 1:
        c.add("skus", _("a product without options has exactly one SKU"))
    codes: dict[str, int] = {}
    combos: dict[tuple[str, ...], int] = {}
    try:
        allowed: list[set[str]] | None = [set(o.values) for o in data.options]
    except TypeError:  # unhashable junk in values: the full checks report it
        allowed = None
    for i, sku in enumerate(data.skus):
        try:
            plain = allowed is not None and _plain_sku(sku, allowed, data.on_shelf)
        except TypeError:  # unhashable junk in option values: the full checks say so
            plain = False
        if plain and sku.code not in codes:
            combo = tuple(sku.option_values)
            if combo not in combos:  # the common case, checked fast (bulk imports)
                codes[sku.code] = combos[combo] = i
                continue
        p = f"skus[{i}]"
        v.text(c, f"{p}.code", sku.code, max_len=64)
        if sku.code in codes:
            c.add(f"{p}.code", _("SKU code {code!r} is used twice in this product").format(
                code=sku.code))
        codes[sku.code] = i
        if len(sku.option_values) != len(data.options):
            c.add(f"{p}.option_values", _("needs one value for each of the {n} options").format(
                n=len(data.options)))
        else:
            for j, (value, opt) in enumerate(zip(sku.option_values, data.options, strict=True)):
                if value not in opt.values:
                    c.add(f"{p}.option_values[{j}]", _("{value!r} is not a value of {name}").format(
                        value=value, name=opt.name))
            combo = tuple(sku.option_values)
            if combo in combos:
                c.add(f"{p}.option_values", _("the same options as skus[{j}]").format(
                    j=combos[combo]))
            combos[combo] = i
        if v.whole(c, f"{p}.price", sku.price) and sku.price == 0 and data.on_shelf:
            c.add(f"{p}.price", _("an on-shelf SKU cannot cost 0"))
        v.whole(c, f"{p}.stock", sku.stock)
        v.whole(c, f"{p}.cost", sku.cost, optional=True)
        v.whole(c, f"{p}.weight_g", sku.weight_g, optional=True)
        if sku.list_price_label not in LIST_PRICE_LABELS:
            c.add(f"{p}.list_price_label", _("must be one of {labels}").format(
                labels=", ".join(LIST_PRICE_LABELS)))
        if (v.whole(c, f"{p}.list_price", sku.list_price, optional=True)
                and sku.list_price is not None and isinstance(sku.price, int)
                and sku.list_price_label == "plain" and sku.list_price < sku.price):
            c.add(f"{p}.list_price", _("the list price (划线价) is below the price"))


def _plain_sku(sku: SkuData, allowed: list[set[str]], on_shelf: bool) -> bool:
    """True when a SKU certainly passes every per-SKU rule below, so the full checks
    (which build a path string per field) can be skipped; same verdicts, faster.
    (Inline checks: bulk imports run this 100k times.)"""
    code, price, stock, cost, weight, lp = (sku.code, sku.price, sku.stock, sku.cost,
                                            sku.weight_g, sku.list_price)
    return (type(code) is str and 0 < len(code) <= 64 and bool(code.strip())
            and type(price) is int and (price > 0 or (price == 0 and not on_shelf))
            and type(stock) is int and stock >= 0
            and (cost is None or (type(cost) is int and cost >= 0))
            and (weight is None or (type(weight) is int and weight >= 0))
            and sku.list_price_label in LIST_PRICE_LABELS
            and (lp is None or (type(lp) is int and lp >= 0 and (
                lp >= price or sku.list_price_label != "plain")))
            and len(sku.option_values) == len(allowed)
            and all(map(set.__contains__, allowed, sku.option_values)))


def _validate_sku_codes_free(session: Session, c: Collector, shop: Shop, data: ProductData,
                             product_id: int | None) -> None:
    codes = {sku.code: i for i, sku in enumerate(data.skus)}
    if codes:
        taken = session.execute(select(Sku.code, Sku.product_id).where(
            Sku.shop_id == shop.id, Sku.code.in_(list(codes)))).all()
        for code, owner in taken:
            if owner != product_id:
                c.add(f"skus[{codes[code]}].code", _(
                    "SKU code {code!r} is used by another product").format(code=code))


def create_product(session: Session, slug: str, data: ProductData) -> Product:
    shop = get_shop(session, slug)
    validate_product(session, shop, data)
    product = Product(shop_id=shop.id)
    _apply(session, product, data)
    session.add(product)
    session.flush()
    _sync_skus(session, shop, product, data.skus)
    return product


def update_product(session: Session, slug: str, code: str, data: ProductData,
                   expected_version: int | None = None) -> Product:
    """Replace a product's state; SKUs are matched by code so ids and history survive."""
    shop = get_shop(session, slug)
    product = get_product(session, slug, code)
    if expected_version is not None and product.version != expected_version:
        raise ConflictError(_("product {code!r} was changed elsewhere; reload it").format(
            code=code))
    validate_product(session, shop, data, product.id)
    _apply(session, product, data)
    _sync_skus(session, shop, product, data.skus)
    return product


def _apply(session: Session, product: Product, data: ProductData) -> None:
    product.code = data.code.strip()
    product.title = data.title.strip()
    product.subtitle = data.subtitle.strip()
    product.detail_html = data.detail_html
    product.category_id = data.category_id
    product.tags = [t.strip() for t in data.tags]
    product.images = list(data.images)
    product.on_shelf = data.on_shelf
    product.sort_order = data.sort_order
    product.options = [{"name": o.name.strip(), "values": list(o.values)} for o in data.options]


def _sync_skus(session: Session, shop: Shop, product: Product, skus: list[SkuData],
               at: datetime | None = None) -> None:
    at = at or utcnow()
    by_code = {s.code: s for s in product.skus}
    wanted = {s.code for s in skus}
    for sku in list(product.skus):
        if sku.code not in wanted:
            product.skus.remove(sku)
            session.delete(sku)
    session.flush()  # free the codes of removed SKUs before reusing them
    for data in skus:
        row = by_code.get(data.code)
        if row is None:
            row = Sku(shop_id=shop.id, product=product)
            session.add(row)
            price_changed = True
        else:
            price_changed = (row.price, row.list_price) != (data.price, data.list_price)
        for f in SKU_FIELDS:
            value = getattr(data, f)
            if getattr(row, f) != value:
                setattr(row, f, _copy(value))
        if price_changed:
            session.flush()
            session.add(PriceHistory(shop_id=shop.id, sku_id=row.id, price=data.price,
                                     list_price=data.list_price, recorded_at=at))
    session.flush()


def get_product(session: Session, slug: str, code: str) -> Product:
    shop = get_shop(session, slug)
    product = session.scalar(select(Product).where(Product.shop_id == shop.id,
                                                   Product.code == code)
                             .options(selectinload(Product.skus)))
    if product is None:
        raise NotFoundError(_("no product {code!r} in shop {slug!r}").format(code=code, slug=slug))
    return product


def list_products(session: Session, slug: str) -> list[Product]:
    shop = get_shop(session, slug)
    return list(session.scalars(select(Product).where(Product.shop_id == shop.id)
                                .options(selectinload(Product.skus),
                                         selectinload(Product.category))
                                .order_by(Product.sort_order, Product.id)))


def count_products(session: Session, slug: str) -> int:
    shop = get_shop(session, slug)
    return session.scalar(select(func.count()).where(Product.shop_id == shop.id)) or 0


def delete_product(session: Session, slug: str, code: str) -> None:
    product = get_product(session, slug, code)
    session.delete(product)
    session.flush()


def set_sku_price(session: Session, slug: str, sku_code: str, *, price: int | None = None,
                  stock: int | None = None, list_price: int | type[Ellipsis] | None = ...,
                  ) -> Sku:
    """Edit one SKU's price, stock or list price (inline edits, bulk edits)."""
    shop = get_shop(session, slug)
    sku = session.scalar(select(Sku).where(Sku.shop_id == shop.id, Sku.code == sku_code))
    if sku is None:
        raise NotFoundError(_("no SKU {code!r} in shop {slug!r}").format(code=sku_code, slug=slug))
    data = product_data(sku.product)
    for s in data.skus:
        if s.code == sku_code:
            if price is not None:
                s.price = price
            if stock is not None:
                s.stock = stock
            if list_price is not ...:
                s.list_price = list_price  # type: ignore[assignment]
    try:
        update_product(session, slug, sku.product.code, data)
    except ValidationError as exc:
        # Report against the SKU the caller named, not its position in the product.
        index = [s.code for s in data.skus].index(sku_code)
        prefix = f"skus[{index}]"
        raise ValidationError([type(i)(i.path.removeprefix(prefix).lstrip(".") or i.path,
                                       i.message) for i in exc.issues]) from exc
    return sku


def price_history(session: Session, sku_id: int) -> list[PriceHistory]:
    return list(session.scalars(select(PriceHistory).where(PriceHistory.sku_id == sku_id)
                                .order_by(PriceHistory.recorded_at, PriceHistory.id)))
