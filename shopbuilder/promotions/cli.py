"""`shopbuilder coupon|campaign|quote|promo` commands.

Money options are yuan (``--threshold 199``, ``--price 59.90``); times are ISO text in
the shop's time zone unless they carry an offset. `promo check` exits 1 when the margin
guard finds an error, so scripts can stop an export.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from shopbuilder.cli import Context, add_json, money_arg
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.findings import has_errors
from shopbuilder.core.models import COUPON_KINDS, COUPON_OBTAIN, COUPON_SCOPES, COUPON_USE_MODES
from shopbuilder.core.money import format_money, parse_money
from shopbuilder.core.timeutil import parse_local, utcnow
from shopbuilder.i18n import _
from shopbuilder.promotions.rules import PAY_CONDITIONS

# ---------------------------------------------------------------- argument types


def sku_money(text: str) -> tuple[str, int]:
    """``CODE=YUAN`` → (code, fen)."""
    code, sep, value = text.rpartition("=")
    if not sep or not code:
        raise argparse.ArgumentTypeError(_("write it as SKU-CODE=YUAN, e.g. TEE-01-1=59"))
    return code.strip(), money_arg(value)


def sku_count(text: str) -> tuple[str, int]:
    code, sep, value = text.rpartition("=")
    if not sep or not code or not value.strip().isdigit():
        raise argparse.ArgumentTypeError(_("write it as SKU-CODE=N, e.g. TEE-01-1=50"))
    return code.strip(), int(value)


def slot_arg(text: str) -> tuple[str, str]:
    start, sep, end = text.replace("–", "-").partition("-")
    if not sep:
        raise argparse.ArgumentTypeError(_("write a session as HH:MM-HH:MM, e.g. 10:00-12:00"))
    return start.strip(), end.strip()


def _time(tz: str, text: str | None, path: str) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_local(text, tz)
    except ValueError as exc:
        raise ValidationError(path, _("not a date and time: {value!r} (write it like "
                                      "2026-12-01T10:00)").format(value=text)) from exc


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# ---------------------------------------------------------------- coupons


def coupon_json(row: Any) -> dict[str, Any]:
    from shopbuilder.promotions.coupons import COUPON_FIELDS

    out = {f: getattr(row, f) for f in COUPON_FIELDS}
    for name, value in out.items():
        if isinstance(value, datetime):
            out[name] = value.isoformat()
    out["scope_items"] = list(row.scope_items)
    out["version"] = row.version
    return out


def _coupon_text(d: dict[str, Any]) -> str:
    value = (f"¥{format_money(d['value'])}" if d["kind"] == "amount" else f"{d['value']}%")
    rule = (_("{v} off over ¥{t}").format(v=value, t=format_money(d["threshold"]))
            if d["threshold"] else _("{v} off").format(v=value))
    return f"{d['key']:<8} {d['name']}  {rule}  [{d['scope']}] {d['obtain']}"


def cmd_coupon_add(ctx: Context) -> None:
    from shopbuilder.core.services.shops import get_shop
    from shopbuilder.promotions.coupons import create_coupon
    from shopbuilder.promotions.rules import CouponData

    a = ctx.args
    with ctx.session() as s:
        tz = get_shop(s, a.slug).time_zone
        if a.kind == "amount":
            value = parse_money(a.value, "value")
        elif a.value.strip().isdigit():
            value = int(a.value)
        else:
            raise ValidationError("value", _("a percent-off value is a whole percent, e.g. 10"))
        claim_start = _time(tz, a.claim_start, "claim_starts_at") or utcnow()
        claim_end = _time(tz, a.claim_end, "claim_ends_at")
        mode = a.use_mode or ("days" if a.use_days is not None else "fixed")
        use_start = _time(tz, a.use_start, "use_starts_at")
        use_end = _time(tz, a.use_end, "use_ends_at")
        if mode == "fixed":
            use_start, use_end = use_start or claim_start, use_end or claim_end
        row = create_coupon(s, a.slug, CouponData(
            key=a.key, name=a.name, kind=a.kind, value=value, threshold=a.threshold,
            cap=a.cap, scope=a.scope, scope_items=a.item or [], claim_starts_at=claim_start,
            claim_ends_at=claim_end, use_mode=mode, use_starts_at=use_start,  # type: ignore[arg-type]
            use_ends_at=use_end, use_days=a.use_days, total=a.total, per_user=a.per_user,
            per_user_per_day=a.per_user_per_day, obtain=a.obtain, redeem_code=a.code,
            stack_coupons=a.stack_coupons, stack_campaigns=a.stack_campaigns,
            loss_leader=a.loss_leader))
        data = coupon_json(row)
    ctx.emit(data, _("added coupon {key}").format(key=data["key"]))


def cmd_coupon_list(ctx: Context) -> None:
    from shopbuilder.promotions.coupons import list_coupons

    with ctx.session() as s:
        rows = [coupon_json(c) for c in list_coupons(s, ctx.args.slug)]
    ctx.emit(rows, lambda: "\n".join(_coupon_text(r) for r in rows) or _("no coupons"))


def cmd_coupon_show(ctx: Context) -> None:
    from shopbuilder.promotions.coupons import get_coupon

    with ctx.session() as s:
        data = coupon_json(get_coupon(s, ctx.args.slug, ctx.args.key))
    ctx.emit(data, lambda: "\n".join(f"{k}: {v}" for k, v in data.items()))


def cmd_coupon_delete(ctx: Context) -> None:
    from shopbuilder.promotions.coupons import delete_coupon

    with ctx.session() as s:
        delete_coupon(s, ctx.args.slug, ctx.args.key)
    ctx.emit({"deleted": ctx.args.key}, _("deleted coupon {key}").format(key=ctx.args.key))


# ---------------------------------------------------------------- campaigns


def campaign_json(row: Any) -> dict[str, Any]:
    from shopbuilder.promotions.display import bargain_cuts
    from shopbuilder.promotions.snapshot import campaign_rule

    out = {"kind": row.kind, "key": row.key, "title": row.title,
           "product_code": row.product.code, "starts_at": _iso(row.starts_at),
           "ends_at": _iso(row.ends_at), "sku_prices": dict(row.sku_prices),
           "leader_prices": dict(row.leader_prices), "sku_stock": dict(row.sku_stock),
           "per_user_limit": row.per_user_limit, "per_order_limit": row.per_order_limit,
           "loss_leader": row.loss_leader, "allow_overlap": row.allow_overlap,
           "settings": dict(row.settings), "version": row.version}
    if row.kind == "bargain":
        out["cut_plan"] = bargain_cuts(campaign_rule(row, 0))
    return out


def _prices(product: Any, each: int | None, per_sku: list[tuple[str, int]] | None,
            path: str) -> dict[str, int]:
    prices = {s.code: each for s in product.skus} if each is not None else {}
    prices.update(dict(per_sku or []))
    if not prices:
        raise ValidationError(path, _("give a price for all SKUs or per SKU"))
    return prices  # type: ignore[return-value]


def _window(ctx: Context, s: Any) -> tuple[str, datetime, datetime]:
    from shopbuilder.core.services.shops import get_shop

    tz = get_shop(s, ctx.args.slug).time_zone
    start = _time(tz, ctx.args.start, "starts_at") or utcnow()
    return tz, start, _time(tz, ctx.args.end, "ends_at")  # type: ignore[return-value]


def _added(ctx: Context, row: Any) -> None:
    data = campaign_json(row)
    ctx.emit(data, _("added campaign {key}").format(key=data["key"]))


def cmd_add_group_buy(ctx: Context) -> None:
    from shopbuilder.core.services.products import get_product
    from shopbuilder.promotions.campaigns import add_campaign
    from shopbuilder.promotions.rules import GroupBuyData

    a = ctx.args
    with ctx.session() as s:
        _tz, start, end = _window(ctx, s)
        product = get_product(s, a.slug, a.product)
        prices = _prices(product, a.price, a.sku_price, "sku_prices")
        leaders = (_prices(product, a.leader_price, a.sku_leader_price, "leader_prices")
                   if a.leader_price is not None or a.sku_leader_price else {})
        row = add_campaign(s, a.slug, GroupBuyData(
            key=a.key, title=a.title, product_code=a.product, sku_prices=prices,
            leader_prices=leaders, group_size=a.group_size, fill_hours=a.fill_hours,
            starts_at=start, ends_at=end, sku_stock=dict(a.stock or []),
            per_user_limit=a.per_user_limit, per_order_limit=a.per_order_limit,
            new_users_only=a.new_users_only, auto_complete=a.auto_complete is not None,
            auto_complete_pct=a.auto_complete, loss_leader=a.loss_leader,
            allow_overlap=a.allow_overlap))
        _added(ctx, row)


def cmd_add_bargain(ctx: Context) -> None:
    from shopbuilder.promotions.campaigns import add_campaign
    from shopbuilder.promotions.rules import BargainData

    a = ctx.args
    with ctx.session() as s:
        _tz, start, end = _window(ctx, s)
        row = add_campaign(s, a.slug, BargainData(
            key=a.key, title=a.title, sku_code=a.sku, floor_price=a.floor, helpers=a.helpers,
            starts_at=start, ends_at=end, stock=a.stock, start_price=a.start_price,
            finish_hours=a.finish_hours, starts_per_user=a.starts_per_user,
            helps_per_user=a.helps_per_user, pay_condition=a.pay_condition, seed=a.seed,
            loss_leader=a.loss_leader, allow_overlap=a.allow_overlap))
        _added(ctx, row)


def cmd_add_flash(ctx: Context) -> None:
    from shopbuilder.core.services.products import get_product
    from shopbuilder.promotions.campaigns import add_campaign
    from shopbuilder.promotions.rules import FlashSaleData

    a = ctx.args
    with ctx.session() as s:
        _tz, start, end = _window(ctx, s)
        product = get_product(s, a.slug, a.product)
        row = add_campaign(s, a.slug, FlashSaleData(
            key=a.key, title=a.title, product_code=a.product,
            sku_prices=_prices(product, a.price, a.sku_price, "sku_prices"),
            sku_stock=dict(a.stock or []), starts_at=start, ends_at=end, slots=a.slot or [],
            per_user_limit=a.per_user_limit, loss_leader=a.loss_leader,
            allow_overlap=a.allow_overlap))
        _added(ctx, row)


def cmd_campaign_list(ctx: Context) -> None:
    from shopbuilder.promotions.campaigns import campaign_rows

    with ctx.session() as s:
        rows = [campaign_json(c) for c in campaign_rows(s, ctx.args.slug, ctx.args.kind)]
    ctx.emit(rows, lambda: "\n".join(
        f"{r['key']:<8} {r['kind']:<10} {r['title']}  {r['product_code']}  "
        f"{r['starts_at'][:16]} → {r['ends_at'][:16]}" for r in rows) or _("no campaigns"))


def cmd_campaign_show(ctx: Context) -> None:
    from shopbuilder.promotions.campaigns import get_campaign

    with ctx.session() as s:
        data = campaign_json(get_campaign(s, ctx.args.slug, ctx.args.key))
    ctx.emit(data, lambda: "\n".join(f"{k}: {v}" for k, v in data.items()))


def cmd_campaign_delete(ctx: Context) -> None:
    from shopbuilder.promotions.campaigns import delete_campaign

    with ctx.session() as s:
        delete_campaign(s, ctx.args.slug, ctx.args.key)
    ctx.emit({"deleted": ctx.args.key}, _("deleted campaign {key}").format(key=ctx.args.key))


# ---------------------------------------------------------------- quote and check


def cmd_quote(ctx: Context) -> None:
    from shopbuilder.core.services.shops import get_shop
    from shopbuilder.promotions.quote import parse_cart_line, quote

    a = ctx.args
    with ctx.session() as s:
        at = _time(get_shop(s, a.slug).time_zone, a.at, "at")
        lines = [parse_cart_line(x) for x in a.sku]
        q = quote(s, a.slug, lines, a.buyer, at, codes=a.code or [])
    data = q.as_json()

    def text() -> str:
        out = [f"{x.sku_code} ×{x.qty}  ¥{format_money(x.unit)}"
               f"{' [' + x.campaign_key + ']' if x.campaign_key else ''}"
               f"  -¥{format_money(x.discount)}  = ¥{format_money(x.total)}" for x in q.lines]
        out.append(_("coupons: {keys}").format(keys=", ".join(q.coupon_keys) or "-"))
        out.append(_("total: ¥{total} (discount ¥{d})").format(
            total=format_money(q.total), d=format_money(q.discount)))
        out += [f"  {n.key}: {n.reason}" for n in q.not_applied]
        return "\n".join(out)
    ctx.emit(data, text)


def cmd_promo_check(ctx: Context) -> int:
    from shopbuilder.promotions.guard import worst_case

    with ctx.session() as s:
        findings = worst_case(s, ctx.args.slug)
    ctx.emit([f.as_json() for f in findings], lambda: "\n".join(
        f"{f.severity}: {f.location}: {f.message} [{f.rule}]" for f in findings)
        or _("no problems found"))
    return 1 if has_errors(findings) else 0


# ---------------------------------------------------------------- parser


def _common_campaign(p: argparse.ArgumentParser) -> None:
    p.add_argument("slug")
    p.add_argument("--title", required=True)
    p.add_argument("--key", default=None, help=_("1–8 letters or digits (default: generated)"))
    p.add_argument("--start", default=None, help=_("start time (default: now)"))
    p.add_argument("--end", required=True, help=_("end time, e.g. 2026-12-31T23:59"))
    p.add_argument("--loss-leader", action="store_true",
                   help=_("selling below cost is deliberate"))
    p.add_argument("--allow-overlap", action="store_true",
                   help=_("allow the SKUs to be in a flash sale and another campaign at once"))
    add_json(p)


def _register_coupon(sub: Any) -> None:
    coupon = sub.add_parser("coupon", help=_("add, list, show or delete coupons"))
    cs = coupon.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = cs.add_parser("add", help=_("add a coupon"))
    p.add_argument("slug")
    p.add_argument("--name", required=True, help=_("at most 16 characters"))
    p.add_argument("--kind", choices=COUPON_KINDS, default="amount")
    p.add_argument("--value", required=True,
                   help=_("yuan off (amount) or whole percent off (percent)"))
    p.add_argument("--threshold", type=money_arg, default=0, help=_("yuan; 0 = no threshold"))
    p.add_argument("--cap", type=money_arg, default=None, help=_("most yuan off (percent)"))
    p.add_argument("--scope", choices=COUPON_SCOPES, default="shop")
    p.add_argument("--item", action="append", help=_("category path or product code"))
    p.add_argument("--claim-start", default=None)
    p.add_argument("--claim-end", required=True)
    p.add_argument("--use-mode", choices=COUPON_USE_MODES, default=None)
    p.add_argument("--use-start", default=None)
    p.add_argument("--use-end", default=None)
    p.add_argument("--use-days", type=int, default=None)
    p.add_argument("--total", type=int, default=None, help=_("default: unlimited"))
    p.add_argument("--per-user", type=int, default=1)
    p.add_argument("--per-user-per-day", type=int, default=None)
    p.add_argument("--obtain", choices=COUPON_OBTAIN, default="claim")
    p.add_argument("--code", default=None, help=_("redeem code (obtain=code)"))
    p.add_argument("--stack-coupons", action="store_true")
    p.add_argument("--stack-campaigns", action="store_true")
    p.add_argument("--loss-leader", action="store_true")
    p.add_argument("--key", default=None)
    add_json(p)
    p.set_defaults(func=cmd_coupon_add)
    for name, func, text in (("list", cmd_coupon_list, _("list a shop's coupons")),):
        p = cs.add_parser(name, help=text)
        p.add_argument("slug")
        add_json(p)
        p.set_defaults(func=func)
    for name, func, text in (("show", cmd_coupon_show, _("show one coupon")),
                             ("delete", cmd_coupon_delete, _("delete a coupon"))):
        p = cs.add_parser(name, help=text)
        p.add_argument("slug")
        p.add_argument("key")
        add_json(p)
        p.set_defaults(func=func)


def _register_campaign(sub: Any) -> None:
    campaign = sub.add_parser("campaign", help=_("拼团, 砍价 and 秒杀 campaigns"))
    cs = campaign.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = cs.add_parser("add-group-buy", help=_("add a 拼团 group-buy"))
    _common_campaign(p)
    p.add_argument("--product", required=True, help=_("product code"))
    p.add_argument("--price", type=money_arg, default=None, help=_("group price for every SKU"))
    p.add_argument("--sku-price", type=sku_money, action="append", metavar="CODE=YUAN")
    p.add_argument("--leader-price", type=money_arg, default=None)
    p.add_argument("--sku-leader-price", type=sku_money, action="append", metavar="CODE=YUAN")
    p.add_argument("--group-size", type=int, default=2)
    p.add_argument("--fill-hours", type=int, default=24)
    p.add_argument("--stock", type=sku_count, action="append", metavar="CODE=N")
    p.add_argument("--per-user-limit", type=int, default=None)
    p.add_argument("--per-order-limit", type=int, default=None)
    p.add_argument("--new-users-only", action="store_true")
    p.add_argument("--auto-complete", type=int, default=None, metavar="PCT",
                   help=_("模拟成团: complete groups that reach PCT% (off by default)"))
    p.set_defaults(func=cmd_add_group_buy)
    p = cs.add_parser("add-bargain", help=_("add a 砍价 bargain"))
    _common_campaign(p)
    p.add_argument("--sku", required=True, help=_("SKU code"))
    p.add_argument("--floor", type=money_arg, required=True, help=_("底价 in yuan"))
    p.add_argument("--helpers", type=int, required=True)
    p.add_argument("--start-price", type=money_arg, default=None)
    p.add_argument("--stock", type=int, default=None)
    p.add_argument("--finish-hours", type=int, default=24)
    p.add_argument("--starts-per-user", type=int, default=1)
    p.add_argument("--helps-per-user", type=int, default=1)
    p.add_argument("--pay-condition", choices=PAY_CONDITIONS, default="floor")
    p.add_argument("--seed", type=int, default=None)
    p.set_defaults(func=cmd_add_bargain)
    p = cs.add_parser("add-flash", help=_("add a 秒杀 flash sale"))
    _common_campaign(p)
    p.add_argument("--product", required=True)
    p.add_argument("--price", type=money_arg, default=None, help=_("flash price for every SKU"))
    p.add_argument("--sku-price", type=sku_money, action="append", metavar="CODE=YUAN")
    p.add_argument("--stock", type=sku_count, action="append", metavar="CODE=N")
    p.add_argument("--slot", type=slot_arg, action="append", metavar="HH:MM-HH:MM")
    p.add_argument("--per-user-limit", type=int, default=None)
    p.set_defaults(func=cmd_add_flash)
    p = cs.add_parser("list", help=_("list a shop's campaigns"))
    p.add_argument("slug")
    p.add_argument("--kind", choices=("group_buy", "bargain", "flash_sale"), default=None)
    add_json(p)
    p.set_defaults(func=cmd_campaign_list)
    for name, func, text in (("show", cmd_campaign_show, _("show one campaign")),
                             ("delete", cmd_campaign_delete, _("delete a campaign"))):
        p = cs.add_parser(name, help=text)
        p.add_argument("slug")
        p.add_argument("key")
        add_json(p)
        p.set_defaults(func=func)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this package's commands to the main parser."""
    _register_coupon(subparsers)
    _register_campaign(subparsers)
    p = subparsers.add_parser("quote", help=_("price a cart with the shop's promotions"))
    p.add_argument("slug")
    p.add_argument("--sku", action="extend", nargs="+", required=True, metavar="CODE:QTY",
                   help=_("cart lines (--sku A:1 B:2, or --sku repeated); CODE:QTY@KEY "
                          "buys through a campaign"))
    p.add_argument("--buyer", choices=("new", "member"), default="member")
    p.add_argument("--at", default=None, help=_("moment to price at (default: now)"))
    p.add_argument("--code", action="append", help=_("a redeem code the buyer has"))
    add_json(p)
    p.set_defaults(func=cmd_quote)
    promo = subparsers.add_parser("promo", help=_("check promotions"))
    ps = promo.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = ps.add_parser("check", help=_("margin guard: the lowest price any buyer can pay"))
    p.add_argument("slug")
    add_json(p)
    p.set_defaults(func=cmd_promo_check)
