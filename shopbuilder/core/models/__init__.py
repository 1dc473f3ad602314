"""All ORM models. Importing this package registers every table on `Base.metadata`."""

from shopbuilder.core.models.base import Base, ShopOwned, Timestamped, UTCDateTime
from shopbuilder.core.models.catalog import (
    LIST_PRICE_LABELS,
    MAX_OPTIONS,
    Category,
    PriceHistory,
    Product,
    Sku,
)
from shopbuilder.core.models.shop import PAGE_KINDS, Asset, Page, Shop

__all__ = [
    "LIST_PRICE_LABELS",
    "MAX_OPTIONS",
    "PAGE_KINDS",
    "Asset",
    "Base",
    "Category",
    "Page",
    "PriceHistory",
    "Product",
    "Shop",
    "ShopOwned",
    "Sku",
    "Timestamped",
    "UTCDateTime",
]
