"""The config bundle: format, export, lint, validate, import, diff.

The API other packages (GUI export screen, publish client) call::

    lint_shop(session, slug) -> list[Finding]
    export_bundle(workspace, slug, out_path, *, force=False, with_posters=False,
                  progress=None, cancel=None) -> ExportResult
    validate_bundle(path) -> list[Finding]
    import_bundle(workspace, path, as_slug=None) -> ImportResult
    diff_bundles(a, b) -> BundleDiff          # .as_json(), .text()

Names are loaded on first use so `import shopbuilder.bundle` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_API = {
    "lint_shop": "shopbuilder.bundle.lint",
    "lint_docs": "shopbuilder.bundle.lint",
    "RULES": "shopbuilder.bundle.lint",
    "export_bundle": "shopbuilder.bundle.export",
    "ExportResult": "shopbuilder.bundle.export",
    "SizeReport": "shopbuilder.bundle.export",
    "validate_bundle": "shopbuilder.bundle.validate",
    "import_bundle": "shopbuilder.bundle.importer",
    "ImportResult": "shopbuilder.bundle.importer",
    "diff_bundles": "shopbuilder.bundle.diff",
    "BundleDiff": "shopbuilder.bundle.diff",
    "BundleError": "shopbuilder.bundle.archive",
    "ExportCancelled": "shopbuilder.bundle.images",
}
__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'shopbuilder.bundle' has no attribute {name!r}")
