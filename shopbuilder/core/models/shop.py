"""Shops, their pages and the content-addressed assets they use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopbuilder.core.models.base import Base, ShopOwned, Timestamped
from shopbuilder.core.timeutil import DEFAULT_TIME_ZONE


class Asset(Base):
    """A file stored once, by the SHA-256 of its bytes; shared by every shop of a
    workspace (so cloning a shop copies references, not images)."""

    __tablename__ = "assets"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)


def asset_fk() -> Any:
    return ForeignKey("assets.sha256", ondelete="RESTRICT")


class Shop(Timestamped, Base):
    __tablename__ = "shops"

    slug: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    client: Mapped[str] = mapped_column(String(60), default="")  # agencies group shops by client
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE)

    brand_name: Mapped[str] = mapped_column(String(60), default="")
    slogan: Mapped[str] = mapped_column(String(120), default="")
    logo_asset: Mapped[str | None] = mapped_column(asset_fk())
    primary_color: Mapped[str] = mapped_column(String(9), default="#E4393C")
    secondary_color: Mapped[str] = mapped_column(String(9), default="#333333")
    brand_font_asset: Mapped[str | None] = mapped_column(asset_fk())

    share_title: Mapped[str] = mapped_column(String(60), default="")
    share_image_asset: Mapped[str | None] = mapped_column(asset_fk())

    # 营业执照: the e-commerce law wants it reachable from the home page.
    licence_company: Mapped[str] = mapped_column(String(120), default="")
    licence_number: Mapped[str] = mapped_column(String(32), default="")  # 统一社会信用代码
    licence_image_asset: Mapped[str | None] = mapped_column(asset_fk())
    licence_on_home: Mapped[bool] = mapped_column(default=False)

    # [{"page": "home", "label": "首页", "icon": sha256|None, "selected_icon": sha256|None}]
    tab_bar: Mapped[list[Any]] = mapped_column(default=list)
    # Free-form per-shop settings (import mapping presets, theme tokens …), validated by
    # the services that own each key.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)

    pages: Mapped[list[Page]] = relationship(
        back_populates="shop", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Page.sort_order",
    )


PAGE_KINDS = ("home", "custom", "category", "cart", "profile")


class Page(ShopOwned, Base):
    """A 微页面: an ordered list of components. `key` is the page's id in paths."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("shop_id", "key"),)

    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16), default="custom")
    sort_order: Mapped[int] = mapped_column(default=0)
    share_title: Mapped[str] = mapped_column(String(60), default="")
    # [{"id": "c1", "type": "banner", "settings": {...}}]; validated against
    # resources/schemas/components/<type>.json
    components: Mapped[list[Any]] = mapped_column(default=list)

    shop: Mapped[Shop] = relationship(back_populates="pages")

