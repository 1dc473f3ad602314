"""The bundle's JSON Schemas (2020-12) and checking documents against them.

Page schemas reference the component schemas in resources/schemas/components/, so
one schema per component drives the editor, page validation, the bundle and its docs.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from shopbuilder.bundle import format as fmt
from shopbuilder.core.findings import Finding, Severity
from shopbuilder.resources_path import load_json_resource, resource_path

SCHEMA_RULE = "bundle.schema"


def bundle_schema(name: str) -> dict[str, Any]:
    return load_json_resource("schemas", "bundle", name)


def bundle_schema_names() -> list[str]:
    return sorted(p.name for p in resource_path("schemas", "bundle").glob("*.json"))


@cache
def registry() -> Registry:
    resources = []
    for folder in ("bundle", "components"):
        for path in sorted(resource_path("schemas", folder).glob("*.json")):
            schema = load_json_resource("schemas", folder, path.name)
            resources.append((schema["$id"], Resource.from_contents(
                schema, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def validator(schema_file: str) -> Draft202012Validator:
    return Draft202012Validator(bundle_schema(schema_file), registry=registry())


def pointer(parts: Any) -> str:
    """A JSON pointer (RFC 6901) for an error path."""
    out = ""
    for part in parts:
        out += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return out


def schema_errors(name: str, doc: Any) -> Iterator[Finding]:
    """Schema violations of the bundle file `name`; location is ``file#/json/pointer``."""
    schema_file = fmt.schema_name(name)
    if schema_file is None:
        return
    errors = sorted(validator(schema_file).iter_errors(doc),
                    key=lambda e: (list(map(str, e.absolute_path)), e.message))
    for error in errors:
        # the deepest failure of a oneOf/allOf/if-then is the useful one
        best = error
        while best.context:
            best = min(best.context, key=lambda e: len(list(e.absolute_path)) * -1)
        yield Finding(SCHEMA_RULE, Severity.ERROR, f"{name}#{pointer(best.absolute_path)}",
                      best.message)
