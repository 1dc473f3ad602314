"""The `shopbuilder` command: the same services as the GUI, for scripts and tests.

Exit codes: 0 ok, 1 user or validation error (message on stderr, naming the field),
2 usage error, 3 unexpected internal error. Feature packages add their commands
through a `register(subparsers)` function listed in `COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from shopbuilder import __version__
from shopbuilder.core.errors import ShopBuilderError, ValidationError
from shopbuilder.core.money import format_money, parse_money
from shopbuilder.core.storage import Workspace
from shopbuilder.i18n import _, set_language

EXIT_OK, EXIT_USER, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

# Modules with a `register(subparsers)` adding their commands, in help order.
COMMAND_MODULES: tuple[str, ...] = (
    "shopbuilder.catalog.cli",
    "shopbuilder.promotions.cli",
    "shopbuilder.bundle.cli",
    "shopbuilder.posters.cli",
    "shopbuilder.publish.cli",
    "shopbuilder.core.settings_cli",
)

log = logging.getLogger("shopbuilder")


class Context:
    """What a command handler gets: parsed args, the workspace (opened on first use)
    and output helpers that respect --json."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._workspace: Workspace | None = None

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            self._workspace = Workspace.open(self.args.db)
        return self._workspace

    def session(self) -> Any:
        return self.workspace.session()

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def emit(self, data: Any, text: str | Callable[[], str] | None = None) -> None:
        """Print `data` as JSON under --json, else the human text."""
        if self.json or text is None:
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        else:
            print(text() if callable(text) else text)

    def close(self) -> None:
        if self._workspace is not None:
            self._workspace.close()


Handler = Callable[[Context], int | None]


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_("print machine-readable JSON"))


def money_arg(text: str) -> int:
    """argparse type: yuan text → fen; a bad value is a usage error naming the value."""
    try:
        return parse_money(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.issues[0].message) from exc


# ---------------------------------------------------------------- shop commands


def _shop_json(session: Any, slug: str) -> dict[str, Any]:
    from shopbuilder.core.services import pages as page_svc
    from shopbuilder.core.services import products as product_svc
    from shopbuilder.core.services import shops as shop_svc

    shop = shop_svc.get_shop(session, slug)
    products = product_svc.list_products(session, slug)
    return {
        "slug": shop.slug, "name": shop.name, "client": shop.client,
        "time_zone": shop.time_zone, "version": shop.version,
        "brand": shop_svc.brand_of(shop).__dict__,
        "tab_bar": shop.tab_bar,
        "pages": [{"key": p.key, "title": p.title, "kind": p.kind,
                   "components": [c["type"] for c in p.components]}
                  for p in page_svc.list_pages(session, slug)],
        "categories": [product_svc.category_path(c)
                       for c in product_svc.list_categories(session, slug)],
        "product_count": len(products),
        "sku_count": sum(len(p.skus) for p in products),
    }


def cmd_shop_create(ctx: Context) -> None:
    from shopbuilder.core.services import pages as page_svc
    from shopbuilder.core.services import shops as shop_svc

    a = ctx.args
    with ctx.session() as s:
        shop_svc.create_shop(s, a.slug, a.name, client=a.client, time_zone=a.tz)
        for page in page_svc.default_pages():
            page_svc.set_page(s, a.slug, page)
        page_svc.set_tab_bar(s, a.slug, page_svc.DEFAULT_TABS)
        data = _shop_json(s, a.slug)
    ctx.emit(data, _("created shop {slug}").format(slug=a.slug))


def cmd_shop_list(ctx: Context) -> None:
    from shopbuilder.core.services.shops import shop_summaries

    with ctx.session() as s:
        rows = [r.as_json() for r in shop_summaries(s)]

    def text() -> str:
        if not rows:
            return _("no shops yet (try: shopbuilder demo)")
        width = max(len(r["slug"]) for r in rows)
        return "\n".join(f"{r['slug']:<{width}}  {r['name']}  "
                         f"({r['product_count']} products, {r['sku_count']} SKUs)" for r in rows)
    ctx.emit(rows, text)


def cmd_shop_show(ctx: Context) -> None:
    with ctx.session() as s:
        data = _shop_json(s, ctx.args.slug)
    ctx.emit(data, lambda: "\n".join(f"{k}: {v}" for k, v in data.items()))


def cmd_shop_clone(ctx: Context) -> None:
    from shopbuilder.core.services.shops import clone_shop

    with ctx.session() as s:
        clone_shop(s, ctx.args.slug, ctx.args.new_slug, ctx.args.name)
        data = _shop_json(s, ctx.args.new_slug)
    ctx.emit(data, _("cloned {src} into {dst}").format(src=ctx.args.slug, dst=ctx.args.new_slug))


def cmd_shop_rename(ctx: Context) -> None:
    from shopbuilder.core.services.shops import rename_shop

    a = ctx.args
    with ctx.session() as s:
        shop = rename_shop(s, a.slug, name=a.name, new_slug=a.new_slug, client=a.client)
        data = _shop_json(s, shop.slug)
    ctx.emit(data, _("renamed shop {slug}").format(slug=data["slug"]))


def cmd_shop_delete(ctx: Context) -> None:
    from shopbuilder.core.services.shops import delete_shop

    with ctx.session() as s:
        delete_shop(s, ctx.args.slug)
    ctx.emit({"deleted": ctx.args.slug}, _("deleted shop {slug}").format(slug=ctx.args.slug))


def cmd_demo(ctx: Context) -> None:
    from shopbuilder.demo import build_demo_shop

    with ctx.session() as s:
        build_demo_shop(s, ctx.args.slug, ctx.args.name)
        data = _shop_json(s, ctx.args.slug)
    ctx.emit(data, _("created demo shop {slug} with {n} products").format(
        slug=ctx.args.slug, n=data["product_count"]))


# ---------------------------------------------------------------- product commands


def _product_json(product: Any) -> dict[str, Any]:
    from shopbuilder.core.services.products import category_path

    return {
        "code": product.code, "title": product.title, "subtitle": product.subtitle,
        "category": category_path(product.category), "tags": product.tags,
        "images": product.images, "on_shelf": product.on_shelf, "options": product.options,
        "version": product.version,
        "skus": [{"code": s.code, "option_values": s.option_values, "price": s.price,
                  "list_price": s.list_price, "list_price_label": s.list_price_label,
                  "cost": s.cost, "stock": s.stock, "weight_g": s.weight_g, "image": s.image}
                 for s in product.skus],
    }


def parse_option(text: str) -> tuple[str, list[str]]:
    name, sep, values = text.partition("=")
    if not sep or not name.strip() or not values.strip():
        raise argparse.ArgumentTypeError(_("write an option as NAME=V1,V2 (e.g. 颜色=红,蓝)"))
    return name.strip(), [v.strip() for v in values.replace("，", ",").split(",") if v.strip()]


def cmd_product_add(ctx: Context) -> None:
    from shopbuilder.core.services import products as svc
    from shopbuilder.core.services.assets import add_asset_file

    a = ctx.args
    with ctx.session() as s:
        category_id = svc.ensure_category_path(s, a.slug, a.category).id if a.category else None
        images = [add_asset_file(s, Path(f), f"images[{i}]").sha256
                  for i, f in enumerate(a.image or [])]
        options = [svc.OptionData(n, v) for n, v in (a.option or [])]
        combos = list(itertools.product(*[o.values for o in options])) if options else [()]
        skus = [svc.SkuData(code=f"{a.code}-{i + 1}" if options else a.code,
                            option_values=list(combo), price=a.price, stock=a.stock,
                            list_price=a.list_price, list_price_label=a.list_price_label,
                            cost=a.cost, weight_g=a.weight_g)
                for i, combo in enumerate(combos)]
        product = svc.create_product(s, a.slug, svc.ProductData(
            code=a.code, title=a.title, subtitle=a.subtitle, category_id=category_id,
            tags=a.tag or [], images=images, on_shelf=not a.off_shelf, options=options,
            skus=skus))
        data = _product_json(product)
    ctx.emit(data, _("added product {code} with {n} SKUs").format(code=a.code, n=len(skus)))


def cmd_product_list(ctx: Context) -> None:
    from shopbuilder.core.services.products import list_products

    with ctx.session() as s:
        rows = []
        for p in list_products(s, ctx.args.slug):
            prices = [k.price for k in p.skus]
            row = _product_json(p)
            row.update(sku_count=len(p.skus), min_price=min(prices), max_price=max(prices),
                       stock=sum(k.stock for k in p.skus))
            del row["skus"]
            rows.append(row)

    def text() -> str:
        return "\n".join(
            f"{r['code']:<12} {r['title']}  ¥{format_money(r['min_price'])}"
            f"{'' if r['min_price'] == r['max_price'] else '–' + format_money(r['max_price'])}"
            f"  {r['sku_count']} SKUs, stock {r['stock']}"
            f"{'' if r['on_shelf'] else '  [' + _('off shelf') + ']'}" for r in rows
        ) or _("no products")
    ctx.emit(rows, text)


def cmd_product_show(ctx: Context) -> None:
    from shopbuilder.core.services.products import get_product

    with ctx.session() as s:
        data = _product_json(get_product(s, ctx.args.slug, ctx.args.code))

    def text() -> str:
        lines = [f"{data['code']}  {data['title']}", f"  {data['category']}"]
        lines += [f"  {k['code']:<14} {'/'.join(k['option_values']) or '-':<12} "
                  f"¥{format_money(k['price'])}  stock {k['stock']}" for k in data["skus"]]
        return "\n".join(lines)
    ctx.emit(data, text)


# ---------------------------------------------------------------- parser and main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shopbuilder",
        description=_("Design WeChat mini-program shops; with no command, open the app."))
    parser.add_argument("--version", action="version", version=f"shopbuilder {__version__}")
    parser.add_argument("--db", metavar="URL", default=None,
                        help=_("SQLAlchemy database URL (default: $SHOPBUILDER_DB or the "
                               "workspace in the user data folder)"))
    parser.add_argument("--lang", default=None, help=_("language, e.g. zh_CN or en"))
    parser.add_argument("-v", "--verbose", action="store_true", help=_("log debug output"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    shop = sub.add_parser("shop", help=_("create, list, show, clone, rename or delete shops"))
    shop_sub = shop.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = shop_sub.add_parser("create", help=_("create an empty shop"))
    p.add_argument("slug", help=_("shop id: 2–20 lowercase letters, digits or '-'"))
    p.add_argument("--name", required=True)
    p.add_argument("--client", default="", help=_("client name (agencies group shops by it)"))
    p.add_argument("--tz", default="Asia/Shanghai", help=_("time zone"))
    add_json(p)
    p.set_defaults(func=cmd_shop_create)
    p = shop_sub.add_parser("list", help=_("list the workspace's shops"))
    add_json(p)
    p.set_defaults(func=cmd_shop_list)
    p = shop_sub.add_parser("show", help=_("show one shop"))
    p.add_argument("slug")
    add_json(p)
    p.set_defaults(func=cmd_shop_show)
    p = shop_sub.add_parser("clone", help=_("copy a whole shop under a new id"))
    p.add_argument("slug")
    p.add_argument("new_slug")
    p.add_argument("--name", default=None)
    add_json(p)
    p.set_defaults(func=cmd_shop_clone)
    p = shop_sub.add_parser("rename", help=_("change a shop's name, id or client"))
    p.add_argument("slug")
    p.add_argument("--name", default=None)
    p.add_argument("--new-slug", default=None)
    p.add_argument("--client", default=None)
    add_json(p)
    p.set_defaults(func=cmd_shop_rename)
    p = shop_sub.add_parser("delete", help=_("delete a shop and everything in it"))
    p.add_argument("slug")
    add_json(p)
    p.set_defaults(func=cmd_shop_delete)

    product = sub.add_parser("product", help=_("add, list or show products"))
    product_sub = product.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = product_sub.add_parser("add", help=_("add a product; options make one SKU per combination"))
    p.add_argument("slug")
    p.add_argument("--code", required=True, help=_("product code (商品编码)"))
    p.add_argument("--title", required=True)
    p.add_argument("--subtitle", default="")
    p.add_argument("--price", required=True, type=money_arg, help=_("price in yuan, e.g. 79.00"))
    p.add_argument("--list-price", type=money_arg, default=None, help=_("划线价 in yuan"))
    p.add_argument("--list-price-label", choices=["plain", "msrp"], default="plain")
    p.add_argument("--cost", type=money_arg, default=None, help=_("cost in yuan"))
    p.add_argument("--stock", type=int, default=0)
    p.add_argument("--weight-g", type=int, default=None)
    p.add_argument("--category", default=None, help=_("'top' or 'top/sub'"))
    p.add_argument("--option", action="append", type=parse_option, metavar="NAME=V1,V2")
    p.add_argument("--image", action="append", metavar="FILE")
    p.add_argument("--tag", action="append")
    p.add_argument("--off-shelf", action="store_true")
    add_json(p)
    p.set_defaults(func=cmd_product_add)
    p = product_sub.add_parser("list", help=_("list a shop's products"))
    p.add_argument("slug")
    add_json(p)
    p.set_defaults(func=cmd_product_list)
    p = product_sub.add_parser("show", help=_("show a product with its SKUs"))
    p.add_argument("slug")
    p.add_argument("code")
    add_json(p)
    p.set_defaults(func=cmd_product_show)

    p = sub.add_parser("demo", help=_("create a rich demo shop"))
    p.add_argument("--slug", default="demo")
    p.add_argument("--name", default="山川生活馆")
    add_json(p)
    p.set_defaults(func=cmd_demo)

    for module in COMMAND_MODULES:
        importlib.import_module(module).register(sub)
    return parser


def report_error(exc: ShopBuilderError) -> None:
    if isinstance(exc, ValidationError):
        for issue in exc.issues:
            print(_("error: {issue}").format(issue=issue), file=sys.stderr)
    else:
        print(_("error: {message}").format(message=exc.message), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from shopbuilder.core.settings import preferred_language

    set_language(preferred_language(args.lang))
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    # urllib3 warns about every retry ("Retrying (Retry(...))"); the publish client reports
    # the outcome itself, so those lines are shown only with -v.
    logging.getLogger("urllib3.connectionpool").setLevel(
        logging.NOTSET if args.verbose else logging.ERROR)
    if args.command is None:
        from shopbuilder.gui.app import run_app

        return run_app(args)
    ctx = Context(args)
    try:
        code = args.func(ctx)
        return EXIT_OK if code is None else code
    except ShopBuilderError as exc:
        report_error(exc)
        return EXIT_USER
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    except Exception:
        traceback.print_exc()
        print(_("internal error: this is a bug; please report it with the text above"),
              file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        ctx.close()


if __name__ == "__main__":
    raise SystemExit(main())
