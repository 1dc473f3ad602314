"""The bundle's JSON documents, built from a shop's rows.

Every builder takes a `Ref` callable that turns a workspace asset (source SHA-256)
and a recipe name into the SHA-256 the bundle uses: identity for lint, the processed
output's hash for export. Documents are plain dicts; the same shop state always gives
the same documents (lists in a stable order, no row ids, no clock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopbuilder.bundle import format as fmt
from shopbuilder.bundle.promotions_docs import build_promotions, load_promotions
from shopbuilder.core.clone import shop_tables
from shopbuilder.core.components import component_schema
from shopbuilder.core.models import Category, Page, Product, Shop
from shopbuilder.core.services import pages as page_svc
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.services.shops import get_shop

Ref = Callable[[str, str], str]
Docs = dict[str, Any]

# Built-in runtime pages every bundle lists (posters' QR codes open them).
HOME_PATH = "pages/index/index"
RUNTIME_PAGES = ("pages/product/index", "pages/campaign/index", "pages/coupon/index")
MSRP_LABEL = "厂商建议零售价"


def identity_ref(sha: str, _recipe: str) -> str:
    return sha


@dataclass
class ShopState:
    """A shop's rows loaded once (lint and export build documents from it several
    times: with source hashes, to collect picture work, with output hashes)."""

    shop: Shop
    pages: list[Page]
    categories: list[Category]
    products: list[Product]
    extra: dict[str, Any] = field(default_factory=dict)  # promotions, when present
    # bundle SHA-256 → file extension, known once pictures are processed (tab icons
    # are named by path in app.json)
    asset_ext: dict[str, str] = field(default_factory=dict)


def load_state(session: Session, slug: str) -> ShopState:
    shop = get_shop(session, slug)
    return ShopState(shop, page_svc.list_pages(session, slug),
                     product_svc.list_categories(session, slug),
                     product_svc.list_products(session, slug),
                     extra={"promotions": load_promotions(session, slug)})


def last_edit(session: Session, shop: Shop) -> datetime:
    """The newest `updated_at` over the shop's content rows: the bundle's build time
    (history such as its publishes is not an edit)."""
    newest = shop.updated_at
    for table in shop_tables():
        if "updated_at" in table.c:
            value = session.scalar(select(func.max(table.c.updated_at))
                                   .where(table.c.shop_id == shop.id))
            if value is not None:
                value = value if isinstance(value, datetime) else datetime.fromisoformat(value)
                value = value.replace(tzinfo=newest.tzinfo) if value.tzinfo is None else value
                newest = max(newest, value)
    return newest


def page_path(page: Page | dict[str, Any]) -> str:
    kind = page.kind if isinstance(page, Page) else page["kind"]
    key = page.key if isinstance(page, Page) else page["key"]
    return HOME_PATH if kind == "home" else fmt.app_page_path(key)


def _opt(ref: Ref, sha: str | None, recipe: str) -> str | None:
    return ref(sha, recipe) if sha else None


def build_app(state: ShopState, ref: Ref) -> dict[str, Any]:
    shop = state.shop
    paths = [page_path(p) for p in sorted(state.pages, key=lambda p: p.kind != "home")]
    app: dict[str, Any] = {
        "pages": paths + [p for p in RUNTIME_PAGES if p not in paths],
        "window": {"navigationBarTitleText": shop.name,
                   "navigationBarBackgroundColor": shop.primary_color,
                   "navigationBarTextStyle": "white", "backgroundColor": "#F7F7F7"},
    }
    by_key = {p.key: p for p in state.pages}
    if shop.tab_bar:
        tabs = []
        for tab in shop.tab_bar:
            page = by_key.get(tab.get("page", ""))
            item: dict[str, Any] = {
                "pagePath": page_path(page) if page else fmt.app_page_path(tab.get("page", "")),
                "text": tab.get("label", "")}
            for src, dest in (("icon", "iconPath"), ("selected_icon", "selectedIconPath")):
                if tab.get(src):
                    sha = ref(tab[src], "icon")
                    item[dest] = fmt.asset_file(sha, state.asset_ext.get(sha, "png"))
            tabs.append(item)
        app["tabBar"] = {"color": shop.secondary_color, "selectedColor": shop.primary_color,
                         "backgroundColor": "#FFFFFF", "list": tabs}
    return app


def build_shop(state: ShopState, ref: Ref) -> dict[str, Any]:
    shop = state.shop
    labels = (shop.settings or {}).get("price_labels", {})
    return {
        "name": shop.name,
        "time_zone": shop.time_zone,
        "brand": {"name": shop.brand_name, "slogan": shop.slogan,
                  "logo": _opt(ref, shop.logo_asset, "banner")},
        "theme": {"primary_color": shop.primary_color, "secondary_color": shop.secondary_color,
                  "font": _opt(ref, shop.brand_font_asset, "raw")},
        "share": {"title": shop.share_title,
                  "image": _opt(ref, shop.share_image_asset, "banner")},
        "licence": {"company": shop.licence_company, "number": shop.licence_number,
                    "image": _opt(ref, shop.licence_image_asset, "banner"),
                    "on_home": shop.licence_on_home},
        "price_labels": {"plain": labels.get("plain", ""), "msrp": labels.get("msrp", MSRP_LABEL)},
    }


def _resolve_assets(value: Any, schema: dict[str, Any], ref: Ref) -> Any:
    """Walk settings alongside their component schema and map `format: asset` strings."""
    if schema.get("format") == "asset" and isinstance(value, str):
        return ref(value, "banner")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        return {k: _resolve_assets(v, props.get(k, {}), ref) for k, v in value.items()}
    if isinstance(value, list):
        items = schema.get("items", {})
        return [_resolve_assets(v, items, ref) for v in value]
    return value


def build_page(page: Page, ref: Ref) -> dict[str, Any]:
    components = []
    for comp in page.components:
        settings = comp.get("settings", {})
        try:
            schema = component_schema(comp.get("type", ""))
        except OSError:
            schema = {}
        components.append({"id": comp.get("id", ""), "type": comp.get("type", ""),
                           "settings": _resolve_assets(settings, schema, ref)})
    return {"key": page.key, "title": page.title, "kind": page.kind, "path": page_path(page),
            "sort_order": page.sort_order, "share_title": page.share_title,
            "components": components}


def build_categories(state: ShopState, ref: Ref) -> dict[str, Any]:
    return {"categories": [
        {"path": product_svc.category_path(c), "name": c.name,
         "parent": c.parent.name if c.parent else None, "sort_order": c.sort_order,
         "icon": _opt(ref, c.icon_asset, "thumb")}
        for c in state.categories]}


def build_products(state: ShopState, ref: Ref) -> dict[str, Any]:
    out = []
    for p in state.products:
        out.append({
            "code": p.code, "title": p.title, "subtitle": p.subtitle,
            "category": product_svc.category_path(p.category) or None,
            "tags": list(p.tags), "on_shelf": p.on_shelf, "sort_order": p.sort_order,
            "images": [ref(sha, "product") for sha in p.images],
            "thumbnail": ref(p.images[0], "thumb") if p.images else None,
            "options": [{"name": o["name"], "values": list(o["values"])} for o in p.options],
            "detail_html": p.detail_html,
            "skus": [{"code": s.code, "option_values": list(s.option_values),
                      "price": s.price, "list_price": s.list_price,
                      "list_price_label": s.list_price_label, "stock": s.stock,
                      "weight_g": s.weight_g, "image": _opt(ref, s.image, "product")}
                     for s in p.skus],
        })
    return {"products": out}


def build_documents(state: ShopState, ref: Ref) -> Docs:
    """All JSON documents except the manifest, by bundle file name."""
    docs: Docs = {
        fmt.APP: build_app(state, ref),
        fmt.SHOP: build_shop(state, ref),
        fmt.CATEGORIES: build_categories(state, ref),
        fmt.PRODUCTS: build_products(state, ref),
    }
    for page in state.pages:
        docs[fmt.page_file(page.key)] = build_page(page, ref)
    docs.update(build_promotions(state.extra.get("promotions", {})))
    return docs
