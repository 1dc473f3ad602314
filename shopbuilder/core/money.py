"""Money is integer fen (分). These are the only ways in and out of text."""

from __future__ import annotations

import re
import unicodedata

from shopbuilder.core.errors import ValidationError
from shopbuilder.i18n import _

_MONEY_RE = re.compile(r"^(?P<sign>-)?(?P<int>\d+)(?:\.(?P<frac>\d{0,2}))?\Z")


def parse_money(text: str | int, path: str = "price") -> int:
    """Yuan text to fen: ``"¥1,299.00"``, ``"1299"``, ``"1299.5"``, ``"１２９９"``.

    Integers are taken as yuan. More than two decimals is an error, never rounded.
    """
    if isinstance(text, bool):
        raise ValidationError(path, _("not a price: {value!r}").format(value=text))
    if isinstance(text, int):
        return text * 100
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    cleaned = raw.replace(",", "").replace(" ", "")
    for prefix in ("¥", "￥", "CNY", "RMB"):
        if cleaned.upper().startswith(prefix):
            cleaned = cleaned[len(prefix):]
    if cleaned.endswith("元"):
        cleaned = cleaned[:-1]
    match = _MONEY_RE.match(cleaned)
    if not match:
        raise ValidationError(
            path, _("not a price: {value!r} (write it like 1299 or 1,299.00)").format(value=raw)
        )
    frac = (match["frac"] or "").ljust(2, "0")
    fen = int(match["int"]) * 100 + int(frac or 0)
    return -fen if match["sign"] else fen


def format_money(fen: int, symbol: str = "") -> str:
    """Fen to yuan text with two decimals: 129900 → ``"1299.00"``."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{symbol}{fen // 100}.{fen % 100:02d}"
