"""Column-mapping presets, saved per shop in its settings under ``catalog.mapping_presets``.

A preset is ``{"mapping": {header: field}, "signature": str | None}``. A mapping used
with ``--map`` is remembered under the sheet's header signature, so the next sheet with
the same columns (the same client's monthly export) imports without ``--map``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.orm import Session

from shopbuilder.catalog.fields import FIELD_BY_KEY, norm_header
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.services.shops import get_shop, set_shop_setting
from shopbuilder.i18n import _

SETTING = "catalog.mapping_presets"


def header_signature(headers: list[str]) -> str:
    joined = "\x1f".join(norm_header(h) for h in headers if h.strip())
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]


def mapping_presets(session: Session, slug: str) -> dict[str, dict[str, Any]]:
    shop = get_shop(session, slug)
    presets = (shop.settings or {}).get(SETTING) or {}
    return presets if isinstance(presets, dict) else {}


def save_mapping_preset(session: Session, slug: str, name: str, mapping: dict[str, str],
                        headers: list[str] | None = None) -> None:
    """Save (or replace) a named preset; with `headers` it applies to such sheets by itself."""
    if not name.strip():
        raise ValidationError("name", _("a preset needs a name"))
    for header, key in mapping.items():
        if key and key not in FIELD_BY_KEY:
            raise ValidationError(f"mapping[{header}]", _("unknown field {field!r}").format(
                field=key))
    presets = dict(mapping_presets(session, slug))
    presets[name.strip()] = {"mapping": dict(mapping),
                             "signature": header_signature(headers) if headers else None}
    set_shop_setting(session, slug, SETTING, presets)


def delete_mapping_preset(session: Session, slug: str, name: str) -> None:
    presets = dict(mapping_presets(session, slug))
    presets.pop(name, None)
    set_shop_setting(session, slug, SETTING, presets)


def preset_for(session: Session | None, slug: str | None, headers: list[str]) -> dict[str, str]:
    """The mapping saved for sheets with exactly these headers, if any."""
    if session is None or slug is None:
        return {}
    signature = header_signature(headers)
    for preset in mapping_presets(session, slug).values():
        if isinstance(preset, dict) and preset.get("signature") == signature:
            return dict(preset.get("mapping") or {})
    return {}


def remember_mapping(session: Session, slug: str, headers: list[str],
                     mapping: dict[str, str]) -> None:
    merged = {**preset_for(session, slug, headers), **mapping}
    save_mapping_preset(session, slug, f"auto:{header_signature(headers)}", merged, headers)
