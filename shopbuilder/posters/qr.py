"""QR payloads WeChat accepts, and QR images that scan.

The payload is a mini-program page path with a ``scene`` parameter. WeChat allows at
most 32 characters from ``[0-9A-Za-z!#$&'()*+,/:;=?@-._~]`` in a scene, so a scene is
built from the shop id and a short id and validated; it is never cut short.

Short ids (documented in docs/posters.md) are stable: the first 8 base-36 digits of
the SHA-256 of the product code (or campaign/coupon key), so they survive re-imports,
reordering and shop cloning, and any product code works (long, Chinese, spaces …).
Scene layout: ``<shop slug>.<kind letter><short id>``, kind ``p`` product,
``c`` campaign, ``q`` coupon; the shop home page is ``<slug>.s``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import segno
from PIL import Image, ImageOps

from shopbuilder.core.errors import ValidationError
from shopbuilder.core.validation import SLUG_RE
from shopbuilder.i18n import _

SCENE_MAX = 32
SCENE_RE = re.compile(r"^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+\Z")
SHORT_ID_LEN = 8
KINDS = {"product": "p", "campaign": "c", "coupon": "q", "shop": "s"}
PAGES = {
    "product": "pages/product/index",
    "campaign": "pages/campaign/index",
    "coupon": "pages/coupon/index",
    "shop": "pages/index/index",
}
MAX_LOGO_RATIO = 0.25
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def short_id(key: str) -> str:
    """8 base-36 characters derived from a product code or campaign key."""
    number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    number %= 36 ** SHORT_ID_LEN
    out = []
    for _i in range(SHORT_ID_LEN):
        number, digit = divmod(number, 36)
        out.append(_DIGITS[digit])
    return "".join(reversed(out))


def validate_scene(scene: str, path: str = "scene") -> str:
    """Raise unless `scene` is a scene WeChat accepts; returns it unchanged."""
    if not scene:
        raise ValidationError(path, _("the QR scene is empty"))
    if len(scene) > SCENE_MAX:
        raise ValidationError(path, _(
            "the QR scene {scene!r} has {n} characters; WeChat allows at most {max}"
        ).format(scene=scene, n=len(scene), max=SCENE_MAX))
    if not SCENE_RE.match(scene):
        bad = next(ch for ch in scene if not SCENE_RE.match(ch))
        raise ValidationError(path, _(
            "the QR scene {scene!r} contains {ch!r}, which WeChat does not allow"
        ).format(scene=scene, ch=bad))
    return scene


def scene_for(slug: str, kind: str = "product", key: str | None = None) -> str:
    """The scene for a shop's product, campaign, coupon (by code/key) or home page."""
    if kind not in KINDS:
        raise ValueError(f"unknown scene kind {kind!r}")
    if not SLUG_RE.match(slug):
        raise ValidationError("slug", _("{slug!r} is not a valid shop id").format(slug=slug))
    if kind == "shop":
        scene = f"{slug}.{KINDS[kind]}"
    else:
        if not key:
            raise ValidationError("key", _("a {kind} scene needs a code or key").format(kind=kind))
        scene = f"{slug}.{KINDS[kind]}{short_id(key)}"
    return validate_scene(scene)


def check_unique_short_ids(keys: Iterable[str], path: str = "products") -> None:
    """Two codes of one shop with the same short id would open the wrong page."""
    seen: dict[str, str] = {}
    for key in keys:
        sid = short_id(key)
        if sid in seen and seen[sid] != key:
            raise ValidationError(path, _(
                "{a!r} and {b!r} share the QR short id {sid}; rename one code"
            ).format(a=seen[sid], b=key, sid=sid))
        seen[sid] = key


def qr_payload(slug: str, kind: str = "product", key: str | None = None,
               prefix: str = "") -> str:
    """What the QR code encodes: ``[prefix]pages/product/index?scene=<scene>``.

    `prefix` is the shop's "scan a plain QR to open the mini-program" URL rule
    (setting ``posters.qr_prefix``), empty for the bare page path.
    """
    return f"{prefix}{PAGES[kind]}?scene={scene_for(slug, kind, key)}"


def qr_image(payload: str, size: int, *, dark: str = "#000000", light: str = "#FFFFFF",
             logo: Image.Image | None = None, logo_ratio: float = 0.2) -> Image.Image:
    """A `size`×`size` QR at error level H with its 4-module quiet zone kept.

    Modules are scaled by a whole factor (crisp edges) and the result centred on a
    light square of the requested size. A logo covers at most 25% of the side.
    """
    if not 0 < logo_ratio <= MAX_LOGO_RATIO:
        raise ValidationError("logo_ratio", _("a QR logo may cover at most 25% of the side"))
    code = segno.make(payload, error="h", boost_error=False, micro=False)
    modules = code.symbol_size(scale=1, border=4)[0]
    scale = max(1, size // modules)
    raw = bytes(0 if bit else 255 for row in code.matrix_iter(scale=1, border=4) for bit in row)
    matrix = Image.frombytes("L", (modules, modules), raw)
    img = matrix.resize((modules * scale, modules * scale), Image.Resampling.NEAREST)
    colored = ImageOps.colorize(img, dark, light)
    canvas = Image.new("RGB", (size, size), light)
    offset = (size - img.width) // 2
    canvas.paste(colored, (offset, offset))
    if logo is not None:
        side = int(size * logo_ratio)
        pad = max(2, side // 12)
        mark = logo.convert("RGBA")
        mark.thumbnail((side - 2 * pad, side - 2 * pad), Image.Resampling.LANCZOS)
        plate = Image.new("RGB", (side, side), light)
        plate.paste(mark, ((side - mark.width) // 2, (side - mark.height) // 2), mark)
        canvas.paste(plate, ((size - side) // 2, (size - side) // 2))
    return canvas
