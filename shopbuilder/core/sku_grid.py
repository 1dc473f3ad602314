"""The SKU grid behind the product editor: one SKU per combination of option values.

Peers' SKU editors wipe typed prices and stock whenever an option changes. Here a
change of options is a *transition* from the old grid to the new one that keeps the
data of every combination that survives it:

- adding a value adds blank rows (or rows restored from `stash`, see below);
- removing a value drops the rows that carry it (returned in `GridResult.dropped`,
  so re-adding the value brings them back);
- renaming a value (``renames``) keeps the rows, under the new name;
- adding a whole option: every old row keeps its code, price and stock under the new
  option's *first* value; the other new combinations copy the parent row's prices
  (price, list price, cost, weight) with stock 0 and no code, so the total stock and
  the existing SKU codes (and their price history) are unchanged;
- removing a whole option: the rows collapse onto the first row (in grid order) of
  each remaining combination, which keeps its code, price and stock.

Options are identified by a stable `key` the editor assigns, not by name or position,
so renaming or reordering options loses nothing. No Qt here: this is plain data.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from shopbuilder.core.services.products import OptionData, SkuData

Combo = frozenset[tuple[int, str]]  # {(option key, value), ...}
INHERITED = ("price", "list_price", "list_price_label", "cost", "weight_g", "image")
VALUE_SPLIT_RE = re.compile(r"[,，、;；\n]+")


@dataclass
class GridOption:
    key: int
    name: str
    values: list[str]

    def data(self) -> OptionData:
        return OptionData(self.name.strip(), list(self.values))


@dataclass
class GridResult:
    rows: list[SkuData]
    dropped: dict[Combo, SkuData] = field(default_factory=dict)


def blank_sku(values: Sequence[str] = ()) -> SkuData:
    """A new grid row: no code yet (filled on save), no price typed (None)."""
    return SkuData(code="", price=None, stock=0, option_values=list(values))  # type: ignore[arg-type]


def combo_of(options: Sequence[GridOption], values: Sequence[str]) -> Combo:
    return frozenset(zip((o.key for o in options), values, strict=True))


def effective(options: Iterable[GridOption]) -> list[GridOption]:
    """Options that take part in the grid: an option with no values yet is ignored
    (otherwise typing a new option's name would empty the grid)."""
    return [o for o in options if o.values]


def regrid(old_options: Sequence[GridOption], rows: Sequence[SkuData],
           new_options: Sequence[GridOption],
           renames: Mapping[int, Mapping[str, str]] | None = None,
           stash: Mapping[Combo, SkuData] | None = None) -> GridResult:
    """The grid for `new_options`, keeping the data of `rows` (laid out for
    `old_options`). `renames` maps option key → {old value: new value}; `stash` holds
    rows dropped earlier, restored when their combination comes back."""
    old_options, new_options = effective(old_options), effective(new_options)
    renames = renames or {}
    new_keys = {o.key for o in new_options}
    old_keys = {o.key for o in old_options}
    added = [o for o in new_options if o.key not in old_keys]
    placed: dict[Combo, SkuData] = {}
    parents: dict[Combo, SkuData] = {}  # projection on surviving options → first old row
    dropped: dict[Combo, SkuData] = {}
    for row in rows:
        assignment = {}
        for opt, value in zip(old_options, row.option_values, strict=True):
            assignment[opt.key] = renames.get(opt.key, {}).get(value, value)
        old_combo = frozenset(assignment.items())
        kept = {k: v for k, v in assignment.items() if k in new_keys}
        surviving = all(v in o.values for o in new_options if (v := kept.get(o.key)) is not None)
        if not surviving:
            dropped[old_combo] = copy.deepcopy(row)
            continue
        parent = frozenset(kept.items())
        parents.setdefault(parent, row)
        target = dict(kept)
        for opt in added:
            target[opt.key] = opt.values[0]
        combo = frozenset(target.items())
        if combo in placed:  # an option was removed: the first row wins
            dropped[old_combo] = copy.deepcopy(row)
            continue
        placed[combo] = row
    out: list[SkuData] = []
    for values in itertools.product(*[o.values for o in new_options]):
        combo = combo_of(new_options, values)
        row = placed.get(combo)
        if row is not None:
            new_row = copy.deepcopy(row)
        elif stash is not None and combo in stash:
            new_row = copy.deepcopy(stash[combo])
        else:
            new_row = blank_sku()
            parent = frozenset((k, v) for k, v in combo if k not in {o.key for o in added})
            if added and parent in parents:
                for name in INHERITED:
                    setattr(new_row, name, copy.deepcopy(getattr(parents[parent], name)))
        new_row.option_values = list(values)
        out.append(new_row)
    return GridResult(out, dropped)


def infer_renames(old: Sequence[str], new: Sequence[str]) -> dict[str, str]:
    """How an edited value list renamed values: when the list keeps its length, each
    position whose old value vanished and whose new value is new is a rename
    (``红, 蓝`` → ``红, 深蓝`` renames 蓝 → 深蓝). Otherwise values were added/removed."""
    if len(old) != len(new):
        return {}
    return {a: b for a, b in zip(old, new, strict=True)
            if a != b and a not in new and b not in old}


def split_values(text: str) -> list[str]:
    """``"红, 蓝，黑、白"`` → ``["红", "蓝", "黑", "白"]`` (duplicates kept for the core
    to report, empty pieces dropped)."""
    return [v.strip() for v in VALUE_SPLIT_RE.split(text) if v.strip()]


def fill_codes(product_code: str, rows: Sequence[SkuData]) -> None:
    """Give rows without a code one: ``CODE`` for a single SKU, else ``CODE-n`` with the
    smallest n not used by another row."""
    base = product_code.strip()
    taken = {r.code for r in rows if r.code}
    missing = [r for r in rows if not r.code.strip()]
    if len(rows) == 1 and missing and base:
        missing[0].code = base
        return
    n = 1
    for row in missing:
        while f"{base}-{n}" in taken:
            n += 1
        row.code = f"{base}-{n}"
        taken.add(row.code)
