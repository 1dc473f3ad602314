"""What the receiver checks in a completed bundle before it becomes a version.

The bundle package's validator does the real work (safe reading, format version,
schemas, manifest checksums, asset references); here we add what only publishing
knows: the bundle must be for the shop it is uploaded to.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shopbuilder.core.findings import Finding, Severity, has_errors

if TYPE_CHECKING:
    from shopbuilder.bundle.archive import EntryDigest

MANIFEST = "manifest.json"


def read_manifest(path: Path) -> dict[str, Any]:
    """The bundle's manifest; raises ValueError when there is none to read."""
    try:
        with zipfile.ZipFile(path) as archive:
            data = json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, KeyError, OSError, json.JSONDecodeError,
            UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    if not isinstance(data, dict):
        raise ValueError("manifest.json is not an object")
    return data


def check_bundle(path: Path, slug: str,
                 known: Mapping[int, EntryDigest] | None = None) -> list[Finding]:
    """Every finding about the bundle at `path` for shop `slug`; errors block it.
    `known`: entries the receiver hashed while they arrived (not read again)."""
    from shopbuilder.bundle.validate import validate_bundle

    findings = list(validate_bundle(path, known))
    if has_errors(findings):
        return findings
    found = read_manifest(path).get("shop")
    if found != slug:
        findings.append(Finding("publish.wrong_shop", Severity.ERROR, f"{MANIFEST}#/shop",
                                f"this bundle is for shop {found!r}, not {slug!r}"))
    return findings


def warm_up() -> None:
    """Import the validator and build its schema validators now (~0.2 s), so the first
    upload a receiver completes does not wait for it."""
    from shopbuilder.bundle import schemas
    from shopbuilder.bundle import validate as _validate  # noqa: F401

    for name in schemas.bundle_schema_names():
        list(schemas.validator(name).iter_errors({}))
