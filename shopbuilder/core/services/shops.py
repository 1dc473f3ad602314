"""Create, find, rename, brand, clone and delete shops."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopbuilder.core import validation as v
from shopbuilder.core.errors import Collector, ConflictError, NotFoundError, ValidationError
from shopbuilder.core.models import Product, Shop, Sku
from shopbuilder.core.services.assets import require_image
from shopbuilder.core.timeutil import DEFAULT_TIME_ZONE, is_valid_time_zone
from shopbuilder.i18n import _


def get_shop(session: Session, slug: str) -> Shop:
    shop = session.scalar(select(Shop).where(Shop.slug == slug))
    if shop is None:
        raise NotFoundError(_("no shop with id {slug!r}").format(slug=slug))
    return shop


def list_shops(session: Session) -> list[Shop]:
    return list(session.scalars(select(Shop).order_by(Shop.client, Shop.name, Shop.slug)))


@dataclass(frozen=True)
class ShopSummary:
    slug: str
    name: str
    client: str
    time_zone: str
    product_count: int
    sku_count: int

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def shop_summaries(session: Session) -> list[ShopSummary]:
    products = (select(Product.shop_id, func.count().label("n"))
                .group_by(Product.shop_id).subquery())
    skus = select(Sku.shop_id, func.count().label("n")).group_by(Sku.shop_id).subquery()
    rows = session.execute(
        select(Shop, func.coalesce(products.c.n, 0), func.coalesce(skus.c.n, 0))
        .outerjoin(products, products.c.shop_id == Shop.id)
        .outerjoin(skus, skus.c.shop_id == Shop.id)
        .order_by(Shop.client, Shop.name, Shop.slug)
    )
    return [ShopSummary(s.slug, s.name, s.client, s.time_zone, int(p), int(k))
            for s, p, k in rows]


def _check_slug_free(session: Session, slug: str) -> None:
    if session.scalar(select(Shop.id).where(Shop.slug == slug)) is not None:
        raise ValidationError("slug", _("a shop with id {slug!r} already exists").format(slug=slug))


def create_shop(session: Session, slug: str, name: str, *, client: str = "",
                time_zone: str = DEFAULT_TIME_ZONE) -> Shop:
    c = Collector()
    v.slug(c, "slug", slug)
    v.text(c, "name", name, max_len=60)
    v.text(c, "client", client, max_len=60, required=False)
    if not is_valid_time_zone(time_zone):
        c.add("time_zone", _("unknown time zone {tz!r}").format(tz=time_zone))
    c.raise_if_any()
    _check_slug_free(session, slug)
    shop = Shop(slug=slug, name=name.strip(), client=client.strip(), time_zone=time_zone,
                brand_name=name.strip(), tab_bar=[], settings={})
    session.add(shop)
    session.flush()
    return shop


def rename_shop(session: Session, slug: str, *, name: str | None = None,
                new_slug: str | None = None, client: str | None = None) -> Shop:
    shop = get_shop(session, slug)
    c = Collector()
    if name is not None:
        v.text(c, "name", name, max_len=60)
    if client is not None:
        v.text(c, "client", client, max_len=60, required=False)
    if new_slug is not None and new_slug != slug:
        v.slug(c, "slug", new_slug)
    c.raise_if_any()
    if new_slug is not None and new_slug != slug:
        _check_slug_free(session, new_slug)
        shop.slug = new_slug
    if name is not None:
        shop.name = name.strip()
    if client is not None:
        shop.client = client.strip()
    session.flush()
    return shop


@dataclass
class BrandData:
    brand_name: str
    slogan: str = ""
    logo_asset: str | None = None
    primary_color: str = "#E4393C"
    secondary_color: str = "#333333"
    brand_font_asset: str | None = None
    share_title: str = ""
    share_image_asset: str | None = None
    licence_company: str = ""
    licence_number: str = ""
    licence_image_asset: str | None = None
    licence_on_home: bool = False


BRAND_FIELDS = tuple(BrandData.__dataclass_fields__)


def brand_of(shop: Shop) -> BrandData:
    return BrandData(**{f: getattr(shop, f) for f in BRAND_FIELDS})


def set_brand(session: Session, slug: str, brand: BrandData,
              expected_version: int | None = None) -> Shop:
    shop = get_shop(session, slug)
    if expected_version is not None and shop.version != expected_version:
        raise ConflictError(_("the shop was changed elsewhere; reload and try again"))
    c = Collector()
    v.text(c, "brand_name", brand.brand_name, max_len=60)
    v.text(c, "slogan", brand.slogan, max_len=120, required=False)
    v.color(c, "primary_color", brand.primary_color)
    v.color(c, "secondary_color", brand.secondary_color)
    v.text(c, "share_title", brand.share_title, max_len=60, required=False)
    v.text(c, "licence_company", brand.licence_company, max_len=120, required=False)
    v.text(c, "licence_number", brand.licence_number, max_len=32, required=False)
    if brand.licence_number and not (brand.licence_number.isalnum()
                                     and len(brand.licence_number) == 18):
        c.add("licence_number", _("a unified social credit code has 18 letters or digits"))
    if brand.licence_on_home and not brand.licence_company:
        c.add("licence_company", _("needed to show the business licence on the home page"))
    for field in ("logo_asset", "share_image_asset", "licence_image_asset"):
        try:
            require_image(session, getattr(brand, field), field)
        except ValidationError as exc:
            c.extend(exc)
    c.raise_if_any()
    for field in BRAND_FIELDS:
        value = getattr(brand, field)
        setattr(shop, field, value.strip() if isinstance(value, str) else value)
    session.flush()
    return shop


def set_shop_setting(session: Session, slug: str, key: str, value: Any) -> Shop:
    """Store one JSON value in the shop's settings (owned by the service that calls it)."""
    shop = get_shop(session, slug)
    settings = dict(shop.settings or {})
    settings[key] = value
    shop.settings = settings
    session.flush()
    return shop


def delete_shop(session: Session, slug: str) -> None:
    shop = get_shop(session, slug)
    session.delete(shop)
    session.flush()


def clone_shop(session: Session, source_slug: str, new_slug: str,
               name: str | None = None) -> Shop:
    """Copy a whole shop (pages, catalogue, promotions, history) under a new id."""
    from shopbuilder.core.clone import copy_shop_rows

    source = get_shop(session, source_slug)
    c = Collector()
    v.slug(c, "slug", new_slug)
    if name is not None:
        v.text(c, "name", name, max_len=60)
    c.raise_if_any()
    _check_slug_free(session, new_slug)
    session.flush()
    new_id = copy_shop_rows(session, source.id, new_slug, name.strip() if name else source.name)
    return session.get_one(Shop, new_id)
