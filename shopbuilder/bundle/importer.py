"""`import_bundle`: recreate a shop from a bundle, through the same services as the GUI.

The bundle is fully read and verified first; a hostile or broken one is refused
before anything is written. The bundle's (already processed) pictures become the new
shop's assets, and the image cache is seeded so that exporting the imported shop gives
the same files again (export → import → export keeps every manifest hash).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopbuilder.bundle import format as fmt
from shopbuilder.bundle.archive import Bundle, BundleError, open_bundle
from shopbuilder.bundle.images import RECIPES, write_cache_entry
from shopbuilder.bundle.promotions_docs import import_promotions
from shopbuilder.bundle.validate import check_bundle
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.findings import has_errors
from shopbuilder.core.models import Category
from shopbuilder.core.services import pages as page_svc
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.services.assets import add_asset
from shopbuilder.core.storage import Workspace
from shopbuilder.i18n import _


@dataclass
class ImportResult:
    slug: str
    products: int
    pages: int
    assets: int
    seeded: list[tuple[str, str, str]] = field(default_factory=list)  # (source, recipe, file)

    def as_json(self) -> dict[str, Any]:
        return {"slug": self.slug, "products": self.products, "pages": self.pages,
                "assets": self.assets}


def import_bundle(workspace: Workspace, path: Path | str, as_slug: str | None = None,
                  ) -> ImportResult:
    """Create a shop from the bundle at `path` (under `as_slug`, default the bundle's)."""
    bundle = open_bundle(path)
    findings = check_bundle(bundle)
    if has_errors(findings):
        raise BundleError([f for f in findings if f.severity == "error"])
    slug = as_slug or bundle.manifest["shop"]
    files = {n[len(fmt.ASSETS_DIR):].split(".")[0]: n for n in bundle.binaries
             if n.startswith(fmt.ASSETS_DIR)}
    docs = bundle.docs
    with workspace.session() as s:
        for name, data in bundle.iter_binaries(fmt.ASSETS_DIR):
            asset = add_asset(s, data, name.rsplit("/", 1)[-1], name)
            if asset.sha256 != name[len(fmt.ASSETS_DIR):].split(".")[0]:
                raise ValidationError(name, _("content does not match its name"))
        _import_shop(s, slug, docs)
        import_promotions(s, slug, docs)
        n_pages = sum(1 for n in docs if n.startswith(fmt.PAGES_DIR))
        n_products = len(docs[fmt.PRODUCTS]["products"])
    seeded = seed_cache(workspace, bundle, files)
    return ImportResult(slug, n_products, n_pages, len(files), seeded)


def _import_shop(s: Any, slug: str, docs: dict[str, Any]) -> None:
    shop_doc = docs[fmt.SHOP]
    shop_svc.create_shop(s, slug, shop_doc["name"], time_zone=shop_doc["time_zone"])
    brand, theme, share, lic = (shop_doc[k] for k in ("brand", "theme", "share", "licence"))
    shop_svc.set_brand(s, slug, shop_svc.BrandData(
        brand_name=brand["name"], slogan=brand["slogan"], logo_asset=brand["logo"],
        primary_color=theme["primary_color"], secondary_color=theme["secondary_color"],
        brand_font_asset=theme["font"], share_title=share["title"],
        share_image_asset=share["image"], licence_company=lic["company"],
        licence_number=lic["number"], licence_image_asset=lic["image"],
        licence_on_home=lic["on_home"]))
    labels = shop_doc["price_labels"]
    if labels != {"plain": "", "msrp": "厂商建议零售价"}:
        shop_svc.set_shop_setting(s, slug, "price_labels", dict(labels))

    categories: dict[str, Category] = {}
    for cat in docs[fmt.CATEGORIES]["categories"]:
        row = product_svc.create_category(s, slug, cat["name"], parent=cat["parent"],
                                          sort_order=cat["sort_order"])
        row.icon_asset = cat["icon"]
        categories[cat["path"]] = row
    for i, p in enumerate(docs[fmt.PRODUCTS]["products"]):
        category = categories.get(p["category"]) if p["category"] else None
        if p["category"] and category is None:
            raise ValidationError(f"products[{i}].category", _("no category {path!r}").format(
                path=p["category"]))
        data = product_svc.ProductData(
            code=p["code"], title=p["title"], subtitle=p["subtitle"],
            detail_html=p["detail_html"], category_id=category.id if category else None,
            tags=list(p["tags"]), images=list(p["images"]), on_shelf=p["on_shelf"],
            sort_order=p["sort_order"],
            options=[product_svc.OptionData(o["name"], list(o["values"])) for o in p["options"]],
            skus=[product_svc.SkuData(
                code=k["code"], price=k["price"], stock=k["stock"],
                option_values=list(k["option_values"]), list_price=k["list_price"],
                list_price_label=k["list_price_label"], weight_g=k["weight_g"],
                image=k["image"]) for k in p["skus"]])
        try:
            product_svc.create_product(s, slug, data)
        except ValidationError as exc:
            raise exc.prefixed(f"products[{i}]") from exc

    path_to_key: dict[str, str] = {}
    for name in sorted(n for n in docs if n.startswith(fmt.PAGES_DIR)):
        page = docs[name]
        path_to_key[page["path"]] = page["key"]
        try:
            page_svc.set_page(s, slug, page_svc.PageData(
                key=page["key"], title=page["title"], kind=page["kind"],
                components=page["components"], sort_order=page["sort_order"],
                share_title=page["share_title"]))
        except ValidationError as exc:
            raise exc.prefixed(name) from exc
    tab_bar = docs[fmt.APP].get("tabBar")
    if tab_bar:
        tabs = []
        for t in tab_bar["list"]:
            tab: dict[str, Any] = {"page": path_to_key.get(t["pagePath"], t["pagePath"]),
                                   "label": t["text"]}
            for src, dest in (("iconPath", "icon"), ("selectedIconPath", "selected_icon")):
                if t.get(src):
                    tab[dest] = t[src][len(fmt.ASSETS_DIR):].split(".")[0]
            tabs.append(tab)
        page_svc.set_tab_bar(s, slug, tabs)


def seed_cache(workspace: Workspace, bundle: Bundle, files: dict[str, str],
               ) -> list[tuple[str, str, str]]:
    """The bundle's pictures are already processed: record (source, recipe) → output so
    a re-export reuses them byte for byte instead of re-encoding them."""
    from shopbuilder.bundle.export import image_cache_for

    pairs: set[tuple[str, str, str]] = set()
    docs = bundle.docs
    shop = docs[fmt.SHOP]
    for sha, recipe in ((shop["brand"]["logo"], "banner"), (shop["share"]["image"], "banner"),
                        (shop["licence"]["image"], "banner"), (shop["theme"]["font"], "raw")):
        if sha:
            pairs.add((sha, recipe, sha))
    for cat in docs[fmt.CATEGORIES]["categories"]:
        if cat["icon"]:
            pairs.add((cat["icon"], "thumb", cat["icon"]))
    for p in docs[fmt.PRODUCTS]["products"]:
        pairs.update((sha, "product", sha) for sha in p["images"])
        pairs.update((k["image"], "product", k["image"]) for k in p["skus"] if k["image"])
        if p["images"] and p["thumbnail"]:
            pairs.add((p["images"][0], "thumb", p["thumbnail"]))
    from shopbuilder.bundle.validate import asset_refs

    for name, doc in docs.items():
        if name.startswith(fmt.PAGES_DIR):
            pairs.update((sha, "banner", sha) for _w, sha in asset_refs(doc.get("components")))
    for t in (docs[fmt.APP].get("tabBar") or {}).get("list", []):
        for key in ("iconPath", "selectedIconPath"):
            if t.get(key):
                sha = t[key][len(fmt.ASSETS_DIR):].split(".")[0]
                pairs.add((sha, "icon", sha))
    cache = image_cache_for(workspace)
    done = []
    for source, recipe, out in sorted(pairs):
        if out in files:
            name = files[out]
            write_cache_entry(cache.root, source, RECIPES[recipe].key,
                              workspace.assets.read(out), name.rsplit(".", 1)[-1], replace=True)
            done.append((source, recipe, out))
    return done
