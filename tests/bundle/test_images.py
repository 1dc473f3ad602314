"""The image pipeline: sizes, orientation, metadata, formats, cache, pool."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from shopbuilder.bundle.images import (
    RECIPES,
    ExportCancelled,
    ImageCache,
    ImageJob,
    process_images,
    render_recipes,
)
from tests.bundle.conftest import jpeg, png_rgba


def _open(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def test_exif_orientation_is_applied_then_stripped() -> None:
    # stored 1600×1200 with orientation 6 (rotate 90° clockwise to display)
    (out, ext), = render_recipes(jpeg((1600, 1200), orientation=6), [RECIPES["product"]])
    img = _open(out)
    assert ext == "jpg" and img.format == "JPEG"
    assert img.size == (750, 1000)  # displayed portrait, at most 750 wide
    assert not img.getexif()  # no orientation, no camera make
    r, _g, b = img.getpixel((img.width - 20, 20))  # the blue marker moved top-right
    assert b > 150 and r < 100
    assert img.info.get("progressive") or img.info.get("progression")


def test_each_recipe_has_its_width_and_small_pictures_are_not_enlarged() -> None:
    data = jpeg((2000, 800))
    outs = render_recipes(data, [RECIPES["banner"], RECIPES["product"], RECIPES["thumb"]])
    assert [_open(o).size for o, _e in outs] == [(1080, 432), (750, 300), (300, 120)]
    (small, _e), = render_recipes(jpeg((200, 100)), [RECIPES["product"]])
    assert _open(small).size == (200, 100)


def test_transparent_png_stays_png_with_alpha() -> None:
    (out, ext), = render_recipes(png_rgba((900, 900)), [RECIPES["product"]])
    img = _open(out)
    assert ext == "png" and img.mode == "RGBA" and img.size == (750, 750)
    assert img.getpixel((0, 0))[3] == 0


def test_output_is_deterministic() -> None:
    data = jpeg((1600, 1200), orientation=3)
    assert render_recipes(data, [RECIPES["product"]]) == render_recipes(data, [RECIPES["product"]])


def _jobs(folder: Path, n: int) -> list[ImageJob]:
    import hashlib

    jobs = []
    for i in range(n):
        data = jpeg((1000, 800), (i * 30 % 256, 90, 120))
        sha = hashlib.sha256(data).hexdigest()
        (folder / sha).write_bytes(data)
        jobs.append(ImageJob(sha, folder / sha, (RECIPES["product"], RECIPES["thumb"])))
    return jobs


def test_cache_is_keyed_by_source_and_recipe(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    jobs = _jobs(tmp_path / "src", 2)
    cache = ImageCache(tmp_path / "cache")
    first, n = process_images(jobs, cache, processes=1)
    assert n == 2 and len(first) == 4
    again, n = process_images(jobs, ImageCache(tmp_path / "cache"), processes=1)  # fresh scan
    assert n == 0 and again == first
    # another recipe of the same source is new work; the old entries are reused
    more = [ImageJob(j.source, j.source_path, (RECIPES["banner"],)) for j in jobs]
    _out, n = process_images(more, ImageCache(tmp_path / "cache"), processes=1)
    assert n == 2


def test_pool_reports_progress_and_cancels(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    jobs = _jobs(tmp_path / "src", 8)
    seen: list[tuple[int, int]] = []
    out, n = process_images(jobs, ImageCache(tmp_path / "a"), processes=2,
                            progress=lambda d, t: seen.append((d, t)))
    assert n == 8 and len(out) == 16
    assert seen[0] == (0, 8) and seen[-1] == (8, 8)
    with pytest.raises(ExportCancelled):
        process_images(jobs, ImageCache(tmp_path / "b"), processes=2, cancel=lambda: True)
