"""Building the core commands for the table's inline and bulk edits (no Qt here).

Every edit is a `ProductEdit` (before/after `ProductData`); a bulk edit is one `Macro`
of them, so it is one transaction and one undo step, and a single invalid product
makes the whole bulk edit change nothing.

Price ± %: each SKU's new price is ``price × (100 + percent) / 100`` rounded to a
whole fen, halves away from zero (¥0.125 → ¥0.13), computed in `Decimal` so no float
error can creep in. List prices (划线价) are left as they are; if one falls below a new
price the core refuses the edit and says which product.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shopbuilder.core.commands import Macro, ProductEdit
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.models import Product
from shopbuilder.core.services.products import ProductData, product_data
from shopbuilder.core.storage import Workspace
from shopbuilder.i18n import _, ngettext


class Keep(Enum):
    """'Leave this field as it is' in a bulk edit (None means 'no category')."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class BulkChange:
    on_shelf: bool | Keep = KEEP
    category_id: int | Keep | None = KEEP
    percent: Decimal = Decimal(0)

    def is_empty(self) -> bool:
        return self.on_shelf is KEEP and self.category_id is KEEP and not self.percent


def scale_price(fen: int, percent: Decimal) -> int:
    """`fen` changed by `percent` %, rounded half away from zero to a whole fen."""
    scaled = Decimal(fen) * (Decimal(100) + Decimal(percent)) / Decimal(100)
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def load_data(workspace: Workspace, ids: Iterable[int]) -> list[ProductData]:
    """The editable state of the products with these ids, in the given order."""
    ids = list(ids)
    with workspace.session() as s:
        return _load(s, ids)


def _load(session: Session, ids: Sequence[int]) -> list[ProductData]:
    found: dict[int, ProductData] = {}
    for start in range(0, len(ids), 500):  # stay under SQLite's parameter limit
        chunk = ids[start:start + 500]
        for product in session.scalars(select(Product).where(Product.id.in_(chunk))
                                       .options(selectinload(Product.skus))):
            found[product.id] = product_data(product)
    return [found[i] for i in ids if i in found]


class NamedProductEdit(ProductEdit):
    """A ProductEdit whose errors name the product (``products[TEE-01].skus[0].price``),
    so a failed bulk edit says which of the many products broke a rule."""

    def _apply(self, session: Session) -> None:
        try:
            super()._apply(session)
        except ValidationError as exc:
            code = (self.before or self.after).code  # type: ignore[union-attr]
            raise exc.prefixed(f"products[{code}]") from exc


class BulkMacro(Macro):
    """A `Macro` for many products: after each one the session is flushed and emptied,
    so a thousand products take a thousand times one (SQLAlchemy's unit of work slows
    down as it fills), still in one transaction; `run` reports progress and can stop
    (an exception from `check` rolls everything back)."""

    def _apply(self, session: Session) -> None:
        self._each(session, True)

    def _revert(self, session: Session) -> None:
        self._each(session, False)

    def _each(self, session: Session, forward: bool,
              progress: Callable[[int, int], None] | None = None,
              check: Callable[[], None] | None = None) -> None:
        commands = list(self.commands) if forward else list(reversed(self.commands))
        for n, command in enumerate(commands, 1):
            if check is not None:
                check()
            if forward:
                command._apply(session)
            else:
                command._revert(session)
            session.flush()
            session.expunge_all()
            if progress is not None:
                progress(n, len(commands))

    def run(self, workspace: Workspace, forward: bool,
            progress: Callable[[int, int], None] | None = None,
            check: Callable[[], None] | None = None) -> None:
        with workspace.session() as session:
            self._each(session, forward, progress, check)


def bulk_command(slug: str, products: Sequence[ProductData], change: BulkChange) -> BulkMacro:
    """One undo step applying `change` to every product."""
    edits = []
    for before in products:
        after = copy.deepcopy(before)
        if change.on_shelf is not KEEP:
            after.on_shelf = change.on_shelf
        if change.category_id is not KEEP:
            after.category_id = change.category_id
        if change.percent:
            for sku in after.skus:
                sku.price = scale_price(sku.price, change.percent)
        if after != before:
            edits.append(NamedProductEdit(slug, before, after))
    label = ngettext("bulk edit {n} product", "bulk edit {n} products", len(edits))
    return BulkMacro(commands=edits, label=label.format(n=len(edits)))


def price_edit(slug: str, before: ProductData, price: int) -> ProductEdit:
    """Inline price edit: every SKU of the product gets `price`."""
    after = copy.deepcopy(before)
    for sku in after.skus:
        sku.price = price
    return ProductEdit(slug, before, after, label=_("change price of {code}").format(
        code=before.code))


def stock_edit(slug: str, before: ProductData, stock: int) -> ProductEdit:
    """Inline stock edit; only for a product with one SKU (the table says so)."""
    if len(before.skus) != 1:
        raise ValidationError("stock", _(
            "this product has {n} SKUs: edit their stock in the product editor").format(
                n=len(before.skus)))
    after = copy.deepcopy(before)
    after.skus[0].stock = stock
    return ProductEdit(slug, before, after, label=_("change stock of {code}").format(
        code=before.code))


def delete_command(slug: str, products: Sequence[ProductData]) -> BulkMacro:
    return BulkMacro(commands=[ProductEdit(slug, p, None) for p in products],
                 label=ngettext("delete {n} product", "delete {n} products",
                                len(products)).format(n=len(products)))


def parse_stock(text: str) -> int:
    """Stock typed in a cell: a whole number ≥ 0, full-width digits accepted."""
    import unicodedata

    raw = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    if not raw.isdigit():
        raise ValidationError("stock", _("not a stock quantity: {value!r} (a whole number "
                                         "like 120)").format(value=text))
    return int(raw)
