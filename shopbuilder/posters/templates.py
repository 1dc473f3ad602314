"""Poster templates: JSON documents checked against resources/schemas/poster-template.json
plus the rules a schema cannot say (known bindings, layer references), each error
reported with its JSON path (``layers[3].text``).

Built-in templates live in resources/posters/; a shop's own copies are stored in its
settings under ``posters.templates`` ({id: document}) and take precedence.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy.orm import Session

from shopbuilder.core.components import json_path
from shopbuilder.core.errors import Collector, NotFoundError, ValidationError
from shopbuilder.core.services.shops import get_shop, set_shop_setting
from shopbuilder.i18n import _
from shopbuilder.posters.binding import ALL_KINDS, all_fields, fields_for, names_in, walk_strings
from shopbuilder.resources_path import load_json_resource, resource_path

SETTING_KEY = "posters.templates"
Template = dict[str, Any]
_RELATIVE = ("below", "above", "right_of", "left_of")


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(load_json_resource("schemas", "poster-template.json"))


def _schema_issues(error: Any) -> list[tuple[str, str]]:
    """(path, message) for one jsonschema error. `if/then` errors come back at the
    layer: the deepest context names the field; unknown fields are named one by one."""
    while error.context:
        error = min(error.context, key=lambda e: -len(e.absolute_path))
    path = json_path(error.absolute_path).lstrip(".")
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        if extra:
            return [(f"{path}.{k}" if path else k, _("unknown field {name!r}").format(name=k))
                    for k in extra]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        return [(f"{path}.{k}" if path else k, _("missing field {name!r}").format(name=k))
                for k in missing]
    return [(path, error.message)]


def validate_template(doc: Any, source: str = "") -> Template:
    """Raise a ValidationError listing every problem with its JSON path; return `doc`."""
    c = Collector()
    prefix = f"{source}:" if source else ""
    if not isinstance(doc, dict):
        raise ValidationError(prefix or "template", _("a poster template is a JSON object"))
    for error in sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.path))):
        for path, message in _schema_issues(error):
            c.add(prefix + (path or "template"), message)
    if doc.get("kind") in ALL_KINDS:
        _check_bindings(c, doc, prefix)
    layers = doc.get("layers")
    if isinstance(layers, list) and all(isinstance(x, dict) for x in layers):
        _check_layers(c, layers, prefix)
    c.raise_if_any()
    return doc


def _check_bindings(c: Collector, doc: dict[str, Any], prefix: str) -> None:
    known = fields_for(doc["kind"])
    everywhere = all_fields()
    for path, text in walk_strings(doc):
        for name in names_in(text):
            if name in known:
                continue
            if name in everywhere:
                c.add(prefix + path, _(
                    "{{{{{name}}}}} is not available on a {kind} poster (only on: {kinds})"
                ).format(name=name, kind=doc["kind"], kinds=", ".join(sorted(everywhere[name]))))
            else:
                c.add(prefix + path, _("unknown binding {{{{{name}}}}}").format(name=name))
        if "{{" in text and not names_in(text):
            c.add(prefix + path, _("malformed binding in {text!r}").format(text=text))


def _check_layers(c: Collector, layers: list[dict[str, Any]], prefix: str) -> None:
    seen: set[str] = set()
    for i, layer in enumerate(layers):
        for axis in ("x", "y"):
            spec = layer.get(axis)
            if isinstance(spec, dict):
                refs = [spec[k] for k in _RELATIVE if k in spec]
                if len(refs) != 1:
                    c.add(f"{prefix}layers[{i}].{axis}", _(
                        "say exactly one of below, above, right_of, left_of"))
                for ref in refs:
                    if ref not in seen:
                        c.add(f"{prefix}layers[{i}].{axis}", _(
                            "{ref!r} is not an earlier layer's id").format(ref=ref))
        if layer.get("id") in seen:
            c.add(f"{prefix}layers[{i}].id", _("duplicate layer id {id!r}").format(
                id=layer["id"]))
        seen.add(str(layer.get("id")))
        size, min_size = layer.get("size"), layer.get("min_size")
        if isinstance(size, int) and isinstance(min_size, int) and min_size > size:
            c.add(f"{prefix}layers[{i}].min_size", _("larger than size"))


# ---------------------------------------------------------------- built-ins and shop copies


@cache
def builtin_ids() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in resource_path("posters").glob("*.json")))


def builtin_template(template_id: str) -> Template:
    if template_id not in builtin_ids():
        raise NotFoundError(_("no poster template {id!r}").format(id=template_id))
    return copy.deepcopy(_builtin(template_id))


@cache
def _builtin(template_id: str) -> Template:
    doc = load_json_resource("posters", f"{template_id}.json")
    return validate_template(doc, f"resources/posters/{template_id}.json")


def shop_templates(session: Session, slug: str) -> dict[str, Template]:
    return dict((get_shop(session, slug).settings or {}).get(SETTING_KEY, {}))


def get_template(session: Session, slug: str, template_id: str) -> Template:
    """The shop's own copy when it has one, else the built-in."""
    own = shop_templates(session, slug).get(template_id)
    if own is not None:
        return validate_template(copy.deepcopy(own), f"{SETTING_KEY}.{template_id}")
    return builtin_template(template_id)


def list_templates(session: Session, slug: str) -> list[dict[str, Any]]:
    own = shop_templates(session, slug)
    rows = [{"id": i, "name": _builtin(i)["name"], "kind": _builtin(i)["kind"],
             "source": "shop" if i in own else "builtin"} for i in builtin_ids()]
    rows += [{"id": i, "name": d.get("name", i), "kind": d.get("kind", ""), "source": "shop"}
             for i, d in sorted(own.items()) if i not in builtin_ids()]
    return rows


def save_shop_template(session: Session, slug: str, doc: Any, source: str = "") -> Template:
    """Store a (validated) template in the shop, replacing one with the same id."""
    doc = validate_template(doc, source)
    own = shop_templates(session, slug)
    own[doc["id"]] = doc
    set_shop_setting(session, slug, SETTING_KEY, own)
    return doc


def copy_template(session: Session, slug: str, template_id: str,
                  new_id: str | None = None) -> Template:
    """Copy a built-in (or the shop's own) template into the shop for editing."""
    doc = get_template(session, slug, template_id)
    if new_id:
        doc["id"] = new_id
    return save_shop_template(session, slug, doc)


def delete_shop_template(session: Session, slug: str, template_id: str) -> None:
    own = shop_templates(session, slug)
    if template_id not in own:
        raise NotFoundError(_("the shop has no template {id!r}").format(id=template_id))
    del own[template_id]
    set_shop_setting(session, slug, SETTING_KEY, own)


def load_template_file(path: Path) -> Template:
    """Read and validate a template file; errors name the file and the JSON path."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(str(path), _("cannot read: {err}").format(err=exc)) from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(str(path), _("not valid JSON (line {line}, column {col}): {msg}")
                              .format(line=exc.lineno, col=exc.colno, msg=exc.msg)) from exc
    return validate_template(doc, str(path))
