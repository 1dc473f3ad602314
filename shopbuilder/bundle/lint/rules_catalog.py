"""Rules on references, the catalogue and the price law."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from shopbuilder.bundle import format as fmt
from shopbuilder.bundle.lint.registry import LintContext, Rule, rule
from shopbuilder.core.findings import Finding, Severity
from shopbuilder.core.money import format_money
from shopbuilder.core.timeutil import utcnow
from shopbuilder.i18n import N_, _

MSRP_LABEL = "厂商建议零售价"
PRICE_WINDOW = timedelta(days=7)
LOWEST_CLAIM_RE = re.compile(r"全网最低|史上最低|最低价")
MSRP_LIKE_RE = re.compile(r"建议零售|指导价|厂商|吊牌价|专柜价")


def _keys(ctx: LintContext, name: str, key: str, field: str) -> set[str]:
    return {str(i.get(field)) for i in ctx.items(name, key)}


@rule("ref.tab_page", Severity.ERROR, N_("references"),
      N_("A tab of the tab bar points to a page that does not exist."))
def tab_pages(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    paths = {doc.get("path") for _k, doc in ctx.pages()}
    tabs = ctx.doc(fmt.APP).get("tabBar", {}).get("list", [])
    for i, tab in enumerate(tabs):
        if tab.get("pagePath") not in paths:
            yield r.finding(f"tab_bar[{i}].page", _("the tab {label!r} opens {path!r}, which is "
                            "not a page of this shop").format(label=tab.get("text"),
                                                               path=tab.get("pagePath")))


@rule("ref.component", Severity.ERROR, N_("references"),
      N_("A page component names a product, category, coupon, campaign or page that does "
         "not exist (deleted or renamed)."))
def component_refs(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    products = _keys(ctx, fmt.PRODUCTS, "products", "code")
    categories = _keys(ctx, fmt.CATEGORIES, "categories", "path")
    coupons = _keys(ctx, fmt.COUPONS, "coupons", "key")
    campaigns = (_keys(ctx, fmt.GROUP_BUYS, "group_buys", "key")
                 | _keys(ctx, fmt.BARGAINS, "bargains", "key")
                 | _keys(ctx, fmt.FLASH_SALES, "flash_sales", "key"))
    app_pages = set(ctx.doc(fmt.APP).get("pages", []))
    for key, page in ctx.pages():
        for i, comp in enumerate(page.get("components", [])):
            loc = f"pages.{key}.components[{i}].settings"
            settings = comp.get("settings", {}) if isinstance(comp, dict) else {}
            for j, code in enumerate(settings.get("product_codes", [])):
                if code not in products:
                    yield r.finding(f"{loc}.product_codes[{j}]", _(
                        "no product {code!r} in this shop").format(code=code))
            cat = settings.get("category")
            if settings.get("source") == "category" and cat not in categories:
                yield r.finding(f"{loc}.category", _("no category {path!r} in this shop").format(
                    path=cat))
            for j, ckey in enumerate(settings.get("coupon_keys", [])):
                if ckey not in coupons:
                    yield r.finding(f"{loc}.coupon_keys[{j}]", _(
                        "no coupon {key!r} in this shop").format(key=ckey))
            for j, ckey in enumerate(settings.get("campaign_keys", [])):
                if ckey not in campaigns:
                    yield r.finding(f"{loc}.campaign_keys[{j}]", _(
                        "no campaign {key!r} in this shop").format(key=ckey))
            for path, link in _links(settings, loc):
                target = link.lstrip("/").split("?")[0]
                if target.startswith("pages/") and target not in app_pages:
                    yield r.finding(path, _("the link opens {link!r}, which is not a page of "
                                            "this shop").format(link=link))


def _links(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "link" and isinstance(v, str) and v:
                yield f"{path}.{k}", v
            else:
                yield from _links(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _links(v, f"{path}[{i}]")


@rule("catalog.no_image", Severity.WARNING, N_("references"),
      N_("A product has no picture."))
def no_image(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    for i, p in enumerate(ctx.items(fmt.PRODUCTS, "products")):
        if not p.get("images"):
            yield r.finding(f"products[{i}].images", _("{code}: no picture").format(
                code=p.get("code")))


@rule("catalog.no_stock", Severity.WARNING, N_("references"),
      N_("An on-shelf product has no stock in any SKU."))
def no_stock(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    for i, p in enumerate(ctx.items(fmt.PRODUCTS, "products")):
        if p.get("on_shelf") and sum(s.get("stock") or 0 for s in p.get("skus", [])) <= 0:
            yield r.finding(f"products[{i}].skus", _("{code} is on shelf with no stock").format(
                code=p.get("code")))


@rule("price.list_above_7day_low", Severity.ERROR, N_("price law"),
      N_("A plain-labelled list price (划线价) is above the lowest price of the 7 days before "
         "the current price took effect (明码标价和禁止价格欺诈规定); label it 厂商建议零售价 "
         "or lower it."),
      needs_session=True)
def list_above_low(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    from shopbuilder.core.models import PriceHistory

    state, session = ctx.state, ctx.session
    if state is None or session is None:
        return
    history: dict[int, list[tuple[Any, int]]] = {}
    rows = session.execute(select(PriceHistory.sku_id, PriceHistory.recorded_at,
                                  PriceHistory.price)
                           .where(PriceHistory.shop_id == state.shop.id)
                           .order_by(PriceHistory.sku_id, PriceHistory.recorded_at,
                                     PriceHistory.id))
    for sku_id, at, price in rows:
        history.setdefault(sku_id, []).append((at, price))
    for i, product in enumerate(state.products):
        for j, sku in enumerate(product.skus):
            if sku.list_price is None or sku.list_price_label != "plain":
                continue
            low = reference_price(history.get(sku.id, []), sku.price)
            if sku.list_price > low:
                yield r.finding(f"products[{i}].skus[{j}].list_price", _(
                    "{code}: list price ¥{lp} is above ¥{low}, the lowest price of the 7 "
                    "days before the current price").format(
                    code=sku.code, lp=format_money(sku.list_price), low=format_money(low)))


def reference_price(history: list[tuple[Any, int]], current: int) -> int:
    """The lowest price in effect during the 7 days before the current price took
    effect (未标明的被比较价格 = 本次降价前七日内的最低成交价). With no earlier price
    the current one is the reference: a 划线价 above it was never a real price."""
    start = len(history)
    while start > 0 and history[start - 1][1] == current:
        start -= 1
    prior = history[:start]
    if not prior:
        return current
    cut_at = history[start][0] if start < len(history) else utcnow()
    since = cut_at - PRICE_WINDOW
    before = [p for at, p in prior if at <= since]
    inside = [p for at, p in prior if at > since]
    candidates = inside + before[-1:]
    return min(candidates) if candidates else current


@rule("price.msrp_label", Severity.ERROR, N_("price law"),
      N_("A manufacturer's suggested price must be labelled exactly 厂商建议零售价, and a "
         "plain list price label must not claim to be one."))
def msrp_label(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    labels = ctx.doc(fmt.SHOP).get("price_labels", {})
    msrp = labels.get("msrp", MSRP_LABEL)
    used = any(s.get("list_price_label") == "msrp" and s.get("list_price") is not None
               for p in ctx.items(fmt.PRODUCTS, "products") for s in p.get("skus", []))
    if used and msrp != MSRP_LABEL:
        yield r.finding("shop.price_labels.msrp", _(
            "an MSRP is labelled {label!r}; it must read 厂商建议零售价").format(label=msrp))
    plain = labels.get("plain", "")
    if plain and MSRP_LIKE_RE.search(plain):
        yield r.finding("shop.price_labels.plain", _(
            "the plain list price label {label!r} reads like an MSRP; use the MSRP label "
            "(厂商建议零售价) for those").format(label=plain))


def copy_texts(ctx: LintContext) -> Iterator[tuple[str, str]]:
    """(location, text) for every title and piece of copy a buyer reads."""
    shop = ctx.doc(fmt.SHOP)
    yield "shop.share.title", shop.get("share", {}).get("title", "")
    yield "shop.brand.slogan", shop.get("brand", {}).get("slogan", "")
    for key, page in ctx.pages():
        yield f"pages.{key}.title", page.get("title", "")
        yield f"pages.{key}.share_title", page.get("share_title", "")
        for i, comp in enumerate(page.get("components", [])):
            settings = comp.get("settings", {}) if isinstance(comp, dict) else {}
            for field in ("title", "text", "html", "placeholder"):
                if isinstance(settings.get(field), str):
                    yield f"pages.{key}.components[{i}].settings.{field}", settings[field]
    for i, p in enumerate(ctx.items(fmt.PRODUCTS, "products")):
        for field in ("title", "subtitle", "detail_html"):
            yield f"products[{i}].{field}", p.get(field, "")
    yield from campaign_texts(ctx)


def campaign_texts(ctx: LintContext) -> Iterator[tuple[str, str]]:
    for name, key in ((fmt.COUPONS, "coupons"), (fmt.GROUP_BUYS, "group_buys"),
                      (fmt.BARGAINS, "bargains"), (fmt.FLASH_SALES, "flash_sales")):
        for i, item in enumerate(ctx.items(name, key)):
            for field in ("name", "title", "rules_text", "share_title"):
                if isinstance(item.get(field), str):
                    yield f"{key}[{i}].{field}", item[field]


@rule("price.lowest_claim", Severity.WARNING, N_("price law"),
      N_("全网最低 / 史上最低 / 最低价 claims in titles or copy need evidence."))
def lowest_claim(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    for loc, text in copy_texts(ctx):
        match = LOWEST_CLAIM_RE.search(text or "")
        if match:
            yield r.finding(loc, _("{claim!r} is a price claim that needs evidence").format(
                claim=match.group()))
