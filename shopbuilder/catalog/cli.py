"""`shopbuilder catalog template|import|export`: sheets in and out of a shop."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from shopbuilder.i18n import _


def cmd_template(ctx: Any) -> None:
    from shopbuilder.catalog.export import write_template

    path = write_template(Path(ctx.args.output))
    ctx.emit({"template": str(path)}, _("wrote the template to {path}").format(path=path))


def cmd_import(ctx: Any) -> int:
    from shopbuilder.catalog.fields import parse_map_args
    from shopbuilder.catalog.importer import ImportOptions, import_file
    from shopbuilder.catalog.report import write_report

    a = ctx.args
    options = ImportOptions(format=a.format, dry_run=a.dry_run, skip_invalid=a.skip_invalid,
                            mapping=parse_map_args(a.map))
    report = import_file(ctx.workspace, a.slug, Path(a.file), options)
    if a.report:
        write_report(report, Path(a.report))

    def text() -> str:
        lines = [str(i) for i in report.warnings[:50]]
        if len(report.warnings) > 50:
            lines.append(_("… and {n} more warnings").format(n=len(report.warnings) - 50))
        lines.append(report.summary())
        return "\n".join(lines)
    ctx.emit(report.as_json(), text)
    if report.errors:
        for issue in report.errors:
            print(_("error: {issue}").format(issue=issue), file=sys.stderr)
    if report.failed:
        print(_("nothing was imported: fix the errors above (or use --skip-invalid)"),
              file=sys.stderr)
        return 1
    return 0


def cmd_export(ctx: Any) -> None:
    from shopbuilder.catalog.export import export_catalog

    with ctx.session() as s:
        count = export_catalog(s, ctx.args.slug, Path(ctx.args.output))
    ctx.emit({"rows": count, "output": ctx.args.output},
             _("exported {n} SKU rows to {path}").format(n=count, path=ctx.args.output))


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this package's commands to the main parser."""
    from shopbuilder.cli import add_json

    catalog = subparsers.add_parser("catalog", help=_("import and export product sheets"))
    sub = catalog.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("template", help=_("write a blank import template (.xlsx or .csv)"))
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    add_json(p)
    p.set_defaults(func=cmd_template)
    p = sub.add_parser("import", help=_("import products from .xlsx/.csv (template or Shopify)"))
    p.add_argument("slug")
    p.add_argument("file")
    p.add_argument("--format", choices=["auto", "template", "shopify"], default="auto")
    p.add_argument("--dry-run", action="store_true",
                   help=_("report what would change without writing"))
    p.add_argument("--skip-invalid", action="store_true",
                   help=_("import the valid products; skip products with any bad row"))
    p.add_argument("--map", action="append", metavar="COLUMN=FIELD",
                   help=_("map a sheet column to a field, e.g. 货品名=title"))
    p.add_argument("--report", metavar="FILE", help=_("write errors and warnings to .csv/.xlsx"))
    add_json(p)
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("export", help=_("export a shop's products (.xlsx or .csv)"))
    p.add_argument("slug")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    add_json(p)
    p.set_defaults(func=cmd_export)
