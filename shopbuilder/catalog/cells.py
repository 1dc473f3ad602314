"""Cell text → values. Each parser raises `CellError` with a message for the user."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from shopbuilder.core.errors import ValidationError
from shopbuilder.core.money import parse_money
from shopbuilder.i18n import _


class CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def money(text: str) -> int:
    try:
        return parse_money(text)
    except ValidationError as exc:
        raise CellError(exc.issues[0].message) from exc


def optional_money(text: str) -> int | None:
    return money(text) if text else None


_INT_RE = re.compile(r"^-?\d+(?:\.0*)?\Z")


def whole(text: str) -> int:
    """Stock and grams: ``12``, ``1,000``, ``１２``; ``12.0`` (Excel) too, ``12.5`` not."""
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    if not _INT_RE.match(cleaned):
        raise CellError(_("not a whole number: {value!r}").format(value=text))
    return int(cleaned.split(".")[0])


def kilograms(text: str) -> int:
    """Weight in kg → grams, rounded to the gram."""
    cleaned = unicodedata.normalize("NFKC", text).lower().replace(",", "").strip()
    cleaned = cleaned.removesuffix("kg").removesuffix("公斤").removesuffix("千克").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise CellError(_("not a weight in kg: {value!r} (write it like 0.25)").format(
            value=text)) from exc
    if not value.is_finite():
        raise CellError(_("not a weight in kg: {value!r} (write it like 0.25)").format(
            value=text))
    return int((value * 1000).to_integral_value())


ON_WORDS = {"上架", "在售", "出售中", "上", "on", "active", "true", "yes", "1", "是", "y"}
OFF_WORDS = {"下架", "停售", "仓库中", "下", "off", "draft", "archived", "false", "no", "0",
             "否", "n"}


def status(text: str) -> bool:
    key = unicodedata.normalize("NFKC", text).strip().lower()
    if key in ON_WORDS:
        return True
    if key in OFF_WORDS:
        return False
    raise CellError(_("write 上架 (on shelf) or 下架 (off shelf), not {value!r}").format(
        value=text))


MSRP_WORDS = {"msrp", "厂商建议零售价", "建议零售价", "厂商指导价"}
PLAIN_WORDS = {"", "plain", "划线价", "原价"}


def list_price_label(text: str) -> str:
    key = unicodedata.normalize("NFKC", text).strip().lower()
    if key in MSRP_WORDS:
        return "msrp"
    if key in PLAIN_WORDS:
        return "plain"
    raise CellError(_("write 厂商建议零售价 (msrp) or leave it blank, not {value!r}").format(
        value=text))


_TAG_SPLIT = re.compile(r"[,，;；、|]")
_IMAGE_SPLIT = re.compile(r"[|\r\n]+")


def tags(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for tag in _TAG_SPLIT.split(text):
        if tag.strip():
            seen.setdefault(tag.strip(), None)
    return list(seen)


def image_refs(text: str) -> list[str]:
    return [r.strip() for r in _IMAGE_SPLIT.split(text) if r.strip()]


def category(text: str) -> str:
    """``一级 / 二级`` → ``一级/二级``; also accepts ``>`` as the separator."""
    parts = [p.strip() for p in re.split(r"[/>＞／]", text) if p.strip()]
    if len(parts) > 2:
        raise CellError(_("a category is '一级' or '一级/二级' (two levels at most), "
                          "got {value!r}").format(value=text))
    return "/".join(parts)
