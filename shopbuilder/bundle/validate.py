"""`validate_bundle`: any bundle (also a hand-edited one) against the schemas, the
manifest's checksums and its own asset references. Errors name the file and the
JSON pointer inside it (``catalog/products.json#/products/3/skus/0/price``)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from shopbuilder.bundle import format as fmt
from shopbuilder.bundle.archive import Bundle, BundleError, EntryDigest, open_bundle
from shopbuilder.bundle.schemas import pointer, schema_errors
from shopbuilder.core.findings import Finding, Severity, sort_findings
from shopbuilder.i18n import _

SHA_RE = re.compile(r"^[0-9a-f]{64}\Z")
REQUIRED = (fmt.APP, fmt.SHOP, fmt.CATEGORIES, fmt.PRODUCTS, *fmt.PROMOTION_FILES)


def asset_refs(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[str, str]]:
    """(JSON pointer, asset file name or bare SHA-256) for every asset a document names."""
    if isinstance(doc, str):
        if SHA_RE.match(doc) or doc.startswith(fmt.ASSETS_DIR):
            yield pointer(path), doc
    elif isinstance(doc, dict):
        for k, v in doc.items():
            yield from asset_refs(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from asset_refs(v, (*path, i))


def check_bundle(bundle: Bundle) -> list[Finding]:
    findings = list(bundle.findings)
    for name in REQUIRED:
        if name not in bundle.docs and not any(f.location == name for f in findings):
            findings.append(Finding("bundle.missing", Severity.ERROR, name, _(
                "a bundle must contain {name}").format(name=name)))
    for name, doc in sorted(bundle.docs.items()):
        if fmt.schema_name(name) is None:
            findings.append(Finding("bundle.unlisted", Severity.ERROR, name, _(
                "not a file of the bundle format")))
            continue
        findings.extend(schema_errors(name, doc))
    for i, entry in enumerate(bundle.manifest.get("files", [])):
        path = entry["path"]
        if path.startswith(fmt.ASSETS_DIR) and path[len(fmt.ASSETS_DIR):].split(".")[0] != \
                entry["sha256"]:
            findings.append(Finding("bundle.asset_name", Severity.ERROR,
                                    f"{fmt.MANIFEST}#/files/{i}", _(
                                        "{path} is not named by the SHA-256 of its content")
                                    .format(path=path)))
    shas = {n[len(fmt.ASSETS_DIR):].split(".")[0] for n in bundle.binaries
            if n.startswith(fmt.ASSETS_DIR)}
    for name, doc in sorted(bundle.docs.items()):
        for where, ref in asset_refs(doc):
            present = ref in bundle.binaries if ref.startswith(fmt.ASSETS_DIR) else ref in shas
            if not present:
                findings.append(Finding("bundle.asset_missing", Severity.ERROR, f"{name}#{where}",
                                        _("names {ref}, which is not in assets/").format(
                                            ref=ref[:80])))
    return sort_findings(findings)


def validate_bundle(path: Path | str,
                    known: Mapping[int, EntryDigest] | None = None) -> list[Finding]:
    """Every integrity problem of the bundle at `path`; empty when it is sound.
    `known`: entries hashed already (see `EntryDigest`), not read again."""
    try:
        bundle = open_bundle(path, known)
    except BundleError as exc:
        return sort_findings(exc.findings)
    return check_bundle(bundle)
