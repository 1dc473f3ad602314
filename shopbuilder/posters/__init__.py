"""Share posters: templates as data, CJK typesetting, QR codes, batches.

The API other packages use (imported lazily so `shopbuilder --help` stays fast):

- ``render_poster(workspace, slug, template_id, *, product_code=None, campaign_key=None,
  fonts=None, at=None) -> PIL.Image.Image``
- ``render_batch(workspace_or_url, slug, out_dir, *, template_id=None, products=None,
  campaigns=False, progress=None, cancel=None, workers=None, fonts=None, at=None)
  -> BatchResult``
- ``encode(image, "png" | "jpeg") -> bytes`` (no metadata: same poster, same bytes)
- ``scene_for(slug, kind, key)``, ``validate_scene(scene)``, ``qr_payload(...)``,
  ``short_id(code)`` for the bundle and its lint
- ``list_templates``, ``get_template``, ``copy_template``, ``save_shop_template``,
  ``validate_template``
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "render_poster": "api", "encode": "api", "PosterRenderer": "api",
    "render_batch": "batch", "BatchResult": "batch", "BatchItem": "batch",
    "PosterJob": "batch", "plan_jobs": "batch",
    "scene_for": "qr", "validate_scene": "qr", "qr_payload": "qr", "short_id": "qr",
    "check_unique_short_ids": "qr",
    "list_templates": "templates", "get_template": "templates", "copy_template": "templates",
    "save_shop_template": "templates", "validate_template": "templates",
    "builtin_ids": "templates",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'shopbuilder.posters' has no attribute {name!r}")
    return getattr(importlib.import_module(f"shopbuilder.posters.{module}"), name)
