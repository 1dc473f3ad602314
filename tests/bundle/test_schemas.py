"""The schemas: valid 2020-12, page schema reuses the component schemas, docs in sync,
and a golden bundle for the tiny fixture shop."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from shopbuilder.bundle import docgen
from shopbuilder.bundle import format as fmt
from shopbuilder.bundle.export import ExportResult
from shopbuilder.bundle.schemas import bundle_schema, bundle_schema_names, schema_errors
from shopbuilder.bundle.validate import SHA_RE
from shopbuilder.core.components import component_types
from shopbuilder.core.storage import Workspace
from tests.bundle.conftest import zip_docs

GOLDEN = Path(__file__).parent / "golden" / "tiny.json"


def test_every_schema_is_a_valid_2020_12_schema() -> None:
    names = bundle_schema_names()
    assert {fmt.schema_name(n) or "page.json" for n in fmt.SCHEMA_FOR} == set(names)
    for name in names:
        schema = bundle_schema(name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(schema)


def test_page_schema_covers_every_component_by_reference() -> None:
    component = bundle_schema("page.json")["$defs"]["component"]
    assert component["properties"]["type"]["enum"] == list(component_types())
    refs = [c["then"]["properties"]["settings"]["$ref"] for c in component["allOf"]]
    assert refs == [f"../components/{t}.json" for t in component_types()]


def test_component_settings_are_checked_through_the_reference() -> None:
    page = {"key": "home", "title": "首页", "kind": "home", "path": "pages/index/index",
            "sort_order": 0, "share_title": "", "components": [
                {"id": "g", "type": "product_grid", "settings": {"source": "x", "columns": 9}}]}
    found = {(f.location, f.rule) for f in schema_errors("pages/home.json", page)}
    assert found == {("pages/home.json#/components/0/settings/source", "bundle.schema"),
                     ("pages/home.json#/components/0/settings/columns", "bundle.schema")}


def test_docs_field_tables_are_generated_from_the_schemas() -> None:
    text = docgen.DOC.read_text(encoding="utf-8")
    assert docgen.render(text) == text, "run: python -m shopbuilder.bundle.docgen"
    assert "`products[].skus[].price`" in text and "`wechat.inducement`" in text


def _normalise(docs: dict[str, bytes]) -> dict[str, Any]:
    """JSON documents with picture hashes replaced by their order of appearance (the
    bytes depend on the Pillow/libjpeg build; their structure must not)."""
    names: dict[str, str] = {}

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            sha = value.removeprefix("assets/").split(".")[0]
            if SHA_RE.match(sha):
                names.setdefault(sha, f"<asset {len(names) + 1}>")
                return value.replace(sha, names[sha])
            return value
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    out = {n: walk(json.loads(d)) for n, d in sorted(docs.items())
           if n.endswith(".json") and n != fmt.MANIFEST}
    manifest = json.loads(docs[fmt.MANIFEST])
    out["manifest.json (paths)"] = sorted(walk(f["path"]) for f in manifest["files"])
    return out


def test_golden_bundle_of_the_tiny_shop(tiny_workspace: Workspace,
                                        export: Callable[..., ExportResult]) -> None:
    got = _normalise(zip_docs(export(tiny_workspace).path))
    if os.environ.get("SHOPBUILDER_REGEN_GOLDEN") or not GOLDEN.exists():
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                          encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))
