"""Page components, declared once as JSON Schemas in resources/schemas/components/.

The same schema validates a page here, builds the editor form in the GUI, validates
the exported bundle and documents the format.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from shopbuilder.core.errors import Collector
from shopbuilder.i18n import _
from shopbuilder.resources_path import load_json_resource, resource_path


@cache
def component_types() -> tuple[str, ...]:
    folder = resource_path("schemas", "components")
    return tuple(sorted(p.stem for p in folder.glob("*.json")))


def component_schema(kind: str) -> dict[str, Any]:
    return load_json_resource("schemas", "components", f"{kind}.json")


@cache
def _validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(component_schema(kind))


def json_path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def validate_component(c: Collector, path: str, component: Any) -> None:
    if not isinstance(component, dict):
        c.add(path, _("a component is an object with id, type and settings"))
        return
    kind = component.get("type")
    if kind not in component_types():
        c.add(f"{path}.type", _("unknown component type {kind!r}; known: {known}").format(
            kind=kind, known=", ".join(component_types())))
        return
    if not isinstance(component.get("id"), str) or not component["id"]:
        c.add(f"{path}.id", _("a component needs an id"))
    settings = component.get("settings", {})
    for error in sorted(_validator(kind).iter_errors(settings), key=lambda e: list(e.path)):
        where = f"{path}.settings{json_path(error.absolute_path)}"
        if error.validator == "required":  # name the missing field in the path
            missing = [k for k in error.validator_value
                       if isinstance(error.instance, dict) and k not in error.instance]
            if missing:
                c.add(f"{where}.{missing[0]}", _("required"))
                continue
        c.add(where, schema_message(error))


def schema_message(error: Any) -> str:
    """jsonschema's English message, said in the user's language for the rules the
    component schemas use (the GUI shows it beside the field)."""
    rule, value = error.validator, error.validator_value
    if rule == "minLength":
        return _("must not be empty") if value == 1 else _(
            "at least {n} characters").format(n=value)
    if rule == "maxLength":
        return _("at most {n} characters").format(n=value)
    if rule == "minimum":
        return _("must be at least {n}").format(n=value)
    if rule == "maximum":
        return _("must be at most {n}").format(n=value)
    if rule == "minItems":
        return _("needs at least {n} entries").format(n=value)
    if rule == "maxItems":
        return _("at most {n} entries").format(n=value)
    if rule == "enum":
        return _("must be one of {choices}").format(choices=", ".join(map(str, value)))
    if rule == "pattern":
        return _("{value!r} is not in the expected form").format(value=error.instance)
    if rule == "type":
        return _("must be of type {type}").format(type=value)
    return str(error.message)


def default_settings(kind: str) -> dict[str, Any]:
    schema = component_schema(kind)
    return {k: p["default"] for k, p in schema.get("properties", {}).items() if "default" in p}
