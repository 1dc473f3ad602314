"""Field tables for docs/bundle-format.md, generated from the JSON Schemas and the lint
registry so the schemas stay the source of truth.

    python -m shopbuilder.bundle.docgen            # rewrite the generated sections
    python -m shopbuilder.bundle.docgen --check    # exit 1 if the doc is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from shopbuilder.bundle import format as fmt
from shopbuilder.bundle.schemas import bundle_schema
from shopbuilder.core.components import component_schema, component_types

DOC = Path(__file__).resolve().parents[2] / "docs" / "bundle-format.md"
ORDER = [(fmt.MANIFEST, "manifest.json"), (fmt.APP, "app.json"), (fmt.SHOP, "shop.json"),
         ("pages/<key>.json", "page.json"), (fmt.CATEGORIES, "categories.json"),
         (fmt.PRODUCTS, "products.json"), (fmt.COUPONS, "coupons.json"),
         (fmt.GROUP_BUYS, "group_buys.json"), (fmt.BARGAINS, "bargains.json"),
         (fmt.FLASH_SALES, "flash_sales.json")]


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        merged = dict(root["$defs"][ref.split("/")[-1]])
        merged.update({k: v for k, v in node.items() if k != "$ref"})
        return _resolve(merged, root)
    return node


def _type(node: dict[str, Any], root: dict[str, Any]) -> str:
    node = _resolve(node, root)
    if "const" in node:
        return f"`{node['const']}`"
    if "enum" in node:
        return " \\| ".join(f"`{v}`" for v in node["enum"])
    if "anyOf" in node:
        return " or ".join(_type(n, root) for n in node["anyOf"])
    if "$ref" in node:
        return f"settings of [{Path(node['$ref']).stem}](#component-{Path(node['$ref']).stem})"
    kind = node.get("type", "any")
    text = " or ".join(kind) if isinstance(kind, list) else kind
    if text == "array" and "items" in node:
        text = f"array of {_type(node['items'], root)}"
    if text == "object" and isinstance(node.get("additionalProperties"), dict):
        text = f"object of {_type(node['additionalProperties'], root)}"
    return text


def _rules(node: dict[str, Any]) -> str:
    parts = []
    for key, label in (("minLength", "min length"), ("maxLength", "max length"),
                       ("minimum", "≥"), ("maximum", "≤"), ("minItems", "min items"),
                       ("maxItems", "max items"), ("pattern", "pattern"),
                       ("format", "format"), ("default", "default")):
        if key in node:
            value = f"`{node[key]}`" if key in ("pattern", "format", "default") else node[key]
            parts.append(f"{label} {value}")
    return ", ".join(parts)


def _rows(node: dict[str, Any], root: dict[str, Any], path: str,
          required: bool) -> list[tuple[str, str, str, str]]:
    node = _resolve(node, root)
    rows: list[tuple[str, str, str, str]] = []
    desc = node.get("description", "") or node.get("title", "")
    if "x-title-zh" in node:
        desc = f"{desc} ({node['x-title-zh']})" if desc else node["x-title-zh"]
    if path:
        rows.append((path, _type(node, root), "yes" if required else "",
                     "; ".join(p for p in (desc, _rules(node)) if p)))
    target = node
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        target = _resolve(node["items"], root)
        path = f"{path}[]"
    for name, child in target.get("properties", {}).items():
        sub = f"{path}.{name}" if path else name
        rows.extend(_rows(child, root, sub, name in target.get("required", [])))
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(rows: list[tuple[str, str, str, str]]) -> str:
    out = ["| field | type | required | meaning and constraints |", "|---|---|---|---|"]
    out += [f"| `{p}` | {t} | {r} | {_cell(d)} |" for p, t, r, d in rows]
    return "\n".join(out)


def schema_tables() -> str:
    parts = []
    for file, schema_file in ORDER:
        schema = bundle_schema(schema_file)
        parts.append(f"### `{file}` — {schema['title']}\n\n{schema.get('description', '')}\n\n"
                     f"Schema: `resources/schemas/bundle/{schema_file}`\n\n"
                     + _table(_rows(schema, schema, "", True)))
    parts.append("### Page components\n\nA component's `settings` follow its schema in "
                 "`resources/schemas/components/` (the page schema references them).")
    for kind in component_types():
        schema = component_schema(kind)
        title = schema.get("title", kind)
        parts.append(f'<a id="component-{kind}"></a>\n#### `{kind}` — {title} '
                     f"({schema.get('x-title-zh', '')})\n\n{schema.get('description', '')}\n\n"
                     + _table(_rows(schema, schema, "", True)))
    return "\n\n".join(parts)


def rules_table() -> str:
    from shopbuilder.bundle.lint import RULES

    out = ["| rule | severity | area | what it checks |", "|---|---|---|---|"]
    out += [f"| `{r.id}` | {r.severity} | {r.area} | {r.description} |" for r in RULES.values()]
    return "\n".join(out)


SECTIONS = {"schemas": schema_tables, "rules": rules_table}


def render(text: str) -> str:
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- BEGIN GENERATED: {name} -->\n).*?(<!-- END GENERATED -->)",
                             re.S)
        text = pattern.sub(lambda m, make=make: f"{m.group(1)}{make()}\n{m.group(2)}", text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="regenerate docs/bundle-format.md tables")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    current = DOC.read_text(encoding="utf-8")
    wanted = render(current)
    if args.check:
        return 0 if wanted == current else 1
    DOC.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
