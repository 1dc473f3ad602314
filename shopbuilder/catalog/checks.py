"""Drafts → checked products → a write plan, with every problem at its Excel cell.

The product rules are the core's `check_product`; its field paths (``skus[1].price``)
are mapped back to the row and column they came from. Lookups that the core does per
product (code taken? SKU code owned elsewhere?) are done here against the catalogue
loaded once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from shopbuilder.catalog import cells
from shopbuilder.catalog.drafts import Draft, DraftSet, SkuDraft
from shopbuilder.catalog.readers import Sheet
from shopbuilder.catalog.report import ImportReport, RowIssue
from shopbuilder.catalog.richtext import sanitize
from shopbuilder.catalog.upsert import (
    PRODUCT_COLS,
    SKU_COLS,
    SKU_PRODUCT,
    SKU_VALUES,
    Existing,
    Plan,
)
from shopbuilder.core.errors import Collector, Issue
from shopbuilder.core.services.products import OptionData, ProductData, SkuData, check_product
from shopbuilder.i18n import _

OPTION_KEYS = tuple(f"option{n}_{part}" for n in range(1, 5) for part in ("name", "value"))
SKU_ATTR_KEYS = {"code": "sku_code", "price": "price", "list_price": "list_price",
                 "list_price_label": "list_price_label", "cost": "cost", "stock": "stock",
                 "image": "sku_image"}
PRODUCT_PATH_KEYS = {"code": "product_code", "title": "title", "subtitle": "subtitle",
                     "tags": "tags", "images": "images", "category_id": "category",
                     "detail_html": "detail", "on_shelf": "status"}
_SKU_PATH = re.compile(r"^skus\[(\d+)\](?:\.(\w+)(?:\[(\d+)\])?)?")
_OPTION_PATH = re.compile(r"^options\[(\d+)\]\.(name|values)(?:\[(\d+)\])?")
_SKU_REF = re.compile(r"skus\[(\d+)\]")
# SKU_COLS order: option_values, price, list_price, list_price_label, cost, stock, weight_g,
# image (SkuData's positional order after code is price, stock, option_values, …).
NEW_SKU_VALUES: tuple[Any, ...] = ([], 0, None, "plain", None, 0, None, None)
SKU_INDEX = {c: i for i, c in enumerate(SKU_COLS)}
# code, stored row (None: new), values in SKU_COLS order (None: same as stored)
SkuRecord = tuple[str, tuple[Any, ...] | None, tuple[Any, ...] | None]


class Checker:
    def __init__(self, sheet: Sheet, ds: DraftSet, existing: Existing,
                 shas: dict[str, str | None], report: ImportReport) -> None:
        self.sheet, self.ds, self.ex, self.shas, self.report = sheet, ds, existing, shas, report
        self.has_options = any(k in ds.columns for k in OPTION_KEYS)
        self.weight_key = "weight_kg" if "weight_kg" in ds.columns else "weight_g"
        given = [s.code for d in ds.drafts for s in d.skus if s.code]
        self.given = given
        self.taken: set[str] | None = None  # codes in use, built when one must be made up
        # SKU codes on more than one row: only these need tracking across products
        self.repeated = ({c for c, n in Counter(given).items() if n > 1}
                         if len(set(given)) != len(given) else set())
        self.sku_owner: dict[str, tuple[str, int]] = {}  # code → (product code, row)
        self.product_values = itemgetter(*PRODUCT_COLS)
        self.plan = Plan()
        self.bad: set[str] = set()
        self.category_cache: dict[str, tuple[int | None, str | None]] = {}
        self.positions = [SKU_INDEX[a] for a in ds.sku_attrs]  # SkuDraft.values → SKU_COLS
        # a stored SKU tuple → its values in SkuDraft.values order, compared in one go
        at = [SKU_VALUES + i for i in self.positions]
        # (*SkuDraft.values, option values, *stored values) → values in SKU_COLS order
        n = len(self.positions)
        self.merge = itemgetter(*[
            self.positions.index(k) if k in self.positions
            else n if k == 0 and self.has_options else n + 1 + k
            for k in range(len(SKU_COLS))])
        self.stored_values: Callable[[tuple[Any, ...]], tuple[Any, ...]] = (
            itemgetter(*at) if len(at) > 1 else
            (lambda row: (row[at[0]],)) if at else (lambda row: ()))

    # ------------------------------------------------------------ reporting
    def cell(self, index: int, key: str) -> str:
        col = self.ds.columns.get(key)
        return self.sheet.rows[index][col] if col is not None else ""

    def locate(self, draft: Draft, path: str) -> tuple[int, int, str]:
        """(row, sheet index, field key) for a core field path."""
        m = _SKU_PATH.match(path)
        if m and int(m[1]) < len(draft.skus):
            sku = draft.skus[int(m[1])]
            attr = m[2] or "code"
            if attr == "option_values":
                n = int(m[3]) if m[3] is not None else len(sku.option_values)
                if n >= len(draft.option_names):  # not a missing value: a duplicate combo
                    n = 0
                return sku.row, sku.index, f"option{n + 1}_value"
            if attr == "weight_g":
                return sku.row, sku.index, self.weight_key
            return sku.row, sku.index, SKU_ATTR_KEYS.get(attr, "sku_code")
        m = _OPTION_PATH.match(path)
        if m:
            n = int(m[1])
            if m[2] == "values" and m[3] is not None:
                for sku in draft.skus:
                    if len(sku.option_values) > n and \
                            self._option_value_index(draft, n, int(m[3])) == sku.option_values[n]:
                        return sku.row, sku.index, f"option{n + 1}_value"
            return draft.row, draft.index, f"option{n + 1}_name"
        if path == "options":
            return draft.row, draft.index, "option4_name" if len(draft.option_names) > 3 \
                else "option1_name"
        key = PRODUCT_PATH_KEYS.get(path.split("[")[0].split(".")[0], "sku_code")
        index = draft.text_index.get(key, draft.index)
        return self.sheet.row_number(index), index, key

    def _option_value_index(self, draft: Draft, n: int, j: int) -> str:
        values = list(dict.fromkeys(s.option_values[n] for s in draft.skus
                                    if len(s.option_values) > n))
        return values[j] if j < len(values) else ""

    def issue(self, draft: Draft, item: Issue) -> None:
        row, index, key = self.locate(draft, item.path)
        header = self.ds.header(key)
        if (row, header) in draft.bad_cells:
            return  # the cell already has a parse error; do not pile on
        message = _SKU_REF.sub(lambda m: _("row {row}").format(
            row=draft.skus[int(m[1])].row if int(m[1]) < len(draft.skus) else "?"), item.message)
        draft.errors.append(RowIssue(row, header, self.cell(index, key), message))

    # ------------------------------------------------------------ building
    def product_row(self, draft: Draft) -> tuple[dict[str, Any], str | None,
                                                  list[SkuRecord]]:
        """The product as it would be stored (existing values where the sheet is silent),
        its pending new category path, and its SKU rows."""
        ex = self.ex.products.get(draft.code)
        t = draft.text
        keep = ex or {}
        title = t.get("title") or keep.get("title", "")
        subtitle = t.get("subtitle") or keep.get("subtitle", "")
        detail = keep.get("detail_html", "")
        if "detail" in t:
            detail, removed = sanitize(t["detail"])
            if removed:
                self.report.html_removed += removed
                draft.warnings.append(RowIssue(
                    self.sheet.row_number(draft.text_index["detail"]), self.ds.header("detail"),
                    "", _("removed {n} unsafe parts (scripts, event handlers or javascript: "
                          "links) from the detail").format(n=removed)))
            if ex is not None and detail != ex["detail_html"] and \
                    sanitize(ex["detail_html"])[0] == detail:
                detail = ex["detail_html"]  # same content, stored before sanitising
        category_id = keep.get("category_id")
        pending: str | None = None
        if "category" in t:
            category_id, pending = self.category(draft, t["category"])
        tags = keep.get("tags", [])
        if "tags" in t:
            tags = cells.tags(t["tags"])
        images = list(keep.get("images", []))
        if draft.images:
            found = [self.shas.get(ref) for _p, _s, ref, _r in sorted(draft.images)]
            found = [s for s in found if s]
            images = found or images  # all failed: keep what the product had
        on_shelf = keep.get("on_shelf", True)
        if "status" in t:
            try:
                on_shelf = cells.status(t["status"])
            except cells.CellError as exc:
                index = draft.text_index["status"]
                draft.error(self.sheet.row_number(index), self.ds.header("status"), t["status"],
                            exc.message)
        records = self.skus(draft, ex)
        options = self.options(draft) if self.has_options else keep.get("options", [])
        prow = {"code": draft.code, "title": title.strip(), "subtitle": subtitle.strip(),
                "detail_html": detail, "category_id": category_id,
                "tags": tags, "images": images, "on_shelf": on_shelf,
                "sort_order": keep.get("sort_order", 0), "options": options}
        return prow, pending, records

    def category(self, draft: Draft, text: str) -> tuple[int | None, str | None]:
        known = self.category_cache.get(text)
        if known is not None:
            return known
        index = draft.text_index["category"]
        try:
            path = cells.category(text)
        except cells.CellError as exc:
            draft.error(self.sheet.row_number(index), self.ds.header("category"), text,
                        exc.message)
            return None, None
        for part in path.split("/"):
            if len(part) > 40:
                draft.error(self.sheet.row_number(index), self.ds.header("category"), text,
                            _("a category name has at most 40 characters"))
                return None, None
        if not path:
            return None, None
        found = self.ex.categories.get(path)
        result = (found, None) if found is not None else (None, path)
        self.category_cache[text] = result
        return result

    def options(self, draft: Draft) -> list[dict[str, Any]]:
        options = []
        try:  # the common case: every SKU has a value for every option
            columns = list(zip(*[s.option_values for s in draft.skus], strict=True))
        except ValueError:
            columns = [[s.option_values[n] for s in draft.skus if len(s.option_values) > n]
                       for n in range(len(draft.option_names))]
        for n, name in enumerate(draft.option_names):
            values = list(dict.fromkeys(columns[n])) if n < len(columns) else []
            options.append({"name": name.strip(), "values": values})
        return options

    def skus(self, draft: Draft, ex: dict[str, Any] | None) -> list[SkuRecord]:
        """One record per SKU: the existing values, overwritten by the sheet's cells."""
        by_options: dict[tuple[str, ...], str] | None = None
        records: list[SkuRecord] = []
        has_image = "sku_image" in self.ds.columns
        skus, owners, positions = self.ex.skus, self.sku_owner, self.positions
        repeated, merge = self.repeated, self.merge
        stored = self.stored_values
        for n, sd in enumerate(draft.skus):
            code = sd.code
            if not code:
                if by_options is None:
                    own = self.ex.skus_by_product.get(ex["id"], []) if ex else []
                    by_options = {tuple(skus[c][SKU_VALUES]): c for c in own}
                code = self.new_code(draft, sd, by_options, n)
            old = skus.get(code)
            if old is not None and (ex is None or old[SKU_PRODUCT] != ex["id"]):
                owner = self.ex.product_codes_by_id.get(old[SKU_PRODUCT], "?")
                draft.error(sd.row, self.ds.header("sku_code"), code, _(
                    "SKU code {code!r} belongs to product {owner!r}").format(
                    code=code, owner=owner))
            first = owners.setdefault(code, (draft.code, sd.row)) if code in repeated \
                else (draft.code, 0)
            if first[0] != draft.code:
                draft.error(sd.row, self.ds.header("sku_code"), code, _(
                    "SKU code {code!r} is already used on row {row}").format(
                    code=code, row=first[1]))
            if old is not None and not has_image and stored(old) == sd.values and (
                    not self.has_options or old[SKU_VALUES] == sd.option_values):
                records.append((code, old, None))  # unchanged: the common re-import case
                continue
            base = old[SKU_VALUES:] if old is not None else NEW_SKU_VALUES
            if not has_image:  # sheet cells over stored (or default) values, in C
                records.append((code, old, merge((*sd.values, sd.option_values, *base))))
                continue
            rec = list(base)
            for i, value in zip(positions, sd.values, strict=True):
                rec[i] = value
            sha = self.shas.get(sd.image_ref) if sd.image_ref else None
            if sha or not sd.image_ref:  # a failed image keeps the SKU's old one
                rec[SKU_INDEX["image"]] = sha
            if self.has_options:
                rec[0] = sd.option_values
            records.append((code, old, tuple(rec)))
        return records

    def new_code(self, draft: Draft, sd: SkuDraft, by_options: dict[tuple[str, ...], str],
                 n: int) -> str:
        """No SKU code: the product's SKU with the same option values, else a new code."""
        found = by_options.get(tuple(sd.option_values))
        if found is not None:
            return found
        if self.taken is None:
            self.taken = set(self.ex.skus)
            self.taken.update(self.given)
        k = n + 1
        while f"{draft.code}-{k}" in self.taken:
            k += 1
        code = f"{draft.code}-{k}"
        self.taken.add(code)
        return code

    # ------------------------------------------------------------ diffing
    def diff(self, draft: Draft, prow: dict[str, Any], pending: str | None,
             records: list[SkuRecord]) -> tuple[bool, list[str]]:
        """(anything changed?, codes of the product's SKUs the sheet no longer lists)."""
        ex = self.ex.products.get(draft.code)
        if ex is None:
            return True, []
        changed = pending is not None or self.product_values(prow) != self.product_values(ex)
        own = self.ex.skus_by_product.get(ex["id"], [])
        removed: list[str] = []
        if [r[0] for r in records] != own:
            listed = {r[0] for r in records}
            removed = [c for c in own if c not in listed]
        if changed or removed:
            return True, removed
        for _code, old, values in records:
            if old is None or (values is not None and values != old[SKU_VALUES:]):
                return True, removed
        return False, removed

    def plan_product(self, draft: Draft, prow: dict[str, Any], pending: str | None,
                     records: list[SkuRecord], removed: list[str]) -> None:
        ex = self.ex.products.get(draft.code)
        plan, report = self.plan, self.report
        if pending is not None:
            prow["category_path"] = pending
            plan.category_paths.add(pending)
        if ex is None:
            plan.new_products.append(prow)
            report.created += 1
        elif pending is not None or self.product_values(prow) != self.product_values(ex):
            prow["id"] = ex["id"]
            plan.changed_products.append(prow)
        for code, old, values in records:
            if old is None:
                plan.new_skus.append((prow["code"], code, values))  # type: ignore[arg-type]
            elif values is not None and values != old[SKU_VALUES:]:
                row = dict(zip(SKU_COLS, values, strict=True))
                row["id"] = old[0]
                plan.changed_skus.append(row)
                if values[1:3] != old[SKU_VALUES + 1:SKU_VALUES + 3]:  # price, list price
                    plan.repriced.append((old[0], values[1], values[2]))
            else:
                report.sku_unchanged += 1
        for code in removed:
            plan.removed_sku_ids.append(self.ex.skus[code][0])
            draft.warnings.append(RowIssue(draft.row, self.ds.header("sku_code"), code, _(
                "SKU {code!r} is not in the sheet and was removed from the product"
            ).format(code=code)))
        if ex is not None:
            report.updated += 1

    def run(self) -> tuple[Plan, set[str]]:
        for draft in self.ds.drafts:
            prow, pending, records = self.product_row(draft)
            changed, removed = self.diff(draft, prow, pending, records)
            if not changed and not draft.errors:
                # Stored products passed these rules when they were saved.
                self.report.unchanged += 1
                self.report.sku_unchanged += len(records)
                self.report.warnings.extend(draft.warnings)
                continue
            c = Collector()
            check_product(c, product_data(prow, records))
            for item in c.issues:
                self.issue(draft, item)
            if draft.errors:
                self.report.errors.extend(draft.errors)
                self.bad.add(draft.code)
            else:
                self.plan_product(draft, prow, pending, records, removed)
            self.report.warnings.extend(draft.warnings)
        return self.plan, self.bad


def product_data(prow: dict[str, Any], records: list[SkuRecord]) -> ProductData:
    return ProductData(
        code=prow["code"], title=prow["title"], subtitle=prow["subtitle"],
        detail_html=prow["detail_html"], category_id=prow["category_id"], tags=prow["tags"],
        images=prow["images"], on_shelf=prow["on_shelf"], sort_order=prow["sort_order"],
        options=[OptionData(o["name"], list(o["values"])) for o in prow["options"]],
        skus=[SkuData(code, v[1], v[5], list(v[0]), v[2], v[3], v[4], v[6], v[7])
              for code, v in ((c, v if v is not None else old[SKU_VALUES:])  # type: ignore[index]
                              for c, old, v in records)])


def check_drafts(sheet: Sheet, ds: DraftSet, existing: Existing, shas: dict[str, str | None],
                 report: ImportReport) -> tuple[Plan, set[str]]:
    return Checker(sheet, ds, existing, shas, report).run()
