"""`diff_bundles`: what changed between two bundles — products, SKUs, prices, coupons,
campaigns, pages — what an agency checks before re-uploading a client's shop."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopbuilder.bundle import format as fmt
from shopbuilder.bundle.archive import Bundle, open_bundle
from shopbuilder.core.money import format_money

# (section, bundle file, list key, identity field)
SECTIONS = (
    ("category", fmt.CATEGORIES, "categories", "path"),
    ("product", fmt.PRODUCTS, "products", "code"),
    ("coupon", fmt.COUPONS, "coupons", "key"),
    ("group_buy", fmt.GROUP_BUYS, "group_buys", "key"),
    ("bargain", fmt.BARGAINS, "bargains", "key"),
    ("flash_sale", fmt.FLASH_SALES, "flash_sales", "key"),
)
MONEY_FIELDS = {"price", "list_price", "value", "threshold", "cap", "floor_price",
                "start_price"}


@dataclass(frozen=True)
class Change:
    kind: str  # product, sku, coupon, group_buy, bargain, flash_sale, page, category, shop, app
    key: str
    change: str  # added, removed, changed
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "change": self.change,
                "fields": {k: {"old": a, "new": b} for k, (a, b) in self.fields.items()}}

    def text(self) -> str:
        sign = {"added": "+", "removed": "-", "changed": "~"}[self.change]
        parts = [f"{sign} {self.kind} {self.key}"]
        for name, (old, new) in self.fields.items():
            if name in MONEY_FIELDS:
                old = format_money(old) if isinstance(old, int) else old
                new = format_money(new) if isinstance(new, int) else new
            parts.append(f"    {name}: {_short(old)} → {_short(new)}")
        return "\n".join(parts)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


@dataclass
class BundleDiff:
    a: str
    b: str
    changes: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes

    def summary(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for c in self.changes:
            counts = out.setdefault(c.kind, {"added": 0, "removed": 0, "changed": 0})
            counts[c.change] += 1
        return out

    def as_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "identical": self.empty, "summary": self.summary(),
                "changes": [c.as_json() for c in self.changes]}

    def text(self) -> str:
        return "\n".join(c.text() for c in self.changes) or "no differences"


def _fields(old: dict[str, Any], new: dict[str, Any], skip: tuple[str, ...] = ()
            ) -> dict[str, tuple[Any, Any]]:
    return {k: (old.get(k), new.get(k)) for k in sorted(set(old) | set(new))
            if k not in skip and old.get(k) != new.get(k)}


def _by(items: Any, key: str) -> dict[str, dict[str, Any]]:
    return {str(i.get(key)): i for i in items or [] if isinstance(i, dict)}


def _compare(diff: BundleDiff, kind: str, old: dict[str, dict[str, Any]],
             new: dict[str, dict[str, Any]], skip: tuple[str, ...] = ()) -> None:
    for key in sorted(set(old) | set(new)):
        if key not in new:
            diff.changes.append(Change(kind, key, "removed"))
        elif key not in old:
            diff.changes.append(Change(kind, key, "added"))
        else:
            changed = _fields(old[key], new[key], skip)
            if changed:
                diff.changes.append(Change(kind, key, "changed", changed))


def diff_docs(a: dict[str, Any], b: dict[str, Any], name_a: str = "a",
              name_b: str = "b") -> BundleDiff:
    diff = BundleDiff(name_a, name_b)
    for kind, file, list_key, ident in SECTIONS:
        old = _by(a.get(file, {}).get(list_key), ident)
        new = _by(b.get(file, {}).get(list_key), ident)
        _compare(diff, kind, old, new, skip=("skus",) if kind == "product" else ())
        if kind == "product":
            old_skus = {s["code"]: s for p in old.values() for s in p.get("skus", [])}
            new_skus = {s["code"]: s for p in new.values() for s in p.get("skus", [])}
            _compare(diff, "sku", old_skus, new_skus)
    pages_a = {k: v for k, v in a.items() if k.startswith(fmt.PAGES_DIR)}
    pages_b = {k: v for k, v in b.items() if k.startswith(fmt.PAGES_DIR)}
    _compare(diff, "page", {v.get("key", k): v for k, v in pages_a.items()},
             {v.get("key", k): v for k, v in pages_b.items()})
    for kind, file in (("shop", fmt.SHOP), ("app", fmt.APP)):
        changed = _fields(a.get(file, {}), b.get(file, {}))
        if changed:
            diff.changes.append(Change(kind, file, "changed", changed))
    return diff


def diff_bundles(a: Path | str | Bundle, b: Path | str | Bundle) -> BundleDiff:
    """Differences from bundle `a` to bundle `b` (both read with the safe reader)."""
    ba = a if isinstance(a, Bundle) else open_bundle(a)
    bb = b if isinstance(b, Bundle) else open_bundle(b)
    return diff_docs(ba.docs, bb.docs, str(ba.path), str(bb.path))
