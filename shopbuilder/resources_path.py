"""The one way to find a shipped resource (schemas, templates, icons, translations).

In a wheel the top-level `resources/` folder is the package `shopbuilder.resources`;
in a source checkout run without installing, it is the folder beside the package.
"""

from __future__ import annotations

import importlib.resources
import json
from functools import cache
from pathlib import Path
from typing import Any


@cache
def resource_root() -> Path:
    try:
        root = importlib.resources.files("shopbuilder.resources")
        path = Path(str(root))
        if path.is_dir():
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resource_root().joinpath(*parts)


@cache
def load_json_resource(*parts: str) -> Any:
    with resource_path(*parts).open(encoding="utf-8") as fh:
        return json.load(fh)
