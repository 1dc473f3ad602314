"""Rules on coupons and campaigns: references, the margin guard, 砍价 and 拼团 rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shopbuilder.bundle import format as fmt
from shopbuilder.bundle.lint.registry import LintContext, Rule, rule
from shopbuilder.core.findings import Finding, Severity
from shopbuilder.i18n import N_, _

# Guard findings that other rules here already report (from the documents).
GUARD_DUPLICATES = {"promo.fabricated_members", "promo.unknown_product", "promo.unknown_sku"}
CAMPAIGNS = ((fmt.GROUP_BUYS, "group_buys"), (fmt.BARGAINS, "bargains"),
             (fmt.FLASH_SALES, "flash_sales"))


@rule("ref.promotion", Severity.ERROR, N_("references"),
      N_("A coupon or campaign names a product, SKU or category that does not exist."))
def promotion_refs(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    products = {p.get("code"): p for p in ctx.items(fmt.PRODUCTS, "products")}
    skus = {s.get("code"): code for code, p in products.items() for s in p.get("skus", [])}
    categories = {c.get("path") for c in ctx.items(fmt.CATEGORIES, "categories")}
    for i, c in enumerate(ctx.items(fmt.COUPONS, "coupons")):
        known = categories if c.get("scope") == "categories" else set(products)
        if c.get("scope") == "shop":
            continue
        for j, item in enumerate(c.get("scope_items", [])):
            if item not in known:
                yield r.finding(f"coupons[{i}].scope_items[{j}]", _(
                    "coupon {key}: no {what} {item!r} in this shop").format(
                    key=c.get("key"), item=item,
                    what=_("category") if c.get("scope") == "categories" else _("product")))
    for name, list_key in CAMPAIGNS:
        for i, camp in enumerate(ctx.items(name, list_key)):
            loc = f"{list_key}[{i}]"
            code = camp.get("product_code")
            if code not in products:
                yield r.finding(f"{loc}.product_code", _(
                    "campaign {key}: no product {code!r} in this shop").format(
                    key=camp.get("key"), code=code))
                continue
            wanted = list(camp.get("sku_prices", {}))
            if camp.get("sku_code"):
                wanted.append(camp["sku_code"])
            for sku in wanted:
                if skus.get(sku) != code:
                    yield r.finding(f"{loc}.sku_prices.{sku}", _(
                        "campaign {key}: {sku!r} is not a SKU of {code}").format(
                        key=camp.get("key"), sku=sku, code=code))


@rule("money.margin_guard", Severity.ERROR, N_("money"),
      N_("What the promotions margin guard reports: a payable amount of ¥0 or less, a price "
         "below cost (a warning when marked as a loss leader), campaign prices not below "
         "the regular price. Findings keep the guard's own ids (promo.*)."),
      needs_session=True)
def margin_guard(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    try:
        from shopbuilder.promotions.guard import worst_case
    except ImportError:
        return
    for finding in worst_case(ctx.session, ctx.slug):  # type: ignore[arg-type]
        if finding.rule not in GUARD_DUPLICATES:
            yield finding


def _random_flags(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            flagged = "random" in str(k).lower() and v not in (False, None, 0, "", [], {})
            if flagged or (isinstance(v, str) and v.lower() == "random"):
                yield f"{path}.{k}"
            else:
                yield from _random_flags(v, f"{path}.{k}")


@rule("wechat.bargain_plan", Severity.ERROR, N_("WeChat rules"),
      N_("A bargain (砍价) publishes how many helpers it needs and a fixed cut plan; random "
         "cuts are forbidden."))
def bargain_plan(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    for i, b in enumerate(ctx.items(fmt.BARGAINS, "bargains")):
        loc = f"bargains[{i}]"
        plan = b.get("cut_plan")
        start, floor, helpers = b.get("start_price"), b.get("floor_price"), b.get("helpers")
        if not isinstance(plan, list) or not plan:
            yield r.finding(f"{loc}.cut_plan", _(
                "bargain {key} has no published cut plan").format(key=b.get("key")))
        elif (isinstance(start, int) and isinstance(floor, int)
              and (sum(plan) != start - floor or len(plan) != helpers)):
            yield r.finding(f"{loc}.cut_plan", _(
                "bargain {key}: the cut plan does not take {n} helpers from the start price "
                "to the floor").format(key=b.get("key"), n=helpers))
        for flag in _random_flags(b, loc):
            yield r.finding(flag, _("bargain {key} cuts random amounts; WeChat requires fixed "
                                    "cuts").format(key=b.get("key")))


@rule("wechat.group_auto_complete", Severity.WARNING, N_("WeChat rules"),
      N_("A group-buy (拼团) that auto-completes fills groups with made-up members: it must "
         "be disclosed to buyers."))
def group_auto_complete(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    for i, g in enumerate(ctx.items(fmt.GROUP_BUYS, "group_buys")):
        if g.get("auto_complete"):
            yield r.finding(f"group_buys[{i}].auto_complete", _(
                "group-buy {key} auto-completes groups with made-up members; disclose it on "
                "the rules page").format(key=g.get("key")))
