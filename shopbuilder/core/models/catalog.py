"""Categories, products (SPU), SKUs and the price history the 划线价 rule needs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopbuilder.core.models.base import Base, ShopOwned
from shopbuilder.core.models.shop import asset_fk
from shopbuilder.core.timeutil import utcnow

MAX_OPTIONS = 3
LIST_PRICE_LABELS = ("plain", "msrp")  # plain 划线价, or 厂商建议零售价


class Category(ShopOwned, Base):
    """Two levels: a top category (parent None) and its children."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("shop_id", "parent_id", "name"),)

    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(40))
    sort_order: Mapped[int] = mapped_column(default=0)
    icon_asset: Mapped[str | None] = mapped_column(asset_fk())

    parent: Mapped[Category | None] = relationship(remote_side="Category.id")


class Product(ShopOwned, Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("shop_id", "code"),)

    code: Mapped[str] = mapped_column(String(64))  # 商品编码, stable within the shop
    title: Mapped[str] = mapped_column(String(120))
    subtitle: Mapped[str] = mapped_column(String(200), default="")
    detail_html: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    tags: Mapped[list[Any]] = mapped_column(default=list)
    images: Mapped[list[Any]] = mapped_column(default=list)  # asset sha256s, first is main
    on_shelf: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    # [{"name": "颜色", "values": ["红", "蓝"]}, ...] — at most 3, values ordered
    options: Mapped[list[Any]] = mapped_column(default=list)

    category: Mapped[Category | None] = relationship()
    skus: Mapped[list[Sku]] = relationship(
        back_populates="product", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Sku.id",
    )


class Sku(ShopOwned, Base):
    __tablename__ = "skus"
    __table_args__ = (UniqueConstraint("shop_id", "code"),)

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64))
    option_values: Mapped[list[Any]] = mapped_column(default=list)  # one value per option
    price: Mapped[int] = mapped_column(BigInteger)  # fen
    list_price: Mapped[int | None] = mapped_column(BigInteger)  # 划线价, fen
    list_price_label: Mapped[str] = mapped_column(String(8), default="plain")
    cost: Mapped[int | None] = mapped_column(BigInteger)  # 成本价, fen
    stock: Mapped[int] = mapped_column(Integer, default=0)
    weight_g: Mapped[int | None] = mapped_column(Integer)
    image: Mapped[str | None] = mapped_column(asset_fk())

    product: Mapped[Product] = relationship(back_populates="skus")


class PriceHistory(Base):
    """Every price a SKU has had, from when: the 划线价 may not exceed the lowest
    price of the prior 7 days unless labelled as an MSRP."""

    __tablename__ = "price_history"
    __table_args__ = (Index("ix_price_history_sku_time", "sku_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"))
    price: Mapped[int] = mapped_column(BigInteger)
    list_price: Mapped[int | None] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
