"""Campaign services (拼团, 砍价, 秒杀): add, update, delete, list, get.

One `campaigns` table holds all three kinds; kind-specific rules are in `settings`.
`campaign_data(row)` gives back the dataclass a marketer edits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shopbuilder.core import validation as v
from shopbuilder.core.errors import Collector, ConflictError, NotFoundError, ValidationError
from shopbuilder.core.models import CAMPAIGN_KINDS, Campaign, Product, Shop, Sku
from shopbuilder.core.services.shops import get_shop
from shopbuilder.i18n import _
from shopbuilder.promotions import rules as r
from shopbuilder.promotions.keys import check_key_free, next_key
from shopbuilder.promotions.rules import BargainData, CampaignData, FlashSaleData, GroupBuyData

KIND_OF = {GroupBuyData: "group_buy", BargainData: "bargain", FlashSaleData: "flash_sale"}
KIND_LABEL = {"group_buy": "拼团", "bargain": "砍价", "flash_sale": "秒杀"}


def kind_of(data: CampaignData) -> str:
    return KIND_OF[type(data)]


# ---------------------------------------------------------------- row <-> data


def campaign_data(row: Campaign) -> CampaignData:
    s = row.settings or {}
    common = dict(title=row.title, starts_at=row.starts_at, ends_at=row.ends_at,
                  loss_leader=row.loss_leader, allow_overlap=row.allow_overlap, key=row.key,
                  sort_order=row.sort_order)
    if row.kind == "group_buy":
        return GroupBuyData(product_code=row.product.code, sku_prices=dict(row.sku_prices),
                            leader_prices=dict(row.leader_prices), sku_stock=dict(row.sku_stock),
                            per_user_limit=row.per_user_limit,
                            per_order_limit=row.per_order_limit,
                            group_size=s["group_size"], fill_hours=s["fill_hours"],
                            new_users_only=s["new_users_only"], auto_complete=s["auto_complete"],
                            auto_complete_pct=s["auto_complete_pct"], **common)
    if row.kind == "bargain":
        (code, floor), = row.sku_prices.items()
        return BargainData(sku_code=code, floor_price=floor, stock=row.sku_stock.get(code),
                           start_price=s["start_price"], helpers=s["helpers"],
                           finish_hours=s["finish_hours"], starts_per_user=s["starts_per_user"],
                           helps_per_user=s["helps_per_user"], pay_condition=s["pay_condition"],
                           seed=s["seed"], **common)
    return FlashSaleData(product_code=row.product.code, sku_prices=dict(row.sku_prices),
                         sku_stock=dict(row.sku_stock), per_user_limit=row.per_user_limit,
                         slots=[tuple(x) for x in s.get("slots", [])], **common)  # type: ignore[misc]


def _stock(stock: dict[str, int], prices: dict[str, int], skus: dict[str, Sku]) -> dict[str, int]:
    """Campaign stock per priced SKU; a SKU not given gets its own stock."""
    return {code: stock.get(code, skus[code].stock) for code in prices}


def _apply(row: Campaign, data: CampaignData, product: Product, skus: dict[str, Sku]) -> None:
    row.kind = kind_of(data)
    row.key = data.key  # type: ignore[assignment]
    row.title = data.title.strip()
    row.product_id = product.id
    row.starts_at, row.ends_at = data.starts_at, data.ends_at
    row.loss_leader, row.allow_overlap = data.loss_leader, data.allow_overlap
    row.sort_order = data.sort_order
    if isinstance(data, GroupBuyData):
        row.sku_prices = dict(data.sku_prices)
        row.leader_prices = dict(data.leader_prices)
        row.sku_stock = _stock(data.sku_stock, data.sku_prices, skus)
        row.per_user_limit, row.per_order_limit = data.per_user_limit, data.per_order_limit
        row.settings = {"group_size": data.group_size, "fill_hours": data.fill_hours,
                        "new_users_only": data.new_users_only,
                        "auto_complete": data.auto_complete,
                        "auto_complete_pct": data.auto_complete_pct}
    elif isinstance(data, BargainData):
        sku = skus[data.sku_code]
        row.sku_prices = {data.sku_code: data.floor_price}
        row.leader_prices = {}
        row.sku_stock = {data.sku_code: sku.stock if data.stock is None else data.stock}
        row.per_user_limit, row.per_order_limit = data.starts_per_user, 1
        row.settings = {
            "start_price": sku.price if data.start_price is None else data.start_price,
            "helpers": data.helpers, "finish_hours": data.finish_hours,
            "starts_per_user": data.starts_per_user, "helps_per_user": data.helps_per_user,
            "pay_condition": data.pay_condition,
            "seed": r.default_seed(data.key or "") if data.seed is None else data.seed}
    else:
        row.sku_prices = dict(data.sku_prices)
        row.leader_prices = {}
        row.sku_stock = _stock(data.sku_stock, data.sku_prices, skus)
        row.per_user_limit, row.per_order_limit = data.per_user_limit, None
        row.settings = {"slots": [list(s) for s in data.slots]}


# ---------------------------------------------------------------- validation


def _product_and_skus(session: Session, shop: Shop, c: Collector,
                      data: CampaignData) -> tuple[Product | None, dict[str, Sku]]:
    if isinstance(data, BargainData):
        sku = session.scalar(select(Sku).where(Sku.shop_id == shop.id,
                                               Sku.code == data.sku_code))
        if sku is None:
            c.add("sku_code", _("no SKU {code!r} in this shop").format(code=data.sku_code))
            return None, {}
        return sku.product, {sku.code: sku}
    product = session.scalar(select(Product).where(Product.shop_id == shop.id,
                                                   Product.code == data.product_code)
                             .options(selectinload(Product.skus)))
    if product is None:
        c.add("product_code", _("no product {code!r} in this shop").format(
            code=data.product_code))
        return None, {}
    return product, {s.code: s for s in product.skus}


def _check_prices(c: Collector, name: str, prices: dict[str, int], skus: dict[str, Sku],
                  *, strictly_below: bool) -> None:
    for code, price in prices.items():
        path = f"{name}.{code}"
        if code not in skus:
            c.add(path, _("{code!r} is not a SKU of this product").format(code=code))
        elif v.whole(c, path, price, minimum=1):
            sku_price = skus[code].price
            if strictly_below and price >= sku_price:
                c.add(path, _("must be below the SKU price ¥{price:.2f}").format(
                    price=sku_price / 100))
            elif not strictly_below and price > sku_price:
                c.add(path, _("cannot be above the SKU price ¥{price:.2f}").format(
                    price=sku_price / 100))


def _check_stock(c: Collector, stock: dict[str, int], skus: dict[str, Sku],
                 priced: dict[str, int]) -> None:
    for code, n in stock.items():
        path = f"sku_stock.{code}"
        if code not in priced:
            c.add(path, _("{code!r} has no campaign price").format(code=code))
        elif v.whole(c, path, n, minimum=1) and code in skus and n > skus[code].stock:
            c.add(path, _("campaign stock {n} is above the SKU's stock {m}").format(
                n=n, m=skus[code].stock))


def _validate_group_buy(c: Collector, d: GroupBuyData, skus: dict[str, Sku]) -> None:
    if not d.sku_prices:
        c.add("sku_prices", _("give every SKU a group price"))
    for code in skus:
        if code not in d.sku_prices and d.sku_prices:
            c.add(f"sku_prices.{code}", _("every SKU needs a group price"))
    _check_prices(c, "sku_prices", d.sku_prices, skus, strictly_below=True)
    _check_prices(c, "leader_prices", d.leader_prices, skus, strictly_below=True)
    for code, price in d.leader_prices.items():
        group = d.sku_prices.get(code)
        if isinstance(group, int) and isinstance(price, int) and price > group:
            c.add(f"leader_prices.{code}", _("the leader price cannot be above the group price"))
    _check_stock(c, d.sku_stock, skus, d.sku_prices)
    v.whole(c, "group_size", d.group_size, minimum=2, maximum=100)
    v.whole(c, "fill_hours", d.fill_hours, minimum=1, maximum=24 * 30)
    check_limits(c, d.per_user_limit, d.per_order_limit)
    r.check_flag(c, "new_users_only", d.new_users_only)
    r.check_flag(c, "auto_complete", d.auto_complete)
    if d.auto_complete:
        if d.auto_complete_pct is None:
            c.add("auto_complete_pct", _(
                "auto-complete (模拟成团) needs the share of the group that must be real"))
        else:
            v.whole(c, "auto_complete_pct", d.auto_complete_pct, minimum=1, maximum=100)
    elif d.auto_complete_pct is not None:
        c.add("auto_complete_pct", _("only used when auto-complete is on"))


def check_limits(c: Collector, per_user: int | None, per_order: int | None) -> None:
    ok = r.check_limit(c, "per_user_limit", per_user)
    if r.check_limit(c, "per_order_limit", per_order) and ok and per_user and per_order \
            and per_order > per_user:
        c.add("per_order_limit", _("cannot be above the per-user limit"))


def _validate_bargain(c: Collector, d: BargainData, skus: dict[str, Sku]) -> None:
    sku = skus.get(d.sku_code)
    start = d.start_price if d.start_price is not None else (sku.price if sku else None)
    if d.start_price is not None and v.whole(c, "start_price", d.start_price, minimum=1) \
            and sku is not None and d.start_price > sku.price:
        c.add("start_price", _("cannot be above the SKU price ¥{price:.2f}").format(
            price=sku.price / 100))
    floor_ok = v.whole(c, "floor_price", d.floor_price)
    if floor_ok and isinstance(start, int) and d.floor_price >= start:
        c.add("floor_price", _("the floor (底价) must be below the start price ¥{p:.2f}").format(
            p=start / 100))
    elif v.whole(c, "helpers", d.helpers, minimum=2) and floor_ok and isinstance(start, int) \
            and d.helpers > start - d.floor_price:
        c.add("helpers", _("at most {n} helpers: each must cut at least ¥0.01").format(
            n=start - d.floor_price))
    v.whole(c, "finish_hours", d.finish_hours, minimum=1, maximum=999)
    if d.stock is not None and v.whole(c, "stock", d.stock, minimum=1) and sku \
            and d.stock > sku.stock:
        c.add("stock", _("campaign stock {n} is above the SKU's stock {m}").format(
            n=d.stock, m=sku.stock))
    v.whole(c, "starts_per_user", d.starts_per_user, minimum=1)
    v.whole(c, "helps_per_user", d.helps_per_user, minimum=1)
    if d.pay_condition not in r.PAY_CONDITIONS:
        c.add("pay_condition", _("must be one of {x}").format(x=", ".join(r.PAY_CONDITIONS)))
    if d.seed is not None:
        v.whole(c, "seed", d.seed)


def _validate_flash(c: Collector, d: FlashSaleData, skus: dict[str, Sku]) -> None:
    if not d.sku_prices:
        c.add("sku_prices", _("give at least one SKU a flash price"))
    _check_prices(c, "sku_prices", d.sku_prices, skus, strictly_below=False)
    _check_stock(c, d.sku_stock, skus, d.sku_prices)
    r.check_limit(c, "per_user_limit", d.per_user_limit)
    parsed = [r.parse_slot(c, f"slots[{i}]", s) for i, s in enumerate(d.slots)]
    for i, a in enumerate(parsed):
        for j in range(i):
            b = parsed[j]
            if a and b and a[0] < b[1] and b[0] < a[1]:
                c.add(f"slots[{i}]", _("overlaps session {j}").format(j=j + 1))


def _slots_of(kind: str, settings: dict) -> list[tuple[int, int]]:
    if kind != "flash_sale":
        return []
    out = []
    for a, b in settings.get("slots", []):
        out.append((int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:])))
    return out


def times_overlap(a_start: datetime, a_end: datetime, a_slots: list[tuple[int, int]],
                  b_start: datetime, b_end: datetime, b_slots: list[tuple[int, int]]) -> bool:
    """Whether two campaigns can run at the same moment (daily slots compared by time
    of day; conservative when only one side has slots)."""
    if not (a_start < b_end and b_start < a_end):
        return False
    if a_slots and b_slots:
        return any(x0 < y1 and y0 < x1 for x0, x1 in a_slots for y0, y1 in b_slots)
    return True


def _check_overlaps(session: Session, c: Collector, shop: Shop, data: CampaignData,
                    current_id: int | None) -> None:
    kind = kind_of(data)
    mine = set(data.sku_prices) if not isinstance(data, BargainData) else {data.sku_code}
    my_slots = _slots_of(kind, {"slots": [list(s) for s in getattr(data, "slots", [])]})
    for other in session.scalars(select(Campaign).where(Campaign.shop_id == shop.id)):
        if other.id == current_id or not mine & set(other.sku_prices):
            continue
        if "flash_sale" not in (kind, other.kind):
            continue
        if not times_overlap(data.starts_at, data.ends_at, my_slots, other.starts_at,
                             other.ends_at, _slots_of(other.kind, other.settings)):
            continue
        shared = ", ".join(sorted(mine & set(other.sku_prices)))
        if kind == other.kind == "flash_sale":
            c.add("sku_prices", _("{skus} already in flash sale {key!r} at the same time").format(
                skus=shared, key=other.key))
        elif not (data.allow_overlap or other.allow_overlap):
            c.add("allow_overlap", _(
                "{skus} is also in {label} {key!r} at the same time; allow the overlap "
                "explicitly if that is intended").format(
                skus=shared, label=KIND_LABEL[other.kind], key=other.key))


def _shapes_ok(c: Collector, data: CampaignData) -> bool:
    """Per-SKU fields are mappings and sessions a list, or the rules cannot be checked."""
    ok = True
    for name in ("sku_prices", "leader_prices", "sku_stock"):
        if hasattr(data, name) and not isinstance(getattr(data, name), dict):
            c.add(name, _("must map SKU codes to whole numbers"))
            ok = False
    if isinstance(data, FlashSaleData) and not isinstance(data.slots, (list, tuple)):
        c.add("slots", _("must be a list of sessions like 10:00–12:00"))
        ok = False
    return ok


def validate_campaign(session: Session, shop: Shop, data: CampaignData,
                      current: Campaign | None = None) -> tuple[Product, dict[str, Sku]]:
    c = Collector()
    if type(data) not in KIND_OF:
        raise ValidationError("kind", _("must be one of {k}").format(k=", ".join(CAMPAIGN_KINDS)))
    r.check_key(c, data.key)
    check_key_free(c, session, shop.id, data.key, current.key if current else None)
    v.text(c, "title", data.title, max_len=30)
    window_ok = r.check_window(c, "starts_at", "ends_at", data.starts_at, data.ends_at)
    for name in ("loss_leader", "allow_overlap"):
        r.check_flag(c, name, getattr(data, name))
    product, skus = _product_and_skus(session, shop, c, data)
    if product is not None and _shapes_ok(c, data):
        if isinstance(data, GroupBuyData):
            _validate_group_buy(c, data, skus)
        elif isinstance(data, BargainData):
            _validate_bargain(c, data, skus)
        else:
            _validate_flash(c, data, skus)
    if window_ok and not c:
        _check_overlaps(session, c, shop, data, current.id if current else None)
    c.raise_if_any()
    assert product is not None
    return product, skus


# ---------------------------------------------------------------- services


def add_campaign(session: Session, slug: str, data: CampaignData) -> Campaign:
    shop = get_shop(session, slug)
    product, skus = validate_campaign(session, shop, data)
    if data.key is None:
        data.key = next_key(session, shop.id, r.KEY_PREFIX[kind_of(data)])
    row = Campaign(shop_id=shop.id)
    _apply(row, data, product, skus)
    session.add(row)
    session.flush()
    return row


def update_campaign(session: Session, slug: str, key: str, data: CampaignData,
                    expected_version: int | None = None) -> Campaign:
    """Replace a campaign's state (same kind); `data.key` None keeps the key."""
    shop = get_shop(session, slug)
    row = get_campaign(session, slug, key)
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(_("campaign {key!r} was changed elsewhere; reload it").format(key=key))
    if kind_of(data) != row.kind:
        raise ValidationError("kind", _("a campaign cannot change its kind"))
    if data.key is None:
        data.key = row.key
    product, skus = validate_campaign(session, shop, data, current=row)
    _apply(row, data, product, skus)
    session.flush()
    return row


def get_campaign(session: Session, slug: str, key: str) -> Campaign:
    shop = get_shop(session, slug)
    row = session.scalar(select(Campaign).where(Campaign.shop_id == shop.id, Campaign.key == key))
    if row is None:
        raise NotFoundError(_("no campaign {key!r} in shop {slug!r}").format(key=key, slug=slug))
    return row


def campaign_rows(session: Session, slug: str, kind: str | None = None) -> list[Campaign]:
    """A shop's campaigns in display order; the index within a kind is the one used in
    finding locations (``group_buys[3]``)."""
    shop = get_shop(session, slug)
    query = select(Campaign).where(Campaign.shop_id == shop.id)
    if kind is not None:
        query = query.where(Campaign.kind == kind)
    return list(session.scalars(query.options(selectinload(Campaign.product))
                                .order_by(Campaign.sort_order, Campaign.id)))


def delete_campaign(session: Session, slug: str, key: str) -> None:
    session.delete(get_campaign(session, slug, key))
    session.flush()
