"""Drawing a template with Pillow: layout (relative positions), text, prices, badges,
images, shapes and QR codes. GUI-free and deterministic: same inputs, same pixels.

Each layer is first *measured* (its size may depend on its text), then placed (its
position may depend on an earlier layer's edge), then drawn; the boxes are returned
so tests and the editor can check what went where.
"""

from __future__ import annotations

import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont, ImageOps

from shopbuilder.core.errors import ValidationError
from shopbuilder.i18n import _
from shopbuilder.posters.binding import resolve, resolve_text
from shopbuilder.posters.fonts import CJK_PROBE, FontSet, load_font
from shopbuilder.posters.linebreak import fit_lines
from shopbuilder.posters.qr import qr_image

ImageLoader = Callable[[str], Image.Image]
Data = Mapping[str, Any]
EM_ASCENT = 0.88  # where the baseline sits in a CJK em box
MSRP_LABEL = "厂商建议零售价"
BLUR_RATIO = 0.75  # a picture enlarged more than this looks blurry
FIT_CACHE = 6  # a few fitted images (logo, share image) kept between posters


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def overlaps(self, other: Box) -> bool:
        return (self.x < other.right and other.x < self.right
                and self.y < other.bottom and other.y < self.bottom)


@dataclass
class Rendered:
    image: Image.Image
    boxes: dict[str, Box] = field(default_factory=dict)  # hidden layers: zero-sized
    kinds: dict[str, str] = field(default_factory=dict)  # layer id → type
    warnings: list[str] = field(default_factory=list)


def _rgb(value: str, path: str) -> tuple[int, int, int]:
    text = str(value or "")
    if len(text) != 7 or not text.startswith("#"):
        raise ValidationError(path, _("{value!r} is not a colour like #E4393C").format(value=text))
    return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)


def is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return (0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or cp in (0xFE0F, 0x200D)
            or 0x1F1E6 <= cp <= 0x1F1FF or (unicodedata.category(ch) == "So" and cp > 0x2B00))


@cache
def _round_mask(w: int, h: int, radius: int) -> Image.Image:
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, w - 1, h - 1), radius=radius, fill=255)
    return mask


@cache
def _gradient(w: int, h: int, start: tuple[int, int, int], end: tuple[int, int, int],
              vertical: bool) -> Image.Image:
    ramp = Image.linear_gradient("L")  # 256×256, dark at the top
    if not vertical:
        ramp = ramp.transpose(Image.Transpose.ROTATE_90)  # dark at the left
    return ImageOps.colorize(ramp.resize((w, h), Image.Resampling.BILINEAR), start, end)


class Renderer:
    """Draws templates with one font set; caches fonts, masks and gradients."""

    def __init__(self, fonts: FontSet, load_image: ImageLoader) -> None:
        self.fonts = fonts
        self.load_image = load_image
        # Fitted images by (sha, w, h, fit): the logo is resized once, not per poster.
        self._fitted: OrderedDict[tuple[str, int, int, str], Image.Image] = OrderedDict()
        self._out = Rendered(Image.new("RGB", (1, 1)))

    def _fit(self, sha: str, w: int, h: int, fit: str) -> Image.Image:
        key = (sha, w, h, fit)
        if key in self._fitted:
            self._fitted.move_to_end(key)
            return self._fitted[key]
        source = self.load_image(sha)
        if fit == "cover":
            pic = ImageOps.fit(source, (w, h), Image.Resampling.LANCZOS)
        else:
            pic = ImageOps.contain(source, (w, h), Image.Resampling.LANCZOS)
        self._fitted[key] = pic
        if len(self._fitted) > FIT_CACHE:
            self._fitted.popitem(last=False)
        return pic

    # ------------------------------------------------------------ entry

    def render(self, template: Mapping[str, Any], data: Data) -> Rendered:
        size = (template["width"], template["height"])
        out = Rendered(Image.new("RGB", size, "#FFFFFF"))
        self._out = out
        self._paint(out.image, (0, 0, *size), template.get("background", "#FFFFFF"), 0,
                    data, "background")
        draw = ImageDraw.Draw(out.image)
        for i, layer in enumerate(template["layers"]):
            path = f"layers[{i}]"
            kind = layer["type"]
            when = layer.get("when")
            prepared = None
            if when is None or resolve(when, data) not in (None, "", False):
                prepared = getattr(self, f"_measure_{kind}")(layer, data, path, out)
            if prepared is None:  # hidden: dependants sit where it would have started
                x = self._place(layer["x"], 0, out, hidden=True)
                y = self._place(layer["y"], 0, out, hidden=True)
                out.boxes[layer["id"]] = Box(x, y, 0, 0)
                out.kinds[layer["id"]] = kind
                continue
            w, h = prepared["size"]
            x = self._place(layer["x"], w, out)
            y = self._place(layer["y"], h, out)
            box = getattr(self, f"_draw_{kind}")(out.image, draw, layer, prepared, x, y, data, path)
            out.boxes[layer["id"]] = box
            out.kinds[layer["id"]] = kind
        return out

    def _place(self, spec: Any, extent: int, out: Rendered, *, hidden: bool = False) -> int:
        """A coordinate: a number, or an earlier layer's edge plus a gap."""
        if isinstance(spec, int):
            return spec
        gap = 0 if hidden else spec.get("gap", 0)
        ref = out.boxes[next(spec[k] for k in ("below", "above", "right_of", "left_of")
                             if k in spec)]
        if "below" in spec:
            return ref.bottom + gap
        if "above" in spec:
            return ref.y - gap - extent
        if "right_of" in spec:
            return ref.right + gap
        return ref.x - gap - extent

    def _paint(self, img: Image.Image, rect: tuple[int, int, int, int], paint: Any,
               radius: int, data: Data, path: str) -> None:
        x, y, w, h = rect
        if w <= 0 or h <= 0:
            return
        mask = _round_mask(w, h, radius) if radius else None
        if isinstance(paint, dict):
            vertical = paint.get("direction", "vertical") == "vertical"
            fill = _gradient(w, h, _rgb(resolve_text(paint["from"], data), f"{path}.from"),
                             _rgb(resolve_text(paint["to"], data), f"{path}.to"), vertical)
            img.paste(fill, (x, y), mask)
        else:
            color = _rgb(resolve_text(paint, data), path)
            if mask is None:
                img.paste(color, (x, y, x + w, y + h))
            else:
                img.paste(color, (x, y, x + w, y + h), mask)

    # ------------------------------------------------------------ text

    def _font(self, weight: str, size: int) -> ImageFont.FreeTypeFont:
        face = self.fonts.face(weight)
        return load_font(face.path, face.index, size)

    def _clean(self, text: str, weight: str, path: str, layer_id: str, out: Rendered) -> str:
        """Drop emoji (with a warning) and refuse characters the font would draw as tofu."""
        face = self.fonts.face(weight)
        missing = face.covers(text)
        if missing is None:
            return text
        kept = []
        for ch in text:
            if face.covers(ch) is None:
                kept.append(ch)
            elif is_emoji(ch):
                out.warnings.append(_("{path}: emoji {ch} dropped from layer {layer!r}").format(
                    path=path, ch=ch, layer=layer_id))
            else:
                message = _(
                    "the font {font} has no glyph for {ch!r} (U+{cp:04X}) in layer {layer!r}"
                ).format(font=face.path.rsplit("/", 1)[-1], ch=ch, cp=ord(ch), layer=layer_id)
                if self.fonts.source == "brand" and face.covers(CJK_PROBE) is not None:
                    message += _("; the brand font has no Chinese characters: choose a "
                                 "Chinese brand font or remove it")
                raise ValidationError(path, message)
        return "".join(kept)

    def _measure_text(self, layer: dict[str, Any], data: Data, path: str,
                      out: Rendered) -> dict[str, Any] | None:
        weight = layer.get("font", "regular")
        text = self._clean(resolve_text(layer["text"], data).strip(), weight, f"{path}.text",
                           layer["id"], out)
        if not text:
            return None
        width, max_lines = layer["w"], layer.get("max_lines")
        size, min_size = layer["size"], layer.get("min_size", layer["size"])
        while True:
            font = self._font(weight, size)
            widths: dict[str, float] = {}

            def measure(s: str, font: ImageFont.FreeTypeFont = font,
                        widths: dict[str, float] = widths) -> float:
                if s not in widths:
                    widths[s] = font.getlength(s)
                return widths[s]
            lines, cut = fit_lines(text, width, measure, max_lines, layer.get("ellipsis", True))
            if not cut or size <= min_size:
                break
            size = max(min_size, size - 2)
        pitch = round(size * layer.get("line_height", 1.3))
        return {"size": (width, pitch * len(lines)), "lines": lines, "font": font,
                "font_size": size, "pitch": pitch, "measure": measure}

    def _stroke(self, weight: str, size: int) -> int:
        return max(1, size // 28) if weight == "bold" and self.fonts.synthetic_bold else 0

    def _draw_text(self, img: Image.Image, draw: ImageDraw.ImageDraw, layer: dict[str, Any],
                   p: dict[str, Any], x: int, y: int, data: Data, path: str) -> Box:
        color = _rgb(resolve_text(layer.get("color", "#333333"), data), f"{path}.color")
        align, size, pitch = layer.get("align", "left"), p["font_size"], p["pitch"]
        stroke = self._stroke(layer.get("font", "regular"), size)
        for i, line in enumerate(p["lines"]):
            lx = x
            if align != "left":
                spare = layer["w"] - p["measure"](line)
                lx = x + round(spare / 2 if align == "center" else spare)
            baseline = y + i * pitch + round((pitch - size) / 2 + size * EM_ASCENT)
            draw.text((lx, baseline), line, font=p["font"], fill=color, anchor="ls",
                      stroke_width=stroke, stroke_fill=color)
        return Box(x, y, *p["size"])

    # ------------------------------------------------------------ price

    def _measure_price(self, layer: dict[str, Any], data: Data, path: str,
                       out: Rendered) -> dict[str, Any] | None:
        value = resolve(layer["value"], data)
        if value is None or value == "":
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(f"{path}.value", _("a price binding must give fen"))
        size = layer["size"]
        small = max(8, round(size * 0.5))
        tiny = max(8, round(size * 0.4))
        yuan, fen = divmod(value, 100)
        decimals = f".{fen:02d}" if fen or layer.get("decimals", "auto") == "always" else ""
        parts: list[tuple[str, int, str, bool]] = []  # text, size, role, struck
        label = resolve_text(layer.get("label", ""), data)
        if label:
            parts.append((label + " ", tiny, "label", False))
        parts += [("¥", small, "main", False), (str(yuan), size, "main", False)]
        if decimals:
            parts.append((decimals, small, "main", False))
        suffix = resolve_text(layer.get("suffix", ""), data)
        if suffix:
            parts.append((suffix, tiny, "label", False))
        listed = resolve(layer.get("list_price", ""), data) if layer.get("list_price") else None
        if isinstance(listed, int) and listed > value:
            msrp = resolve_text(layer.get("list_price_label", ""), data) == "msrp"
            text = f"¥{listed // 100}" + (f".{listed % 100:02d}" if listed % 100 else "")
            parts.append(("  " + (MSRP_LABEL + " " if msrp else ""), tiny, "list", False))
            parts.append((text, tiny, "list", not msrp))
        segments = []
        x = 0
        for text, seg_size, role, struck in parts:
            weight = "bold" if role == "main" else "regular"
            self._clean(text, weight, f"{path}.{role}", layer["id"], out)
            font = self._font(weight, seg_size)
            width = font.getlength(text)
            segments.append((x, text, font, seg_size, role, struck, weight, width))
            x += width
        return {"size": (round(x), round(size * 1.1)), "segments": segments, "font_size": size}

    def _draw_price(self, img: Image.Image, draw: ImageDraw.ImageDraw, layer: dict[str, Any],
                    p: dict[str, Any], x: int, y: int, data: Data, path: str) -> Box:
        color = _rgb(resolve_text(layer.get("color", "#E4393C"), data), f"{path}.color")
        grey = _rgb(resolve_text(layer.get("list_color", "#999999"), data), f"{path}.list_color")
        width, height = p["size"]
        x += self._align_offset(layer, width)
        baseline = y + round(p["font_size"] * (EM_ASCENT + 0.06))
        for dx, text, font, seg_size, role, struck, weight, seg_w in p["segments"]:
            fill = grey if role == "list" else color
            stroke = self._stroke(weight, seg_size)
            draw.text((x + dx, baseline), text, font=font, fill=fill, anchor="ls",
                      stroke_width=stroke, stroke_fill=fill)
            if struck:
                mid = baseline - round(seg_size * 0.33)
                draw.line((x + dx, mid, x + dx + seg_w, mid), fill=fill,
                          width=max(1, seg_size // 14))
        return Box(x, y, width, height)

    def _align_offset(self, layer: dict[str, Any], width: int) -> int:
        box_w, align = layer.get("w"), layer.get("align", "left")
        if not box_w or align == "left":
            return 0
        return round((box_w - width) / 2) if align == "center" else box_w - width

    # ------------------------------------------------------------ badge, rect, image, qr

    def _measure_badge(self, layer: dict[str, Any], data: Data, path: str,
                       out: Rendered) -> dict[str, Any] | None:
        weight = layer.get("font", "bold")
        text = self._clean(resolve_text(layer["text"], data).strip(), weight, f"{path}.text",
                           layer["id"], out)
        if not text:
            return None
        size = layer["size"]
        while True:  # a badge with a width shrinks its text (to 60%) rather than overflow
            pad_x, pad_y = layer.get("padding", [round(size * 0.6), round(size * 0.3)])
            font = self._font(weight, size)
            width = round(font.getlength(text)) + 2 * pad_x
            if not layer.get("w") or width <= layer["w"] or size <= layer["size"] * 0.6:
                break
            size -= 2
        return {"size": (width, size + 2 * pad_y), "text": text, "font": font, "pad": pad_y,
                "font_size": size}

    def _draw_badge(self, img: Image.Image, draw: ImageDraw.ImageDraw, layer: dict[str, Any],
                    p: dict[str, Any], x: int, y: int, data: Data, path: str) -> Box:
        w, h = p["size"]
        x += self._align_offset(layer, w)
        shape = layer.get("shape", "pill")
        radius = h // 2 if shape == "pill" else (h // 4 if shape == "rounded" else 0)
        self._paint(img, (x, y, w, h), layer.get("fill", "#E4393C"), radius, data, f"{path}.fill")
        color = _rgb(resolve_text(layer.get("color", "#FFFFFF"), data), f"{path}.color")
        size = p["font_size"]
        stroke = self._stroke(layer.get("font", "bold"), size)
        draw.text((x + w / 2, y + p["pad"] + round(size * EM_ASCENT)), p["text"], font=p["font"],
                  fill=color, anchor="ms", stroke_width=stroke, stroke_fill=color)
        return Box(x, y, w, h)

    def _measure_rect(self, layer: dict[str, Any], data: Data, path: str,
                      out: Rendered) -> dict[str, Any]:
        return {"size": (layer["w"], layer["h"])}

    def _draw_rect(self, img: Image.Image, draw: ImageDraw.ImageDraw, layer: dict[str, Any],
                   p: dict[str, Any], x: int, y: int, data: Data, path: str) -> Box:
        w, h = p["size"]
        radius = min(layer.get("radius", 0), w // 2, h // 2)
        self._paint(img, (x, y, w, h), layer["fill"], radius, data, f"{path}.fill")
        if layer.get("outline") and layer.get("outline_width", 0):
            draw.rounded_rectangle((x, y, x + w - 1, y + h - 1), radius=radius,
                                   outline=_rgb(resolve_text(layer["outline"], data), path),
                                   width=layer["outline_width"])
        return Box(x, y, w, h)

    def _measure_image(self, layer: dict[str, Any], data: Data, path: str,
                       out: Rendered) -> dict[str, Any] | None:
        sha = resolve(layer["src"], data)
        if not sha:
            if "when" not in layer:
                out.warnings.append(_("{path}: no picture for {src}; layer {layer!r} left out")
                                    .format(path=path, src=layer["src"], layer=layer["id"]))
            return None
        return {"size": (layer["w"], layer["h"]), "sha": sha}

    def _draw_image(self, img: Image.Image, draw: ImageDraw.ImageDraw, layer: dict[str, Any],
                    p: dict[str, Any], x: int, y: int, data: Data, path: str) -> Box:
        w, h = p["size"]
        fit = layer.get("fit", "cover")
        pic = self._fit(p["sha"], w, h, fit)
        src_w, src_h = self.load_image(p["sha"]).size
        if fit == "cover" and (src_w < w * BLUR_RATIO or src_h < h * BLUR_RATIO):
            self._out.warnings.append(_(
                "{path}: the image is only {sw}×{sh} pixels but is shown at {w}×{h}; it will "
                "look blurry (layer {layer!r})").format(path=path, sw=src_w, sh=src_h, w=w, h=h,
                                                        layer=layer["id"]))
        if fit == "contain" and layer.get("background"):
            self._paint(img, (x, y, w, h), layer["background"], layer.get("radius", 0),
                        data, f"{path}.background")
        px, py = x + (w - pic.width) // 2, y + (h - pic.height) // 2
        mask = _round_mask(pic.width, pic.height, layer["radius"]) if layer.get("radius") else None
        if pic.mode == "RGBA":
            alpha = pic.getchannel("A")
            if mask is not None:
                alpha = Image.composite(alpha, Image.new("L", alpha.size, 0), mask)
            img.paste(pic.convert("RGB"), (px, py), alpha)
        else:
            img.paste(pic, (px, py), mask)
        return Box(x, y, w, h)

    def _measure_qrcode(self, layer: dict[str, Any], data: Data, path: str,
                        out: Rendered) -> dict[str, Any]:
        payload = resolve_text(layer.get("payload", "{{qr.payload}}"), data)
        if not payload:
            raise ValidationError(f"{path}.payload", _("the QR code has nothing to encode"))
        return {"size": (layer["size"], layer["size"]), "payload": payload}

    def _draw_qrcode(self, img: Image.Image, draw: ImageDraw.ImageDraw, layer: dict[str, Any],
                     p: dict[str, Any], x: int, y: int, data: Data, path: str) -> Box:
        logo_sha = resolve(layer["logo"], data) if layer.get("logo") else None
        ratio = layer.get("logo_ratio", 0.2)
        side = int(layer["size"] * ratio)
        logo = self._fit(logo_sha, side, side, "contain") if logo_sha else None
        code = qr_image(p["payload"], layer["size"],
                        dark=resolve_text(layer.get("dark", "#000000"), data),
                        light=resolve_text(layer.get("light", "#FFFFFF"), data),
                        logo=logo, logo_ratio=ratio)
        img.paste(code, (x, y))
        return Box(x, y, layer["size"], layer["size"])
