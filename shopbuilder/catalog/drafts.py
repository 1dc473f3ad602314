"""Sheet rows → product drafts: one row per SKU, grouped into products.

A draft keeps only the fields whose columns the sheet has (so a price-only sheet
leaves the rest of a product alone) and where every value came from (row, column),
so the core's field paths (``skus[1].price``) can be reported as Excel cells.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import groupby, repeat
from operator import itemgetter
from typing import Any

from shopbuilder.catalog import cells
from shopbuilder.catalog.fields import FIELD_BY_KEY, OPTION_COUNT
from shopbuilder.catalog.readers import Sheet
from shopbuilder.catalog.report import RowIssue
from shopbuilder.i18n import _

# field key → (SkuData attribute, parser)
SKU_PARSERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "price": ("price", cells.money),
    "list_price": ("list_price", cells.optional_money),
    "list_price_label": ("list_price_label", cells.list_price_label),
    "cost": ("cost", cells.optional_money),
    "stock": ("stock", lambda t: cells.whole(t) if t else 0),
    "weight_kg": ("weight_g", lambda t: cells.kilograms(t) if t else None),
    "weight_g": ("weight_g", lambda t: cells.whole(t) if t else None),
}
PRODUCT_TEXT = ("title", "subtitle", "detail", "category", "tags", "status")
SKU_ROW_KEYS = ("sku_code", "price", "stock", "list_price", "cost",
                *(f"option{i}_value" for i in range(1, OPTION_COUNT + 1)))
SHOPIFY_DEFAULT_OPTION = ("title", "default title")


@dataclass(slots=True)
class SkuDraft:
    index: int  # position in sheet.rows
    row: int  # Excel row number
    code: str
    option_values: list[str]
    values: tuple[Any, ...]  # parsed cells, in the order of DraftSet.sku_attrs
    image_ref: str = ""


@dataclass(eq=False)  # compared by identity (grouping rows)
class Draft:
    code: str
    index: int  # sheet.rows position of the product's first row
    row: int
    code_given: bool = True
    text: dict[str, str] = field(default_factory=dict)  # product-level cells, first non-blank
    text_index: dict[str, int] = field(default_factory=dict)  # where each came from
    option_names: list[str] = field(default_factory=list)
    skus: list[SkuDraft] = field(default_factory=list)
    images: list[tuple[float, int, str, int]] = field(default_factory=list)  # pos, seq, ref, row
    image_cells: set[str] = field(default_factory=set)
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    bad_cells: set[tuple[int, str]] = field(default_factory=set)

    def error(self, row: int, column: str, value: str, message: str) -> None:
        self.errors.append(RowIssue(row, column, value, message))
        self.bad_cells.add((row, column))


@dataclass
class DraftSet:
    drafts: list[Draft]
    columns: dict[str, int]  # field key → column index
    headers: list[str]
    issues: list[RowIssue] = field(default_factory=list)  # rows that belong to no product
    sku_attrs: list[str] = field(default_factory=list)  # what SkuDraft.values hold

    def header(self, key: str) -> str:
        i = self.columns.get(key)
        return self.headers[i] if i is not None else FIELD_BY_KEY[key].header

    def has(self, key: str) -> bool:
        return key in self.columns


_MISSING = object()


def _picker(cols: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """A fast row → tuple of these cells (operator.itemgetter, always a tuple)."""
    if not cols:
        return lambda row: ()
    if len(cols) == 1:
        col = cols[0]
        return lambda row: (row[col],)
    return itemgetter(*cols)


def title_code(title: str) -> str:
    """A stable product code for sheets without one, so re-imports match."""
    return "T" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:11].upper()


def build_drafts(sheet: Sheet, mapping: dict[int, str]) -> DraftSet:
    """Group rows into products (one pass over rows), then parse the SKU cells column by
    column: at 100k rows, comprehensions and per-column caches beat a per-cell loop."""
    columns = {key: i for i, key in mapping.items()}
    ds = DraftSet([], columns, sheet.headers)
    rows = sheet.rows
    numbers = sheet.row_numbers or [sheet.row_number(i) for i in range(len(rows))]
    get = columns.get
    code_col, title_col = get("product_code"), get("title")
    product_keys = [k for k in PRODUCT_TEXT if k in columns]
    product_cells = _picker([columns[k] for k in product_keys])
    name_cols = [(n, get(f"option{n}_name")) for n in range(1, OPTION_COUNT + 1)]
    name_cols = [(n, c) for n, c in name_cols if c is not None]
    name_cells = _picker([c for _n, c in name_cols])
    sku_row_cells = _picker([columns[k] for k in SKU_ROW_KEYS if k in columns])
    image_col, pos_col = get("images"), get("image_position")
    by_code: dict[str, Draft] = {}
    current: Draft | None = None
    seq = 0
    sku_at: list[tuple[int, Draft]] = []  # (row index, product) of every SKU row
    for index, row in enumerate(rows):
        code = row[code_col] if code_col is not None else ""
        title = row[title_col] if title_col is not None else ""
        if code:
            draft = current if current is not None and code == current.code \
                else by_code.get(code)
        elif title and (current is None or title != current.text.get("title")):
            code = title_code(title)
            draft = by_code.get(code)
        elif current is not None:
            draft = current
        else:
            ds.issues.append(RowIssue(numbers[index], ds.header("product_code"), "", _(
                "this row has no product code or title, and no product above it")))
            continue
        if draft is None:
            draft = Draft(code, index, numbers[index], code_given=code_col is not None
                          and bool(row[code_col]))
            by_code[code] = draft
            ds.drafts.append(draft)
        current = draft
        found = product_cells(row)
        if any(found):
            _product_cells(draft, ds, numbers, index, zip(product_keys, found, strict=True))
        found = name_cells(row)
        if any(found):
            for (n, _c), cell in zip(name_cols, found, strict=True):
                if cell:
                    while len(draft.option_names) < n:
                        draft.option_names.append("")
                    if not draft.option_names[n - 1]:
                        draft.option_names[n - 1] = cell
        if image_col is not None and row[image_col] and row[image_col] not in draft.image_cells:
            draft.image_cells.add(row[image_col])  # a repeated product cell counts once
            pos = float("inf")
            if pos_col is not None and row[pos_col]:
                try:
                    pos = cells.whole(row[pos_col])
                except cells.CellError:
                    pos = float("inf")
            for ref in cells.image_refs(row[image_col]):
                draft.images.append((pos, seq, ref, numbers[index]))
                seq += 1
        if any(sku_row_cells(row)):  # else a product-only row (Shopify's extra image rows)
            sku_at.append((index, draft))
    _sku_drafts(ds, sheet, numbers, sku_at)
    for draft in ds.drafts:
        _finish(draft, ds)
    return ds


def _product_cells(draft: Draft, ds: DraftSet, numbers: list[int], index: int,
                   found: Iterable[tuple[str, str]]) -> None:
    """Product-level cells: the first non-blank wins; a different one later is a warning."""
    for key, cell in found:
        if not cell:
            continue
        if key not in draft.text:
            draft.text[key] = cell
            draft.text_index[key] = index
        elif cell != draft.text[key] and key != "detail":
            draft.warnings.append(RowIssue(numbers[index], ds.header(key), cell, _(
                "differs from row {row} of the same product; row {row}'s value is used"
            ).format(row=numbers[draft.text_index[key]])))


def _sku_drafts(ds: DraftSet, sheet: Sheet, numbers: list[int],
                sku_at: list[tuple[int, Draft]]) -> None:
    headers, columns = sheet.headers, ds.columns
    at = [i for i, _d in sku_at]
    sku_rows = list(map(sheet.rows.__getitem__, at))

    def column(key: str) -> list[str]:
        col = columns.get(key)
        return list(map(itemgetter(col), sku_rows)) if col is not None else [""] * len(at)

    parsed: list[list[Any]] = []
    for key in SKU_PARSERS:
        if key not in columns:
            continue
        attr, parse = SKU_PARSERS[key]
        ds.sku_attrs.append(attr)
        texts = column(key)
        cache: dict[str, Any] = {}  # each distinct text parsed once: sheets repeat a lot
        bad: dict[str, str] = {}
        for text in set(texts):
            if key == "price" and not text:
                bad[text] = _("a SKU needs a price")
                continue
            try:
                cache[text] = parse(text)
            except cells.CellError as exc:
                bad[text] = exc.message
        values = list(map(cache.get, texts, repeat(_MISSING)))
        j = -1
        while bad:  # report each bad cell where it is
            try:
                j = values.index(_MISSING, j + 1)
            except ValueError:
                break
            text = texts[j]
            sku_at[j][1].error(numbers[at[j]], headers[columns[key]], text, bad[text])
            values[j] = 0 if attr in ("price", "stock") else None
        parsed.append(values)
    value_rows = list(zip(*parsed, strict=True)) if parsed else [()] * len(at)
    option_cols = [column(f"option{n}_value") for n in range(1, OPTION_COUNT + 1)
                   if f"option{n}_value" in columns]
    options = [list(t) if not t or t[-1] else _trim(t)
               for t in (zip(*option_cols, strict=True) if option_cols else [()] * len(at))]
    skus = list(map(SkuDraft, at, map(numbers.__getitem__, at), column("sku_code"), options,
                    value_rows, column("sku_image")))
    owners = map(itemgetter(1), sku_at)
    for draft, group in groupby(zip(owners, skus, strict=True), key=itemgetter(0)):
        draft.skus.extend(map(itemgetter(1), group))


def _trim(values: tuple[str, ...]) -> list[str]:
    """Option values without trailing blanks (a product with fewer options)."""
    out = list(values)
    while out and not out[-1]:
        out.pop()
    return out


def _finish(draft: Draft, ds: DraftSet) -> None:
    names = draft.option_names
    while names and not names[-1]:
        names.pop()
    longest = max((len(s.option_values) for s in draft.skus), default=0)
    if len(names) == 1 and names[0].lower() == SHOPIFY_DEFAULT_OPTION[0] and all(
            [v.lower() for v in s.option_values] == [SHOPIFY_DEFAULT_OPTION[1]]
            for s in draft.skus):
        names.clear()  # Shopify's "Title / Default Title": a product without options
        for s in draft.skus:
            s.option_values = []
        return
    for n in range(len(names), longest):
        sku = next(s for s in draft.skus if len(s.option_values) > n)
        draft.error(draft.row, ds.header(f"option{n + 1}_name"), "", _(
            "row {row} has a value for option {n} but the option has no name").format(
            row=sku.row, n=n + 1))
        names.append(f"?{n + 1}")
    for n, name in enumerate(names):
        if not name:
            draft.error(draft.row, ds.header(f"option{n + 1}_name"), "",
                        _("option {n} needs a name").format(n=n + 1))
