"""Small builders for test data."""

from __future__ import annotations

import io

from PIL import Image

from shopbuilder.core.services.products import OptionData, ProductData, SkuData


def png_bytes(color: str = "red", size: tuple[int, int] = (8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def simple_product(code: str = "P1", price: int = 1000, **kw: object) -> ProductData:
    return ProductData(code=code, title=f"商品 {code}",
                       skus=[SkuData(code=f"{code}-1", price=price, stock=5)], **kw)  # type: ignore[arg-type]


def options_product(code: str = "OPT") -> ProductData:
    return ProductData(
        code=code, title="T恤",
        options=[OptionData("颜色", ["红", "蓝"]), OptionData("尺码", ["S", "M"])],
        skus=[SkuData(code=f"{code}-{c}{s}", option_values=[c, s], price=7900, stock=10,
                      list_price=9900)
              for c in ("红", "蓝") for s in ("S", "M")],
    )
