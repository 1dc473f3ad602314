"""Finding a Chinese font and proving it can draw a text before drawing it.

Pillow silently draws a box (tofu) for a character the font lacks, so every text is
checked against the font's character map first. The order of preference is the
shop's brand font, a font path in the shop's settings or ``SHOPBUILDER_POSTER_FONT``,
then the first CJK font the system has (fontconfig where present, else the usual
Windows, macOS and Linux locations).
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import ImageFont

from shopbuilder.core.errors import ShopBuilderError, ValidationError
from shopbuilder.i18n import _

FONT_ENV = "SHOPBUILDER_POSTER_FONT"
ROLES = ("regular", "bold")
CJK_PROBE = "中文海报价格￥，。"

# (family asked of fontconfig, bold face wanted too)
FONTCONFIG_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
    "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "SimHei",
)
KNOWN_PATHS: dict[str, tuple[tuple[str, int, str], ...]] = {
    # platform prefix → (path, ttc index, role)
    "win": (("C:/Windows/Fonts/msyh.ttc", 0, "regular"), ("C:/Windows/Fonts/msyhbd.ttc", 0, "bold"),
            ("C:/Windows/Fonts/simhei.ttf", 0, "regular")),
    "darwin": (("/System/Library/Fonts/PingFang.ttc", 0, "regular"),
               ("/System/Library/Fonts/Hiragino Sans GB.ttc", 0, "regular"),
               ("/Library/Fonts/Arial Unicode.ttf", 0, "regular")),
    "linux": (("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, "regular"),
              ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2, "bold"),
              ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, "regular"),
              ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "regular")),
}
EMOJI_PATHS = ("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
               "C:/Windows/Fonts/seguiemj.ttf", "/System/Library/Fonts/Apple Color Emoji.ttc")


@dataclass(frozen=True)
class FontFace:
    """One face of a font file (``.ttc`` files hold several: `index` picks one)."""

    path: str
    index: int = 0

    def covers(self, text: str) -> str | None:
        """The first character of `text` this face cannot draw, or None."""
        cmap = char_map(self.path, self.index)
        for ch in text:
            if ord(ch) not in cmap and not ch.isspace() and ch not in "\u200b\u00ad":
                return ch
        return None


@dataclass(frozen=True)
class FontSet:
    """The faces a poster draws with, by role; `synthetic_bold` when there is no
    real bold face and bold text is drawn with a thin stroke instead."""

    regular: FontFace
    bold: FontFace
    synthetic_bold: bool = False
    source: str = "system"

    def face(self, weight: str) -> FontFace:
        return self.bold if weight == "bold" else self.regular


@cache
def load_font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    """Fonts are cached per process: opening a CJK ``.ttc`` costs milliseconds."""
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)


# ---------------------------------------------------------------- character maps


@cache
def char_map(path: str, index: int = 0) -> frozenset[int]:
    """Code points with a glyph, read from the font's ``cmap`` table (formats 4, 12)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ShopBuilderError(_("cannot read font {path}: {err}").format(path=path, err=exc)) \
            from exc
    try:
        return frozenset(_parse_cmap(data, index))
    except (struct.error, ValueError, IndexError) as exc:
        raise ShopBuilderError(_("{path} is not a usable TrueType/OpenType font").format(
            path=path)) from exc


def _parse_cmap(data: bytes, index: int) -> set[int]:
    base = 0
    if data[:4] == b"ttcf":
        count = struct.unpack_from(">I", data, 8)[0]
        if not 0 <= index < count:
            raise ValueError("face index out of range")
        base = struct.unpack_from(">I", data, 12 + 4 * index)[0]
    num_tables = struct.unpack_from(">H", data, base + 4)[0]
    cmap_at = None
    for i in range(num_tables):
        tag, _sum, offset, _len = struct.unpack_from(">4sIII", data, base + 12 + 16 * i)
        if tag == b"cmap":
            cmap_at = offset
    if cmap_at is None:
        raise ValueError("no cmap table")
    subtables = {}
    for i in range(struct.unpack_from(">H", data, cmap_at + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap_at + 4 + 8 * i)
        fmt = struct.unpack_from(">H", data, cmap_at + offset)[0]
        subtables[(platform, encoding, fmt)] = cmap_at + offset
    for key in ((3, 10, 12), (0, 4, 12), (0, 6, 12), (3, 1, 4), (0, 3, 4), (0, 4, 4)):
        if key in subtables:
            at = subtables[key]
            return _format12(data, at) if key[2] == 12 else _format4(data, at)
    raise ValueError("no Unicode cmap")


def _format12(data: bytes, at: int) -> set[int]:
    groups = struct.unpack_from(">I", data, at + 12)[0]
    out: set[int] = set()
    for i in range(groups):
        start, end, glyph = struct.unpack_from(">III", data, at + 16 + 12 * i)
        if glyph == 0:
            start += 1
        out.update(range(start, end + 1))
    return out


def _format4(data: bytes, at: int) -> set[int]:
    segs = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segs}H", data, at + 14)
    starts = struct.unpack_from(f">{segs}H", data, at + 16 + 2 * segs)
    deltas = struct.unpack_from(f">{segs}h", data, at + 16 + 4 * segs)
    ro_at = at + 16 + 6 * segs
    range_offsets = struct.unpack_from(f">{segs}H", data, ro_at)
    out: set[int] = set()
    for i in range(segs):
        for code in range(starts[i], min(ends[i], 0xFFFE) + 1):
            if range_offsets[i] == 0:
                glyph = (code + deltas[i]) & 0xFFFF
            else:
                where = ro_at + 2 * i + range_offsets[i] + 2 * (code - starts[i])
                glyph = struct.unpack_from(">H", data, where)[0]
                glyph = (glyph + deltas[i]) & 0xFFFF if glyph else 0
            if glyph:
                out.add(code)
    return out


# ---------------------------------------------------------------- discovery


def _fc_match(pattern: str) -> tuple[str, int, str] | None:
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "-f", "%{file}\n%{index}\n%{family}", pattern],
                             capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("\n")
    if len(parts) < 3 or not parts[0]:
        return None
    return parts[0], int(parts[1] or 0), parts[2]


def _is_cjk(face: FontFace) -> bool:
    try:
        return face.covers(CJK_PROBE) is None
    except ShopBuilderError:
        return False


@cache
def system_fonts() -> FontSet | None:
    """The first CJK font installed on this machine, with its bold face when it has one."""
    for family in FONTCONFIG_FAMILIES:
        regular = _fc_match(f"{family}:lang=zh-cn")
        if regular is None:
            break  # no fontconfig: fall through to the known paths
        if family.split()[0].lower() not in regular[2].lower():
            continue
        face = FontFace(regular[0], regular[1])
        if not _is_cjk(face):
            continue
        bold = _fc_match(f"{family}:lang=zh-cn:weight=bold")
        if bold and bold[0] != regular[0] and _is_cjk(FontFace(bold[0], bold[1])):
            return FontSet(face, FontFace(bold[0], bold[1]), source="fontconfig")
        return FontSet(face, face, synthetic_bold=True, source="fontconfig")
    prefix = "win" if sys.platform.startswith("win") else sys.platform
    found: dict[str, FontFace] = {}
    for path, index, role in KNOWN_PATHS.get(prefix, KNOWN_PATHS["linux"]):
        face = FontFace(path, index)
        if role not in found and Path(path).exists() and _is_cjk(face):
            found[role] = face
    if "regular" in found:
        bold = found.get("bold")
        return FontSet(found["regular"], bold or found["regular"], synthetic_bold=bold is None)
    return None


def font_set_for(path: str | Path, index: int = 0, source: str = "file") -> FontSet:
    """A font set from one file (brand font, settings path): bold is synthetic."""
    face = FontFace(str(path), index)
    if not Path(path).is_file():
        raise ValidationError("font", _("font file {path} does not exist").format(path=path))
    char_map(face.path, index)  # raises a readable error for a non-font
    return FontSet(face, face, synthetic_bold=True, source=source)


def resolve_fonts(*, brand_font: str | Path | None = None,
                  setting_path: str | None = None) -> FontSet:
    """The fonts a shop's posters use; a clear error when the machine has no CJK font."""
    if brand_font:
        return font_set_for(brand_font, source="brand")
    configured = setting_path or os.environ.get(FONT_ENV)
    if configured:
        return font_set_for(configured, source="settings")
    found = system_fonts()
    if found is None:
        raise ShopBuilderError(_(
            "no Chinese font found, so posters would show empty boxes. Install one "
            "(Debian/Ubuntu: sudo apt install fonts-noto-cjk; Windows and macOS include "
            "Microsoft YaHei and PingFang), or set {env} to a .ttf/.otf/.ttc file."
        ).format(env=FONT_ENV))
    return found


@cache
def emoji_face() -> FontFace | None:
    for path in EMOJI_PATHS:
        if Path(path).exists():
            return FontFace(path)
    return None


def pinned_fonts() -> FontSet:
    """Noto Sans CJK SC by explicit path: what golden images and benchmarks use, so
    they do not depend on which fonts fontconfig prefers."""
    regular = FontFace("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)
    bold = FontFace("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2)
    return FontSet(regular, bold, source="pinned")
