"""The one way to find a shipped resource (schemas, templates, icons, translations).

In a wheel the top-level `resources/` folder is the package `shopbuilder.resources`;
in a source checkout run without installing, it is the folder beside the package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any


@cache
def resource_root() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "resources", here.parent / "resources"):  # wheel, checkout
        if (candidate / "locale").is_dir():
            return candidate
    import importlib.resources  # an unusual install layout: ask the import system

    return Path(str(importlib.resources.files("shopbuilder.resources")))


def resource_path(*parts: str) -> Path:
    return resource_root().joinpath(*parts)


@cache
def load_json_resource(*parts: str) -> Any:
    import json

    with resource_path(*parts).open(encoding="utf-8") as fh:
        return json.load(fh)
