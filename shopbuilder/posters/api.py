"""Rendering one poster from the workspace: the call the GUI and the bundle exporter use.

GUI-free; returns a PIL image (the GUI turns it into a QImage on its own thread).
"""

from __future__ import annotations

import io
import warnings
from collections import OrderedDict
from datetime import datetime
from typing import Any

from PIL import Image

from shopbuilder.core.errors import ValidationError
from shopbuilder.core.storage import Workspace
from shopbuilder.i18n import _
from shopbuilder.posters.data import ShopInfo, poster_data, shop_info
from shopbuilder.posters.fonts import FontSet, resolve_fonts
from shopbuilder.posters.render import Rendered, Renderer
from shopbuilder.posters.templates import Template, get_template
from shopbuilder.promotions.snapshot import load_promos

PNG_LEVEL = 6
JPEG_QUALITY = 90


class AssetImages:
    """Decoded asset images by sha256, a few kept (the logo is on every poster)."""

    def __init__(self, workspace: Workspace, keep: int = 8) -> None:
        self.workspace = workspace
        self.keep = keep
        self._cache: OrderedDict[str, Image.Image] = OrderedDict()

    def __call__(self, sha: str) -> Image.Image:
        if sha in self._cache:
            self._cache.move_to_end(sha)
            return self._cache[sha]
        path = self.workspace.assets.path_for(sha)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(path) as img:
                    img.load()
                    pic = img.convert("RGBA" if img.mode in ("RGBA", "LA", "P") else "RGB")
        except OSError as exc:
            raise ValidationError("image", _("image {sha} cannot be read: {err}").format(
                sha=sha[:12], err=exc)) from exc
        self._cache[sha] = pic
        if len(self._cache) > self.keep:
            self._cache.popitem(last=False)
        return pic


def fonts_for(workspace: Workspace, info: ShopInfo) -> FontSet:
    """The shop's brand font (an asset), else its configured path, else the system's."""
    brand = str(workspace.assets.path_for(info.brand_font)) if info.brand_font else None
    return resolve_fonts(brand_font=brand, setting_path=info.font_path)


class PosterRenderer:
    """Everything needed to render many posters of one shop: read once, reused."""

    def __init__(self, workspace: Workspace, slug: str, fonts: FontSet | None = None) -> None:
        self.workspace = workspace
        with workspace.session() as s:
            self.info = shop_info(s, slug)
            self.promos = load_promos(s, slug)
        self.fonts = fonts or fonts_for(workspace, self.info)
        self.renderer = Renderer(self.fonts, AssetImages(workspace))
        self._templates: dict[str, Template] = {}

    def template(self, session: Any, template_id: str) -> Template:
        if template_id not in self._templates:
            self._templates[template_id] = get_template(session, self.info.slug, template_id)
        return self._templates[template_id]

    def render(self, template_id: str, *, product_code: str | None = None,
               campaign_key: str | None = None, at: datetime | None = None) -> Rendered:
        with self.workspace.session() as s:
            template = self.template(s, template_id)
            data = poster_data(s, self.info, self.promos, template["kind"],
                               product_code=product_code, campaign_key=campaign_key, at=at)
        return self.renderer.render(template, data)


def render_poster(workspace: Workspace, slug: str, template_id: str, *,
                  product_code: str | None = None, campaign_key: str | None = None,
                  fonts: FontSet | None = None, at: datetime | None = None) -> Image.Image:
    """One poster as an RGB image. `campaign_key` names the campaign (or coupon, for
    coupon templates); `fonts` pins the fonts (tests, previews)."""
    return PosterRenderer(workspace, slug, fonts).render(
        template_id, product_code=product_code, campaign_key=campaign_key, at=at).image


def encode(image: Image.Image, fmt: str = "png") -> bytes:
    """PNG or JPEG bytes with no metadata, so the same poster always gives the same bytes."""
    buf = io.BytesIO()
    if fmt == "jpeg":
        image.convert("RGB").save(buf, "JPEG", quality=JPEG_QUALITY, optimize=False,
                                  progressive=False, subsampling=0)
    elif fmt == "png":
        image.save(buf, "PNG", compress_level=PNG_LEVEL)
    else:
        raise ValidationError("format", _("posters are png or jpeg, not {fmt!r}").format(fmt=fmt))
    return buf.getvalue()
