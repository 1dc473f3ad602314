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
from shopbuilder.core.models.promotions import (
    CAMPAIGN_KINDS,
    COUPON_KINDS,
    COUPON_OBTAIN,
    COUPON_SCOPES,
    COUPON_USE_MODES,
    Campaign,
    Coupon,
)
from shopbuilder.core.models.publish import (
    PUBLISH_ACTIONS,
    PUBLISH_RESULTS,
    TARGET_KINDS,
    PublishRecord,
    PublishTarget,
)
from shopbuilder.core.models.shop import PAGE_KINDS, Asset, Page, Shop

__all__ = [
    "CAMPAIGN_KINDS",
    "COUPON_KINDS",
    "COUPON_OBTAIN",
    "COUPON_SCOPES",
    "COUPON_USE_MODES",
    "LIST_PRICE_LABELS",
    "MAX_OPTIONS",
    "PAGE_KINDS",
    "PUBLISH_ACTIONS",
    "PUBLISH_RESULTS",
    "TARGET_KINDS",
    "Asset",
    "Base",
    "Campaign",
    "Category",
    "Coupon",
    "Page",
    "PriceHistory",
    "Product",
    "PublishRecord",
    "PublishTarget",
    "Shop",
    "ShopOwned",
    "Sku",
    "Timestamped",
    "UTCDateTime",
]
