"""The image pipeline: resize, orient, strip and re-encode pictures for the bundle.

Outputs are cached by (source SHA-256, recipe) beside the workspace's asset store,
so re-exporting an unchanged shop does no image work. CPU-bound work runs in a
process pool with progress and cancel callbacks.
"""

from __future__ import annotations

import io
import math
import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.i18n import _

PIPELINE_VERSION = 1  # bump when the encoding changes, so old cache entries are not reused

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class Recipe:
    """How one kind of picture is prepared. `max_width` None keeps the bytes as they are."""

    name: str
    max_width: int | None
    quality: int = 82

    @property
    def key(self) -> str:
        if self.max_width is None:
            return f"{self.name}-raw-v{PIPELINE_VERSION}"
        return f"{self.name}-w{self.max_width}-q{self.quality}-v{PIPELINE_VERSION}"


RECIPES: dict[str, Recipe] = {r.name: r for r in (
    Recipe("product", 750),   # product gallery and SKU pictures
    Recipe("banner", 1080),   # banners, image components, share image, logo, licence
    Recipe("thumb", 300),     # list thumbnails (a product's first picture)
    Recipe("icon", 162),      # tab bar icons (81×81 shown at 2×)
    Recipe("raw", None),      # fonts and anything that is not a picture
)}


class ExportCancelled(ShopBuilderError):
    """The user cancelled; nothing was written at the target path."""


def sniff_ext(data: bytes) -> str:
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] in (b"OTTO", b"\x00\x01\x00\x00", b"true"):
        return "ttf" if data[:4] != b"OTTO" else "otf"
    if data[:4] == b"wOF2":
        return "woff2"
    return "bin"


def render_recipes(data: bytes, recipes: list[Recipe]) -> list[tuple[bytes, str]]:
    """Decode once, then resize and encode for every recipe (largest first is fastest).

    EXIF orientation is applied and all metadata dropped; transparent pictures stay
    PNG, everything else becomes a progressive JPEG."""
    raw = [r for r in recipes if r.max_width is None]
    if len(raw) == len(recipes):
        return [(data, sniff_ext(data)) for _r in recipes]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        img = Image.open(io.BytesIO(data))
        widest = max(r.max_width or 0 for r in recipes)
        if img.format == "JPEG":
            _draft(img, widest)
        img = ImageOps.exif_transpose(img)
    transparent = img.mode in ("RGBA", "LA", "PA") or (
        img.mode == "P" and "transparency" in img.info)
    base = img.convert("RGBA" if transparent else "RGB")
    out: list[tuple[bytes, str]] = []
    for recipe in recipes:
        if recipe.max_width is None:
            out.append((data, sniff_ext(data)))
            continue
        pic = base
        if pic.width > recipe.max_width:
            height = max(1, round(pic.height * recipe.max_width / pic.width))
            pic = pic.resize((recipe.max_width, height), Image.Resampling.LANCZOS,
                             reducing_gap=3.0)
        buf = io.BytesIO()
        if transparent:
            pic.save(buf, "PNG", compress_level=6)
            out.append((buf.getvalue(), "png"))
        else:
            pic.save(buf, "JPEG", quality=recipe.quality, progressive=True, optimize=False)
            out.append((buf.getvalue(), "jpg"))
    return out


def _draft(img: Image.Image, target_width: int) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still covers the target."""
    orientation = img.getexif().get(0x0112, 1)
    width, height = img.size
    if orientation in (5, 6, 7, 8):
        width, height = height, width  # the displayed width is the stored height
    if width <= target_width:
        return
    scale = target_width / width
    wanted = (math.ceil(img.size[0] * scale), math.ceil(img.size[1] * scale))
    img.draft("RGB", wanted)


# ---------------------------------------------------------------- cache


@dataclass(frozen=True)
class Processed:
    """One cached output: where it is and what it is."""

    source: str
    recipe: str
    sha256: str
    ext: str
    size: int
    path: Path


class ImageCache:
    """``<root>/<recipe key>/<src[:2]>/<src>.<out sha256>.<ext>``: the out hash is in
    the name so a re-export neither decodes nor re-hashes anything."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._index: dict[tuple[str, str], Processed] | None = None

    def _scan(self) -> dict[tuple[str, str], Processed]:
        index: dict[tuple[str, str], Processed] = {}
        if not self.root.is_dir():
            return index
        for recipe_dir in os.scandir(self.root):
            if not recipe_dir.is_dir():
                continue
            for shard in os.scandir(recipe_dir.path):
                if not shard.is_dir():
                    continue
                for entry in os.scandir(shard.path):
                    parts = entry.name.split(".")
                    if len(parts) != 3 or entry.name.startswith("."):
                        continue
                    src, out, ext = parts
                    index[(src, recipe_dir.name)] = Processed(
                        src, recipe_dir.name, out, ext, entry.stat().st_size, Path(entry.path))
        return index

    def get(self, source: str, recipe: Recipe) -> Processed | None:
        if self._index is None:
            self._index = self._scan()
        return self._index.get((source, recipe.key))

    def put(self, source: str, recipe: Recipe, data: bytes, ext: str) -> Processed:
        processed = write_cache_entry(self.root, source, recipe.key, data, ext)
        if self._index is not None:
            self._index[(source, recipe.key)] = processed
        return processed

    def add(self, processed: Processed) -> None:
        if self._index is not None:
            self._index[(processed.source, processed.recipe)] = processed


def write_cache_entry(root: Path, source: str, recipe_key: str, data: bytes,
                      ext: str, *, replace: bool = False) -> Processed:
    """Store one output. `replace` drops other outputs of the same (source, recipe)
    (an import's bundle pictures win over an earlier local rendering)."""
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    folder = Path(root) / recipe_key / source[:2]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{source}.{sha}.{ext}"
    if replace:
        for old in folder.glob(f"{source}.*"):
            if old != target:
                old.unlink(missing_ok=True)
    if not target.exists():
        tmp = folder / f".{source}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return Processed(source, recipe_key, sha, ext, len(data), target)


# ---------------------------------------------------------------- work


@dataclass(frozen=True)
class ImageJob:
    """All recipes wanted for one source picture: decoded once."""

    source: str
    source_path: Path
    recipes: tuple[Recipe, ...]


def _run_job(job: ImageJob, cache_root: Path) -> list[Processed]:
    data = job.source_path.read_bytes()
    rendered = render_recipes(data, list(job.recipes))
    return [write_cache_entry(cache_root, job.source, r.key, out, ext)
            for r, (out, ext) in zip(job.recipes, rendered, strict=True)]


def process_images(jobs: Iterable[ImageJob], cache: ImageCache, *,
                   processes: int | None = None, progress: Progress | None = None,
                   cancel: Cancel | None = None) -> tuple[dict[tuple[str, str], Processed], int]:
    """Every (source, recipe) output, from the cache or computed now.

    Returns the outputs and how many source pictures had to be processed."""
    results: dict[tuple[str, str], Processed] = {}
    todo: list[ImageJob] = []
    for job in jobs:
        missing = []
        for recipe in job.recipes:
            hit = cache.get(job.source, recipe)
            if hit is None:
                missing.append(recipe)
            else:
                results[(job.source, recipe.key)] = hit
        if missing:
            todo.append(ImageJob(job.source, job.source_path, tuple(missing)))
    total = len(todo)
    if progress:
        progress(0, total)
    processes = processes or os.cpu_count() or 1
    try:
        if processes == 1 or total <= 4:
            for done, job in enumerate(todo, 1):
                _check_cancel(cancel)
                _collect(results, cache, _run_job(job, cache.root))
                if progress:
                    progress(done, total)
        elif total:
            _run_pool(todo, cache, results, processes, progress, cancel)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ShopBuilderError(_("a picture could not be prepared: {err}").format(err=exc)) from exc
    return results, total


def _run_pool(todo: list[ImageJob], cache: ImageCache,
              results: dict[tuple[str, str], Processed], processes: int,
              progress: Progress | None, cancel: Cancel | None) -> None:
    """Feed the pool a bounded number of jobs at a time so cancel is prompt."""
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(processes, mp_context=ctx) as pool:
        pending: set[Future[list[Processed]]] = set()
        queue = iter(todo)
        done = 0
        window = processes * 16
        try:
            while True:
                while len(pending) < window:
                    job = next(queue, None)
                    if job is None:
                        break
                    pending.add(pool.submit(_run_job, job, cache.root))
                if not pending:
                    break
                finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in finished:
                    _collect(results, cache, future.result())
                    done += 1
                if progress and finished:
                    progress(done, len(todo))
                _check_cancel(cancel)
        except BaseException:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _collect(results: dict[tuple[str, str], Processed], cache: ImageCache,
             items: list[Processed]) -> None:
    for item in items:
        results[(item.source, item.recipe)] = item
        cache.add(item)


def _check_cancel(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise ExportCancelled(_("export cancelled"))
