"""Golden-image comparison by mean pixel difference, taken per tile.

Images are compared as half-size greyscale copies, cut into 48-px tiles (96 px on the
poster); the mean absolute difference of the worst tile must stay within TOLERANCE.
A whole-image mean would dilute a moved title into noise; per tile, a font rasteriser
update (edges blurred or shifted by a fraction of a pixel: about 17 here) passes while
a layer moved by 4 px (about 31) does not. Goldens are stored at that half size to
keep the repository small; SHOPBUILDER_UPDATE_GOLDEN=1 rewrites them."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

TOLERANCE = 24.0  # worst tile's mean difference, out of 255
TILE = 48


def reduced(image: Image.Image) -> Image.Image:
    return image.convert("L").reduce(2)


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    """The largest per-tile mean absolute difference (255 when the sizes differ)."""
    if a.size != b.size:
        return 255.0
    diff = ImageChops.difference(a, b)
    width, height = diff.size
    return max(ImageStat.Stat(diff.crop((x, y, min(width, x + TILE), min(height, y + TILE))))
               .mean[0] for y in range(0, height, TILE) for x in range(0, width, TILE))


def compare_golden(image: Image.Image, path: Path) -> float:
    small = reduced(image)
    if os.environ.get("SHOPBUILDER_UPDATE_GOLDEN") == "1" or not path.exists():
        if os.environ.get("CI") and not path.exists():
            raise AssertionError(f"golden image {path.name} is missing")
        small.save(path, optimize=True)
    with Image.open(path) as golden:
        return mean_difference(small, golden.convert("L"))
