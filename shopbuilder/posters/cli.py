"""`shopbuilder posters` (render a shop's posters) and `shopbuilder poster-template`
(list, copy, import, export and delete a shop's templates)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from shopbuilder.cli import EXIT_USER, Context, add_json
from shopbuilder.i18n import _


def _codes(text: str) -> str | list[str]:
    """argparse type for --products: ``all`` or ``CODE,CODE``."""
    if text.strip() == "all":
        return "all"
    codes = [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]
    if not codes:
        raise argparse.ArgumentTypeError(_("write --products all or CODE,CODE"))
    return codes


def cmd_posters(ctx: Context) -> int:
    from shopbuilder.posters.batch import render_batch

    a = ctx.args
    result = render_batch(ctx.workspace, a.slug, a.output, template_id=a.template,
                          products=a.products, campaigns=a.campaigns)
    data = result.as_json()

    def text() -> str:
        lines = [_("wrote {n} posters to {dir}").format(n=len(result.written), dir=a.output)]
        lines += [f"  {i.file}" + "".join(f"\n    {w}" for w in i.warnings)
                  for i in result.written]
        if result.failed:
            lines.append(_("{n} failed:").format(n=len(result.failed)))
            lines += [f"  {i.template} {i.product or i.campaign or ''}: {i.error}"
                      for i in result.failed]
        return "\n".join(lines)
    ctx.emit(data, text)
    if result.failed:
        for item in result.failed:
            print(_("error: {template} {key}: {error}").format(
                template=item.template, key=item.product or item.campaign or "",
                error=item.error), file=sys.stderr)
        return EXIT_USER
    return 0


def cmd_template_list(ctx: Context) -> None:
    from shopbuilder.posters.templates import list_templates

    with ctx.session() as s:
        rows = list_templates(s, ctx.args.slug)
    ctx.emit(rows, lambda: "\n".join(
        f"{r['id']:<14} {r['kind']:<11} {r['source']:<8} {r['name']}" for r in rows))


def cmd_template_export(ctx: Context) -> None:
    from shopbuilder.posters.templates import get_template

    a = ctx.args
    with ctx.session() as s:
        doc = get_template(s, a.slug, a.template_id)
    target = Path(a.file)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    ctx.emit({"id": doc["id"], "file": str(target)},
             _("exported {id} to {file}").format(id=doc["id"], file=target))


def cmd_template_import(ctx: Context) -> None:
    from shopbuilder.posters.templates import load_template_file, save_shop_template

    a = ctx.args
    doc = load_template_file(Path(a.file))
    if a.id:
        doc["id"] = a.id
    with ctx.session() as s:
        doc = save_shop_template(s, a.slug, doc, a.file)
    ctx.emit({"id": doc["id"], "kind": doc["kind"]},
             _("imported template {id} into {slug}").format(id=doc["id"], slug=a.slug))


def cmd_template_copy(ctx: Context) -> None:
    from shopbuilder.posters.templates import copy_template

    a = ctx.args
    with ctx.session() as s:
        doc = copy_template(s, a.slug, a.template_id, a.new_id)
    ctx.emit({"id": doc["id"], "kind": doc["kind"]},
             _("copied {src} as {id}").format(src=a.template_id, id=doc["id"]))


def cmd_template_delete(ctx: Context) -> None:
    from shopbuilder.posters.templates import delete_shop_template

    with ctx.session() as s:
        delete_shop_template(s, ctx.args.slug, ctx.args.template_id)
    ctx.emit({"deleted": ctx.args.template_id},
             _("deleted template {id}").format(id=ctx.args.template_id))


def register(subparsers: Any) -> None:
    """Add this package's commands to the main parser."""
    p = subparsers.add_parser("posters", help=_("render a shop's share posters"))
    p.add_argument("slug")
    p.add_argument("-o", "--output", required=True, metavar="DIR",
                   help=_("folder to write the posters to"))
    p.add_argument("--template", default=None, metavar="ID",
                   help=_("template id (default: product, and each campaign's own)"))
    p.add_argument("--products", type=_codes, default=None, metavar="all|CODE,...",
                   help=_("which products (default: all, unless --campaigns is given)"))
    p.add_argument("--campaigns", action="store_true",
                   help=_("also render a poster per campaign and coupon"))
    add_json(p)
    p.set_defaults(func=cmd_posters)

    t = subparsers.add_parser("poster-template", help=_("list, copy, import or export poster "
                                                         "templates of a shop"))
    sub = t.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("list", help=_("built-in and shop templates"))
    p.add_argument("slug")
    add_json(p)
    p.set_defaults(func=cmd_template_list)
    p = sub.add_parser("export", help=_("write a template to a JSON file"))
    p.add_argument("slug")
    p.add_argument("template_id")
    p.add_argument("file")
    add_json(p)
    p.set_defaults(func=cmd_template_export)
    p = sub.add_parser("import", help=_("store a template file in the shop"))
    p.add_argument("slug")
    p.add_argument("file")
    p.add_argument("--id", default=None, help=_("store it under this id"))
    add_json(p)
    p.set_defaults(func=cmd_template_import)
    p = sub.add_parser("copy", help=_("copy a template into the shop for editing"))
    p.add_argument("slug")
    p.add_argument("template_id")
    p.add_argument("--as", dest="new_id", default=None, metavar="NEW_ID")
    add_json(p)
    p.set_defaults(func=cmd_template_copy)
    p = sub.add_parser("delete", help=_("delete the shop's own template"))
    p.add_argument("slug")
    p.add_argument("template_id")
    add_json(p)
    p.set_defaults(func=cmd_template_delete)
