"""The catalogue import service: read, check everything in memory, then write once.

All-or-nothing by default: any error and nothing is written; with `skip_invalid`
the products with a bad row are left out whole. Rules are the core's
(`check_product`), so a sheet and the product editor say the same thing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from shopbuilder.catalog.checks import check_drafts
from shopbuilder.catalog.drafts import DraftSet, build_drafts
from shopbuilder.catalog.fields import looks_like_shopify, propose_mapping
from shopbuilder.catalog.images import load_images
from shopbuilder.catalog.presets import header_signature, preset_for, remember_mapping
from shopbuilder.catalog.readers import Sheet, read_sheet
from shopbuilder.catalog.report import ImportCancelled, ImportReport, RowIssue
from shopbuilder.catalog.upsert import (
    Existing,
    Plan,
    create_categories,
    load_existing,
    write_plan,
)
from shopbuilder.core.assets import sniff
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.services.shops import get_shop
from shopbuilder.core.storage import Workspace
from shopbuilder.i18n import _

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Cancel = Callable[[], bool]
FORMATS = ("auto", "template", "shopify")


@dataclass
class ImportOptions:
    format: str = "auto"
    dry_run: bool = False
    skip_invalid: bool = False
    mapping: dict[str, str] = field(default_factory=dict)  # header → field key ("" ignores)
    fetch_images: bool = True
    remember_mapping: bool = True  # save `mapping` as this shop's preset for these headers


@dataclass
class SheetPreview:
    """What the import wizard shows before importing."""

    path: Path
    format: str  # "template" or "shopify"
    kind: str  # "xlsx" or "csv"
    encoding: str
    separator: str
    headers: list[str]
    mapping: dict[str, str]  # header → field key, as proposed
    unknown_columns: list[str]
    rows: list[list[str]]  # the first data rows
    row_count: int
    signature: str  # identifies the header layout; presets are saved under it


def resolve_format(sheet: Sheet, wanted: str) -> str:
    if wanted not in FORMATS:
        raise ValidationError("format", _("format is one of {formats}").format(
            formats=", ".join(FORMATS)))
    if wanted != "auto":
        return wanted
    return "shopify" if looks_like_shopify(sheet.headers) else "template"


def detect(path: Path, mapping: dict[str, str] | None = None,
           session: Session | None = None, slug: str | None = None,
           preview_rows: int = 20) -> SheetPreview:
    """Read a sheet and propose how its columns map (a shop's saved preset applies)."""
    sheet = read_sheet(Path(path))
    extra = dict(preset_for(session, slug, sheet.headers) if session and slug else {})
    extra.update(mapping or {})
    cols, unknown = propose_mapping(sheet.headers, extra)
    return SheetPreview(Path(path), resolve_format(sheet, "auto"), sheet.kind, sheet.encoding,
                        sheet.separator, sheet.headers,
                        {sheet.headers[i]: k for i, k in cols.items()}, unknown,
                        sheet.rows[:preview_rows], len(sheet.rows),
                        header_signature(sheet.headers))


def import_file(target: Workspace | Session, slug: str, path: Path,
                options: ImportOptions | None = None, progress: Progress | None = None,
                cancel: Cancel | None = None) -> ImportReport:
    """Import a sheet into a shop. With a Workspace, runs in its own unit of work."""
    options = options or ImportOptions()
    if isinstance(target, Workspace):
        with target.session() as session:
            return import_file(session, slug, path, options, progress, cancel)
    with gc_paused():
        _step(progress, cancel, _("reading the sheet"), 0, 1)
        sheet = read_sheet(Path(path))
        return import_sheet(target, slug, sheet, options, progress, cancel)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic GC while building 100k-row structures: they hold no cycles, and the
    collector would re-walk them again and again (a third of the time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _step(progress: Progress | None, cancel: Cancel | None, stage: str, done: int,
          total: int) -> None:
    if cancel is not None and cancel():
        raise ImportCancelled(_("import cancelled; nothing was written"))
    if progress is not None:
        progress(stage, done, total)


def import_sheet(session: Session, slug: str, sheet: Sheet, options: ImportOptions,
                 progress: Progress | None = None, cancel: Cancel | None = None,
                 ) -> ImportReport:
    shop = get_shop(session, slug)
    fmt = resolve_format(sheet, options.format)
    report = ImportReport(format=fmt, dry_run=options.dry_run,
                          skip_invalid=options.skip_invalid)
    extra = dict(preset_for(session, slug, sheet.headers))
    extra.update(options.mapping)
    cols, unknown = propose_mapping(sheet.headers, extra)
    for header in unknown:
        report.warnings.append(RowIssue(sheet.header_row, header, "", _(
            "unknown column, not imported (map it to a field with --map)")))
    ds = build_drafts(sheet, cols)
    report.errors.extend(ds.issues)
    _step(progress, cancel, _("checking"), 0, len(ds.drafts))
    existing = load_existing(session, shop.id)
    images: dict[str, tuple[str, bytes, str] | None] = _images(
        sheet, ds, options, report, progress, cancel)
    shas = {ref: (v[0] if v else None) for ref, v in images.items()}
    plan: Plan | None
    plan, bad = check_drafts(sheet, ds, existing, shas, report)
    if bad and options.skip_invalid:
        report.skipped = len(bad)
    elif report.errors:
        plan = None
    if plan is not None:
        _count(plan, report)
    _step(progress, cancel, _("writing"), 0, 1)
    if plan is not None and not options.dry_run:
        from shopbuilder.core.services.assets import add_asset

        for _sha, data, name in {v[0]: v for v in images.values() if v}.values():
            add_asset(session, data, name, "image")
            report.images_stored += 1
        _create_categories(session, shop.id, plan, existing)
        if plan:
            write_plan(session, shop.id, plan)
            report.written = True
        if options.mapping and options.remember_mapping:
            remember_mapping(session, slug, sheet.headers, options.mapping)
    _step(progress, cancel, _("done"), 1, 1)
    return report


def _count(plan: Plan, report: ImportReport) -> None:
    report.sku_created = len(plan.new_skus)
    report.sku_updated = len(plan.changed_skus)
    report.sku_removed = len(plan.removed_sku_ids)


def _images(sheet: Sheet, ds: DraftSet, options: ImportOptions, report: ImportReport,
            progress: Progress | None, cancel: Cancel | None,
            ) -> dict[str, tuple[str, bytes, str] | None]:
    """ref → (sha256, bytes, name), or None when it failed (the row gets a warning).
    Nothing is stored yet: only an import that goes ahead stores its images."""
    refs: list[tuple[str, int, str]] = []  # ref, row, column
    if not (ds.has("images") or ds.has("sku_image")):
        return {}
    for d in ds.drafts:
        refs += [(ref, row, ds.header("images")) for _p, _s, ref, row in d.images]
        refs += [(s.image_ref, s.row, ds.header("sku_image")) for s in d.skus if s.image_ref]
    if not refs or not options.fetch_images:
        return {ref: None for ref, _r, _c in refs}
    unique = list(dict.fromkeys(r for r, _row, _c in refs))
    results = load_images(
        unique, sheet.path.parent,
        (lambda done, total: progress(_("images"), done, total)) if progress else None,
        cancel)
    _step(progress, cancel, _("images"), len(unique), len(unique))
    out: dict[str, tuple[str, bytes, str] | None] = {}
    for ref in unique:
        result = results[ref]
        out[ref] = None
        if result.data is not None:
            try:
                out[ref] = (sniff(result.data, result.name, "image").sha256, result.data,
                            result.name)
            except ValidationError as exc:
                result.error = exc.issues[0].message
    warned: set[tuple[str, int]] = set()
    for ref, row, column in refs:
        result = results[ref]
        if (ref, row) in warned or not (result.error or result.note):
            continue
        warned.add((ref, row))
        if result.error:
            report.warnings.append(RowIssue(row, column, ref, _(
                "image not imported: {err}").format(err=result.error)))
        else:
            report.warnings.append(RowIssue(row, column, ref, _("image {note}").format(
                note=result.note)))
    return out


def _create_categories(session: Session, shop_id: int, plan: Plan, existing: Existing) -> None:
    """Products planned with a pending category path get the new category's id."""
    if not plan.category_paths:
        return
    create_categories(session, shop_id, plan.category_paths, existing)
    for row in (*plan.new_products, *plan.changed_products):
        path = row.pop("category_path", None)
        if path is not None:
            row["category_id"] = existing.categories[path]
