"""Brand colours → theme tokens, the WCAG contrast check, and a palette from a logo.

GUI-free so the bundle export, the lint and the GUI derive the same tokens. Contrast
follows WCAG 2.1: relative luminance of sRGB colours, ratio (L1 + 0.05) / (L2 + 0.05);
AA asks 4.5:1 for normal text and 3:1 for large text and UI parts.
"""

from __future__ import annotations

import colorsys
import io
from dataclasses import dataclass

from shopbuilder.core.validation import COLOR_RE
from shopbuilder.i18n import N_, _

WHITE, INK = "#FFFFFF", "#1F1F1F"
AA_TEXT, AA_LARGE = 4.5, 3.0


def parse_hex(color: str) -> tuple[int, int, int]:
    if not isinstance(color, str) or not COLOR_RE.match(color.strip()):
        raise ValueError(_("a colour is written #RRGGBB, e.g. #E4393C"))
    value = color.strip()[1:]
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def to_hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02X}" for c in rgb)


def relative_luminance(color: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in parse_hex(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: str, b: str, t: float) -> str:
    """`a` moved a fraction `t` towards `b`."""
    ra, rb = parse_hex(a), parse_hex(b)
    return to_hex(tuple(x + (y - x) * t for x, y in zip(ra, rb, strict=True)))  # type: ignore[arg-type]


def readable_on(background: str, color: str, minimum: float = AA_TEXT) -> str:
    """`color`, darkened (or lightened on dark backgrounds) just enough to reach
    `minimum` contrast on `background`."""
    if contrast_ratio(color, background) >= minimum:
        return color
    target = INK if relative_luminance(background) > 0.18 else WHITE
    for step in range(1, 21):
        candidate = mix(color, target, step / 20)
        if contrast_ratio(candidate, background) >= minimum:
            return candidate
    return target


@dataclass(frozen=True)
class Theme:
    primary: str
    secondary: str
    price: str
    button: str
    button_text: str
    background: str
    text: str

    def as_json(self) -> dict[str, str]:
        return dict(self.__dict__)


def derive_theme(primary: str, secondary: str, background: str = WHITE) -> Theme:
    primary, secondary = primary.upper(), secondary.upper()
    button_text = max((WHITE, INK), key=lambda c: contrast_ratio(c, primary))
    return Theme(primary=primary, secondary=secondary,
                 price=readable_on(background, primary),
                 button=primary, button_text=button_text, background=background,
                 text=readable_on(background, INK))


@dataclass(frozen=True)
class ContrastCheck:
    label: str  # N_() marked
    foreground: str
    background: str
    ratio: float
    minimum: float

    @property
    def ok(self) -> bool:
        return self.ratio >= self.minimum


PAIRS = (
    (N_("Text on background"), "text", "background", AA_TEXT),
    (N_("Price on background"), "price", "background", AA_TEXT),
    (N_("Button text on button"), "button_text", "button", AA_TEXT),
    (N_("Primary colour on background"), "primary", "background", AA_LARGE),
    (N_("Secondary colour on background"), "secondary", "background", AA_LARGE),
)


def contrast_checks(theme: Theme) -> list[ContrastCheck]:
    out = []
    for label, fg, bg, minimum in PAIRS:
        f, b = getattr(theme, fg), getattr(theme, bg)
        out.append(ContrastCheck(label, f, b, round(contrast_ratio(f, b), 2), minimum))
    return out


def palette_from_image(data: bytes, count: int = 5) -> list[str]:
    """The logo's main colours, most prominent first, skipping transparent, near-white
    and near-grey pixels (a logo's white background is not a brand colour)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        img = img.convert("RGBA")
        img.thumbnail((96, 96), Image.Resampling.NEAREST)  # no blended edge colours
        raw = img.tobytes()
    opaque = bytearray()
    for i in range(0, len(raw), 4):
        if raw[i + 3] >= 128:
            opaque += raw[i:i + 3]
    if not opaque:
        return []
    small = Image.frombytes("RGB", (len(opaque) // 3, 1), bytes(opaque))
    quantised = small.quantize(colors=16, method=Image.Quantize.MEDIANCUT)
    palette = quantised.getpalette() or []
    scored: list[tuple[float, str]] = []
    total = len(opaque) // 3
    for n, index in sorted(quantised.getcolors() or [], reverse=True):
        if n < total * 0.03:  # antialiasing specks
            continue
        r, g, b = palette[index * 3: index * 3 + 3]
        _h, lightness, saturation = colorsys.rgb_to_hls(r / 255, g / 255, b / 255)
        if lightness > 0.94 or (saturation < 0.15 and lightness > 0.1):
            continue
        scored.append((n * (0.3 + saturation), to_hex((r, g, b))))
    seen: list[str] = []
    for _score, color in sorted(scored, reverse=True):
        if all(_distance(color, other) > 40 for other in seen):
            seen.append(color)
    return seen[:count]


def _distance(a: str, b: str) -> float:
    return sum((x - y) ** 2 for x, y in zip(parse_hex(a), parse_hex(b), strict=True)) ** 0.5
