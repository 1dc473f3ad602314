"""`export_bundle`: lint, prepare pictures, build and self-check the JSON, write the zip.

The zip is deterministic (same shop state → same bytes) and written atomically.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopbuilder.bundle import format as fmt
from shopbuilder.bundle.builders import Docs, ShopState, build_documents, last_edit, load_state
from shopbuilder.bundle.images import (
    RECIPES,
    ExportCancelled,
    ImageCache,
    ImageJob,
    Processed,
    process_images,
)
from shopbuilder.bundle.lint import lint_state
from shopbuilder.bundle.schemas import schema_errors
from shopbuilder.bundle.zipwriter import Entry, dump_json, write_zip
from shopbuilder.core.errors import ShopBuilderError, ValidationError
from shopbuilder.core.findings import Finding, Severity, has_errors, sort_findings
from shopbuilder.core.storage import Workspace
from shopbuilder.i18n import _

# progress(stage, done, total); stages: "lint", "images", "posters", "write"
Progress = Callable[[str, int, int], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class FileInfo:
    path: str
    size: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


@dataclass
class SizeReport:
    """Bytes by section, with the budgets the mini-program guidance sets."""

    config: int = 0
    assets: int = 0
    posters: int = 0
    assets_over_budget: list[FileInfo] = field(default_factory=list)
    config_budget: int = fmt.CONFIG_BUDGET
    asset_budget: int = fmt.ASSET_BUDGET

    @property
    def total(self) -> int:
        return self.config + self.assets + self.posters

    def as_json(self) -> dict[str, Any]:
        return {"config": self.config, "assets": self.assets, "posters": self.posters,
                "total": self.total, "config_budget": self.config_budget,
                "asset_budget": self.asset_budget,
                "assets_over_budget": [f.as_json() for f in self.assets_over_budget]}


@dataclass
class ExportResult:
    """What an export did. `written` is False when lint errors stopped it."""

    path: Path
    written: bool
    files: list[FileInfo]
    size_report: SizeReport
    findings: list[Finding]
    images_processed: int = 0
    zip_size: int = 0
    manifest: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "written": self.written, "zip_size": self.zip_size,
                "files": [f.as_json() for f in self.files],
                "size_report": self.size_report.as_json(),
                "images_processed": self.images_processed,
                "findings": [f.as_json() for f in self.findings]}


def image_cache_for(workspace: Workspace) -> ImageCache:
    """Processed pictures live beside the asset store (``x.assets`` → ``x.assets-cache``)."""
    root = workspace.assets.root
    return ImageCache(root.with_name(root.name + "-cache") / "images")


def image_jobs(state: ShopState, workspace: Workspace) -> list[ImageJob]:
    wanted: dict[str, set[str]] = {}

    def record(sha: str, recipe: str) -> str:
        wanted.setdefault(sha, set()).add(recipe)
        return sha

    build_documents(state, record)
    jobs = []
    for sha in sorted(wanted):
        if not workspace.assets.has(sha):
            raise ValidationError("assets", _("the file {sha} is missing from the workspace's "
                                              "asset store").format(sha=sha[:12]))
        recipes = tuple(sorted((RECIPES[r] for r in wanted[sha]),
                               key=lambda r: -(r.max_width or 10**9)))
        jobs.append(ImageJob(sha, workspace.assets.path_for(sha), recipes))
    return jobs


def export_bundle(workspace: Workspace, slug: str, out_path: Path | str, *, force: bool = False,
                  with_posters: bool = False, progress: Progress | None = None,
                  cancel: Cancel | None = None, processes: int | None = None) -> ExportResult:
    """Export shop `slug` to `out_path`. Lint errors stop it unless `force`; a cancel or
    crash leaves nothing at `out_path` (an existing file there stays as it was)."""
    out_path = Path(out_path)

    def check() -> None:
        if cancel is not None and cancel():
            raise ExportCancelled(_("export cancelled"))

    with workspace.session() as session:
        if progress:
            progress("lint", 0, 1)
        state = load_state(session, slug)
        findings = lint_state(session, state)
        if progress:
            progress("lint", 1, 1)
        if has_errors(findings) and not force:
            return ExportResult(out_path, False, [], SizeReport(), sort_findings(findings))
        check()
        built_at = last_edit(session, state.shop)
        cache = image_cache_for(workspace)
        jobs = image_jobs(state, workspace)
        processed, n_done = process_images(
            jobs, cache, processes=processes, cancel=cancel,
            progress=(lambda d, t: progress("images", d, t)) if progress else None)

        def ref(sha: str, recipe: str) -> str:
            return processed[(sha, RECIPES[recipe].key)].sha256

        state.asset_ext = {p.sha256: p.ext for p in processed.values()}
        docs = build_documents(state, ref)
        posters: list[Entry] = []
        if with_posters:
            posters, poster_findings = render_posters(workspace, slug, progress, cancel)
            findings += poster_findings
    entries, files, report = _entries(docs, processed.values(), posters)
    self_check(docs, {f.path: f.sha256 for f in files}, image_cache_for(workspace).root.parent)
    findings += budget_findings(report, files)
    manifest = build_manifest(slug, built_at.isoformat().replace("+00:00", "Z"), files)
    entries.append(Entry(fmt.MANIFEST, dump_json(manifest)))
    if progress:
        progress("write", 0, 1)
    size = write_zip(out_path, entries, check=check)
    if progress:
        progress("write", 1, 1)
    return ExportResult(out_path, True, files, report, sort_findings(findings), n_done, size,
                        manifest)


def self_check(docs: Docs, hashes: dict[str, str] | None = None,
               cache_root: Path | None = None) -> None:
    """The export validates its own output: a failure here is a bug, not a user error.

    Validation is a pure function of (bytes, schemas), so documents whose exact bytes
    passed before under the same schemas are not validated again (a 10,000-product
    catalogue takes seconds)."""
    marks = None
    if cache_root is not None and hashes is not None:
        marks = cache_root / "validated" / schema_fingerprint()
    problems = []
    for name, doc in sorted(docs.items()):
        mark = marks / hashes[name] if marks is not None and hashes else None
        if mark is not None and mark.exists():
            continue
        found = list(schema_errors(name, doc))
        problems.extend(found)
        if mark is not None and not found:
            mark.parent.mkdir(parents=True, exist_ok=True)
            mark.touch()
    if problems:
        raise ShopBuilderError(_("the bundle does not match its schema: {first}").format(
            first="; ".join(f"{p.location}: {p.message}" for p in problems[:5])))


def schema_fingerprint() -> str:
    from shopbuilder.resources_path import resource_path

    digest = hashlib.sha256()
    for folder in ("bundle", "components"):
        for path in sorted(resource_path("schemas", folder).glob("*.json")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _entries(docs: Docs, processed: Any, posters: list[Entry],
             ) -> tuple[list[Entry], list[FileInfo], SizeReport]:
    entries: list[Entry] = []
    files: list[FileInfo] = []
    report = SizeReport()
    for name, doc in docs.items():
        data = dump_json(doc)
        entries.append(Entry(name, data))
        files.append(FileInfo(name, len(data), hashlib.sha256(data).hexdigest()))
        report.config += len(data)
    used = _used_assets(docs)
    seen: set[str] = set()
    for item in sorted(processed, key=lambda p: (p.sha256, p.ext)):
        name = fmt.asset_file(item.sha256, item.ext)
        if item.sha256 not in used or name in seen:
            continue
        seen.add(name)
        entries.append(Entry(name, path=item.path))
        info = FileInfo(name, item.size, item.sha256)
        files.append(info)
        report.assets += item.size
        if item.size > report.asset_budget:
            report.assets_over_budget.append(info)
    for poster in posters:
        data = poster.open_bytes()
        entries.append(poster)
        files.append(FileInfo(poster.name, len(data), hashlib.sha256(data).hexdigest()))
        report.posters += len(data)
    files.sort(key=lambda f: f.path)
    report.assets_over_budget.sort(key=lambda f: (-f.size, f.path))
    return entries, files, report


def _used_assets(docs: Docs) -> set[str]:
    """SHA-256s the documents name (a processed output may be unused: cache is shared)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if len(value) == 64:
                found.add(value)
            elif value.startswith(fmt.ASSETS_DIR):
                found.add(value[len(fmt.ASSETS_DIR):].split(".")[0])
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(docs)
    return found


def budget_findings(report: SizeReport, files: list[FileInfo]) -> list[Finding]:
    out = []
    if report.config > report.config_budget:
        out.append(Finding("size.config_budget", Severity.WARNING, "config", _(
            "the config JSON is {kb} KB; keep it under {max} KB").format(
            kb=report.config // 1000, max=report.config_budget // 1000)))
    for info in report.assets_over_budget:
        out.append(Finding("size.asset_budget", Severity.WARNING, info.path, _(
            "{kb} KB after processing; pictures over {max} KB belong on a CDN").format(
            kb=info.size // 1024, max=report.asset_budget // 1024)))
    return out


def build_manifest(slug: str, built_at: str, files: list[FileInfo]) -> dict[str, Any]:
    revision = hashlib.sha256("".join(f"{f.path}\0{f.sha256}\n" for f in files)
                              .encode()).hexdigest()
    return {"format": fmt.FORMAT_ID, "format_version": fmt.FORMAT_VERSION, "shop": slug,
            "shop_revision": revision, "generator": fmt.GENERATOR, "built_at": built_at,
            "files": [f.as_json() for f in files]}


def render_posters(workspace: Workspace, slug: str, progress: Progress | None,
                   cancel: Cancel | None) -> tuple[list[Entry], list[Finding]]:
    """Every product and campaign poster from `shopbuilder.posters`, as zip entries.

    Rendered into a temporary folder (the posters package writes files), read back,
    and the folder removed; a poster that fails is a warning, not a stopped export."""
    import tempfile

    try:
        from shopbuilder.posters.batch import render_batch
    except ImportError as exc:
        raise ShopBuilderError(_("posters are not available in this version")) from exc
    with tempfile.TemporaryDirectory(prefix="shopbuilder-posters-") as tmp:
        result = render_batch(workspace, slug, tmp, products="all", campaigns=True,
                              cancel=cancel,
                              progress=(lambda d, t: progress("posters", d, t))
                              if progress else None)
        if result.cancelled:
            raise ExportCancelled(_("export cancelled"))
        entries = [Entry(f"{fmt.POSTERS_DIR}{item.file}", (Path(tmp) / item.file).read_bytes())
                   for item in result.written if item.file]
    findings = [Finding("poster.failed", Severity.WARNING,
                        f"posters.{item.product or item.campaign or item.template}",
                        item.error or "") for item in result.failed]
    return entries, findings


__all__ = ["ExportResult", "FileInfo", "Processed", "SizeReport", "export_bundle"]
