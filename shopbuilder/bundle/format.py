"""The bundle format's constants: one place for names, versions, budgets and limits."""

from __future__ import annotations

from shopbuilder import __version__

FORMAT_ID = "shopbuilder.bundle"
FORMAT_VERSION = 1  # bump on any incompatible change; import refuses newer versions
GENERATOR = f"shopbuilder {__version__}"

MANIFEST = "manifest.json"
APP = "app.json"
SHOP = "shop.json"
PAGES_DIR = "pages/"
CATEGORIES = "catalog/categories.json"
PRODUCTS = "catalog/products.json"
COUPONS = "promotions/coupons.json"
GROUP_BUYS = "promotions/group_buys.json"
BARGAINS = "promotions/bargains.json"
FLASH_SALES = "promotions/flash_sales.json"
PROMOTION_FILES = (COUPONS, GROUP_BUYS, BARGAINS, FLASH_SALES)
ASSETS_DIR = "assets/"
POSTERS_DIR = "posters/"

# file name (or prefix) → schema file in resources/schemas/bundle/
SCHEMA_FOR = {
    MANIFEST: "manifest.json",
    APP: "app.json",
    SHOP: "shop.json",
    PAGES_DIR: "page.json",
    CATEGORIES: "categories.json",
    PRODUCTS: "products.json",
    COUPONS: "coupons.json",
    GROUP_BUYS: "group_buys.json",
    BARGAINS: "bargains.json",
    FLASH_SALES: "flash_sales.json",
}

# Size budgets (mini-program guidance: config small, assets over ~200 KB belong on a CDN).
CONFIG_BUDGET = 1_000_000
ASSET_BUDGET = 200 * 1024

# Import limits: past these an archive is refused as a zip bomb.
MAX_ENTRIES = 100_000
MAX_TOTAL_UNCOMPRESSED = 2 * 1024**3
MAX_ENTRY_UNCOMPRESSED = 64 * 1024**2
MAX_RATIO = 200  # uncompressed / compressed, per entry (JSON compresses ~10×)

# Fixed zip metadata so the same content gives the same bytes.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_FILE_MODE = 0o100644


def schema_name(name: str) -> str | None:
    """The schema for a bundle file, None for binary entries (assets, posters)."""
    if name.startswith(PAGES_DIR) and name.endswith(".json"):
        return SCHEMA_FOR[PAGES_DIR]
    return SCHEMA_FOR.get(name)


def page_file(key: str) -> str:
    return f"{PAGES_DIR}{key}.json"


def asset_file(sha256: str, ext: str) -> str:
    return f"{ASSETS_DIR}{sha256}.{ext}"


def app_page_path(key: str) -> str:
    """A page's path in app.json: no leading slash (share paths add one)."""
    return f"pages/{key}/index"
