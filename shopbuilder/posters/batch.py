"""Rendering many posters: all products and/or campaigns of a shop, over all cores.

Workers are processes (Pillow work is CPU-bound); each opens its own workspace from
the database URL, renders a chunk of jobs, writes the files (temp name + rename) and
hands back plain data. The caller gets progress after every chunk and may cancel:
chunks not started are dropped, nothing half-written is left behind.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload, sessionmaker

from shopbuilder.core.assets import AssetStore
from shopbuilder.core.errors import ShopBuilderError, ValidationError
from shopbuilder.core.models import Product
from shopbuilder.core.services.products import list_products
from shopbuilder.core.services.shops import get_shop
from shopbuilder.core.storage import Workspace, make_engine, sqlite_path
from shopbuilder.i18n import _
from shopbuilder.posters.api import PosterRenderer, encode
from shopbuilder.posters.data import poster_data
from shopbuilder.posters.fonts import FontSet
from shopbuilder.posters.qr import short_id
from shopbuilder.posters.templates import get_template
from shopbuilder.promotions.coupons import list_coupons
from shopbuilder.promotions.display import list_campaigns

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,64}\Z")
MIN_PARALLEL = 16  # fewer posters than this render faster in this process


@dataclass(frozen=True)
class PosterJob:
    template_id: str
    product_code: str | None = None
    campaign_key: str | None = None  # a campaign, or a coupon for coupon templates

    @property
    def key(self) -> str | None:
        return self.product_code or self.campaign_key

    def file_stem(self) -> str:
        """``product-TEE-01``; codes with other characters get their short id added."""
        if self.key is None:
            return self.template_id
        safe = re.sub(r"[^A-Za-z0-9_-]", "_", self.key)[:40]
        if _SAFE.match(self.key) and safe == self.key:
            return f"{self.template_id}-{safe}"
        return f"{self.template_id}-{safe}-{short_id(self.key)}"


@dataclass
class BatchItem:
    template: str
    product: str | None
    campaign: str | None
    file: str | None = None
    bytes: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class BatchResult:
    out_dir: str
    written: list[BatchItem] = field(default_factory=list)
    failed: list[BatchItem] = field(default_factory=list)
    cancelled: bool = False

    def as_json(self) -> dict[str, Any]:
        def row(item: BatchItem) -> dict[str, Any]:
            return {k: v for k, v in asdict(item).items() if v not in (None, [])}
        return {"out_dir": self.out_dir, "written": [row(i) for i in self.written],
                "failed": [row(i) for i in self.failed], "cancelled": self.cancelled}


# ---------------------------------------------------------------- planning


def plan_jobs(session: Any, slug: str, *, template_id: str | None = None,
              products: str | Sequence[str] | None = None,
              campaigns: bool = False) -> list[PosterJob]:
    """What to render. `products` is None/"all" (every on-shelf product) or codes;
    `campaigns` adds a poster per campaign (with its kind's template) and per coupon.
    With `template_id` only jobs that template's kind can draw are planned."""
    get_shop(session, slug)
    kind = get_template(session, slug, template_id)["kind"] if template_id else None
    want_products = products is not None or not campaigns
    jobs: list[PosterJob] = []
    if kind == "shop":
        return [PosterJob(template_id or "shop")]
    if want_products and kind in (None, "product"):
        rows = list_products(session, slug)
        if products is None or products == "all":
            codes = [p.code for p in rows if p.on_shelf]
        else:
            codes = list(products)
            known = {p.code for p in rows}
            missing = [c for c in codes if c not in known]
            if missing:
                raise ValidationError("products", _("no product {codes} in shop {slug}").format(
                    codes=", ".join(missing), slug=slug))
        jobs += [PosterJob(template_id or "product", product_code=c) for c in codes]
    if campaigns or (kind is not None and kind != "product"):
        for camp in list_campaigns(session, slug):
            if kind in (None, camp.kind):
                jobs.append(PosterJob(template_id or camp.kind, campaign_key=camp.key))
        if kind in (None, "coupon"):
            jobs += [PosterJob(template_id or "coupon", campaign_key=c.key)
                     for c in list_coupons(session, slug)]
    return jobs


# ---------------------------------------------------------------- rendering


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def render_jobs(renderer: PosterRenderer, jobs: Sequence[PosterJob], out_dir: Path,
                at: datetime | None = None) -> list[BatchItem]:
    """Render and write one chunk in this process; failures are reported, not raised."""
    items: list[BatchItem] = []
    for job, result in _rendered(renderer, jobs, at):
        item = BatchItem(job.template_id, job.product_code, job.campaign_key)
        if isinstance(result, ShopBuilderError):
            item.error = result.message
        else:
            rendered, fmt = result
            data = encode(rendered.image, fmt)
            name = f"{job.file_stem()}.{'jpg' if fmt == 'jpeg' else 'png'}"
            _write_atomic(out_dir / name, data)
            item.file, item.bytes, item.warnings = name, len(data), rendered.warnings
        items.append(item)
    return items


def _rendered(renderer: PosterRenderer, jobs: Sequence[PosterJob],
              at: datetime | None) -> Iterator[tuple[PosterJob, Any]]:
    with renderer.workspace.session() as s:
        codes = [j.product_code for j in jobs if j.product_code]
        preloaded = {p.code: p for p in s.scalars(
            select(Product).where(Product.shop_id == get_shop(s, renderer.info.slug).id,
                                  Product.code.in_(codes))
            .options(selectinload(Product.skus)))} if codes else {}
        for job in jobs:
            try:
                template = renderer.template(s, job.template_id)
                data = poster_data(s, renderer.info, renderer.promos, template["kind"],
                                   product_code=job.product_code,
                                   campaign_key=job.campaign_key, at=at,
                                   product=preloaded.get(job.product_code or ""))
                yield job, (renderer.renderer.render(template, data),
                            template.get("format", "png"))
            except ShopBuilderError as exc:
                yield job, exc


# ---------------------------------------------------------------- worker processes

_worker: PosterRenderer | None = None


def _init_worker(url: str, assets: str, slug: str, fonts: FontSet | None) -> None:
    """Open the parent's workspace (already migrated: no Alembic import, which costs
    half a second per worker)."""
    global _worker
    engine = make_engine(url)
    workspace = Workspace(url, engine, AssetStore(Path(assets)),
                          sessionmaker(engine, expire_on_commit=False))
    _worker = PosterRenderer(workspace, slug, fonts)


def _context() -> Any:
    """forkserver where there is one (workers fork from a clean server that has the
    modules imported already: fast, and safe beside GUI threads), else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


def _run_chunk(jobs: list[PosterJob], out_dir: str, at: datetime | None) -> list[BatchItem]:
    assert _worker is not None
    return render_jobs(_worker, jobs, Path(out_dir), at)


def _chunks(jobs: Sequence[PosterJob], workers: int) -> list[list[PosterJob]]:
    """Guided chunks: up to 25 posters while much is left, then smaller and smaller, so
    progress comes often and no worker is left with a long last chunk alone."""
    out: list[list[PosterJob]] = []
    i = 0
    while i < len(jobs):
        size = max(1 if workers == 1 else 2, min(25, (len(jobs) - i) // (workers * 3)))
        out.append(list(jobs[i:i + size]))
        i += size
    return out


def render_batch(workspace: Workspace | str, slug: str, out_dir: str | Path, *,
                 template_id: str | None = None, products: str | Sequence[str] | None = None,
                 campaigns: bool = False, progress: Progress | None = None,
                 cancel: Cancel | None = None, workers: int | None = None,
                 fonts: FontSet | None = None, at: datetime | None = None) -> BatchResult:
    """Render a shop's posters into `out_dir`. `workspace` may be a Workspace or a DB
    URL; `workers` defaults to the number of cores, or 1 (this process) for fewer than
    MIN_PARALLEL posters."""
    ws = Workspace.open(workspace) if isinstance(workspace, str) else workspace
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    try:
        with ws.session() as s:
            jobs = plan_jobs(s, slug, template_id=template_id, products=products,
                             campaigns=campaigns)
        renderer = PosterRenderer(ws, slug, fonts)
        result = BatchResult(str(out))
        if workers is None:  # few posters render faster here than processes start
            workers = (os.cpu_count() or 1) if len(jobs) >= MIN_PARALLEL else 1
        if sqlite_path(ws.url) is None and ws.url.startswith("sqlite"):
            workers = 1  # an in-memory database cannot be shared with other processes
        chunks = _chunks(jobs, workers)
        workers = min(workers, len(chunks)) or 1
        if workers == 1:
            _serial(renderer, chunks, out, at, result, len(jobs), progress, cancel)
        else:
            _parallel(ws, slug, renderer.fonts, chunks, out, at, result, workers, len(jobs),
                      progress, cancel)
        result.written.sort(key=lambda i: i.file or "")  # a stable summary, any worker order
        result.failed.sort(key=lambda i: (i.template, i.product or "", i.campaign or ""))
        return result
    finally:
        if isinstance(workspace, str):
            ws.close()


def _collect(result: BatchResult, items: list[BatchItem]) -> None:
    for item in items:
        (result.failed if item.error else result.written).append(item)


def _serial(renderer: PosterRenderer, chunks: list[list[PosterJob]], out: Path,
            at: datetime | None, result: BatchResult, total: int,
            progress: Progress | None, cancel: Cancel | None) -> None:
    done = 0
    for chunk in chunks:
        if cancel is not None and cancel():
            result.cancelled = True
            return
        _collect(result, render_jobs(renderer, chunk, out, at))
        done += len(chunk)
        if progress is not None:
            progress(done, total)


def _parallel(ws: Workspace, slug: str, fonts: FontSet, chunks: list[list[PosterJob]],
              out: Path, at: datetime | None, result: BatchResult, workers: int, total: int,
              progress: Progress | None, cancel: Cancel | None) -> None:
    done = 0
    with ProcessPoolExecutor(workers, mp_context=_context(), initializer=_init_worker,
                             initargs=(ws.url, str(ws.assets.root), slug, fonts)) as pool:
        pending: set[Future[list[BatchItem]]] = set()
        queue = list(reversed(chunks))
        while queue or pending:
            while queue and len(pending) < workers * 2:
                if cancel is not None and cancel():
                    result.cancelled = True
                    queue.clear()
                    break
                pending.add(pool.submit(_run_chunk, queue.pop(), str(out), at))
            if not pending:
                break
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                items = future.result()
                _collect(result, items)
                done += len(items)
                if progress is not None:
                    progress(done, total)
