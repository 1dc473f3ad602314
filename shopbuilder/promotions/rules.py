"""What a marketer edits (dataclasses) and the rules each kind of promotion must meet.

Validation adds issues with field paths (``sku_prices.TEE-01-1``) to a Collector;
the services in `coupons.py` and `campaigns.py` call it before writing.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shopbuilder.core import validation as v
from shopbuilder.core.errors import Collector
from shopbuilder.core.models import (
    COUPON_KINDS,
    COUPON_OBTAIN,
    COUPON_SCOPES,
    COUPON_USE_MODES,
)
from shopbuilder.core.money import format_money
from shopbuilder.i18n import _

KEY_RE = re.compile(r"^[A-Za-z0-9]{1,8}\Z")
CODE_RE = re.compile(r"^[A-Za-z0-9]{4,32}\Z")
SLOT_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)\Z")
PAY_CONDITIONS = ("floor", "current")  # must reach the floor / may buy at the current price
KEY_PREFIX = {"coupon": "c", "group_buy": "gb", "bargain": "bg", "flash_sale": "fs"}


@dataclass
class CouponData:
    """A coupon. `value` is fen off (amount) or whole percent off (percent, 1–99)."""

    name: str
    value: int
    claim_starts_at: datetime
    claim_ends_at: datetime
    kind: str = "amount"
    threshold: int = 0
    cap: int | None = None
    scope: str = "shop"
    scope_items: list[str] = field(default_factory=list)
    use_mode: str = "fixed"
    use_starts_at: datetime | None = None
    use_ends_at: datetime | None = None
    use_days: int | None = None
    total: int | None = None
    per_user: int = 1
    per_user_per_day: int | None = None
    obtain: str = "claim"
    redeem_code: str | None = None
    stack_coupons: bool = False
    stack_campaigns: bool = False
    loss_leader: bool = False
    key: str | None = None
    sort_order: int = 0


@dataclass
class GroupBuyData:
    """拼团. `sku_prices` must price every SKU of the product."""

    title: str
    product_code: str
    sku_prices: dict[str, int]
    starts_at: datetime
    ends_at: datetime
    group_size: int = 2
    fill_hours: int = 24
    leader_prices: dict[str, int] = field(default_factory=dict)
    sku_stock: dict[str, int] = field(default_factory=dict)  # missing: the SKU's stock
    per_user_limit: int | None = None
    per_order_limit: int | None = None
    new_users_only: bool = False
    auto_complete: bool = False
    auto_complete_pct: int | None = None
    loss_leader: bool = False
    allow_overlap: bool = False
    key: str | None = None
    sort_order: int = 0


@dataclass
class BargainData:
    """砍价 on one SKU: from `start_price` (default the SKU price) down to `floor_price`."""

    title: str
    sku_code: str
    floor_price: int
    helpers: int
    starts_at: datetime
    ends_at: datetime
    stock: int | None = None  # missing: the SKU's stock
    start_price: int | None = None
    finish_hours: int = 24
    starts_per_user: int = 1
    helps_per_user: int = 1
    pay_condition: str = "floor"
    seed: int | None = None  # missing: derived from the key
    loss_leader: bool = False
    allow_overlap: bool = False
    key: str | None = None
    sort_order: int = 0


@dataclass
class FlashSaleData:
    """秒杀. `slots` are daily ("10:00", "12:00") pairs in the shop's time zone; none
    means one window from `starts_at` to `ends_at`."""

    title: str
    product_code: str
    sku_prices: dict[str, int]
    starts_at: datetime
    ends_at: datetime
    slots: list[tuple[str, str]] = field(default_factory=list)
    sku_stock: dict[str, int] = field(default_factory=dict)
    per_user_limit: int | None = None
    loss_leader: bool = False
    allow_overlap: bool = False
    key: str | None = None
    sort_order: int = 0


CampaignData = GroupBuyData | BargainData | FlashSaleData


def default_seed(key: str) -> int:
    return zlib.crc32(key.encode()) & 0x7FFFFFFF


def check_key(c: Collector, key: Any) -> None:
    if key is not None and (not isinstance(key, str) or not KEY_RE.match(key)):
        c.add("key", _("{key!r} is not a valid key: 1–8 letters or digits").format(key=key))


def check_window(c: Collector, start_path: str, end_path: str, start: Any, end: Any) -> bool:
    ok = True
    for path, value in ((start_path, start), (end_path, end)):
        if not isinstance(value, datetime) or value.tzinfo is None:
            c.add(path, _("must be a date and time with a time zone"))
            ok = False
    if ok and end <= start:
        c.add(end_path, _("must be after the start"))
        return False
    return ok


def check_flag(c: Collector, path: str, value: Any) -> None:
    if not isinstance(value, bool):
        c.add(path, _("must be true or false"))


def check_limit(c: Collector, path: str, value: Any) -> bool:
    """An optional whole number ≥ 1 (None = no limit)."""
    return v.whole(c, path, value, minimum=1, optional=True)


def validate_coupon_fields(c: Collector, d: CouponData) -> None:
    """Rules that need no database: ranges, windows, consistency."""
    check_key(c, d.key)
    v.text(c, "name", d.name, max_len=16)
    if d.kind not in COUPON_KINDS:
        c.add("kind", _("must be one of {kinds}").format(kinds=", ".join(COUPON_KINDS)))
    threshold_ok = v.whole(c, "threshold", d.threshold)
    if v.whole(c, "value", d.value, minimum=1):
        if d.kind == "amount" and threshold_ok and d.threshold and d.value >= d.threshold:
            c.add("value", _("an amount-off coupon must be below its threshold "
                             "(¥{value} off ¥{threshold} would make goods free)").format(
                value=format_money(d.value), threshold=format_money(d.threshold)))
        if d.kind == "percent" and d.value >= 100:
            c.add("value", _("a percent-off coupon takes 1–99 percent off"))
    if d.cap is not None:
        if d.kind != "percent":
            c.add("cap", _("only a percent-off coupon has a cap"))
        else:
            v.whole(c, "cap", d.cap, minimum=1)
    if d.scope not in COUPON_SCOPES:
        c.add("scope", _("must be one of {scopes}").format(scopes=", ".join(COUPON_SCOPES)))
    elif d.scope == "shop" and d.scope_items:
        c.add("scope_items", _("a whole-shop coupon lists no items"))
    elif d.scope != "shop" and not d.scope_items:
        c.add("scope_items", _("list at least one category or product"))
    claim_ok = check_window(c, "claim_starts_at", "claim_ends_at",
                            d.claim_starts_at, d.claim_ends_at)
    _validate_use_window(c, d, claim_ok)
    check_limit(c, "total", d.total)
    if v.whole(c, "per_user", d.per_user, minimum=1) and isinstance(d.total, int) \
            and not isinstance(d.total, bool) and d.per_user > d.total:
        c.add("per_user", _("the per-user limit ({n}) is above the total quantity ({m})").format(
            n=d.per_user, m=d.total))
    if check_limit(c, "per_user_per_day", d.per_user_per_day) and d.per_user_per_day \
            and isinstance(d.per_user, int) and d.per_user_per_day > d.per_user:
        c.add("per_user_per_day", _("cannot be above the per-user limit"))
    if d.obtain not in COUPON_OBTAIN:
        c.add("obtain", _("must be one of {ways}").format(ways=", ".join(COUPON_OBTAIN)))
    elif d.obtain == "code":
        if not isinstance(d.redeem_code, str) or not CODE_RE.match(d.redeem_code):
            c.add("redeem_code", _("a redeem code is 4–32 letters or digits"))
    elif d.redeem_code:
        c.add("redeem_code", _("only a coupon obtained by redeem code has a code"))
    for name in ("stack_coupons", "stack_campaigns", "loss_leader"):
        check_flag(c, name, getattr(d, name))


def _validate_use_window(c: Collector, d: CouponData, claim_ok: bool) -> None:
    if d.use_mode not in COUPON_USE_MODES:
        c.add("use_mode", _("must be one of {modes}").format(modes=", ".join(COUPON_USE_MODES)))
        return
    if d.use_mode == "fixed":
        if d.use_days is not None:
            c.add("use_days", _("a fixed use window has no day count"))
        if check_window(c, "use_starts_at", "use_ends_at", d.use_starts_at, d.use_ends_at) \
                and claim_ok:
            if d.use_starts_at < d.claim_starts_at:  # type: ignore[operator]
                c.add("use_starts_at", _("the use window cannot start before the claim window"))
            if d.use_ends_at < d.claim_ends_at:  # type: ignore[operator]
                c.add("use_ends_at", _("the use window cannot end before the claim window"))
    else:
        if d.use_starts_at is not None or d.use_ends_at is not None:
            c.add("use_mode", _("a use window counted in days has no fixed dates"))
        if d.use_days is None:
            c.add("use_days", _("say for how many days a claimed coupon can be used"))
        else:
            v.whole(c, "use_days", d.use_days, minimum=1, maximum=365)


def parse_slot(c: Collector, path: str, slot: Any) -> tuple[int, int] | None:
    """("10:00", "12:00") → minutes of the day (600, 720)."""
    if not isinstance(slot, (tuple, list)) or len(slot) != 2:
        c.add(path, _("a session is a start and an end time like 10:00–12:00"))
        return None
    minutes = []
    for part in slot:
        m = SLOT_RE.match(part) if isinstance(part, str) else None
        if not m:
            c.add(path, _("{value!r} is not a time like 10:00").format(value=part))
            return None
        minutes.append(int(m[1]) * 60 + int(m[2]))
    if minutes[1] <= minutes[0]:
        c.add(path, _("a session must end after it starts, on the same day"))
        return None
    return minutes[0], minutes[1]
