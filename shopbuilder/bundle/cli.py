"""`shopbuilder bundle export|validate|import|diff` and `shopbuilder lint`.

Exit codes: 0 ok, 1 lint/validation errors or a refused bundle (messages on stderr),
2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from shopbuilder.core.findings import Finding, Severity, has_errors
from shopbuilder.i18n import _


def _counts(findings: list[Finding]) -> dict[str, int]:
    return {str(s): sum(1 for f in findings if f.severity is s) for s in Severity}


def _finding_lines(findings: list[Finding]) -> str:
    return "\n".join(f"{f.severity:<7} {f.rule:<28} {f.location}: {f.message}"
                     for f in findings)


def _report_findings(findings: list[Finding]) -> None:
    """Errors and warnings go to stderr so scripts can read stdout alone."""
    if findings:
        print(_finding_lines(findings), file=sys.stderr)


def _progress(stage: str, done: int, total: int) -> None:
    if sys.stderr.isatty() and total:
        print(f"\r{stage}: {done}/{total}", end="" if done < total else "\n",
              file=sys.stderr, flush=True)


def cmd_export(ctx: Any) -> int:
    from shopbuilder.bundle.export import export_bundle

    a = ctx.args
    result = export_bundle(ctx.workspace, a.slug, Path(a.output), force=a.force,
                           with_posters=a.with_posters,
                           progress=None if ctx.json else _progress)
    if ctx.json:
        ctx.emit(result.as_json())
    else:
        _report_findings(result.findings)
        if result.written:
            r = result.size_report
            print(_("wrote {path}: {n} files, {kb} KB (config {c} KB, assets {s} KB, "
                    "posters {p} KB); {img} pictures processed").format(
                path=result.path, n=len(result.files), kb=result.zip_size // 1024,
                c=r.config // 1024, s=r.assets // 1024, p=r.posters // 1024,
                img=result.images_processed))
    if not result.written:
        print(_("error: export stopped by {n} lint errors (fix them or use --force)").format(
            n=_counts(result.findings)["error"]), file=sys.stderr)
        return 1
    return 0


def cmd_lint(ctx: Any) -> int:
    from shopbuilder.bundle.lint import RULES, lint_shop

    a = ctx.args
    if a.rules:
        rules = [r.as_json() for r in RULES.values()]
        ctx.emit(rules, lambda: "\n".join(
            f"{r['id']:<28} {r['severity']:<7} {r['area']:<15} {r['description']}"
            for r in rules))
        return 0
    if not a.slug:
        print(_("error: name a shop (shopbuilder lint SHOP) or use --rules"), file=sys.stderr)
        return 2
    with ctx.session() as s:
        findings = lint_shop(s, a.slug)
    data = {"shop": a.slug, "ok": not has_errors(findings), "counts": _counts(findings),
            "findings": [f.as_json() for f in findings]}
    ctx.emit(data, lambda: _finding_lines(findings) or _("no findings"))
    return 1 if has_errors(findings) else 0


def cmd_validate(ctx: Any) -> int:
    from shopbuilder.bundle.validate import validate_bundle

    findings = validate_bundle(ctx.args.file)
    data = {"file": ctx.args.file, "ok": not has_errors(findings),
            "findings": [f.as_json() for f in findings]}
    if ctx.json:
        ctx.emit(data)
    else:
        _report_findings(findings)
        if not has_errors(findings):
            print(_("{file}: valid").format(file=ctx.args.file))
    return 1 if has_errors(findings) else 0


def cmd_import(ctx: Any) -> int:
    from shopbuilder.bundle.archive import BundleError
    from shopbuilder.bundle.importer import import_bundle

    try:
        result = import_bundle(ctx.workspace, ctx.args.file, ctx.args.as_slug)
    except BundleError as exc:
        _report_findings(exc.findings)
        print(_("error: {file} was refused; nothing was imported").format(file=ctx.args.file),
              file=sys.stderr)
        return 1
    ctx.emit(result.as_json(), _("imported shop {slug}: {p} products, {g} pages").format(
        slug=result.slug, p=result.products, g=result.pages))
    return 0


def cmd_diff(ctx: Any) -> int:
    from shopbuilder.bundle.archive import BundleError
    from shopbuilder.bundle.diff import diff_bundles

    try:
        diff = diff_bundles(ctx.args.a, ctx.args.b)
    except BundleError as exc:
        _report_findings(exc.findings)
        return 1
    ctx.emit(diff.as_json(), diff.text)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this package's commands to the main parser."""
    from shopbuilder.cli import add_json

    bundle = subparsers.add_parser("bundle", help=_("export, validate, import or diff bundles"))
    sub = bundle.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("export", help=_("lint the shop and write its config bundle (zip)"))
    p.add_argument("slug")
    p.add_argument("-o", "--output", required=True, metavar="FILE.zip")
    p.add_argument("--force", action="store_true", help=_("export despite lint errors"))
    p.add_argument("--with-posters", action="store_true", help=_("add share posters"))
    add_json(p)
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("validate", help=_("check a bundle against its schemas and checksums"))
    p.add_argument("file")
    add_json(p)
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("import", help=_("recreate a shop from a bundle"))
    p.add_argument("file")
    p.add_argument("--as", dest="as_slug", default=None, metavar="SLUG",
                   help=_("shop id for the new shop (default: the bundle's)"))
    add_json(p)
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("diff", help=_("what changed between two bundles"))
    p.add_argument("a")
    p.add_argument("b")
    add_json(p)
    p.set_defaults(func=cmd_diff)

    p = subparsers.add_parser("lint", help=_("pre-flight checks of a shop (or --rules)"))
    p.add_argument("slug", nargs="?", default=None)
    p.add_argument("--rules", action="store_true", help=_("list the lint rules"))
    add_json(p)
    p.set_defaults(func=cmd_lint)
