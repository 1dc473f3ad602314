"""Cropping a picture to a fixed aspect ratio (the 5:4 WeChat share image).

GUI-free: the GUI only chooses the box; the pixels are cut here with Pillow.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from shopbuilder.core.errors import ValidationError
from shopbuilder.i18n import _

SHARE_RATIO = (5, 4)
SHARE_SIZE = (1000, 800)

Box = tuple[int, int, int, int]


def largest_box(width: int, height: int, ratio: tuple[int, int] = SHARE_RATIO) -> tuple[int, int]:
    """The biggest (w, h) with the given ratio that fits in width × height."""
    rw, rh = ratio
    if width * rh >= height * rw:
        return height * rw // rh, height
    return width, width * rh // rw


def crop_box(width: int, height: int, cx: float = 0.5, cy: float = 0.5, scale: float = 1.0,
             ratio: tuple[int, int] = SHARE_RATIO) -> Box:
    """A ratio box `scale` times the largest one, centred at (cx, cy) in 0..1 of the image,
    pushed back inside the image when it would stick out."""
    bw, bh = largest_box(width, height, ratio)
    scale = min(1.0, max(0.1, scale))
    w, h = max(1, round(bw * scale)), max(1, round(bh * scale))
    left = round(cx * width - w / 2)
    top = round(cy * height - h / 2)
    left = min(max(0, left), width - w)
    top = min(max(0, top), height - h)
    return left, top, left + w, top + h


def crop_image(data: bytes, box: Box | None = None, size: tuple[int, int] = SHARE_SIZE,
               quality: int = 85) -> bytes:
    """JPEG bytes of `box` (default: the centred largest 5:4 box) resized to `size`."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img).convert("RGB")
    except Exception as exc:  # Pillow raises many kinds for a non-image
        raise ValidationError("share_image_asset", _("this file is not a picture")) from exc
    if box is None:
        box = crop_box(img.width, img.height, ratio=size)
    out = img.crop(box).resize(size, Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=quality, optimize=True)
    return buf.getvalue()
